"""An experiment's lifecycle: its statuses and which changes between them are allowed.

The questions every layer asks (does it take results? may it be paused?) are answered here
once, by ``Lifecycle``, which the ``Experiment`` entity (``experiments/experiment.py``) and
its read-only view (``domain.ExperimentView``) both inherit. Nothing outside this module
compares statuses to decide what an experiment may do.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    PAUSED = "paused"
    CONCLUDED = "concluded"


# From each status, the statuses it may change to. A concluded experiment changes only by
# being reopened, to the status it was concluded from (``Experiment.reopen``).
ALLOWED_CHANGES: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.RUNNING, Status.CONCLUDED}),
    Status.RUNNING: frozenset({Status.PAUSED, Status.CONCLUDED}),
    Status.PAUSED: frozenset({Status.RUNNING, Status.CONCLUDED}),
    Status.CONCLUDED: frozenset(),
}


class Lifecycle:
    """The questions about an experiment's status; ``status`` is set by the class using it."""

    __slots__ = ()

    status: Status

    def can_change_to(self, status: Status) -> bool:
        return status in ALLOWED_CHANGES[self.status]

    @property
    def takes_results(self) -> bool:
        """A concluded experiment takes no more results; a draft starts on its first."""
        return self.status is not Status.CONCLUDED

    @property
    def is_draft(self) -> bool:
        """Planned, not started: in the backlog."""
        return self.status is Status.DRAFT

    @property
    def is_running(self) -> bool:
        return self.status is Status.RUNNING

    @property
    def is_paused(self) -> bool:
        return self.status is Status.PAUSED

    @property
    def is_concluded(self) -> bool:
        return self.status is Status.CONCLUDED

    @property
    def is_under_way(self) -> bool:
        """Started and not concluded: running or paused."""
        return self.status in (Status.RUNNING, Status.PAUSED)
