"""The Experiment entity: an experiment, its variants, its lifecycle and the rules on a result.

Plain Python: no SQLAlchemy, no Telegram. Use cases load it through the unit of work
(``uow.experiments.load``), call its methods, hand it back (``uow.experiments.save``) and
commit; the status questions (``takes_results``, ``can_change_to``) come from ``Lifecycle``,
shared with the read-only ``ExperimentView`` the bot renders.

The mapping is a repository that converts rows to the entity and back (``db/repositories.py``),
not an imperative SQLAlchemy mapping onto this class as in *Cosmic Python*. The ORM classes in
``db/models.py`` stay the one declaration of the schema that the migrations, every query and
the design edits use, so the use cases could move to the entity one at a time while the tree
kept working; the entity carries no instrumentation (no lazy loads, no session, no expiry on
commit), so it is built and tested without a database; and ``save`` writes back only the
lifecycle's fields, which makes what a lifecycle use case may change explicit. The price is a
copy of a row's fields per load, which is small beside the queries around it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from experiments import domain
from experiments.domain import (
    N_,
    Author,
    ExperimentConcluded,
    InvalidInput,
    InvalidStatusChange,
    Kind,
    Msg,
    NotConcluded,
    Outcome,
    Stage,
    UnknownVariant,
    UnknownWinner,
    VariantsChanged,
)
from experiments.lifecycle import Lifecycle, Status
from experiments.stats.sample_size import PlanTooLarge, sequential_sample_size

# The id of an experiment or variant not stored yet (``uow.experiments.add`` gives it one).
UNSAVED = 0

# How a status change is said in "#N is paused; it can't be started from there."
_WANTED: dict[Status, Msg] = {
    Status.RUNNING: N_("started"),
    Status.PAUSED: N_("paused"),
    Status.DRAFT: N_("made a draft"),
    Status.CONCLUDED: N_("concluded"),
}


@dataclass(frozen=True)
class ExperimentVariant:
    id: int  # UNSAVED until the experiment is saved
    name: str
    position: int  # 0 is the control


@dataclass(eq=False)
class Experiment(Lifecycle):
    """One experiment of a workspace, as the rules see it."""

    id: int
    number: int
    name: str
    status: Status
    variants: list[ExperimentVariant]
    created_at: datetime
    created_by_id: int
    created_by_name: str
    kind: str = "ab_test"
    stage: str | None = None
    hypothesis: str | None = None
    planned_per_variant: int | None = None
    baseline_rate: float | None = None
    min_detectable_effect: float | None = None
    planned_split: str | None = None  # "70,30"; None: an equal split
    target_rate: float | None = None  # one variant against a target rate (an MVP campaign)
    storyline: bool = False  # an advocacy storyline: its variants are episodes, run in order
    review_date: date | None = None
    ice_impact: int | None = None
    ice_confidence: int | None = None
    ice_ease: int | None = None
    cost_spent: Decimal | None = None
    started_at: datetime | None = None
    concluded_at: datetime | None = None
    concluded_from: Status | None = None  # the status before it was concluded
    outcome: Outcome | None = None
    winner: str | None = None  # the variant that won, once concluded
    parent_id: int | None = None  # the experiment this one is the next iteration of

    @classmethod
    def new(
        cls,
        name: str,
        variants: Sequence[str] | None,
        *,
        author: Author,
        now: datetime,
        kind: Kind = Kind.AB_TEST,
        stage: Stage | None = None,
        hypothesis: str | None = None,
        planned_per_variant: int | None = None,
        baseline_rate: float | None = None,
        min_detectable_effect: float | None = None,
        review_date: date | None = None,
        status: Status = Status.RUNNING,
        planned_split: Sequence[float] | None = None,
        target_rate: float | None = None,
        storyline: bool = False,
    ) -> Experiment:
        """A new experiment, numbered when it is added (``uow.experiments.add``); the first
        variant is the control.

        ``planned_split`` are the planned traffic weights of the variants (None: equal). With
        ``target_rate`` it is an MVP campaign: one variant measured against that rate, no
        control; with ``storyline``, an advocacy storyline of episodes run one after another.
        A plan (baseline and effect) without a size gets the size it needs.
        """
        clean_name = domain.clean_name(name)
        clean_hypothesis = domain.clean_hypothesis(hypothesis)
        if target_rate is not None:
            if not 0 < target_rate < 1:
                raise InvalidInput(N_("The target rate must be between 0 and 100%."))
            names = domain.clean_target_variant(list(variants) if variants else None)
            kind, planned_split, planned_per_variant = Kind.MVP_CAMPAIGN, None, None
            baseline_rate = min_detectable_effect = None
            storyline = False
        elif storyline:
            # Episodes, run one after another: no control, no split, no plan.
            names = domain.clean_episode_names(list(variants or []))
            kind = Kind.ADVOCACY
            planned_split, planned_per_variant = None, None
            baseline_rate = min_detectable_effect = None
        else:
            names = domain.clean_variant_names(list(variants) if variants else None)
        if planned_per_variant is not None and planned_per_variant <= 0:
            raise InvalidInput(N_("The planned sample size must be a positive number."))
        split = domain.clean_split(planned_split, len(names))
        experiment = cls(
            id=UNSAVED,
            number=UNSAVED,
            name=clean_name,
            status=status,
            variants=[ExperimentVariant(UNSAVED, n, i) for i, n in enumerate(names)],
            created_at=now,
            created_by_id=author.user_id,
            created_by_name=author.name,
            kind=kind.value,
            stage=stage.value if stage else None,
            hypothesis=clean_hypothesis,
            planned_per_variant=planned_per_variant,
            baseline_rate=baseline_rate,
            min_detectable_effect=min_detectable_effect,
            planned_split=domain.split_to_text(split),
            target_rate=target_rate,
            storyline=storyline,
            review_date=review_date,
            started_at=now if status is Status.RUNNING else None,
        )
        if planned_per_variant is None:
            experiment._replan()
        return experiment

    @property
    def variant_names(self) -> list[str]:
        return [variant.name for variant in self.variants]

    def find_variant(self, name: str) -> ExperimentVariant:
        """The variant of that name, whatever its case; ``UnknownVariant`` lists the others."""
        wanted = name.strip().casefold()
        for variant in self.variants:
            if variant.name.casefold() == wanted:
                return variant
        raise UnknownVariant(self.number, name, self.variant_names)

    def variant_at(self, position: int) -> ExperimentVariant:
        """The variant at a position (as a button names it); ``VariantsChanged`` when there is
        none there any more."""
        for variant in self.variants:
            if variant.position == position:
                return variant
        raise VariantsChanged(self.number)

    # ------------------------------------------------------------ its design

    @property
    def split(self) -> tuple[float, ...] | None:
        """The planned traffic weights, control first; None for an equal split."""
        return domain.split_from_text(self.planned_split)

    def replace_variants(self, names: Sequence[str]) -> None:
        """New variants (names cleaned by the rules of its kind); a split that no longer names
        every variant becomes equal, and the plan's size follows."""
        if not names:
            raise InvalidInput(
                N_("Write the variants separated by commas, e.g. /edit #{number} variants A, B, C"),
                number=self.number,
            )
        if self.target_rate is not None:
            cleaned = domain.clean_target_variant(list(names))
        else:
            cleaned = domain.clean_variant_names(list(names))
        if len(cleaned) != len(self.variants):
            # A split names every variant: with another number of them, it is equal again.
            self.planned_split = None
        self.variants = [ExperimentVariant(UNSAVED, n, i) for i, n in enumerate(cleaned)]
        self._replan()

    def plan_split(self, weights: Sequence[float] | None) -> None:
        """The planned traffic weights, one per variant (None: equal); the plan follows."""
        self._require_a_plan()
        self.planned_split = domain.split_to_text(domain.clean_split(weights, len(self.variants)))
        self._replan()

    def plan(self, baseline_rate: float | None, min_detectable_effect: float | None) -> None:
        """The baseline rate and the smallest lift worth detecting; the size follows."""
        self._require_a_plan()
        if baseline_rate is None or min_detectable_effect is None:
            raise InvalidInput(N_("A plan needs a baseline rate and a minimum effect."))
        self.baseline_rate = baseline_rate
        self.min_detectable_effect = min_detectable_effect
        self._replan()

    def add_episode(self, name: str) -> None:
        """The next episode of an advocacy storyline, after the ones it has."""
        if not self.storyline:
            raise InvalidInput(
                N_(
                    "#{number} is not an advocacy storyline, so it has no episodes. Start one "
                    "with /new Referral story | episodes: invite, reminder"
                ),
                number=self.number,
            )
        if self.is_concluded:
            raise InvalidInput(
                N_("#{number} is concluded: reopen it to add an episode."), number=self.number
            )
        cleaned = domain.clean_episode_names([*self.variant_names, name])
        self.variants.append(ExperimentVariant(UNSAVED, cleaned[-1], len(self.variants)))

    def _require_a_plan(self) -> None:
        """One variant against a target rate has no split and no plan."""
        if self.target_rate is not None:
            raise InvalidInput(
                N_(
                    "#{number} is one variant against a target rate: it has no split and no "
                    "plan to change."
                ),
                number=self.number,
            )

    def _replan(self) -> None:
        """The planned visitors per variant follow the plan, the number of variants and the
        split (an experiment without a plan keeps the size it was given)."""
        if not self.baseline_rate or not self.min_detectable_effect:
            return
        self.planned_per_variant = planned_visitors(
            self.baseline_rate, self.min_detectable_effect, self.split, len(self.variants)
        )

    # ------------------------------------------------------------ status changes

    def change_status(self, status: Status, now: datetime) -> None:
        """Starts, pauses or resumes it (concluding is ``conclude``)."""
        if status is Status.CONCLUDED:
            raise ValueError("use conclude() to conclude an experiment")
        self._require_change_to(status)
        self.status = status
        if status is Status.RUNNING and self.started_at is None:
            self.started_at = now

    def conclude(self, outcome: Outcome | None, winner: str | None, now: datetime) -> None:
        """Concludes it with its outcome, or with the variant that won.

        Given only a ``winner`` (a variant's name), the outcome follows from it
        (``domain.outcome_of_winner``); given an outcome too, that outcome stands; given
        neither, it is inconclusive; given only an outcome, the winner is the one it implies,
        if any (``domain.implied_winner``).
        """
        self._require_change_to(Status.CONCLUDED)
        names = self.variant_names
        if winner is not None:
            found = [name for name in names if name.casefold() == winner.strip().casefold()]
            if not found:
                raise UnknownWinner(self.number, winner, names)
            winner = found[0]
            if outcome is None:
                outcome = domain.outcome_of_winner(names, winner)
        elif outcome is None:
            outcome = Outcome.INCONCLUSIVE
        else:
            winner = domain.implied_winner(names, outcome)
        self.concluded_from = self.status
        self.status = Status.CONCLUDED
        self.outcome = outcome
        self.winner = winner
        self.concluded_at = now

    def reopen(self) -> None:
        """Takes the conclusion back: the status it had before (running when unknown)."""
        if not self.is_concluded:
            raise NotConcluded(self.number, self.status)
        self.status = self.concluded_from or Status.RUNNING
        self.concluded_from = None
        self.outcome = None
        self.winner = None
        self.concluded_at = None

    def _require_change_to(self, status: Status) -> None:
        if not self.can_change_to(status):
            raise InvalidStatusChange(self.number, self.status, _WANTED[status])

    # ------------------------------------------------------------ results

    def require_results_allowed(self) -> None:
        """``ExperimentConcluded`` unless it takes results (an undo changes them too)."""
        if not self.takes_results:
            raise ExperimentConcluded(self.number)

    def check_result(
        self, variant: str, visitors: int, conversions: int, revenue: Decimal | None
    ) -> ExperimentVariant:
        """The rules every new result obeys, typed with /log or imported from a file; its
        variant."""
        arm = self.find_variant(variant)
        domain.check_counts(self.number, arm.name, visitors, conversions)
        if revenue is not None and revenue < 0:
            raise domain.InvalidInput(N_("Revenue can't be negative."))
        self.require_results_allowed()
        return arm

    def check_episode_order(self, arm: ExperimentVariant, visitors: Mapping[int, int]) -> None:
        """An advocacy storyline's episode starts once the one before it has results.

        ``visitors`` are the visitors logged so far per variant id.
        """
        if not self.storyline or arm.position == 0:
            return
        if visitors.get(arm.id, 0) > 0:
            return  # already started
        previous = next(v for v in self.variants if v.position == arm.position - 1)
        if visitors.get(previous.id, 0) == 0:
            raise domain.EpisodeOutOfOrder(self.number, arm.name, previous.name)

    def start_if_draft(self, now: datetime) -> bool:
        """A draft starts running with its first result; True when this one started it."""
        if not self.is_draft:
            return False
        self.change_status(Status.RUNNING, now)
        return True


