"""``services.experiment_view`` builds its view in the fields' order, not by keyword (it is
cheaper): each field must still come from its own column. Every column differs from the
others of its type, so two fields swapped would show."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from experiments.domain import ExperimentView, Kind, Outcome, Stage, Status
from experiments.services import experiment_view


def test_each_field_of_the_view_comes_from_its_own_column() -> None:
    row = SimpleNamespace(
        number=7,
        name="Pricing page",
        kind="ab_test",
        stage="buy",
        hypothesis="A shorter page sells more",
        status="concluded",
        outcome="won",
        planned_per_variant=4000,
        baseline_rate=0.05,
        min_detectable_effect=0.01,
        review_date=date(2026, 3, 1),
        started_at=datetime(2026, 2, 1, tzinfo=UTC),
        concluded_at=datetime(2026, 3, 2, tzinfo=UTC),
        created_at=datetime(2026, 1, 15, tzinfo=UTC),
        created_by_name="Ann",
        ice_impact=8,
        ice_confidence=6,
        ice_ease=4,
        cost_spent=Decimal("12.50"),
        winner="B",
        planned_split="70,30",
        target_rate=0.2,
        storyline=True,
    )
    assert experiment_view(row, ("A", "B")) == ExperimentView(
        number=7,
        name="Pricing page",
        kind=Kind.AB_TEST,
        stage=Stage.BUY,
        hypothesis="A shorter page sells more",
        status=Status.CONCLUDED,
        outcome=Outcome.WON,
        variants=("A", "B"),
        planned_per_variant=4000,
        baseline_rate=0.05,
        min_detectable_effect=0.01,
        review_date=date(2026, 3, 1),
        started_at=datetime(2026, 2, 1, tzinfo=UTC),
        concluded_at=datetime(2026, 3, 2, tzinfo=UTC),
        created_at=datetime(2026, 1, 15, tzinfo=UTC),
        created_by="Ann",
        ice_impact=8,
        ice_confidence=6,
        ice_ease=4,
        cost_spent=Decimal("12.50"),
        winner="B",
        planned_split=(70.0, 30.0),
        target_rate=0.2,
        storyline=True,
    )
