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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from experiments import domain
from experiments.domain import (
    N_,
    ExperimentConcluded,
    InvalidStatusChange,
    Msg,
    NotConcluded,
    Outcome,
    UnknownVariant,
    UnknownWinner,
)
from experiments.lifecycle import Lifecycle, Status

# How a status change is said in "#N is paused; it can't be started from there."
_WANTED: dict[Status, Msg] = {
    Status.RUNNING: N_("started"),
    Status.PAUSED: N_("paused"),
    Status.DRAFT: N_("made a draft"),
    Status.CONCLUDED: N_("concluded"),
}


@dataclass(frozen=True)
class ExperimentVariant:
    id: int
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
