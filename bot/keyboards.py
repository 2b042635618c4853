"""Inline keyboards and the callback data they carry (always well under 64 bytes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from experiments.domain import ExperimentView, Status

# Callback data is "<area>:<action>[:<args>]"; areas: x (experiment card), and one per flow.


def button(text: str, data: str) -> InlineKeyboardButton:
    assert len(data.encode()) <= 64, data
    return InlineKeyboardButton(text, callback_data=data)


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
                button("➕ " + _("Log results"), f"x:log:{number}"),
                button("📊 " + _("Readout"), f"x:ro:{number}"),
            ]
        )
        second = [button("📈 " + _("Chart"), f"x:chart:{number}")]
        if experiment.can_change_to(Status.PAUSED):
            second.append(button("⏸ " + _("Pause"), f"x:pause:{number}"))
        elif experiment.is_draft:
            # A draft starts with its first result, or here.
            second.append(button("▶️ " + _("Start"), f"x:start:{number}"))
        elif experiment.can_change_to(Status.RUNNING):
            second.append(button("▶️ " + _("Resume"), f"x:resume:{number}"))
        rows.append(second)
        rows.append(
            [
                button("✏️ " + _("Edit"), f"ed:pick:{number}"),
                button("🏁 " + _("Conclude"), f"x:end:{number}"),
            ]
        )
    else:
        rows.append(
            [
                button("📊 " + _("Readout"), f"x:ro:{number}"),
                button("📈 " + _("Chart"), f"x:chart:{number}"),
            ]
        )
        rows.append(
            [
                button("💡 " + _("Write the learning"), f"learn:start:{number}"),
                button("✏️ " + _("Edit"), f"ed:pick:{number}"),
            ]
        )
        rows.append([button("🔓 " + _("Reopen"), f"x:reopen:{number}")])
    return markup(rows)


def winner_choice(t: Translator, number: int, variants: Sequence[str]) -> InlineKeyboardMarkup:
    """A button per variant (by position: names may be long), then none, then not yet."""
    _ = t.gettext
    named = [
        button("🏆 " + _short(name, 24), f"x:win:{number}:{position}")
        for position, name in enumerate(variants)
    ]
    return markup(
        [
            *rows_of(named, 2),
            [button("🤷 " + _("None / inconclusive"), f"x:win:{number}:-")],
            [button("↩️ " + _("Not yet"), f"x:show:{number}")],
        ]
    )


def experiment_picker(
    area: str, experiments: Sequence[tuple[int, str]], extra: Sequence[InlineKeyboardButton] = ()
) -> InlineKeyboardMarkup:
    """One button per experiment ("#3 Pricing"), for a flow that first asks which one."""
    buttons = [
        button(_short(f"#{number} {name}"), f"{area}:{number}") for number, name in experiments
    ]
    return markup([*rows_of(buttons, 1), list(extra)])


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
