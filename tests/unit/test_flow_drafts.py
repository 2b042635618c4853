"""Drafts of guided flows survive the trip through the database's JSON unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.conversations import decode, encode
from bot.handlers.log import PendingResult
from experiments.domain import Kind, Stage, Status
from experiments.parsers import ResultExtras


def test_a_draft_of_every_kept_type_comes_back_equal() -> None:
    pending = PendingResult(
        3,
        "old price",
        12000,
        500,
        ResultExtras(Decimal("90.50"), datetime(2026, 3, 1, 12, tzinfo=UTC)),
    )
    draft = {
        "name": "Pricing",
        "kind": Kind.AB_TEST,
        "stage": Stage.BUY,
        "status": Status.DRAFT,
        "review_date": date(2026, 3, 16),
        "planned_split": (70.0, 30.0),
        "control": (120, 2400),
        "whys": ["no trust", "no reviews"],
        "baseline_rate": 0.05,
        "storyline": False,
        "hypothesis": None,
        "pending": pending,
        "$odd": 1,
    }
    again = decode(encode(draft))
    assert again == draft
    assert type(again["kind"]) is Kind
    assert type(again["planned_split"]) is tuple


def test_a_class_outside_the_project_is_never_loaded_from_a_draft() -> None:
    forged = '{"$dataclass":"subprocess.Popen","fields":{"args":"true"}}'
    with pytest.raises(TypeError):
        decode(forged)


def test_a_value_a_draft_cannot_keep_is_refused_when_written() -> None:
    with pytest.raises(TypeError):
        encode({"when": object()})
