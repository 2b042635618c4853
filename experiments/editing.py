"""Use cases that change or remove an experiment: edit a field, set its cost, delete it.

What may be edited when is decided here, in one rule: the design of an experiment (its
variants, planned split and plan) is fixed by its first result, because the results were
gathered under it; its words (name, hypothesis, stage, review date) and its cost may change
at any time.

A deleted experiment's number is not reused: the workspace's counter only grows, so an old
message, export or learning that says #N never points to a different experiment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from db.unit_of_work import UnitOfWork
from experiments import domain
from experiments.domain import (
    N_,
    DomainError,
    EditField,
    ExperimentView,
    Ice,
    InvalidInput,
    Msg,
    Stage,
)
from experiments.experiment import Experiment
from experiments.roles import Action, Actor
from experiments.services import experiment_view, load_experiment, require_role

# A cost above this is a typo (it also fits the column, 14 digits with cents).
MAX_COST = Decimal("1000000000000")


# The design: fixed once the first result is logged.
DESIGN_FIELDS = frozenset({EditField.VARIANTS, EditField.SPLIT, EditField.PLAN})

FIELD_NAMES: dict[EditField, Msg] = {
    EditField.NAME: N_("name"),
    EditField.HYPOTHESIS: N_("hypothesis"),
    EditField.STAGE: N_("stage"),
    EditField.REVIEW: N_("review date"),
    EditField.COST: N_("cost"),
    EditField.VARIANTS: N_("variants"),
    EditField.SPLIT: N_("planned split"),
    EditField.PLAN: N_("plan (baseline and minimum effect)"),
    EditField.ICE: N_("ICE score"),
}


class DesignFixed(DomainError):
    template = N_(
        "Experiment #{number} already has logged results ({results}), so its {field} can't change "
        "any more: those results were gathered under the current design. To change it, start "
        "the next iteration with /new (or take the results back with /undo #{number})."
    )

    def __init__(self, number: int, field: EditField, results: int) -> None:
        super().__init__(number=number, field=FIELD_NAMES[field], results=results)


def editable(field: EditField, results: int) -> bool:
    """The one rule of what may change: the design only while no result is logged."""
    return field not in DESIGN_FIELDS or results == 0


def check_editable(number: int, field: EditField, results: int) -> None:
    if not editable(field, results):
        raise DesignFixed(number, field, results)


@dataclass(frozen=True)
class Editable:
    """An experiment with what may be edited now, for the /edit menu."""

    experiment: ExperimentView
    results: int
    fields: tuple[EditField, ...]
    locked: tuple[EditField, ...]  # design fields refused because results exist


@dataclass(frozen=True)
class Change:
    """One edit: the field and its new value, already parsed (None only for cost: cleared)."""

    field: EditField
    name: str | None = None
    hypothesis: str | None = None
    stage: Stage | None = None
    review_date: date | None = None
    cost: Decimal | None = None
    variants: tuple[str, ...] = ()
    split: tuple[float, ...] | None = None  # None: an equal split
    baseline_rate: float | None = None
    min_detectable_effect: float | None = None
    ice: Ice | None = None


@dataclass(frozen=True)
class Edited:
    experiment: ExperimentView
    field: EditField
    before: ExperimentView


# ---------------------------------------------------------------- validation of new values


def clean_new_name(text: str) -> str:
    return domain.clean_line(
        text,
        limit=domain.NAME_MAX_CHARS,
        empty=InvalidInput(N_("Write the new name after the word, e.g. /edit #1 name Flyer test")),
        too_long=N_("That name is {length} characters long; keep it to {limit}."),
    )


def clean_new_hypothesis(text: str) -> str:
    cleaned = domain.clean_hypothesis(text)
    if cleaned is None:
        raise InvalidInput(
            N_(
                "Write the hypothesis after the word, e.g. /edit #1 hypothesis We believe "
                "a bigger button for mobile visitors will raise sign-ups"
            )
        )
    return cleaned


def clean_cost(amount: Decimal, number: int) -> Decimal:
    if amount < 0 or amount >= MAX_COST:
        raise InvalidInput(
            N_("A cost is an amount from 0 up to a trillion, e.g. /cost #{number} 120"),
            number=number,
        )
    return amount.quantize(Decimal("0.01"))


# ---------------------------------------------------------------- use cases


async def editable_now(uow: UnitOfWork, chat_id: int, number: int, *, actor: Actor) -> Editable:
    """What can be changed now; asked only of whoever may change the experiment."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        require_role(Action.EDIT, actor, experiment)
        results = await _result_count(uow, experiment)
        view = experiment_view(experiment)
    return Editable(
        experiment=view,
        results=results,
        fields=tuple(f for f in EditField if editable(f, results)),
        locked=tuple(f for f in EditField if not editable(f, results)),
    )


