"""Peeking bench: is the verdict honest for a founder who looks at the readout every day?

Each row simulates 2,000 experiments (fixed seed) read out once a day for 28 days on their
cumulative totals, with the verdict's own rules (``experiments.stats.verdict.call_effect`` and
``decide_kinds`` on the always-valid intervals of ``experiments.stats.sequential``, intersected
over the days), vectorised with numpy over the experiments:

- A/A with 2 and with 3 arms (no MDE set): share that ever said "ship" (target ≤ 5 %), next to
  the naive rule "fixed-horizon p < 0.05 on any day";
- +20 % (5 % → 6 %) at the bot's own plan (``sequential_sample_size``, MDE 1 point): share whose
  first decisive verdict ships B (target ≥ 80 %) or says "stop: no effect" (target ≤ 5 %);
- A/A with that plan: share that reached "stop: no effect" by the plan;
- a 70/30 split with +20 % at its plan: ships B; never "check your data";
- −20 % (5 % → 4 %) at the plan: keeps the control; never ships the challenger;
- flip-back: share of experiments that said "ship" on some day and something else later.

    uv run python bench/peeking.py            # 2,000 experiments per row
    uv run python bench/peeking.py --quick    # 200, a smoke check

``daily_kinds`` is checked against ``conversion_readout`` in tests/unit/test_peeking_bench.py.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from experiments.stats.sample_size import sequential_sample_size
from experiments.stats.sequential import half_width, plug_ins
from experiments.stats.srm import sample_ratio_check
from experiments.stats.verdict import (
    MIN_CONVERSIONS_TOTAL,
    MIN_VISITORS_PER_ARM,
    KindCode,
    call_effect,
    decide_kinds,
    default_min_effect,
)

DAYS = 28
ALPHA = 0.05
BASELINE = 0.05
MDE = 0.01  # 5 % -> 6 %, the bot's running example
NO_DECISION = -1  # the "kind" of a day the gates (visitors, conversions) hold back


@dataclass(frozen=True)
class Scenario:
    label: str
    rates: tuple[float, ...]  # true conversion rates, control first
    daily_visitors: tuple[int, ...]  # visitors per arm per day
    min_effect: float | None  # the experiment's MDE (None: the verdict's default)


@dataclass(frozen=True)
class Outcome:
    """What the daily looks said, per experiment."""

    kinds: np.ndarray  # (experiments, days) KindCode values, NO_DECISION where gated
    naive: np.ndarray  # (experiments,) fixed-horizon p < ALPHA on some day, any challenger


def daily_kinds(
    conversions: np.ndarray,
    daily_visitors: tuple[int, ...],
    min_effect: float | None,
    *,
    alpha: float = ALPHA,
) -> Outcome:
    """The verdict of every day of every experiment.

    ``conversions`` has shape (experiments, days, arms): cumulative conversions; visitors are
    ``daily_visitors`` per arm per day. Same rules as ``conversion_readout``: the SRM check,
    the visitor and conversion gates, then rules 5-8 on the running intervals at
    alpha / challengers.
    """
    runs, days, arms = conversions.shape
    challengers = arms - 1
    level = alpha / challengers
    low = np.full((runs, challengers), -np.inf)
    high = np.full((runs, challengers), np.inf)
    kinds = np.full((runs, days), NO_DECISION, dtype=np.int64)
    naive = np.zeros(runs, dtype=bool)
    z_crit = norm.isf(alpha / 2)
    for day in range(days):
        visitors = [daily_visitors[arm] * (day + 1) for arm in range(arms)]
        control = conversions[:, day, 0].astype(float)
        srm = sample_ratio_check(visitors, list(daily_visitors))
        counted = min(visitors) >= MIN_VISITORS_PER_ARM
        for j in range(challengers):
            variant = conversions[:, day, j + 1].astype(float)
            theta, variance, tau2 = plug_ins(variant, visitors[j + 1], control, visitors[0])
            if counted:  # looks with fewer visitors are left out of the running interval
                width = half_width(variance, tau2, level)
                low[:, j] = np.maximum(low[:, j], theta - width)
                high[:, j] = np.minimum(high[:, j], theta + width)
            pooled = (variant + control) / (visitors[j + 1] + visitors[0])
            spread = np.sqrt(pooled * (1 - pooled) * (1 / visitors[j + 1] + 1 / visitors[0]))
            with np.errstate(divide="ignore", invalid="ignore"):
                z = np.where(spread > 0, np.abs(theta) / spread, 0.0)
            naive |= z > z_crit
        if min_effect is None:
            control_rate = control / visitors[0]
            pooled_rate = conversions[:, day, :].sum(axis=1) / sum(visitors)
            bound = default_min_effect(np.where(control_rate > 0, control_rate, pooled_rate))
        else:
            bound = np.full(runs, abs(min_effect))
        today = decide_kinds(call_effect(low, high, bound[:, None]))
        enough = conversions[:, day, :].sum(axis=1) >= MIN_CONVERSIONS_TOTAL
        if srm.mismatch:
            today = np.full(runs, KindCode.CHECK_DATA)
        elif not counted:
            today = np.full(runs, NO_DECISION)
        else:
            today = np.where(enough, today, NO_DECISION)
        kinds[:, day] = today
    return Outcome(kinds=kinds, naive=naive)


def simulate(rng: np.random.Generator, scenario: Scenario, runs: int) -> Outcome:
    daily = np.stack(
        [
            rng.binomial(visitors, rate, size=(runs, DAYS))
            for visitors, rate in zip(scenario.daily_visitors, scenario.rates, strict=True)
        ],
        axis=2,
    )
    return daily_kinds(daily.cumsum(axis=1), scenario.daily_visitors, scenario.min_effect)


def first_decisive(kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per experiment: the first decisive kind (or KEEP_RUNNING) and its 1-based day (or 0)."""
    decisive = (kinds != KindCode.KEEP_RUNNING) & (kinds != NO_DECISION)
    has = decisive.any(axis=1)
    day = np.where(has, decisive.argmax(axis=1), 0)
    kind = np.where(has, kinds[np.arange(len(kinds)), day], KindCode.KEEP_RUNNING)
    return kind, np.where(has, day + 1, 0)


