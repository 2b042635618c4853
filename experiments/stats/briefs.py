"""What a digest line says of a conversion experiment, for many experiments at once.

A digest line needs less than a readout: the verdict (its kind, the variant to ship and the
reason), each challenger's chance to beat the control, the arms' rates (who leads) and the
sample-ratio check. ``brief_of`` takes these from a full ``readout.conversion_readout``: the
reference. ``conversion_briefs`` computes them for a batch of experiments with the same
formulas applied to numpy arrays across the batch — the sample-ratio chi-square, the always-valid
intervals of every look of every challenger (``sequential.plug_ins``, ``half_width``), their
running intersection, ``verdict.call_effect``, the chance to beat the control
(``bayes.prob_beat_many``) — and the verdict's rules in the order of ``stats.verdict``. The
quadrature behind the chance is the costly part and depends only on the four counts, so its
results are kept (``BayesCache``): an experiment with no new results costs a lookup the next day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

import numpy as np

from experiments.fast_init import fast_frozen_init
from experiments.stats import special
from experiments.stats.bayes import prob_beat_many
from experiments.stats.readout import ArmCounts, Readout
from experiments.stats.sample_size import plan_targets
from experiments.stats.sequential import half_width, plug_ins
from experiments.stats.srm import SRM_THRESHOLD, planned_shares
from experiments.stats.verdict import (
    DEFAULT_RELATIVE_EFFECT,
    MIN_CONVERSIONS_TOTAL,
    MIN_VISITORS_PER_ARM,
    EffectCall,
    Verdict,
    VerdictKind,
    VerdictReason,
    call_effect,
)


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ReadoutBrief:
    verdict: Verdict  # only kind, variant and reason are filled in
    rates: tuple[float | None, ...]  # per arm; None without visitors
    chances: tuple[float | None, ...]  # per challenger, of beating the control; None if not made
    sample_ratio_mismatch: bool

    @property
    def leader(self) -> int | None:
        """The arm with the highest rate among arms with visitors (the first on a tie), as
        ``Readout.leader`` chooses it."""
        best: int | None = None
        for index, rate in enumerate(self.rates):
            if rate is not None and (best is None or rate > (self.rates[best] or 0.0)):
                best = index
        return best


def brief_of(readout: Readout) -> ReadoutBrief:
    """The brief of a full readout (any kind: conversion, target, storyline)."""
    verdict = readout.verdict
    return ReadoutBrief(
        verdict=slim(verdict),
        rates=tuple(arm.rate for arm in readout.arms),
        chances=tuple(
            None if arm.vs_control is None else arm.vs_control.prob_beat_control
            for arm in readout.arms[1:]
        ),
        sample_ratio_mismatch=readout.sample_ratio_mismatch,
    )


def counts_of(history: Sequence[Sequence[ArmCounts]]) -> list[list[tuple[int, int]]]:
    """A readout's history as ``ConversionCounts.looks``."""
    return [[(arm.visitors, arm.conversions) for arm in look] for look in history]


def slim(verdict: Verdict) -> Verdict:
    """The verdict as a digest line says it: its kind, the variant to ship, the reason."""
    return Verdict(verdict.kind, verdict.variant, verdict.reason)


class CountedArm(Protocol):
    """What the briefs read of an arm: ``ArmCounts``, or anything with its three fields."""

    @property
    def name(self) -> str: ...
    @property
    def visitors(self) -> int: ...
    @property
    def conversions(self) -> int: ...


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ConversionCounts:
    """One experiment's input, as ``conversion_readout`` takes it."""

    arms: Sequence[CountedArm]  # the first is the control; at least two
    # Cumulative (visitors, conversions) of each arm at earlier looks: the readout's history.
    looks: Sequence[Sequence[tuple[int, int]]] = ()
    planned_per_variant: int | None = None
    min_effect: float | None = None
    planned_split: tuple[float, ...] | None = None


class BayesCache:
    """Chances to beat the control by (variant conversions, visitors, control conversions,
    visitors): the newest ``size`` are kept (about 300 bytes each)."""

    def __init__(self, size: int = 50_000) -> None:
        self._size = size
        self._found: dict[tuple[int, int, int, int], float] = {}

    def __len__(self) -> int:
        return len(self._found)

    def clear(self) -> None:
        self._found = {}

    def chances(self, pairs: Sequence[tuple[int, int, int, int]]) -> list[float]:
        found = self._found
        missing = list(dict.fromkeys(pair for pair in pairs if pair not in found))
        if not missing:
            return [found[pair] for pair in pairs]
        values = prob_beat_many(*np.array(missing, dtype=np.int64).T)
        fresh = dict(zip(missing, values.tolist(), strict=True))
        answer = [fresh[pair] if pair in fresh else found[pair] for pair in pairs]
        surplus = len(found) + len(fresh) - self._size
        if surplus > 0:  # the oldest go
            found = self._found = dict(list(found.items())[surplus:])
        found.update(fresh)
        return answer


_SHARED_CACHE = BayesCache()


def forget_chances() -> None:
    """Empties the chances this process keeps (the next batch computes them all, as a fresh
    process does)."""
    _SHARED_CACHE.clear()


