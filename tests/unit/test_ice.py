"""ICE scores: the product of impact, confidence and ease, and how they are typed."""

from __future__ import annotations

import pytest

from experiments import parsers
from experiments.domain import Ice, InvalidInput, check_ice

USAGE = "/edit #4 ice 7 6 8"


def test_the_score_is_the_product_of_the_three() -> None:
    assert Ice(7, 6, 8).score == 336  # 7 * 6 * 8
    assert Ice(1, 1, 1).score == 1
    assert Ice(10, 10, 10).score == 1000
    # The product punishes one weak side more than the mean would: same mean (7), other scores.
    assert Ice(7, 7, 7).score == 343 and Ice(10, 10, 1).score == 100


@pytest.mark.parametrize("typed", ["7 6 8", "7/6/8", "7,6,8", " 7  6  8 ", "7×6×8", "7x6x8"])
def test_three_numbers_are_read_in_the_usual_ways(typed: str) -> None:
    assert parsers.ice(typed, USAGE) == Ice(7, 6, 8)


@pytest.mark.parametrize("typed", ["7 6", "7 6 8 9", "", "high 6 8", "7.5 6 8", "seven"])
def test_anything_but_three_whole_numbers_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parsers.ice(typed, USAGE)
    assert refused.value.message() == (
        "Write three whole numbers from 1 to 10: impact, confidence and ease, "
        "e.g. /edit #4 ice 7 6 8"
    )


@pytest.mark.parametrize(("typed", "bad"), [("0 6 8", 0), ("7 11 8", 11), ("7 6 -1", -1)])
def test_a_score_outside_1_to_10_is_refused(typed: str, bad: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        parsers.ice(typed, USAGE)
    assert refused.value.message() == (
        f"Impact, confidence and ease are each scored from 1 to 10; {bad} is out of range. "
        "Try: /edit #4 ice 7 6 8"
    )
    with pytest.raises(InvalidInput):
        check_ice(*(int(word) for word in typed.split()), usage=USAGE)
