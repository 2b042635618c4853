"""The "which experiment?" step that bare commands share: a button per suitable experiment."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot.buttons import ButtonData
from bot.keyboards import experiment_picker
from bot.replies import reply
from bot.runtime import chat_id_of, runtime_of
from experiments import services
from experiments.services import ExperimentSummary


async def offer_experiments(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    kind: Callable[[int], ButtonData],
    question: str,
    none_text: str,
    suitable: Callable[[ExperimentSummary], bool] = lambda _summary: True,
) -> None:
    """Asks ``question`` with a button per suitable experiment (its data ``kind(number)``), or
    says ``none_text`` when there is none."""
    summaries = await services.list_experiments(runtime_of(context).uow(), chat_id_of(update))
    choices = [(s.experiment.number, s.experiment.name) for s in summaries if suitable(s)]
    if not choices:
        await reply(update, context, none_text)
        return
    await reply(update, context, question, experiment_picker(kind, choices))
