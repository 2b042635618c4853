"""Reading a planned split: '70/30' on its own, or at the end of a one-line /new."""

from __future__ import annotations

import pytest

from experiments import domain, parsers
from experiments.domain import InvalidInput


@pytest.mark.parametrize(
    ("text", "names", "weights"),
    [
        (" A, B 70/30", "A, B", (70.0, 30.0)),
        ("old price, new price 60 / 40", "old price, new price", (60.0, 40.0)),
        ("a, b, c 50/25/25", "a, b, c", (50.0, 25.0, 25.0)),
        ("A, B 70%/30%", "A, B", (70.0, 30.0)),
        ("A, B 0.7/0.3", "A, B", (0.7, 0.3)),
        (" 70/30", "", (70.0, 30.0)),
        (" A, B", " A, B", None),
        (" v2, v3", " v2, v3", None),
    ],
)
def test_a_split_at_the_end_of_the_variants(text, names, weights):
    assert parsers.trailing_split(text, "") == (names, weights)


@pytest.mark.parametrize("text", ["70-30", "mostly B", "70/", "/30", "seventy/thirty"])
def test_unreadable_splits_say_how_to_write_them(text):
    with pytest.raises(InvalidInput, match="not a split I can read"):
        parsers.split(text, "/new Landing | A, B 70/30")


def test_the_split_rule():
    assert domain.clean_split((70, 30), 2) == (70.0, 30.0)
    assert domain.clean_split((1, 1, 1), 3) is None  # equal: nothing to store
    assert domain.clean_split(None, 2) is None
    with pytest.raises(InvalidInput):
        domain.clean_split((70, 30), 3)
    with pytest.raises(InvalidInput):
        domain.clean_split((100, 0), 2)
    assert domain.split_to_text((70.0, 30.0)) == "70,30"
    assert domain.split_from_text("70,30") == (70.0, 30.0)
    assert domain.split_shares((70.0, 30.0), 2) == pytest.approx((0.7, 0.3))
    assert domain.split_shares(None, 4) == (0.25, 0.25, 0.25, 0.25)
