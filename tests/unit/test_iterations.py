"""The rules of an iteration: its name, its winner and outcome, the default challenger."""

from __future__ import annotations

import pytest

from experiments.domain import (
    NAME_MAX_CHARS,
    Outcome,
    challenger_for,
    implied_winner,
    next_iteration_name,
    outcome_of_winner,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Menu board", "Menu board v2"),
        ("Menu board v2", "Menu board v3"),
        ("Menu board V9", "Menu board v10"),
        ("  spaced  ", "spaced v2"),
        ("v2", "v2 v2"),  # a bare version is a name, not a suffix
    ],
)
def test_the_next_iteration_name_counts_up(name: str, expected: str) -> None:
    assert next_iteration_name(name) == expected


def test_the_next_iteration_name_stays_within_the_limit() -> None:
    name = next_iteration_name("x" * NAME_MAX_CHARS)
    assert len(name) == NAME_MAX_CHARS and name.endswith(" v2")


def test_outcome_follows_the_winner() -> None:
    variants = ["plain", "discount"]
    assert outcome_of_winner(variants, "discount") is Outcome.WON
    assert outcome_of_winner(variants, "PLAIN") is Outcome.LOST
    assert outcome_of_winner(variants, None) is Outcome.INCONCLUSIVE


def test_an_outcome_implies_a_winner_only_when_it_names_one() -> None:
    assert implied_winner(["A", "B"], Outcome.WON) == "B"
    assert implied_winner(["A", "B", "C"], Outcome.WON) is None
    assert implied_winner(["A", "B", "C"], Outcome.LOST) == "A"
    assert implied_winner(["A", "B"], Outcome.INCONCLUSIVE) is None


def test_the_default_challenger_is_b_unless_b_is_the_control() -> None:
    assert challenger_for("discount") == "B"
    assert challenger_for("b") == "A"