# ---------------------------------------------------------------- the plan


def planned_visitors(
    baseline_rate: float, min_detectable_effect: float, split: Sequence[float] | None, arms: int
) -> int:
    """Visitors per variant for a plan of ``arms`` variants split by ``split`` (None: equal)."""
    return plan_sample_size(
        baseline_rate,
        min_detectable_effect,
        challengers=arms - 1,
        shares=plan_shares(split, arms),
    )


def plan_shares(split: Sequence[float] | None, arm_count: int) -> tuple[float, float]:
    """The pair the plan is made for: the control and the challenger with the smallest share."""
    shares = domain.split_shares(tuple(split) if split is not None else None, arm_count)
    return shares[0], min(shares[1:])


def plan_sample_size(
    baseline_rate: float,
    min_detectable_effect: float,
    *,
    challengers: int = 1,
    shares: tuple[float, float] = (0.5, 0.5),
) -> int:
    """Visitors per variant at which the verdict sees an absolute lift of ``min_detectable_effect``
    with 80 % chance (the always-valid plan, ``sequential_sample_size``); with an unequal split,
    the visitors of the arm with the smaller share."""
    target = baseline_rate + min_detectable_effect
    if not 0 < baseline_rate < 1 or not baseline_rate < target < 1:
        raise InvalidInput(N_("A plan needs a baseline rate and a target rate between 0 and 100%."))
    try:
        plan = sequential_sample_size(baseline_rate, target, challengers=challengers, shares=shares)
    except PlanTooLarge:
        raise InvalidInput(
            N_(
                "An effect that small would need more than {limit} visitors per variant, more "
                "than any experiment gets. Plan for a bigger effect, e.g. 20%."
            ),
            limit="1,000,000,000",
        ) from None
    return plan.per_variant
