"""The digest as one HTML message: a line per running experiment, then the nudges and buttons."""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import buttons
from bot.i18n import Translator, translator
from bot.keyboards import button, markup
from bot.render import labels
from bot.render.funnel import funnel_digest_line
from bot.render.learnings import countermeasure_buttons, countermeasure_follow_up
from bot.render.wording import verdict_label
from bot.replies import CHUNK_LIMIT, esc
from experiments.digests import Digest, ExperimentLine
from experiments.domain import Outcome, Stage
from experiments.nudges import DecideWhy, DraftFacts, Nudge, NudgeKind
from experiments.stats.verdict import Verdict, VerdictKind, VerdictReason

# A digest is one message, so it is delivered (or not) as a whole; these keep it well inside.
MAX_NUDGES = 8


def digest_text(t: Translator, digest: Digest, limit: int = CHUNK_LIMIT) -> str:
    """The digest, cut to fit one message: experiments beyond the room left are counted."""
    _ = t.gettext
    running = len(digest.lines)
    head = "☀️ <b>" + _("Your digest") + "</b> · " + t.date(digest.local_date)
    if running:
        head += " · " + t.ngettext(
            "{count} experiment running", "{count} experiments running", running
        ).format(count=t.number(running))
    shown_nudges = digest.nudges[:MAX_NUDGES]
    tail: list[str] = []
    if shown_nudges:
        tail += ["", "<b>" + _("To do") + "</b>"]
        tail += [nudge_line(t, nudge) for nudge in shown_nudges]
        hidden = len(digest.nudges) - len(shown_nudges)
        if hidden:
            tail.append(
                t.ngettext("…and {count} more to do.", "…and {count} more to do.", hidden).format(
                    count=t.number(hidden)
                )
            )
    if digest.funnel_news is not None:
        tail += ["", funnel_digest_line(t, digest.funnel_news)]
    if digest.overdue_countermeasures:
        tail += ["", *countermeasure_follow_up(t, digest.overdue_countermeasures)]
    if digest.timezone_hint:
        tail += [
            "",
            "🌍 "
            + _(
                "Digests come at {time} ({zone}). Not your timezone? Change it in /settings."
            ).format(time=digest.digest_time, zone=esc(digest.timezone)),
        ]
    lines = [experiment_line(t, line) for line in digest.lines]
    body = [head, "", *lines] if lines else [head]
    text = "\n".join(body + tail)
    while len(text) > limit and lines:
        lines.pop()
        left_out = len(digest.lines) - len(lines)
        more = "…" + t.ngettext(
            "and {count} more running: /list", "and {count} more running: /list", left_out
        ).format(count=t.number(left_out))
        text = "\n".join([head, "", *lines, more, *tail])
    return text


def experiment_line(t: Translator, line: ExperimentLine) -> str:
    _ = t.gettext
    title = f"<b>#{line.number} {esc(line.name)}</b>"
    parts: list[str] = []
    if not line.visitors:
        parts.append(_("no data yet"))
    elif line.leader is not None:
        parts.append(_leader_words(t.language, line.leader))
    if line.challenger is not None and line.prob_beat_control is not None:
        before, after = _chance_words(t.language, line.challenger, line.control)
        parts.append(before + t.percent(line.prob_beat_control, 0) + after)
    verdict = line.verdict
    parts.append(_verdict_words(t.language, verdict.kind, verdict.variant, verdict.reason))
    if line.days_left is not None:
        parts.append(_days_left_words(t.language, max(math.ceil(line.days_left), 0)))
    return f"▶️ {title} — " + " · ".join(parts)


# A tick's lines name the same few variants: what they say of them is made once each.
@lru_cache(maxsize=4096)
def _leader_words(language: str, leader: str) -> str:
    return translator(language).gettext("{leader} leads").format(leader=esc(leader))


@lru_cache(maxsize=4096)
def _chance_words(language: str, variant: str, control: str) -> tuple[str, str]:
    """The words before and after the chance that ``variant`` beats ``control``: the chance
    differs from line to line, the rest does not."""
    template = translator(language).gettext("{chance} chance {variant} beats {control}")
    return _around(template, "chance", {"variant": esc(variant), "control": esc(control)})


def _around(template: str, field: str, values: dict[str, str]) -> tuple[str, str]:
    """The template's words before and after ``{field}``, its other fields filled in."""
    before, _, after = template.partition("{" + field + "}")
    return before.format_map(values), after.format_map(values)


