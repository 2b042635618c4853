"""The calculator's use cases: a readout, or a size plan, from plain numbers.

No input parsing and no text here: the command line (`hourglass calc`, ``bot.calc_cli``) reads
the arguments and words the results. Only the statistics are imported, so the calculator
starts without Telegram or a database.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

from experiments.stats.readout import ArmCounts, Readout, conversion_readout
from experiments.stats.sample_size import (
    SampleSizePlan,
    SequentialPlan,
    sample_size_per_variant,
    sequential_sample_size,
)


def arm_name(index: int) -> str:
    """The default name of the arm at ``index``: A, B, …, Z, then A1, B1, …"""
    letters = string.ascii_uppercase
    return letters[index] if index < len(letters) else f"{letters[index % 26]}{index // 26}"


def read_out(
    pairs: Sequence[tuple[int, int]],
    names: Sequence[str] | None = None,
    *,
    alpha: float = 0.05,
    planned_split: Sequence[float] | None = None,
) -> Readout:
    """The readout of (conversions, visitors) per arm, the control first; the arms are named
    A, B, C, … (``arm_name``) unless ``names`` are given."""
    if names is None:
        names = [arm_name(index) for index in range(len(pairs))]
    return conversion_readout(
        [
            ArmCounts(name=name, visitors=visitors, conversions=conversions)
            for name, (conversions, visitors) in zip(names, pairs, strict=True)
        ],
        alpha=alpha,
        planned_split=planned_split,
    )


def plan_size(
    baseline: float,
    target: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    split: Sequence[float] = (0.5, 0.5),
) -> tuple[SampleSizePlan, SequentialPlan]:
    """The single-look size (equal split) and the always-valid plan for the control/variant
    ``split`` (weights, normalised here). Raises ValueError above 10^9 visitors per variant."""
    shares = (split[0] / sum(split), split[1] / sum(split))
    always_valid = sequential_sample_size(baseline, target, alpha=alpha, power=power, shares=shares)
    return sample_size_per_variant(baseline, target, alpha=alpha, power=power), always_valid
