"""The digest's HTML: one message whatever the workspace holds, user-typed names escaped."""

from __future__ import annotations

from datetime import date

from bot.i18n import Translator, translator
from bot.render.digest import (
    MAX_NUDGES,
    digest_keyboard,
    digest_text,
    experiment_line,
    nudge_line,
)
from bot.replies import CHUNK_LIMIT, esc
from emulator.html import parse_html
from experiments.digests import Digest, ExperimentLine
from experiments.nudges import DecideWhy, Nudge, NudgeKind
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


def test_a_line_says_of_its_variants_what_the_plain_templates_say() -> None:
    names = ["A", "Variant B", "<b>x</b> & y", "{control}", "{chance}", "{0} }{", "€ 10%"]
    for language in ("en", "ru"):
        t = translator(language)
        for leader in names:
            for control in names:
                made = ExperimentLine(1, "E", control, 10, leader, leader, 0.4961, KEEP_RUNNING, 1)
                leads = t.gettext("{leader} leads").format(leader=esc(leader))
                chance = t.gettext("{chance} chance {variant} beats {control}").format(
                    chance=t.percent(0.4961, 0), variant=esc(leader), control=esc(control)
                )
                assert f"— {leads} · {chance} · <i>" in experiment_line(t, made)


def test_a_nudge_about_an_experiment_says_what_its_plain_template_says() -> None:
    def plain(t: Translator, nudge: Nudge) -> str:
        title = f"<b>#{nudge.number} {esc(nudge.name or '')}</b>"
        _ = t.gettext
        if nudge.kind is NudgeKind.SHIP:
            return "🏆 " + _(
                "Conclude {title} with {variant}? Its readout says ship {variant}."
            ).format(title=title, variant=f"<b>{esc(nudge.variant or '')}</b>")
        if nudge.kind is NudgeKind.DECIDE and nudge.review_date is not None:
            return "⏰ " + _("{title} reached its review date ({date}): decide now.").format(
                title=title, date=t.date(nudge.review_date)
            )
        if nudge.kind is NudgeKind.DECIDE:
            return "⏰ " + _("{title} reached its planned sample size: decide now.").format(
                title=title
            )
        if nudge.kind is NudgeKind.SAMPLE_RATIO:
            return "⚠️ " + _(
                "{title}: the visitors are not split as planned. "
                "Check your data before trusting it."
            ).format(title=title)
        if nudge.kind is NudgeKind.STALE:
            return "💤 " + t.ngettext(
                "{title} got no new data for {days} day. Log the latest results?",
                "{title} got no new data for {days} days. Log the latest results?",
                nudge.days or 0,
            ).format(title=title, days=t.number(nudge.days or 0))
        return "💡 " + _("{title} is concluded: what did you learn?").format(title=title)

    names = ["Pricing", "<b>x</b> & y", "{title}", "{variant} {days}", "{0} }{"]
    for language in ("en", "ru"):
        t = translator(language)
        for name in names:
            for nudge in (
                Nudge(NudgeKind.SHIP, 2, name, variant=name),
                Nudge(NudgeKind.SHIP, 2, name, variant="B"),
                Nudge(NudgeKind.DECIDE, 3, name, why=DecideWhy.PLANNED_SIZE),
                Nudge(
                    NudgeKind.DECIDE,
                    3,
                    name,
                    why=DecideWhy.REVIEW_DATE,
                    review_date=date(2026, 3, 1),
                ),
                Nudge(NudgeKind.SAMPLE_RATIO, 4, name),
                *(Nudge(NudgeKind.STALE, 5, name, days=days) for days in (1, 2, 5, 21, 1000)),
                Nudge(NudgeKind.LEARN, 6, name),
            ):
                assert nudge_line(t, nudge) == plain(t, nudge), (language, nudge)


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
    assert text.count("💤") == MAX_NUDGES and "…and 12 more to do." in text
    keyboard = digest_keyboard(translator("en"), digest(lines, nudges))
    assert keyboard is not None and len(keyboard.inline_keyboard) == MAX_NUDGES
    parse_html(text)


def test_russian_counts_are_pluralised_and_grouped() -> None:
    t = translator("ru")
    many = tuple(line(n, "Эксперимент") for n in range(1, 6))
    nudges = (
        Nudge(NudgeKind.STALE, 1, "Тихий", days=1),
        Nudge(NudgeKind.STALE, 2, "Тихий", days=2),
        Nudge(NudgeKind.STALE, 3, "Тихий", days=5),
        Nudge(NudgeKind.LAUNCH, running=1, target=3),
    )
    text = digest_text(t, digest(many, nudges))
    assert "5 экспериментов в работе" in text
    assert "осталось примерно 4 дня" in text  # ceil(3.2) days left
    assert "1 день" in text and "2 дня" in text and "5 дней" in text
    ship = Nudge(NudgeKind.SHIP, 2, "Карта", variant="Card", variant_index=1)
    text = digest_text(t, digest(many[:1], (ship,)))
    assert (
        "🏆 Завершить <b>#2 Карта</b>: победил вариант «<b>Card</b>»? "
        "Отчёт говорит: внедряйте «<b>Card</b>»."
    ) in text
    [[conclude, keep]] = digest_keyboard(t, digest(many[:1], (ship,))).inline_keyboard
    assert (conclude.text, conclude.callback_data) == (
        "🏁 Завершить #2: победил «Card»",
        "dg:ship:2:1",
    )
    assert keep.callback_data == "dg:keep:2"


def test_digests_with_the_same_buttons_share_a_keyboard_and_others_do_not() -> None:
    english, russian = translator("en"), translator("ru")
    stale = Nudge(NudgeKind.STALE, 1, "Quiet one", days=4)
    ship = Nudge(NudgeKind.SHIP, 2, "Card test", variant="Card", variant_index=1)
    first = digest_keyboard(english, digest((), (stale, ship)))
    # Another workspace's nudges with other names and days have the same buttons.
    other = (
        Nudge(NudgeKind.STALE, 1, "Another", days=9),
        Nudge(NudgeKind.SHIP, 2, "Other test", variant="Card", variant_index=1),
    )
    assert digest_keyboard(english, digest((), other)) is first
    assert first is not None
    assert [[b.text for b in row] for row in first.inline_keyboard] == [
        ["➕ Log #1"],
        ["🏁 Conclude #2 with Card", "⏳ Keep #2 running"],
    ]
    in_russian = digest_keyboard(russian, digest((), (stale, ship)))
    assert in_russian is not None and in_russian.inline_keyboard[0][0].text != "➕ Log #1"
    # Another variant to ship, or the same at another place, is another button.
    cart = Nudge(NudgeKind.SHIP, 2, "Card test", variant="Cart", variant_index=1)
    keyboard = digest_keyboard(english, digest((), (stale, cart)))
    assert keyboard is not None
    assert keyboard.inline_keyboard[1][0].text == "🏁 Conclude #2 with Cart"
    third = Nudge(NudgeKind.SHIP, 2, "Card test", variant="Card", variant_index=2)
    keyboard = digest_keyboard(english, digest((), (stale, third)))
    assert keyboard is not None
    assert keyboard.inline_keyboard[1][0].callback_data != first.inline_keyboard[1][0].callback_data
