"""An advocacy storyline: episodes run one after another, each read out, and the story so far.

Episodes are not run side by side, so they are not compared with each other as an A/B test
would (the weeks differ as much as the episodes do): each gets its rate with its Wilson
interval, and the story so far is every episode's visitors and conversions together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from experiments.stats.proportions import check_alpha, check_counts, wilson_interval


@dataclass(frozen=True)
class EpisodeCounts:
    name: str
    visitors: int
    conversions: int


@dataclass(frozen=True)
class EpisodeResult:
    name: str
    visitors: int
    conversions: int
    rate: float | None  # None without visitors (not started yet)
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class StoryReadout:
    episodes: tuple[EpisodeResult, ...]  # in the order they run
    so_far: EpisodeResult  # every episode together; named "" by convention
    started: int  # episodes with visitors
    alpha: float


def _result(name: str, visitors: int, conversions: int, alpha: float) -> EpisodeResult:
    check_counts(conversions, visitors)
    if visitors == 0:
        return EpisodeResult(name, 0, 0, None, None, None)
    interval = wilson_interval(conversions, visitors, alpha)
    return EpisodeResult(
        name, visitors, conversions, interval.rate, interval.ci_low, interval.ci_high
    )


def story_readout(episodes: Sequence[EpisodeCounts], *, alpha: float = 0.05) -> StoryReadout:
    """Each episode's rate with its (1 - alpha) Wilson interval, and the story so far."""
    if not episodes:
        raise ValueError("A storyline needs at least one episode.")
    check_alpha(alpha)
    results = tuple(_result(e.name, e.visitors, e.conversions, alpha) for e in episodes)
    visitors = sum(e.visitors for e in episodes)
    conversions = sum(e.conversions for e in episodes)
    return StoryReadout(
        episodes=results,
        so_far=_result("", visitors, conversions, alpha),
        started=sum(1 for e in episodes if e.visitors > 0),
        alpha=alpha,
    )
