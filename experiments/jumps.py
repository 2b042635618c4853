"""A result far above the usual day: likely a typo (an extra zero), so it is confirmed first.

"Usual" is the median of the experiment's daily visitors per variant — each (local day,
variant) with results counts once — and it exists only once results span MIN_HISTORY_DAYS
days. A result whose visitors exceed JUMP_FACTOR times it is a jump. The median, not the mean,
so that one earlier jump doesn't make the next one look usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from experiments.domain import N_, DailyTotals, DomainError

JUMP_FACTOR = 10
MIN_HISTORY_DAYS = 3


@dataclass(frozen=True)
class UsualDay:
    visitors: float  # median visitors of one variant on one day
    days: int  # days with results it was taken over


def usual_day(daily: Sequence[DailyTotals]) -> UsualDay | None:
    """The usual day of an experiment so far; None with fewer than MIN_HISTORY_DAYS days."""
    days = {d.day for d in daily}
    if len(days) < MIN_HISTORY_DAYS:
        return None
    return UsualDay(visitors=float(median(d.visitors for d in daily)), days=len(days))


def is_jump(visitors: int, usual: UsualDay | None) -> bool:
    return usual is not None and visitors > JUMP_FACTOR * usual.visitors


class UnusualJump(DomainError):
    """A result to confirm before it is stored; the chat asks with buttons."""

    template = N_(
        "{visitors} visitors is more than {factor}× a usual day of #{number} (about {usual} "
        "visitors per variant, the median of {days} days). Nothing was logged; if it is "
        "right, log it again and confirm."
    )

    def __init__(
        self,
        number: int,
        variant: str,
        visitors: int,
        usual: UsualDay,
    ) -> None:
        self.number = number
        self.variant = variant
        self.visitors = visitors
        self.usual = usual
        super().__init__(
            visitors=visitors,
            factor=JUMP_FACTOR,
            number=number,
            usual=round(usual.visitors),
            days=usual.days,
        )