# Every line of a tick says one of a few verdicts and a few numbers of days: said once each.
@lru_cache(maxsize=4096)
def _verdict_words(
    language: str, kind: VerdictKind, variant: str | None, reason: VerdictReason
) -> str:
    label = verdict_label(Verdict(kind, variant, reason), translator(language).gettext)
    return "<i>" + esc(label) + "</i>"


@lru_cache(maxsize=4096)
def _days_left_words(language: str, days: int) -> str:
    """About ``days`` days left at the pace so far (the days rounded up); none: reached."""
    t = translator(language)
    if days <= 0:
        return t.gettext("planned sample reached")
    return t.ngettext("about {days} day left", "about {days} days left", days).format(
        days=t.number(days)
    )


def nudge_line(t: Translator, nudge: Nudge) -> str:
    _ = t.gettext
    if nudge.kind is not NudgeKind.LAUNCH and nudge.kind is not NudgeKind.UNCOVERED:
        before, after = _around_title(
            t.language, nudge.kind, nudge.why, nudge.review_date, nudge.days, nudge.variant
        )
        return before + f"<b>#{nudge.number} {esc(nudge.name or '')}</b>" + after
    if nudge.kind is NudgeKind.LAUNCH:
        running = nudge.running or 0
        count = t.ngettext(
            "{count} experiment is running and you aim for {target}.",
            "{count} experiments are running and you aim for {target}.",
            running,
        ).format(count=t.number(running), target=t.number(nudge.target or 0))
        if nudge.draft is not None:
            return "🚀 " + count + " " + _suggest_draft(t, nudge.draft)
        if nudge.stage is not None:
            advice = _("Launch another: here are ideas for {stage}, your funnel's constraint.")
            return "🚀 " + count + " " + advice.format(stage=labels.stage(t, nudge.stage))
        return (
            "🚀 " + count + " " + _("Launch another; /funnel finds the stage where it helps most.")
        )
    assert nudge.kind is NudgeKind.UNCOVERED and nudge.stage is not None
    return "🎯 " + _(
        "No experiment runs at {stage}, your funnel's constraint. Point the next one there."
    ).format(stage=labels.stage(t, nudge.stage))


# A nudge about one experiment says the same words around its title as every other of its
# kind and details (the variant to ship, the review date, the days without data): made once.
@lru_cache(maxsize=4096)
def _around_title(
    language: str,
    kind: NudgeKind,
    why: DecideWhy | None,
    review_date: date | None,
    days: int | None,
    variant: str | None,
) -> tuple[str, str]:
    t = translator(language)
    _ = t.gettext
    values: dict[str, str] = {}
    if kind is NudgeKind.SHIP:
        icon = "🏆 "
        text = _("Conclude {title} with {variant}? Its readout says ship {variant}.")
        values["variant"] = f"<b>{esc(variant or '')}</b>"
    elif kind is NudgeKind.DECIDE:
        icon = "⏰ "
        if why is DecideWhy.REVIEW_DATE and review_date is not None:
            text = _("{title} reached its review date ({date}): decide now.")
            values["date"] = t.date(review_date)
        else:
            text = _("{title} reached its planned sample size: decide now.")
    elif kind is NudgeKind.SAMPLE_RATIO:
        icon = "⚠️ "
        text = _(
            "{title}: the visitors are not split as planned. Check your data before trusting it."
        )
    elif kind is NudgeKind.STALE:
        icon = "💤 "
        text = t.ngettext(
            "{title} got no new data for {days} day. Log the latest results?",
            "{title} got no new data for {days} days. Log the latest results?",
            days or 0,
        )
        values["days"] = t.number(days or 0)
    else:
        assert kind is NudgeKind.LEARN
        icon = "💡 "
        text = _("{title} is concluded: what did you learn?")
    before, after = _around(text, "title", values)
    return icon + before, after


def _suggest_draft(t: Translator, draft: DraftFacts) -> str:
    """“Start #4 Loyalty card (ICE 336, at Repeat, your constraint)?”"""
    _ = t.gettext
    about = []
    if draft.ice_score is not None:
        about.append(_("ICE {score}").format(score=t.number(draft.ice_score)))
    if draft.stage is not None:
        stage = labels.stage(t, draft.stage)
        about.append(
            _("at {stage}, your constraint").format(stage=stage)
            if draft.at_constraint
            else _("at {stage}").format(stage=stage)
        )
    name = f"#{draft.number} {esc(draft.name)}"
    if about:
        return _("Start {name} ({about}) from your backlog?").format(
            name=name, about=", ".join(about)
        )
    return _("Start {name} from your backlog?").format(name=name)


