"""The "which experiment?" step that bare commands share: a button per suitable experiment."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot.buttons import ButtonData
from bot.keyboards import experiment_picker
from bot.replies import reply
from bot.runtime import chat_id_of, runtime_of
from experiments import parsers, services
from experiments.domain import DomainError
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


async def variant_named(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, words: list[str]
) -> tuple[str, list[str]]:
    """The variant of experiment ``number`` that ``words`` start with (a name may have spaces,
    "old price"), and the words after it. The experiment is looked up only when a name of
    several words is possible; a lookup that fails leaves the first word as the variant, for
    the use case to refuse with its own reason."""
    known: tuple[str, ...] = ()
    if len(words) > 1 and parsers.count_value(words[1]) is None:
        try:
            summary = await services.get_experiment(
                runtime_of(context).uow(), chat_id_of(update), number
            )
        except DomainError:
            pass
        else:
            known = summary.experiment.variants
    return parsers.variant_and_rest(words, known)