def flipped_back(kinds: np.ndarray) -> np.ndarray:
    """Experiments that said "ship" (either way) on a day and something else on a later day."""
    ship = (kinds == KindCode.SHIP_CHALLENGER) | (kinds == KindCode.SHIP_CONTROL)
    shipped_before = np.cumsum(ship, axis=1) > 0
    later = np.zeros_like(ship)
    later[:, 1:] = shipped_before[:, :-1]
    return (later & ~ship).any(axis=1)


def share(mask: np.ndarray) -> str:
    return f"{mask.mean():6.1%} ({int(mask.sum())}/{mask.size})"


def per_day(per_variant: int, split: tuple[int, ...] = (1, 1)) -> tuple[int, ...]:
    """Visitors per arm per day that reach ``per_variant`` (the smallest arm) on day 28."""
    smallest = min(split)
    unit = math.ceil(per_variant / DAYS / smallest)
    return tuple(unit * weight for weight in split)


def scenarios() -> list[Scenario]:
    plan = sequential_sample_size(BASELINE, BASELINE + MDE).per_variant
    split_plan = sequential_sample_size(BASELINE, BASELINE + MDE, shares=(0.7, 0.3)).per_variant
    return [
        Scenario("A/A, 2 arms, 500/day", (0.05, 0.05), (500, 500), None),
        Scenario("A/A, 3 arms, 500/day", (0.05, 0.05, 0.05), (500, 500, 500), None),
        Scenario(f"+20% at the plan ({plan:,}/arm)", (0.05, 0.06), per_day(plan), MDE),
        Scenario(f"A/A at the plan ({plan:,}/arm)", (0.05, 0.05), per_day(plan), MDE),
        Scenario(
            f"70/30, +20% at its plan ({split_plan:,} in B)",
            (0.05, 0.06),
            per_day(split_plan, (7, 3)),
            MDE,
        ),
        Scenario(f"-20% at the plan ({plan:,}/arm)", (0.05, 0.04), per_day(plan), MDE),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 experiments per row")
    parser.add_argument("--experiments", type=int, default=None)
    parser.add_argument("--seed", type=int, default=20240601)
    options = parser.parse_args(argv)
    runs = options.experiments or (200 if options.quick else 2000)
    rng = np.random.default_rng(options.seed)
    started = time.perf_counter()
    print(
        f"Peeking bench: {runs:,} experiments per row, read out every day for {DAYS} days "
        f"(alpha {ALPHA}); 'ever' = on some day, 'first' = the first decisive verdict."
    )
    flips = []
    rows: list[tuple[str, str, str]] = []
    for scenario in scenarios():
        outcome = simulate(rng, scenario, runs)
        kinds = outcome.kinds
        first, day = first_decisive(kinds)
        flips.append(flipped_back(kinds))
        ever = {code: (kinds == code).any(axis=1) for code in KindCode}
        ever_ship = ever[KindCode.SHIP_CHALLENGER] | ever[KindCode.SHIP_CONTROL]
        visitors = "/".join(f"{v:,}" for v in scenario.daily_visitors)
        title = f"{scenario.label} [{visitors} a day]"
        rows.append((title, "", ""))
        if scenario.rates.count(scenario.rates[0]) == len(scenario.rates):  # A/A
            rows += [
                ("  ever 'ship' (either way)", share(ever_ship), "≤ 5%"),
                ("  naive: fixed p < 0.05 on some day", share(outcome.naive), "baseline"),
                ("  ever 'stop: no effect'", share(ever[KindCode.STOP_NO_EFFECT]), "report"),
                ("  ever 'check your data'", share(ever[KindCode.CHECK_DATA]), "0"),
            ]
            continue
        better = scenario.rates[1] > scenario.rates[0]
        good = KindCode.SHIP_CHALLENGER if better else KindCode.SHIP_CONTROL
        bad = KindCode.SHIP_CONTROL if better else KindCode.SHIP_CHALLENGER
        shipped_days = day[first == good]
        median = f"{np.median(shipped_days):.0f}" if shipped_days.size else "—"
        rows += [
            (
                "  first: ship B" if better else "  first: keep the control (ship A)",
                share(first == good),
                "≥ 80%" if better else "report",
            ),
            ("  median day of that verdict", median, ""),
            ("  first: stop: no effect", share(first == KindCode.STOP_NO_EFFECT), "≤ 5%"),
            (
                "  ever ship the wrong way",
                share(ever[bad]),
                "0" if not better else "≤ 5%",
            ),
            ("  ever 'check your data'", share(ever[KindCode.CHECK_DATA]), "0"),
        ]
    rows.append(("Flip-back: said 'ship', later something else", share(np.concatenate(flips)), "0"))
    width = max(len(label) for label, _, _ in rows) + 2
    for label, value, target in rows:
        print(f"{label:<{width}}{value:<22}{target}" if value else label)
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