async def edit_experiment(
    uow: UnitOfWork, chat_id: int, number: int, change: Change, *, actor: Actor
) -> Edited:
    """Applies one change, if the experiment's state allows it (see ``editable``)."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        require_role(Action.EDIT, actor, experiment)
        if change.field in DESIGN_FIELDS:
            check_editable(number, change.field, await _result_count(uow, experiment))
        before = experiment_view(experiment)
        _apply(experiment, change)
        await uow.experiments.save(experiment)
        view = experiment_view(experiment)
        await uow.commit()
        return Edited(experiment=view, field=change.field, before=before)


async def set_ice(uow: UnitOfWork, chat_id: int, number: int, ice: Ice, *, actor: Actor) -> Edited:
    """Scores an experiment for the backlog (any time: a score is a judgment, not a design)."""
    return await edit_experiment(uow, chat_id, number, Change(EditField.ICE, ice=ice), actor=actor)


async def set_cost(
    uow: UnitOfWork, chat_id: int, number: int, amount: Decimal | None, *, actor: Actor
) -> Edited:
    """The experiment's total cost (what it spent, all variants together); None clears it."""
    cost = None if amount is None else clean_cost(amount, number)
    return await edit_experiment(
        uow, chat_id, number, Change(EditField.COST, cost=cost), actor=actor
    )


def _apply(experiment: Experiment, change: Change) -> None:
    field = change.field
    if field is EditField.NAME:
        experiment.name = clean_new_name(change.name or "")
    elif field is EditField.HYPOTHESIS:
        experiment.hypothesis = clean_new_hypothesis(change.hypothesis or "")
    elif field is EditField.STAGE:
        experiment.stage = change.stage.value if change.stage else None
    elif field is EditField.REVIEW:
        experiment.review_date = change.review_date
    elif field is EditField.COST:
        experiment.cost_spent = (
            None if change.cost is None else clean_cost(change.cost, experiment.number)
        )
    elif field is EditField.VARIANTS:
        experiment.replace_variants(change.variants)
    elif field is EditField.SPLIT:
        experiment.plan_split(change.split)
    elif field is EditField.PLAN:
        experiment.plan(change.baseline_rate, change.min_detectable_effect)
    elif field is EditField.ICE:
        if change.ice is None:
            raise InvalidInput(N_("ICE needs impact, confidence and ease, e.g. /edit #1 ice 7 6 8"))
        scored = domain.check_ice(
            change.ice.impact,
            change.ice.confidence,
            change.ice.ease,
            usage=f"/edit #{experiment.number} ice 7 6 8",
        )
        experiment.ice_impact = scored.impact
        experiment.ice_confidence = scored.confidence
        experiment.ice_ease = scored.ease


async def _result_count(uow: UnitOfWork, experiment: Experiment) -> int:
    sums = await uow.totals.by_variant(experiment.id)
    return sum(s.observations for s in sums.values())


# ---------------------------------------------------------------- deleting


@dataclass(frozen=True)
class Removal:
    """What deleting an experiment removes (or removed)."""

    experiment: ExperimentView
    results: int
    learnings: int


async def preview_deletion(uow: UnitOfWork, chat_id: int, number: int, *, actor: Actor) -> Removal:
    """What deleting would remove; asked only of whoever may delete it."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        require_role(Action.DELETE, actor, experiment)
        return await _removal(uow, experiment)


async def delete_experiment(uow: UnitOfWork, chat_id: int, number: int, *, actor: Actor) -> Removal:
    """Removes the experiment with its variants, results, learnings and snoozed reminders."""
    async with uow:
        experiment = await load_experiment(uow, chat_id, number)
        require_role(Action.DELETE, actor, experiment)
        removal = await _removal(uow, experiment)
        await uow.experiments.remove(experiment.id)
        await uow.commit()
        return removal


async def _removal(uow: UnitOfWork, experiment: Experiment) -> Removal:
    learnings = await uow.learnings.count_for_experiment(experiment.id)
    return Removal(
        experiment=experiment_view(experiment),
        results=await _result_count(uow, experiment),
        learnings=learnings,
    )
