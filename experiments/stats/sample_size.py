"""Planned visitors per arm for a conversion experiment, and the days left at the current pace."""

from __future__ import annotations

import math
from dataclasses import dataclass

from experiments.stats import special
from experiments.stats.sequential import MIXING_EFFECT_SIZE, half_width


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
    alpha=alpha, power=power, ratio=1, alternative="two-sided")``, rounded up; computed here
    by ``_normal_power_visitors``.
    """
    _check_open_unit("baseline", baseline)
    _check_open_unit("target", target)
    _check_open_unit("alpha", alpha)
    _check_open_unit("power", power)
    if target == baseline:
        raise ValueError("target must differ from baseline (the effect can't be zero).")
    effect_size = 2 * math.asin(math.sqrt(target)) - 2 * math.asin(math.sqrt(baseline))
    per_variant = math.ceil(_normal_power_visitors(abs(effect_size), alpha, power))
    return SampleSizePlan(
        baseline=baseline, target=target, alpha=alpha, power=power, per_variant=per_variant
    )


def _normal_power_visitors(effect_size: float, alpha: float, power: float) -> float:
    """Visitors per arm (equal arms) at which the two-sided z-test on Cohen's h has ``power``.

    The power at n per arm is Phi(h·sqrt(n/2) - z) + Phi(-h·sqrt(n/2) - z) with
    z = Phi^-1(1 - alpha/2) (``statsmodels.stats.power.normal_power`` with nobs = n/2). It grows
    with n; the root lies below n0 = 2((z + Phi^-1(power)) / h)², which ignores the second
    term, and is found by bisection on [0, n0] to double precision.
    """
    crit = -float(special.ndtri(alpha / 2))

    def power_at(n: float) -> float:
        shift = effect_size * math.sqrt(n / 2)
        return float(special.ndtr(shift - crit)) + float(special.ndtr(-shift - crit))

    low, high = 0.0, 2 * ((crit + float(special.ndtri(power))) / effect_size) ** 2
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if power_at(middle) < power:
            low = middle
        else:
            high = middle
    return high


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


# Above this many visitors per arm no founder's experiment will ever finish: refuse the plan.
MAX_PER_VARIANT = 10**9


class PlanTooLarge(ValueError):
    """The effect is too small to ever be seen; the message is written for a founder."""

    def __init__(self, per_variant_floor: int = MAX_PER_VARIANT) -> None:
        super().__init__(
            f"To see an effect that small you would need more than {per_variant_floor:,} "
            "visitors per variant, more than any experiment gets; plan for a bigger effect."
        )


@dataclass(frozen=True)
class SequentialPlan:
    """Visitors per arm at which the always-valid interval excludes 0 with chance ``power``."""

    baseline: float
    target: float
    alpha: float  # family-wise, before the split over challengers
    power: float
    challengers: int
    shares: tuple[float, float]  # planned shares of (control, variant), summing to 1
    per_arm: tuple[int, int]  # visitors planned for (control, variant)

    @property
    def per_variant(self) -> int:
        """The arm with the smaller planned share (every arm, with an equal split)."""
        return min(self.per_arm)


def plan_targets(planned_per_variant: int, shares: tuple[float, ...]) -> tuple[int, ...]:
    """Each arm's planned visitors: ``planned_per_variant`` is the smallest-share arm's."""
    smallest = min(shares)
    return tuple(math.ceil(planned_per_variant * share / smallest - 1e-9) for share in shares)


def sequential_sample_size(
    baseline: float,
    target: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    challengers: int = 1,
    shares: tuple[float, float] = (0.5, 0.5),
    mixing_effect_size: float = MIXING_EFFECT_SIZE,
) -> SequentialPlan:
    """Smallest plan at which the confidence sequence excludes 0 with chance ``power``.

    With delta = |target - baseline| the true difference, the interval at the last look,
    theta_hat ± h(n), excludes 0 on delta's side when theta_hat > h(n); theta_hat ~ N(delta, V(n)),
    so the chance is Phi((delta - h(n)) / sd(n)) and the plan is the smallest n with
    delta - h(n) >= z_power · sd(n) (bisection over n; both h and sd shrink as n grows).
    V(n) and tau² use the planned rates (``sequential.plug_ins`` without the +1/+2) and the
    planned split; alpha is split over the challengers (Bonferroni), as the verdict does.
    Crossing at an earlier look only adds power, so the plan is on the safe side.
    """
    _check_open_unit("baseline", baseline)
    _check_open_unit("target", target)
    _check_open_unit("alpha", alpha)
    _check_open_unit("power", power)
    if target == baseline:
        raise ValueError("target must differ from baseline (the effect can't be zero).")
    if challengers < 1:
        raise ValueError(f"challengers must be at least 1, got {challengers!r}.")
    control_share, variant_share = shares
    if not (control_share > 0 and variant_share > 0):
        raise ValueError(f"Planned shares must be positive, got {shares!r}.")
    total = control_share + variant_share
    control_share, variant_share = control_share / total, variant_share / total
    smallest = min(control_share, variant_share)
    delta = abs(target - baseline)
    pooled = control_share * baseline + variant_share * target
    tau2 = mixing_effect_size**2 * pooled * (1 - pooled)
    level = alpha / challengers
    z_power = float(special.ndtri(power))

    def variance(n: int) -> float:
        control_n, variant_n = n * control_share / smallest, n * variant_share / smallest
        return baseline * (1 - baseline) / control_n + target * (1 - target) / variant_n

    def enough(n: int) -> bool:
        v = variance(n)
        return delta - float(half_width(v, tau2, level)) >= z_power * math.sqrt(v)

    if not enough(MAX_PER_VARIANT):
        raise PlanTooLarge()
    low, high = 1, MAX_PER_VARIANT
    while low < high:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle + 1
    per_arm = plan_targets(low, (control_share, variant_share))
    return SequentialPlan(
        baseline=baseline,
        target=target,
        alpha=alpha,
        power=power,
        challengers=challengers,
        shares=(control_share, variant_share),
        per_arm=(per_arm[0], per_arm[1]),
    )
