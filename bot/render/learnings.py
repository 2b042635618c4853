"""Text of the five whys: a learning, the list of them, the questions, a countermeasure, learnings
by stage, follow-ups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton

from bot import buttons
from bot.i18n import Translator
from bot.keyboards import button
from bot.render import labels
from bot.render.experiments import title
from bot.replies import esc
from experiments.domain import ExperimentView, Stage
from experiments.learnings import LearningView

MAX_FOLLOW_UPS = 5
BUTTON_TEXT_CHARS = 32


def short(text: str, limit: int = BUTTON_TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def first_learning_note(t: Translator) -> str:
    return t.gettext(
        "Five whys turn one result into a cause you can fix: say what happened, then ask "
        "“why?” until the answer is something you can change. The last answer is the root "
        "cause, and a countermeasure with an owner and a date makes sure it gets fixed."
    )


def good_why_example(t: Translator) -> str:
    return t.gettext(
        "A good why names a cause you could check, e.g. “Because the price was only shown "
        "at the till”, not “Because people are picky”."
    )


def root_cause_question(t: Translator, last_why: str) -> str:
    _ = t.gettext
    return "\n".join(
        [
            "🎯 " + _("What is the root cause?"),
            _("Your last answer was: {why}").format(why="<i>" + esc(last_why) + "</i>"),
            _("Tap the button to use it, or write the root cause in other words."),
        ]
    )


def countermeasure_question(t: Translator) -> str:
    return "🛠 " + t.gettext(
        "What will you do about it? Write the countermeasure in one sentence, e.g. "
        "“Write the price on the board by the door”."
    )


def owner_question(t: Translator) -> str:
    return "👤 " + t.gettext("Who will do it? Tap the button or write a name.")


def due_question(t: Translator) -> str:
    return "📅 " + t.gettext(
        "By when? Pick one or write a date like <code>2026-05-01</code> or <code>01.05.2026</code>."
    )


def countermeasure_line(t: Translator, learning: LearningView, today: date | None = None) -> str:
    """“Write the price on the board — Anna, by Mar 9, 2026 · ✅ done”."""
    _ = t.gettext
    assert learning.countermeasure is not None
    text = esc(learning.countermeasure)
    who = []
    if learning.countermeasure_owner:
        who.append(esc(learning.countermeasure_owner))
    if learning.countermeasure_due is not None:
        who.append(_("by {date}").format(date=t.date(learning.countermeasure_due)))
    if who:
        text += " — " + ", ".join(who)
    if learning.countermeasure_done_at is not None:
        text += " · ✅ " + _("done")
    elif today is not None and learning.countermeasure_overdue(today):
        text += " · ⏰ " + _("overdue")
    return _("Countermeasure: {countermeasure}").format(countermeasure=text)


def _subject(t: Translator, learning: LearningView) -> str:
    parts = []
    if learning.number is not None:
        parts.append(f"#{learning.number}")
    if learning.stage is not None:
        parts.append(labels.stage(t, learning.stage))
    return " · ".join(parts)


def _no_learnings(t: Translator) -> str:
    return t.gettext(
        "No learnings yet. When you conclude an experiment, /learn #N walks you "
        "through five whys to its root cause."
    )


def learnings_by_stage_text(
    t: Translator, groups: Sequence[tuple[Stage | None, Sequence[LearningView]]], today: date
) -> str:
    """/learnings: what each stage of the hourglass taught, Know to Refer."""
    _ = t.gettext
    if not groups:
        return _no_learnings(t)
    lines = ["📚 <b>" + _("Learnings by stage") + "</b>"]
    for stage, learnings in groups:
        heading = labels.stage(t, stage) if stage is not None else _("Not about one stage")
        lines += ["", f"<b>{heading}</b>"]
        for learning in learnings:
            number = f"#{learning.number} " if learning.number is not None else ""
            lines.append(f"• {number}{esc(learning.summary)}")
            if learning.root_cause is not None:
                lines.append(
                    "   " + _("Root cause: {cause}").format(cause=esc(learning.root_cause))
                )
            if learning.countermeasure is not None:
                lines.append("   " + countermeasure_line(t, learning, today))
    return "\n".join(lines)


def countermeasure_follow_up(t: Translator, overdue: Sequence[LearningView]) -> list[str]:
    """The digest's lines about countermeasures past their date."""
    _ = t.gettext
    lines = ["<b>" + _("Follow up") + "</b>"]
    for learning in overdue[:MAX_FOLLOW_UPS]:
        assert learning.countermeasure is not None and learning.countermeasure_due is not None
        subject = _subject(t, learning)
        text = _("“{countermeasure}” ({owner}) was due {date}. Is it done?").format(
            countermeasure=esc(learning.countermeasure),
            owner=esc(learning.countermeasure_owner or learning.created_by),
            date=t.date(learning.countermeasure_due),
        )
        lines.append("🛠 " + (f"{subject}: " if subject else "") + text)
    hidden = len(overdue) - MAX_FOLLOW_UPS
    if hidden > 0:
        lines.append(_("…and {count} more: /learnings").format(count=hidden))
    return lines