def nudge_buttons(t: Translator, nudge: Nudge) -> list[InlineKeyboardButton]:
    """The buttons that act on one nudge."""
    return list(_nudge_buttons(t.language, *_buttons_key(nudge)))


_ButtonsKey = tuple[NudgeKind, int | None, str | None, int | None, int | None, Stage | None]


def _buttons_key(nudge: Nudge) -> _ButtonsKey:
    """What of a nudge its buttons say: its kind, experiment, variant, draft and stage."""
    draft = nudge.draft.number if nudge.draft is not None else None
    return nudge.kind, nudge.number, nudge.variant, nudge.variant_index, draft, nudge.stage


# Buttons and keyboards are frozen once built, so the digests of a tick share them: nudges
# about the same experiment number (every workspace has a #1) have the same buttons.
@lru_cache(maxsize=8192)
def _nudge_buttons(
    language: str,
    kind: NudgeKind,
    number: int | None,
    variant: str | None,
    variant_index: int | None,
    draft: int | None,
    stage: Stage | None,
) -> tuple[InlineKeyboardButton, ...]:
    t = translator(language)
    _ = t.gettext
    if number is not None:
        about_one = _experiment_buttons(t, kind, number, variant, variant_index)
        if about_one:
            return tuple(about_one)
    if kind is NudgeKind.LAUNCH and draft is not None:
        return (
            button("▶️ " + _("Start #{number}").format(number=draft), buttons.BacklogStart(draft)),
            button("📥 " + _("Backlog"), buttons.BacklogList()),
        )
    if stage is not None:
        return (
            button(
                "💡 " + _("Ideas for {stage}").format(stage=labels.stage(t, stage)),
                buttons.IdeasStage(stage),
            ),
        )
    return (button("🧪 " + _("New experiment"), buttons.NewStart()),)


def digest_keyboard(t: Translator, digest: Digest) -> InlineKeyboardMarkup | None:
    keys = tuple(_buttons_key(nudge) for nudge in digest.nudges[:MAX_NUDGES])
    if digest.overdue_countermeasures:
        rows = [list(_nudge_buttons(t.language, *key)) for key in keys]
        rows += countermeasure_buttons(t, digest.overdue_countermeasures)
        return markup(rows)
    return _nudges_keyboard(t.language, keys) if keys else None


@lru_cache(maxsize=4096)
def _nudges_keyboard(language: str, keys: tuple[_ButtonsKey, ...]) -> InlineKeyboardMarkup:
    return markup([_nudge_buttons(language, *key) for key in keys])


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _experiment_buttons(
    t: Translator,
    kind: NudgeKind,
    number: int,
    variant: str | None,
    variant_index: int | None,
) -> list[InlineKeyboardButton]:
    """The buttons of a nudge about experiment #number (none for the other kinds)."""
    _ = t.gettext
    keep = button(
        "⏳ " + _("Keep #{number} running").format(number=number), buttons.KeepRunning(number)
    )
    if kind is NudgeKind.SHIP:
        if variant_index is None:
            return [keep]
        ship = button(
            "🏁 "
            + _("Conclude #{number} with {variant}").format(
                number=number, variant=_short(variant or "")
            ),
            buttons.Ship(number, variant_index),
        )
        return [ship, keep]
    if kind is NudgeKind.DECIDE:
        # Ship concludes it as won, stop as inconclusive (the conclude handler's callbacks).
        return [
            button(
                "🏆 " + _("Ship #{number}").format(number=number),
                buttons.ConcludeAs(number, Outcome.WON),
            ),
            button(
                "🛑 " + _("Stop #{number}").format(number=number),
                buttons.ConcludeAs(number, Outcome.INCONCLUSIVE),
            ),
            keep,
        ]
    if kind is NudgeKind.SAMPLE_RATIO:
        return [
            button("📊 " + _("Readout #{number}").format(number=number), buttons.Readout(number))
        ]
    if kind is NudgeKind.STALE:
        return [
            button("➕ " + _("Log #{number}").format(number=number), buttons.LogResults(number))
        ]
    if kind is NudgeKind.LEARN:
        return [
            button(
                "💡 " + _("What we learned from #{number}").format(number=number),
                buttons.LearnStart(number),
            )
        ]
    return []
