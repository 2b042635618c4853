"""Sample-ratio mismatch: are the visitors split the way the experiment planned?"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass

from experiments.stats import special

# Flag a mismatch below this p-value (the usual SRM threshold, e.g. Fabijan et al., "Diagnosing
# sample ratio mismatch in online controlled experiments", KDD 2019).
SRM_THRESHOLD = 0.001


@dataclass(frozen=True)
class SampleRatioCheck:
    p_value: float | None  # None when there are no visitors yet
    mismatch: bool  # p_value < SRM_THRESHOLD
    observed_shares: tuple[float, ...]  # each arm's share of the visitors (empty with none)
    planned_shares: tuple[float, ...]  # the planned split, normalised to sum to 1


def planned_shares(arm_count: int, planned_split: Sequence[float] | None) -> tuple[float, ...]:
    """Normalise the planned split weights (equal by default) to shares summing to 1."""
    if planned_split is None:
        return tuple(1.0 / arm_count for _ in range(arm_count))
    if len(planned_split) != arm_count:
        raise ValueError(
            f"The planned split has {len(planned_split)} weights but there are {arm_count} arms."
        )
    weights = [float(weight) for weight in planned_split]
    if not all(math.isfinite(weight) and weight > 0 for weight in weights):
        raise ValueError(f"Planned split weights must be positive numbers, got {weights}.")
    total = sum(weights)
    return tuple(weight / total for weight in weights)


def sample_ratio_check(
    visitors: Sequence[int],
    planned_split: Sequence[float] | None = None,
    *,
    threshold: float = SRM_THRESHOLD,
) -> SampleRatioCheck:
    """Chi-square goodness-of-fit test of the visitor counts against the planned split.

    Pearson's chi-square test, ``scipy.stats.chisquare(f_obs=visitors, f_exp=total · shares)``,
    with k - 1 degrees of freedom: the statistic sum((observed - expected)² / expected) and
    p = Q(chi², k - 1), the chi-square survival function; a mismatch is flagged when
    p < ``threshold`` (0.001).
    """
    if len(visitors) < 2:
        raise ValueError("A sample-ratio check needs at least two arms.")
    counts = [operator.index(count) for count in visitors]
    if any(count < 0 for count in counts):
        raise ValueError(f"Visitor counts can't be negative, got {counts}.")
    shares = planned_shares(len(counts), planned_split)
    total = sum(counts)
    if total == 0:
        return SampleRatioCheck(
            p_value=None, mismatch=False, observed_shares=(), planned_shares=shares
        )
    expected = [total * share for share in shares]
    statistic = sum(
        (count - expect) ** 2 / expect for count, expect in zip(counts, expected, strict=True)
    )
    p_value = float(special.chdtrc(len(counts) - 1, statistic))
    if math.isnan(p_value):
        p_value = 1.0
    return SampleRatioCheck(
        p_value=p_value,
        mismatch=p_value < threshold,
        observed_shares=tuple(count / total for count in counts),
        planned_shares=shares,
    )