def countermeasure_buttons(
    t: Translator, overdue: Sequence[LearningView]
) -> list[list[InlineKeyboardButton]]:
    return [
        [
            button(
                "✅ "
                + t.gettext("Done: {countermeasure}").format(
                    countermeasure=short(learning.countermeasure or "")
                ),
                buttons.LearningDone(learning.id),
            )
        ]
        for learning in overdue[:MAX_FOLLOW_UPS]
    ]


# ---------------------------------------------------------------- a learning and the five whys


def learning_text(t: Translator, learning: LearningView) -> str:
    """A learning just saved, with its chain of whys and the root cause."""
    _ = t.gettext
    lines = ["💡 <b>" + _("Learning saved") + "</b> · " + _subject(t, learning), ""]
    lines.append(
        _("What happened: {summary}").format(summary="<i>" + esc(learning.summary) + "</i>")
    )
    for position, answer in enumerate(learning.whys, start=1):
        lines.append(_("{position}. Why? {answer}").format(position=position, answer=esc(answer)))
    if learning.root_cause is not None:
        lines += [
            "",
            _("Root cause: {cause}").format(cause="<b>" + esc(learning.root_cause) + "</b>"),
        ]
    if learning.countermeasure is not None:
        lines.append(countermeasure_line(t, learning))
    return "\n".join(lines)


def learnings_list(t: Translator, learnings: Sequence[LearningView]) -> str:
    _ = t.gettext
    if not learnings:
        return _no_learnings(t)
    lines = ["📚 <b>" + _("Recent learnings") + "</b>"]
    for learning in learnings:
        lines += ["", f"• <b>{_subject(t, learning)}</b> — {esc(learning.summary)}"]
        details = []
        if learning.root_cause is not None:
            details.append(_("Root cause: {cause}").format(cause=esc(learning.root_cause)))
        details.append(f"{esc(learning.created_by)}, {t.date(learning.created_at)}")
        lines.append("   " + " · ".join(details))
    return "\n".join(lines)


def learn_question(t: Translator, experiment: ExperimentView | None, stage: Stage | None) -> str:
    """The first question of the five whys."""
    _ = t.gettext
    if experiment is not None:
        intro = _("💡 What did {title} teach you?").format(title=title(experiment))
    else:
        assert stage is not None
        intro = _("💡 Why does <b>{stage}</b> leak?").format(stage=labels.stage(t, stage))
    return intro + "\n" + _("First, what happened? (one sentence)")


def why_question(t: Translator, position: int, total: int) -> str:
    _ = t.gettext
    text = _("Why? ({position} of {total})").format(position=position, total=total)
    if position == 1:
        return text + "\n" + _("Why did that happen? Answer in a sentence.")
    return text + "\n" + _("And why was that? If you've reached the root cause, tap the button.")
