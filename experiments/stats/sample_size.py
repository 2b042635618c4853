"""Planned visitors per arm for a conversion experiment, and the days left at the current pace."""

from __future__ import annotations

import math
from dataclasses import dataclass

from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize


@dataclass(frozen=True)
class SampleSizePlan:
    baseline: float  # the control's expected conversion rate
    target: float  # the rate the change should reach to be worth detecting
    alpha: float
    power: float
    per_variant: int  # visitors needed in every arm


def _check_open_unit(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 < value < 1.0):
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value!r}.")


def sample_size_per_variant(
    baseline: float, target: float, *, alpha: float = 0.05, power: float = 0.8
) -> SampleSizePlan:
    """Visitors per arm to detect ``baseline`` → ``target`` with a two-sided test.

    Normal approximation on Cohen's h (Cohen 1988, §6.2): ``statsmodels.stats.power.
    NormalIndPower().solve_power(effect_size=proportion_effectsize(target, baseline),
    alpha=alpha, power=power, ratio=1, alternative="two-sided")``, rounded up.
    """
    _check_open_unit("baseline", baseline)
    _check_open_unit("target", target)
    _check_open_unit("alpha", alpha)
    _check_open_unit("power", power)
    if target == baseline:
        raise ValueError("target must differ from baseline (the effect can't be zero).")
    effect_size = float(proportion_effectsize(target, baseline))
    solved = NormalIndPower().solve_power(
        effect_size=effect_size, alpha=alpha, power=power, ratio=1, alternative="two-sided"
    )
    per_variant = math.ceil(float(solved))
    return SampleSizePlan(
        baseline=baseline, target=target, alpha=alpha, power=power, per_variant=per_variant
    )


def days_left(
    planned_per_variant: int, visitors_so_far_min_arm: int, days_running: float
) -> float | None:
    """Days until the smallest arm reaches the plan at its average pace so far.

    remaining / (visitors_so_far / days_running); 0.0 once reached; None while there is no pace
    yet (no visitors or no time elapsed).
    """
    if planned_per_variant < 0 or visitors_so_far_min_arm < 0 or days_running < 0:
        raise ValueError("Planned visitors, visitors so far and days running can't be negative.")
    remaining = planned_per_variant - visitors_so_far_min_arm
    if remaining <= 0:
        return 0.0
    if visitors_so_far_min_arm == 0 or days_running == 0:
        return None
    return remaining * days_running / visitors_so_far_min_arm
