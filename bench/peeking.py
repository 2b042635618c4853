"""Peeking bench: is it safe for a founder to look at the readout every day?

Simulates experiments with 500 visitors per arm per day for 28 days and reads each one out
every day through the real ``conversion_readout`` verdict:

- A/A (5 % in both arms, no true difference): the share of experiments whose verdict ever said
  "ship" (either arm) — target at most 5 % — next to the same-run baseline of the naive rule
  "fixed-horizon p < 0.05 on any day";
- A/B with a true 20 % relative lift (5 % -> 6 %): how often the verdict ships B within 28 days
  (power) and after how many days (median). Each experiment ends at its first "ship" or
  "stop" verdict, as a founder following the advice would.

    uv run python bench/peeking.py            # 2,000 experiments per scenario
    uv run python bench/peeking.py --quick    # 200, a smoke check

Counts are drawn up front with numpy from a fixed seed, so the numbers do not depend on the
number of worker processes.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from experiments.stats.readout import ArmCounts, conversion_readout
from experiments.stats.verdict import VerdictKind

DAYS = 28
VISITORS_PER_ARM_PER_DAY = 500
BASELINE = 0.05
LIFTED = 0.06  # a 20 % relative lift
ALPHA = 0.05


@dataclass(frozen=True)
class Trajectory:
    """What the daily looks at one experiment said."""

    first_ship_day: int | None  # 1-based day of the first "ship" verdict
    shipped: str | None  # the arm that verdict shipped
    first_stop_day: int | None  # 1-based day of the first "stop: no effect"
    naive_ever_significant: bool  # fixed-horizon p < ALPHA on some day (looked every day)


def _look_every_day(control: np.ndarray, variant: np.ndarray, stop_at_decision: bool) -> Trajectory:
    """Read one experiment out on each day; ``control``/``variant`` are cumulative conversions."""
    first_ship_day = first_stop_day = None
    shipped = None
    naive = False
    for day in range(DAYS):
        visitors = VISITORS_PER_ARM_PER_DAY * (day + 1)
        readout = conversion_readout(
            [
                ArmCounts("A", visitors, int(control[day])),
                ArmCounts("B", visitors, int(variant[day])),
            ],
            alpha=ALPHA,
        )
        comparison = readout.arms[1].vs_control
        naive = naive or (comparison is not None and comparison.p_value < ALPHA)
        verdict = readout.verdict
        if verdict.kind is VerdictKind.SHIP and first_ship_day is None:
            first_ship_day, shipped = day + 1, verdict.variant
        if verdict.kind is VerdictKind.STOP_NO_EFFECT and first_stop_day is None:
            first_stop_day = day + 1
        if stop_at_decision and (first_ship_day or first_stop_day):
            break
    return Trajectory(first_ship_day, shipped, first_stop_day, naive)


def _run_chunk(args: tuple[np.ndarray, np.ndarray, bool]) -> list[Trajectory]:
    control, variant, stop_at_decision = args
    return [
        _look_every_day(control[index], variant[index], stop_at_decision)
        for index in range(len(control))
    ]


def simulate(
    rng: np.random.Generator,
    experiments: int,
    variant_rate: float,
    stop_at_decision: bool,
    pool: ProcessPoolExecutor,
    chunks: int,
) -> list[Trajectory]:
    shape = (experiments, DAYS)
    control = rng.binomial(VISITORS_PER_ARM_PER_DAY, BASELINE, size=shape).cumsum(axis=1)
    variant = rng.binomial(VISITORS_PER_ARM_PER_DAY, variant_rate, size=shape).cumsum(axis=1)
    parts = [
        (control_part, variant_part, stop_at_decision)
        for control_part, variant_part in zip(
            np.array_split(control, chunks), np.array_split(variant, chunks), strict=True
        )
    ]
    return [trajectory for part in pool.map(_run_chunk, parts) for trajectory in part]


def _share(count: int, total: int) -> str:
    return f"{count / total:.1%} ({count}/{total})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 experiments per scenario")
    parser.add_argument("--experiments", type=int, default=None)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args(argv)
    experiments = options.experiments or (200 if options.quick else 2000)
    rng = np.random.default_rng(options.seed)
    chunks = max(1, options.workers) * 8
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, options.workers)) as pool:
        null = simulate(rng, experiments, BASELINE, False, pool, chunks)
        lifted = simulate(rng, experiments, LIFTED, True, pool, chunks)
    elapsed = time.perf_counter() - started

    ever_ship = sum(t.first_ship_day is not None for t in null)
    naive = sum(t.naive_ever_significant for t in null)
    shipped_b = [t.first_ship_day for t in lifted if t.shipped == "B" and t.first_ship_day]
    shipped_a = sum(t.shipped == "A" for t in lifted)
    stopped = sum(t.first_stop_day is not None and t.first_ship_day is None for t in lifted)
    median_day = f"{np.median(shipped_b):.0f}" if shipped_b else "—"

    print(
        f"Peeking bench: {experiments} experiments per scenario, {VISITORS_PER_ARM_PER_DAY} "
        f"visitors per arm per day, read out every day for {DAYS} days (alpha {ALPHA})."
    )
    rows = [
        (f"A/A ({BASELINE:.0%} vs {BASELINE:.0%}), share that ever said:", None),
        ("  verdict 'ship' (either arm), always-valid p", _share(ever_ship, experiments)),
        (f"  naive: fixed p < {ALPHA} on any day (baseline)", _share(naive, experiments)),
        (f"A/B ({BASELINE:.0%} vs {LIFTED:.0%}, +20% relative), first decisive verdict:", None),
        ("  ship B (power)", _share(len(shipped_b), experiments)),
        ("  median day it shipped B", median_day),
        ("  ship A (wrong way)", _share(shipped_a, experiments)),
        ("  stop: no effect", _share(stopped, experiments)),
    ]
    for label, value in rows:
        print(label if value is None else f"{label:<50}{value}")
    verdict = "OK" if ever_ship / experiments <= ALPHA else "TOO HIGH"
    print(f"A/A ever-ship rate vs target {ALPHA:.0%}: {verdict}. ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