@cache
def _shares(arm_count: int, split: tuple[float, ...] | None) -> tuple[float, ...]:
    return planned_shares(arm_count, split)


@cache
def _targets(planned: int, shares: tuple[float, ...]) -> tuple[int, ...]:
    return plan_targets(planned, shares)


def conversion_briefs(
    experiments: Sequence[ConversionCounts],
    *,
    alpha: float = 0.05,
    bayes: BayesCache | None = None,
) -> list[ReadoutBrief]:
    """``brief_of(conversion_readout(...))`` of every experiment, computed across the batch."""
    bayes = _SHARED_CACHE if bayes is None else bayes
    # Each experiment's counts, read once: the loops below and the rules use them again.
    visitors_of: list[list[int]] = []
    conversions_of: list[list[int]] = []
    # The sample-ratio check: the statistic per experiment, the chi-square tail for all at once.
    statistics: list[float] = []
    freedoms: list[int] = []
    srm_of: list[int] = []  # its statistic's place; -1 without visitors
    # The chance to beat the control of every challenger with visitors on both sides.
    pairs: list[tuple[int, int, int, int]] = []
    pair_of: list[list[int]] = []  # per challenger, its pair's place; -1 if not made
    for item in experiments:
        arms = item.arms
        if len(arms) < 2:
            raise ValueError(f"A readout needs at least two arms, got {len(arms)}.")
        visitors = [arm.visitors for arm in arms]
        conversions = [arm.conversions for arm in arms]
        visitors_of.append(visitors)
        conversions_of.append(conversions)
        total = sum(visitors)
        if total:
            statistic = 0.0
            for seen, share in zip(visitors, _shares(len(arms), item.planned_split), strict=True):
                expect = total * share
                statistic += (seen - expect) ** 2 / expect
            srm_of.append(len(statistics))
            statistics.append(statistic)
            freedoms.append(len(arms) - 1)
        else:
            srm_of.append(-1)
        made: list[int] = []
        control_visitors, control_conversions = visitors[0], conversions[0]
        for index in range(1, len(arms)):
            seen = visitors[index]
            if seen > 0 and control_visitors > 0:
                made.append(len(pairs))
                pairs.append((conversions[index], seen, control_conversions, control_visitors))
            else:
                made.append(-1)
        pair_of.append(made)
    p_values = special.chdtrc(
        np.array(freedoms, dtype=float), np.array(statistics, dtype=float)
    ).tolist()
    chances = bayes.chances(pairs)

    # Rules 1-4; the experiments past them need each challenger's running interval.
    verdicts: list[Verdict | None] = []
    mismatches: list[bool] = []
    deciding: list[int] = []
    for index, found in enumerate(srm_of):
        visitors = visitors_of[index]
        no_visitors = 0 in visitors
        p_value = None if found < 0 else p_values[found]
        if p_value is not None and p_value != p_value:  # NaN, as sample_ratio_check reads it
            p_value = 1.0
        mismatch = p_value is not None and p_value < SRM_THRESHOLD and not no_visitors
        mismatches.append(mismatch)
        verdict: Verdict | None = None
        if mismatch:
            verdict = _CHECK_SAMPLE_RATIO
        elif no_visitors:
            verdict = _NO_VISITORS
        elif min(visitors) < MIN_VISITORS_PER_ARM:
            verdict = _FEW_VISITORS
        elif sum(conversions_of[index]) < MIN_CONVERSIONS_TOTAL:
            verdict = _FEW_CONVERSIONS
        else:
            deciding.append(index)
        verdicts.append(verdict)
    if deciding:
        intervals = _running_intervals(
            [experiments[i] for i in deciding],
            [(visitors_of[i], conversions_of[i]) for i in deciding],
            alpha,
        )
        # Rules 5-8 for every challenger of the batch at once.
        lows: list[float] = []
        highs: list[float] = []
        bounds: list[float] = []
        for index, per_challenger in zip(deciding, intervals, strict=True):
            bound = _effect_bound(experiments[index])
            for low, high in per_challenger:
                lows.append(low)
                highs.append(high)
                bounds.append(bound)
        codes = call_effect(np.array(lows), np.array(highs), np.array(bounds)).tolist()
        at = 0
        for index, per_challenger in zip(deciding, intervals, strict=True):
            calls = [_CALLS[code] for code in codes[at : at + len(per_challenger)]]
            at += len(per_challenger)
            verdicts[index] = _decide(experiments[index], calls)

    briefs: list[ReadoutBrief] = []
    for index, verdict in enumerate(verdicts):
        assert verdict is not None
        rates = tuple(
            [
                converted / seen if seen else None
                for seen, converted in zip(visitors_of[index], conversions_of[index], strict=True)
            ]
        )
        briefs.append(
            ReadoutBrief(
                verdict,
                rates,
                tuple([None if made < 0 else chances[made] for made in pair_of[index]]),
                mismatches[index],
            )
        )
    return briefs


_CALLS = tuple(EffectCall)  # by code: calling the enum costs several times the lookup


