"""The hourglass explained: each stage in one line with an example, and the button that asks."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot import buttons
from bot.i18n import Translator
from bot.keyboards import button
from bot.render import labels
from experiments.domain import Business
from experiments.stages import stage_story


def stages_button(t: Translator) -> InlineKeyboardButton:
    return button("❓ " + t.gettext("What do the stages mean?"), buttons.StagesHelp())


def stages_text(t: Translator, business: Business = Business.ALL) -> str:
    """/help stages: the seven stages, one line each, with an example from the business."""
    _ = t.gettext
    story = stage_story(business)
    lines = [
        "⏳ <b>" + _("The hourglass: from a stranger to a fan") + "</b>",
        _("Every customer passes the same seven stages. An example: {business}.").format(
            business=_(story.business)
        ),
        "",
    ]
    for position, entry in enumerate(story.stages, start=1):
        lines.append(
            f"{position}. <b>{labels.stage(t, entry.stage)}</b> — {_(entry.meaning)}. "
            + "<i>"
            + _("E.g. {example}.").format(example=_(entry.example))
            + "</i>"
        )
    lines += [
        "",
        _(
            "The funnel narrows to Buy and widens again as buyers return and bring others. "
            "The stage that loses the most people is your constraint: /funnel finds it, and "
            "experiments aimed there help most."
        ),
    ]
    return "\n".join(lines)
