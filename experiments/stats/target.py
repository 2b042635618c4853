"""One variant against a target rate the founder set: reached, missed, or not clear yet.

An MVP campaign often has nothing to compare with: one offer, and a rate it must reach to be
worth pursuing ("5 % of the visitors who see it sign up"). The verdict uses the same family as
the two-arm verdict (``stats.sequential``): the normal-mixture confidence sequence, here for one
proportion. With rate_hat = conversions / visitors, its variance V = s² / n and a normal mixing
distribution N(0, tau²) over the true rate's distance from a hypothesised rate p0, the mixture
likelihood ratio is

    Lambda(p0) = sqrt(V / (V + tau²)) · exp(tau² · (rate_hat - p0)² / (2 V (V + tau²)))

and the (1 - alpha) confidence sequence keeps every p0 with Lambda(p0) < 1 / alpha:

    rate_hat ± h,   h = sqrt( V (V + tau²) / tau² · (2 log(1/alpha) + log((V + tau²) / V)) )

(Howard, Ramdas, McAuliffe, Sekhon, Annals of Statistics 49(2), 2021, eq. (14); Johari et al.,
Operations Research 70(3), 2022). It holds at every look at once, so it is intersected over the
experiment's daily looks (``running_interval``): the verdict is monotone — once the whole range
is above the target it stays above, and once below it stays below.

Choices, the same as the two-arm sequence's:
- s² = p~ (1 - p~) with the plug-in p~ = (conversions + 1) / (visitors + 2), so V > 0 at 0 %;
- tau² = rho² · target (1 - target) with rho = ``MIXING_EFFECT_SIZE``: the mixture is over the
  standardized distance from the target, fixed before any data;
- a look counts once it has ``MIN_VISITORS_PER_ARM`` visitors, and the verdict waits for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from experiments.stats.proportions import check_alpha, check_counts, wilson_interval
from experiments.stats.sequential import (
    MIXING_EFFECT_SIZE,
    SequenceInterval,
    half_width,
    running_interval,
)
from experiments.stats.verdict import MIN_VISITORS_PER_ARM


class TargetCall(StrEnum):
    REACHED = "reached"  # the whole always-valid range is at or above the target
    MISSED = "missed"  # the whole range is below it
    NOT_CLEAR_YET = "not clear yet"  # the range still holds the target (or too few visitors)
    CHECK_DATA = "check your data"  # the looks' ranges do not overlap: the data broke the model


@dataclass(frozen=True)
class TargetLook:
    """Cumulative totals at one look (the end of a day)."""

    visitors: int
    conversions: int


@dataclass(frozen=True)
class TargetReadout:
    target: float
    visitors: int
    conversions: int
    rate: float | None  # None without visitors
    ci_low: float | None  # Wilson interval at this look (fixed horizon)
    ci_high: float | None
    seq_low: float | None  # the always-valid range of the rate, intersected over the looks
    seq_high: float | None
    looks: int  # how many looks the always-valid range is built on
    call: TargetCall
    alpha: float
    min_visitors: int = MIN_VISITORS_PER_ARM


def _check_target(target: float) -> None:
    if not 0 < target < 1:
        raise ValueError(f"The target rate must be strictly between 0 and 1, got {target!r}.")


def one_sample_sequence(
    conversions: int,
    visitors: int,
    target: float,
    alpha: float,
    *,
    mixing_effect_size: float = MIXING_EFFECT_SIZE,
) -> SequenceInterval:
    """rate_hat ± h at one look: the (1 - alpha) normal-mixture confidence sequence of the rate.

    ``diff_low`` / ``diff_high`` of the result are rates (not differences). The mixture's tau²
    is set by ``target`` (module docstring), so it is the same at every look.
    """
    check_counts(conversions, visitors)
    check_alpha(alpha)
    _check_target(target)
    if visitors == 0:
        raise ValueError("The confidence sequence needs visitors.")
    rate_hat = conversions / visitors
    plug_in = (conversions + 1) / (visitors + 2)
    variance = plug_in * (1 - plug_in) / visitors
    tau2 = mixing_effect_size**2 * target * (1 - target)
    width = float(half_width(variance, tau2, alpha))
    return SequenceInterval(rate_hat - width, rate_hat + width)


def mixture_ratio(
    conversions: int,
    visitors: int,
    rate: float,
    target: float,
    *,
    mixing_effect_size: float = MIXING_EFFECT_SIZE,
) -> float:
    """Lambda(rate) of the module docstring: the evidence against the true rate being ``rate``.

    The sequence of ``one_sample_sequence`` is exactly the rates with Lambda < 1 / alpha.
    """
    check_counts(conversions, visitors)
    plug_in = (conversions + 1) / (visitors + 2)
    variance = plug_in * (1 - plug_in) / visitors
    tau2 = mixing_effect_size**2 * target * (1 - target)
    distance = conversions / visitors - rate
    return math.sqrt(variance / (variance + tau2)) * math.exp(
        tau2 * distance**2 / (2 * variance * (variance + tau2))
    )


def target_readout(
    conversions: int,
    visitors: int,
    target: float,
    *,
    alpha: float = 0.05,
    history: Sequence[TargetLook] = (),
) -> TargetReadout:
    """The rate against ``target``, with its always-valid range over ``history`` and now.

    ``history`` holds the cumulative totals of earlier looks (the experiment's days); looks with
    fewer than ``MIN_VISITORS_PER_ARM`` visitors are left out, and so is a last look equal to now.
    """
    check_counts(conversions, visitors)
    check_alpha(alpha)
    _check_target(target)
    if visitors == 0:
        return TargetReadout(
            target, 0, 0, None, None, None, None, None, 0, TargetCall.NOT_CLEAR_YET, alpha
        )
    wilson = wilson_interval(conversions, visitors, alpha)
    now = TargetLook(visitors, conversions)
    looks = [look for look in history if look.visitors >= MIN_VISITORS_PER_ARM]
    if looks and looks[-1] == now:
        looks.pop()  # the last day is the current totals: one look, not two
    sequences = [
        one_sample_sequence(look.conversions, look.visitors, target, alpha)
        for look in (*looks, now)
    ]
    interval = running_interval(sequences)
    if visitors < MIN_VISITORS_PER_ARM:
        call = TargetCall.NOT_CLEAR_YET
    elif interval.empty:
        call = TargetCall.CHECK_DATA
    elif interval.diff_low >= target:
        call = TargetCall.REACHED
    elif interval.diff_high < target:
        call = TargetCall.MISSED
    else:
        call = TargetCall.NOT_CLEAR_YET
    return TargetReadout(
        target=target,
        visitors=visitors,
        conversions=conversions,
        rate=conversions / visitors,
        ci_low=wilson.ci_low,
        ci_high=wilson.ci_high,
        seq_low=max(interval.diff_low, 0.0),
        seq_high=min(interval.diff_high, 1.0),
        looks=len(sequences),
        call=call,
        alpha=alpha,
    )
