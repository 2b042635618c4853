"""Inline keyboards; the data each button carries is one of the kinds in bot.buttons."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import buttons
from bot.buttons import ButtonData
from bot.i18n import Translator
from experiments.domain import ExperimentView, Status


@lru_cache(maxsize=8192)
def button(text: str, data: ButtonData) -> InlineKeyboardButton:
    # Telegram objects are frozen once built, so one button can sit in many keyboards (the
    # digest tick builds the same few thousand buttons every day).
    return InlineKeyboardButton(text, callback_data=data.encode())


def rows_of(
    buttons: Sequence[InlineKeyboardButton], width: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def markup(rows: Iterable[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(r) for r in rows if r])


def experiment_card(t: Translator, experiment: ExperimentView) -> InlineKeyboardMarkup:
    """The buttons under an experiment's card: log, readout, chart, pause/resume, conclude."""
    _ = t.gettext
    number = experiment.number
    rows: list[list[InlineKeyboardButton]] = []
    if experiment.takes_results:
        rows.append(
            [
                button("➕ " + _("Log results"), buttons.LogResults(number)),
                button("📊 " + _("Readout"), buttons.Readout(number)),
            ]
        )
        second = [button("📈 " + _("Chart"), buttons.Chart(number))]
        if experiment.can_change_to(Status.PAUSED):
            second.append(button("⏸ " + _("Pause"), buttons.Card("pause", number)))
        elif experiment.is_draft:
            # A draft starts with its first result, or here.
            second.append(button("▶️ " + _("Start"), buttons.Card("start", number)))
        elif experiment.can_change_to(Status.RUNNING):
            second.append(button("▶️ " + _("Resume"), buttons.Card("resume", number)))
        rows.append(second)
        rows.append(
            [
                button("✏️ " + _("Edit"), buttons.EditPick(number)),
                button("🏁 " + _("Conclude"), buttons.Conclude(number)),
            ]
        )
    else:
        rows.append(
            [
                button("📊 " + _("Readout"), buttons.Readout(number)),
                button("📈 " + _("Chart"), buttons.Chart(number)),
            ]
        )
        rows.append(
            [
                button("💡 " + _("Write the learning"), buttons.LearnStart(number)),
                button("✏️ " + _("Edit"), buttons.EditPick(number)),
            ]
        )
        rows.append([button("🔓 " + _("Reopen"), buttons.Reopen(number))])
    return markup(rows)


def winner_choice(t: Translator, number: int, variants: Sequence[str]) -> InlineKeyboardMarkup:
    """A button per variant (by position: names may be long), then none, then not yet."""
    _ = t.gettext
    named = [
        button("🏆 " + _short(name, 24), buttons.Winner(number, position))
        for position, name in enumerate(variants)
    ]
    return markup(
        [
            *rows_of(named, 2),
            [button("🤷 " + _("None / inconclusive"), buttons.Winner(number, None))],
            [button("↩️ " + _("Not yet"), buttons.Card("show", number))],
        ]
    )


def experiment_picker(
    kind: Callable[[int], ButtonData],
    experiments: Sequence[tuple[int, str]],
    extra: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    """One button per experiment ("#3 Pricing"), for a flow that first asks which one; ``kind``
    makes each button's data from the experiment's number."""
    choices = [button(_short(f"#{number} {name}"), kind(number)) for number, name in experiments]
    return markup([*rows_of(choices, 1), list(extra)])


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
