"""The digest's nudges: pure rules over what a workspace is doing, each asking for one action.

Rules, in the order the digest shows them:

0. conclude with the winner [SHIP] — a running experiment's readout says "ship <variant>":
   "Conclude #2 with Card?", unless the founder answered "keep running" in the last
   ``KEEP_RUNNING_DAYS`` days. It stands in for DECIDE and STALE of that experiment.
1. decide now [DECIDE] — a running experiment reached its planned sample size (its smallest arm
   has the planned visitors) or its review date (local today or earlier), unless the founder
   answered "keep running" in the last ``KEEP_RUNNING_DAYS`` days.
2. check your data [SAMPLE_RATIO] — a running experiment's visitors are not split as planned.
3. no data [STALE] — a running experiment got no results for ``stale_after_days`` days (counted
   from its start while it has none). Not said of one that is already asked to decide.
4. what did we learn? [LEARN] — an experiment concluded in the last ``LEARNING_NUDGE_DAYS`` days
   has no learning written down (older ones are left alone rather than nagged about daily).
5. launch another [LAUNCH] — fewer experiments run than the workspace's target. Said only to a
   workspace that has registered an experiment: a chat that just said hello gets no digest.
   With drafts in the backlog it names the one to start (``experiments.backlog.suggestion``:
   the best-scored at the constraint, else the top of the backlog).
6. nothing at the constraint [UNCOVERED] — the funnel's constraint stage is known and no running
   experiment targets it; folded into LAUNCH when that one fires (it names the stage too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from experiments.domain import Stage
from experiments.fast_init import fast_frozen_init

KEEP_RUNNING_DAYS = 3
LEARNING_NUDGE_DAYS = 14


class NudgeKind(StrEnum):
    SHIP = "ship"
    DECIDE = "decide"
    SAMPLE_RATIO = "srm"
    STALE = "stale"
    LEARN = "learn"
    LAUNCH = "launch"
    UNCOVERED = "constraint"


class DecideWhy(StrEnum):
    PLANNED_SIZE = "planned_size"
    REVIEW_DATE = "review_date"


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Nudge:
    kind: NudgeKind
    number: int | None = None  # the experiment it is about
    name: str | None = None
    days: int | None = None  # STALE: whole days without data
    why: DecideWhy | None = None  # DECIDE
    review_date: date | None = None  # DECIDE on the review date
    stage: Stage | None = None  # LAUNCH, UNCOVERED: the funnel constraint (None: no funnel)
    running: int | None = None  # LAUNCH
    target: int | None = None  # LAUNCH
    variant: str | None = None  # SHIP: the variant the readout says to ship
    variant_index: int | None = None  # SHIP: its place among the experiment's variants
    draft: DraftFacts | None = None  # LAUNCH: the backlog's draft to start


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class RunningFacts:
    """What the rules need to know of one running experiment."""

    number: int
    name: str
    stage: Stage | None
    last_data_at: datetime  # its last logged result, or its start while it has none
    smallest_arm_visitors: int
    planned_per_variant: int | None
    review_date: date | None
    sample_ratio_mismatch: bool
    decision_snoozed: bool  # "keep running" was answered recently
    # The variant its readout's verdict says to ship (and its index), if it says so.
    ship_variant: str | None = None
    ship_variant_index: int | None = None


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class DraftFacts:
    """The draft the backlog suggests starting."""

    number: int
    name: str
    stage: Stage | None
    ice_score: int | None
    at_constraint: bool


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ConcludedFacts:
    number: int
    name: str
    concluded_at: datetime | None


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class WorkspaceFacts:
    now: datetime
    today: date  # the workspace's local date
    stale_after_days: int
    target_running: int
    has_experiments: bool  # ever registered one
    running: tuple[RunningFacts, ...]
    without_learning: tuple[ConcludedFacts, ...]  # concluded, no learning yet
    constraint: Stage | None  # the funnel's weakest stage, when a funnel was logged
    suggested_draft: DraftFacts | None = None  # the backlog's draft to start next


def nudges_for(facts: WorkspaceFacts) -> tuple[Nudge, ...]:
    """Every nudge that applies, in the order of the module docstring."""
    ship = [
        Nudge(
            NudgeKind.SHIP,
            e.number,
            e.name,
            variant=e.ship_variant,
            variant_index=e.ship_variant_index,
        )
        for e in facts.running
        if e.ship_variant is not None and not e.decision_snoozed
    ]
    shipping = {nudge.number for nudge in ship}
    decide = [
        n
        for e in facts.running
        if e.number not in shipping and (n := _decide(e, facts.today)) is not None
    ]
    deciding = {nudge.number for nudge in decide} | shipping
    sample_ratio = [
        Nudge(NudgeKind.SAMPLE_RATIO, e.number, e.name)
        for e in facts.running
        if e.sample_ratio_mismatch
    ]
    stale = [
        nudge
        for e in facts.running
        if e.number not in deciding and (nudge := _stale(e, facts)) is not None
    ]
    learn = [
        Nudge(NudgeKind.LEARN, e.number, e.name)
        for e in facts.without_learning
        if e.concluded_at is not None
        and facts.now - e.concluded_at < timedelta(days=LEARNING_NUDGE_DAYS)
    ]
    return (*ship, *decide, *sample_ratio, *stale, *learn, *_launch(facts))


def _decide(experiment: RunningFacts, today: date) -> Nudge | None:
    if experiment.decision_snoozed:
        return None
    planned = experiment.planned_per_variant
    if planned and experiment.smallest_arm_visitors >= planned:
        return Nudge(
            NudgeKind.DECIDE, experiment.number, experiment.name, why=DecideWhy.PLANNED_SIZE
        )
    if experiment.review_date is not None and experiment.review_date <= today:
        return Nudge(
            NudgeKind.DECIDE,
            experiment.number,
            experiment.name,
            why=DecideWhy.REVIEW_DATE,
            review_date=experiment.review_date,
        )
    return None


def _stale(experiment: RunningFacts, facts: WorkspaceFacts) -> Nudge | None:
    days = int((facts.now - experiment.last_data_at).total_seconds() // 86400)
    if days < facts.stale_after_days:
        return None
    return Nudge(NudgeKind.STALE, experiment.number, experiment.name, days)


def _launch(facts: WorkspaceFacts) -> list[Nudge]:
    running = len(facts.running)
    if facts.has_experiments and running < facts.target_running:
        return [
            Nudge(
                NudgeKind.LAUNCH,
                stage=facts.constraint,
                running=running,
                target=facts.target_running,
                draft=facts.suggested_draft,
            )
        ]
    covered = {e.stage for e in facts.running}
    if facts.constraint is not None and facts.constraint not in covered:
        return [Nudge(NudgeKind.UNCOVERED, stage=facts.constraint)]
    return []