# Rules 1-4 say nothing that depends on the experiment: one verdict each, shared.
_CHECK_SAMPLE_RATIO = Verdict(VerdictKind.CHECK_DATA, None, VerdictReason.SAMPLE_RATIO_MISMATCH)
_NO_VISITORS = Verdict(VerdictKind.KEEP_RUNNING, None, VerdictReason.NO_VISITORS)
_FEW_VISITORS = Verdict(VerdictKind.KEEP_RUNNING, None, VerdictReason.FEW_VISITORS)
_FEW_CONVERSIONS = Verdict(VerdictKind.KEEP_RUNNING, None, VerdictReason.FEW_CONVERSIONS)


def _running_intervals(
    experiments: Sequence[ConversionCounts],
    counts: Sequence[tuple[list[int], list[int]]],
    alpha: float,
) -> list[list[tuple[float, float]]]:
    """Per experiment, per challenger: the always-valid interval intersected over the looks
    (those ``conversion_readout`` keeps) and now; ``counts`` are each experiment's visitors
    and conversions per arm now."""
    # One row per (experiment, challenger, look), grouped by the level of the interval.
    rows: dict[int, list[tuple[int, int, int, int]]] = {}
    placed: list[tuple[int, int, int]] = []  # (challengers, its first row, looks)
    for item, (visitors, conversions) in zip(experiments, counts, strict=True):
        width = len(visitors)
        now = list(zip(visitors, conversions, strict=True))
        looks = [
            look
            for look in item.looks
            if len(look) == width and min([seen for seen, _ in look]) >= MIN_VISITORS_PER_ARM
        ]
        if looks and list(looks[-1]) == now:
            looks.pop()
        looks.append(now)
        challengers = width - 1
        group = rows.setdefault(challengers, [])
        first = len(group)
        for index in range(1, width):
            for look in looks:
                seen, converted = look[index]
                control_seen, control_converted = look[0]
                group.append((converted, seen, control_converted, control_seen))
        placed.append((challengers, first, len(looks)))
    bounds: dict[int, tuple[list[float], list[float]]] = {}
    for challengers, group in rows.items():
        columns = np.array(group, dtype=float).T
        theta, variance, tau2 = plug_ins(*columns)
        width_ = half_width(variance, tau2, alpha / challengers)
        bounds[challengers] = ((theta - width_).tolist(), (theta + width_).tolist())
    found: list[list[tuple[float, float]]] = []
    for challengers, first, span in placed:
        lows, highs = bounds[challengers]
        per_challenger = []
        for challenger in range(challengers):
            start = first + challenger * span
            per_challenger.append(
                (max(lows[start : start + span]), min(highs[start : start + span]))
            )
        found.append(per_challenger)
    return found


def _effect_bound(item: ConversionCounts) -> float:
    """The minimum effect worth having, in rate units, as ``decide_verdict`` takes it."""
    if item.min_effect is not None:
        return abs(item.min_effect)
    arms = item.arms
    rate = arms[0].conversions / arms[0].visitors
    if not rate:
        rate = sum(arm.conversions for arm in arms) / sum(arm.visitors for arm in arms)
    return DEFAULT_RELATIVE_EFFECT * min(rate, 1 - rate)


def _decide(item: ConversionCounts, calls: list[EffectCall]) -> Verdict:
    """Rules 5-10 of ``stats.verdict`` from each challenger's call."""
    arms = item.arms
    control, challengers = arms[0], arms[1:]
    if EffectCall.BROKEN in calls:
        return _verdict(VerdictKind.CHECK_DATA, None, VerdictReason.INTERVALS_DISAGREE)
    better = [i for i, call in enumerate(calls) if call is EffectCall.BETTER]
    if better:
        # The first of the highest rate, as decide_verdict's by_rate picks it.
        best = max(better, key=lambda i: challengers[i].conversions / challengers[i].visitors)
        return _verdict(VerdictKind.SHIP, challengers[best].name, VerdictReason.CLEAR_WINNER)
    if all(call is EffectCall.WORSE for call in calls):
        return _verdict(VerdictKind.SHIP, control.name, VerdictReason.CONTROL_WINS)
    if all(call in (EffectCall.WORSE, EffectCall.NEGLIGIBLE) for call in calls):
        return _verdict(VerdictKind.STOP_NO_EFFECT, None, VerdictReason.NO_EFFECT_RULED_OUT)
    if item.planned_per_variant is not None:
        targets = _targets(item.planned_per_variant, _shares(len(arms), item.planned_split))
        needed = max(target - arm.visitors for arm, target in zip(arms, targets, strict=True))
        if needed <= 0:
            return _verdict(
                VerdictKind.KEEP_RUNNING, None, VerdictReason.NO_CLEAR_DIFFERENCE_AT_PLAN
            )
    return _verdict(VerdictKind.KEEP_RUNNING, None, VerdictReason.NOT_CLEAR_YET)


@lru_cache(maxsize=4096)
def _verdict(kind: VerdictKind, variant: str | None, reason: VerdictReason) -> Verdict:
    # A verdict has thirty fields: building one costs more than the rules that choose it, and
    # the same few (by the variant's name) come up again and again.
    return Verdict(kind, variant, reason)
