"""The digest's HTML: one message whatever the workspace holds, user-typed names escaped."""

from __future__ import annotations

from datetime import date

from bot.emulator.html import parse_html
from bot.i18n import translator
from bot.render.digest import MAX_NUDGES, digest_keyboard, digest_text
from bot.replies import CHUNK_LIMIT
from experiments.digests import Digest, ExperimentLine
from experiments.nudges import Nudge, NudgeKind
from experiments.stats.verdict import Verdict, VerdictKind, VerdictReason

KEEP_RUNNING = Verdict(VerdictKind.KEEP_RUNNING, None, VerdictReason.NOT_CLEAR_YET, control="A")


def line(number: int, name: str) -> ExperimentLine:
    return ExperimentLine(
        number=number,
        name=name,
        control="A",
        visitors=2000,
        leader="B",
        challenger="B",
        prob_beat_control=0.8731,
        verdict=KEEP_RUNNING,
        days_left=3.2,
    )


def digest(lines: tuple[ExperimentLine, ...], nudges: tuple[Nudge, ...] = ()) -> Digest:
    return Digest(
        chat_id=1,
        language="en",
        timezone="Europe/Berlin",
        digest_time="09:00",
        local_date=date(2026, 3, 2),
        lines=lines,
        nudges=nudges,
        timezone_hint=True,
    )


def test_a_line_says_leader_chance_verdict_and_days_left() -> None:
    text = digest_text(translator("en"), digest((line(3, "Pricing"),)))
    assert (
        "▶️ <b>#3 Pricing</b> — B leads · 87% chance B beats A · <i>keep running</i> · "
        "about 4 days left"
    ) in text
    assert "Mar 2, 2026 · 1 experiment running" in text
    assert "Digests come at 09:00 (Europe/Berlin)." in text


def test_names_typed_with_html_are_escaped() -> None:
    text = digest_text(
        translator("en"),
        digest((line(1, "<b>Bold</b> & co"),), (Nudge(NudgeKind.LEARN, 1, "<i>x</i>"),)),
    )
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in text
    assert "&lt;i&gt;x&lt;/i&gt;" in text
    parse_html(text)  # well-formed, as Telegram requires


def test_a_workspace_with_many_experiments_still_gets_one_message() -> None:
    lines = tuple(
        line(n, "A rather long experiment name, to fill the message " * 2) for n in range(1, 61)
    )
    nudges = tuple(Nudge(NudgeKind.STALE, n, "Stale one", days=4) for n in range(1, 21))
    text = digest_text(translator("en"), digest(lines, nudges))
    assert len(text) <= CHUNK_LIMIT
    assert "60 experiments running" in text
    shown = text.count("▶️")
    assert 0 < shown < 60
    assert f"…and {60 - shown} more running: /list" in text
    assert text.count("💤") == MAX_NUDGES and "…and 12 more." in text
    keyboard = digest_keyboard(translator("en"), digest(lines, nudges))
    assert keyboard is not None and len(keyboard.inline_keyboard) == MAX_NUDGES
    parse_html(text)
