"""An advocacy storyline's readout: each episode, and the story so far."""

from __future__ import annotations

import pytest

from experiments.stats.story import EpisodeCounts, story_readout


def test_each_episode_and_the_story_so_far() -> None:
    story = story_readout(
        [
            EpisodeCounts("invite", 200, 12),
            EpisodeCounts("reminder", 300, 30),
            EpisodeCounts("thanks", 0, 0),
        ]
    )
    invite, reminder, thanks = story.episodes
    # Wilson 95 % intervals from statsmodels:
    # proportion_confint(12, 200, method="wilson") = (0.0346522, 0.1019317)
    assert invite.rate == pytest.approx(0.06)
    assert invite.ci_low == pytest.approx(0.0346522, rel=1e-5)
    assert invite.ci_high == pytest.approx(0.1019317, rel=1e-5)
    # proportion_confint(30, 300, method="wilson") = (0.0709479, 0.1391665)
    assert reminder.ci_low == pytest.approx(0.0709479, rel=1e-5)
    assert reminder.ci_high == pytest.approx(0.1391665, rel=1e-5)
    assert thanks.rate is None and thanks.ci_low is None  # not started yet
    # The story so far: 42 of 500; proportion_confint(42, 500, method="wilson")
    # = (0.0627441, 0.1115993).
    assert story.so_far.rate == pytest.approx(0.084)
    assert story.so_far.ci_low == pytest.approx(0.0627441, rel=1e-5)
    assert story.so_far.ci_high == pytest.approx(0.1115993, rel=1e-5)
    assert story.started == 2


def test_a_story_without_visitors_has_no_rates() -> None:
    story = story_readout([EpisodeCounts("invite", 0, 0)])
    assert story.so_far.rate is None and story.started == 0


def test_a_story_needs_an_episode_and_sane_counts() -> None:
    with pytest.raises(ValueError):
        story_readout([])
    with pytest.raises(ValueError):
        story_readout([EpisodeCounts("invite", 10, 11)])
