"""Reading results from plain text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from experiments.domain import ExperimentView, Kind, Status
from experiments.result_guess import Candidate, ResultGuess, guess_result, single_count


def experiment(number: int, name: str, *variants: str, status: Status = Status.RUNNING):
    return ExperimentView(
        number=number,
        name=name,
        kind=Kind.AB_TEST,
        stage=None,
        hypothesis=None,
        status=status,
        outcome=None,
        variants=variants,
        planned_per_variant=None,
        baseline_rate=None,
        min_detectable_effect=None,
        review_date=None,
        started_at=None,
        concluded_at=None,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        created_by="Alice",
    )


BAKERY = [
    experiment(1, "Flyer test", "Old", "New"),
    experiment(2, "Referral card", "Plain", "Card"),
    experiment(3, "Loyalty offer", "A", "B"),
    experiment(4, "Old pricing", "A", "B", status=Status.CONCLUDED),
]


def one(number: int, name: str, variant: str, index: int) -> tuple[Candidate, ...]:
    return (Candidate(number, name, variant, index),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("B 1000 42", ResultGuess(one(3, "Loyalty offer", "B", 1), 42, 1000)),
        ("#2 card 300 12", ResultGuess(one(2, "Referral card", "Card", 1), 12, 300)),
        ("#3 B 1,200 42", ResultGuess(one(3, "Loyalty offer", "B", 1), 42, 1200)),
        ("card: 12/300 today", ResultGuess(one(2, "Referral card", "Card", 1), 12, 300)),
        # Conversions first is fine: the larger number is the visitors.
        ("B 42 of 1000", ResultGuess(one(3, "Loyalty offer", "B", 1), 42, 1000)),
        (
            "sold 40 croissants today with the new flyer",
            ResultGuess(one(1, "Flyer test", "New", 1), 40, None),
        ),
        # A Cyrillic В, as a Russian keyboard types it.
        ("В 100 2", ResultGuess(one(3, "Loyalty offer", "B", 1), 2, 100)),
        # An experiment named but no variant: every variant to choose from.
        (
            "loyalty 500 20",
            ResultGuess(
                (
                    Candidate(3, "Loyalty offer", "A", 0),
                    Candidate(3, "Loyalty offer", "B", 1),
                ),
                20,
                500,
            ),
        ),
    ],
)
def test_results_like_text_is_read(text: str, expected: ResultGuess) -> None:
    assert guess_result(text, BAKERY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "I have a 2 dogs",  # "a" is an article, not variant A
        "#9 B 100 2",  # no experiment #9 here
        "#4 B 100 2",  # concluded: takes no results
        "B is better",  # no number
        "meet at 10:30 on 30.11",  # a time and a date are not counts
    ],
)
def test_other_text_is_not_results(text: str) -> None:
    assert guess_result(text, BAKERY) is None


def test_a_variant_of_several_experiments_gives_each_as_a_candidate() -> None:
    guess = guess_result("A 300 12", BAKERY)
    assert guess is not None
    assert [(c.number, c.variant) for c in guess.candidates] == [(3, "A")]
    two = [experiment(1, "Headline", "A", "B"), experiment(2, "Pricing", "A", "B")]
    guess = guess_result("B 300 12", two)
    assert guess is not None
    assert [(c.number, c.variant) for c in guess.candidates] == [(1, "B"), (2, "B")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("300", 300), ("1,200 visitors", 1200), ("about 40", 40), ("300 12", None), ("hi", None)],
)
def test_a_single_count_answers_the_visitors_question(text: str, expected: int | None) -> None:
    assert single_count(text) == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("B 1000 42 yesterday", "yesterday"),
        ("B 1000 42 вчера.", "вчера"),
        ("B 1000 42 on 30.11", "30.11"),
        ("B 1000 42 2026-11-30", "2026-11-30"),  # its digits are not counts
        ("B 1000 42", None),
    ],
)
def test_a_day_named_in_the_text_goes_with_the_guess(text: str, day: str | None) -> None:
    guess = guess_result(text, BAKERY)
    assert guess is not None
    assert (guess.visitors, guess.conversions, guess.day) == (1000, 42, day)
