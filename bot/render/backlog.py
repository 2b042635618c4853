"""The backlog's replies: drafts by ICE score, and the ICE keypad's questions."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render import labels
from bot.render.editing import ice_text
from bot.render.experiments import title
from experiments.backlog import Backlog, BacklogItem
from experiments.domain import ExperimentView

# More drafts than this are counted, not listed: the reply stays well under Telegram's limit.
MAX_LISTED = 20


def backlog_text(t: Translator, backlog: Backlog) -> str:
    _ = t.gettext
    if not backlog.items:
        return "\n".join(
            [
                "📥 " + _("The backlog is empty."),
                _(
                    "Drafts wait here until you start them: /ideas suggests some (“Start this” "
                    "saves one as a draft), or /new."
                ),
            ]
        )
    lines = [
        "📥 <b>"
        + t.ngettext(
            "Backlog: {count} draft, the most promising first",
            "Backlog: {count} drafts, the most promising first",
            len(backlog.items),
        ).format(count=t.number(len(backlog.items)))
        + "</b>",
        _("ICE score = impact × confidence × ease, each 1–10."),
    ]
    if backlog.constraint is not None:
        lines.append(
            _("🎯 marks your constraint, {stage}: first among equal scores.").format(
                stage=labels.stage(t, backlog.constraint)
            )
        )
    lines.append("")
    for place, item in enumerate(backlog.items[:MAX_LISTED], start=1):
        lines.append(f"{place}. {item_line(t, item)}")
    hidden = len(backlog.items) - MAX_LISTED
    if hidden > 0:
        lines.append(
            t.ngettext("…and {count} more draft.", "…and {count} more drafts.", hidden).format(
                count=t.number(hidden)
            )
        )
    lines += ["", _("Score a draft: <code>/edit #N ice 7 6 8</code>. ▶️ starts it now.")]
    return "\n".join(lines)


def item_line(t: Translator, item: BacklogItem) -> str:
    _ = t.gettext
    experiment = item.experiment
    parts = [title(experiment)]
    ice = experiment.ice
    if ice is None:
        parts.append(_("not scored"))
    else:
        parts.append(
            _("ICE {score} ({impact}·{confidence}·{ease})").format(
                score=t.number(ice.score),
                impact=ice.impact,
                confidence=ice.confidence,
                ease=ice.ease,
            )
        )
    if experiment.stage is not None:
        parts.append(labels.stage(t, experiment.stage) + (" 🎯" if item.at_constraint else ""))
    return " · ".join(parts)


# ---------------------------------------------------------------- the ICE keypad

ICE_STEPS = 3  # impact, confidence, ease


def ice_question(t: Translator, experiment: ExperimentView, given: tuple[int, ...]) -> str:
    """The keypad's text before the ``len(given)``-th answer."""
    _ = t.gettext
    lines = [
        "🎯 "
        + _("How promising is {title}? Score it for the backlog, 1 (low) to 10 (high).").format(
            title=title(experiment)
        )
    ]
    answered = [_("impact {value}"), _("confidence {value}")]
    if given:
        pairs = zip(answered[: len(given)], given, strict=True)
        lines.append(" · ".join(words.format(value=value) for words, value in pairs))
    questions = [
        _("<b>Impact</b>: how much will it move its stage if it works?"),
        _("<b>Confidence</b>: how sure are you that it will work?"),
        _("<b>Ease</b>: how cheap and quick is it to run? (10: an afternoon)"),
    ]
    lines.append(questions[len(given)])
    return "\n".join(lines)


def ice_saved(t: Translator, experiment: ExperimentView) -> str:
    _ = t.gettext
    assert experiment.ice is not None
    score = t.number(experiment.ice.score)
    if experiment.is_draft:
        head = _("{title} is in the backlog with ICE {score}.")
        tail = _("/list backlog shows your drafts, the most promising first.")
    else:
        head = _("{title} now scores ICE {score}.")
        tail = ""
    lines = ["✅ " + head.format(title=title(experiment), score=score)]
    lines.append(ice_text(t, experiment.ice) + ".")
    if tail:
        lines.append(tail)
    return "\n".join(lines)


def ice_skipped(t: Translator, experiment: ExperimentView) -> str:
    return t.gettext(
        "{title} stays a draft without a score; <code>/edit #{number} ice 7 6 8</code> scores it."
    ).format(title=title(experiment), number=experiment.number)
