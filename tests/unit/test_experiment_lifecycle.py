"""The Experiment entity's lifecycle and its rules on a new result, without a database."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from experiments.domain import (
    ConversionsExceedVisitors,
    ExperimentConcluded,
    InvalidInput,
    InvalidStatusChange,
    NotConcluded,
    Outcome,
    Status,
    UnknownVariant,
    UnknownWinner,
)
from experiments.experiment import Experiment, ExperimentVariant
from experiments.lifecycle import ALLOWED_CHANGES

CREATED = datetime(2026, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def experiment(
    status: Status = Status.RUNNING, variants: tuple[str, ...] = ("A", "B")
) -> Experiment:
    return Experiment(
        id=1,
        number=3,
        name="Checkout",
        status=status,
        variants=[ExperimentVariant(i + 1, name, i) for i, name in enumerate(variants)],
        created_at=CREATED,
        created_by_id=1001,
        created_by_name="Alice",
        started_at=CREATED if status in (Status.RUNNING, Status.PAUSED) else None,
    )


@pytest.mark.parametrize(
    ("current", "wanted", "allowed"),
    [
        (Status.DRAFT, Status.RUNNING, True),
        (Status.DRAFT, Status.PAUSED, False),
        (Status.DRAFT, Status.CONCLUDED, True),
        (Status.RUNNING, Status.PAUSED, True),
        (Status.RUNNING, Status.RUNNING, False),
        (Status.RUNNING, Status.DRAFT, False),
        (Status.RUNNING, Status.CONCLUDED, True),
        (Status.PAUSED, Status.RUNNING, True),
        (Status.PAUSED, Status.PAUSED, False),
        (Status.PAUSED, Status.CONCLUDED, True),
        (Status.CONCLUDED, Status.RUNNING, False),
        (Status.CONCLUDED, Status.PAUSED, False),
        (Status.CONCLUDED, Status.DRAFT, False),
    ],
)
def test_allowed_status_changes(current: Status, wanted: Status, allowed: bool) -> None:
    assert experiment(current).can_change_to(wanted) is allowed


def test_nothing_changes_back_to_a_draft() -> None:
    assert all(Status.DRAFT not in targets for targets in ALLOWED_CHANGES.values())


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RUNNING, Status.PAUSED])
def test_only_a_concluded_experiment_takes_no_results(status: Status) -> None:
    assert experiment(status).takes_results
    assert not experiment(Status.CONCLUDED).takes_results


def test_pausing_and_resuming_keep_the_start_date() -> None:
    found = experiment(Status.RUNNING)
    found.change_status(Status.PAUSED, NOW)
    assert (found.status, found.started_at) == (Status.PAUSED, CREATED)
    found.change_status(Status.RUNNING, NOW)
    assert (found.status, found.started_at) == (Status.RUNNING, CREATED)


def test_starting_a_draft_dates_its_start() -> None:
    draft = experiment(Status.DRAFT)
    draft.change_status(Status.RUNNING, NOW)
    assert (draft.status, draft.started_at) == (Status.RUNNING, NOW)


def test_a_refused_change_says_so_and_changes_nothing() -> None:
    draft = experiment(Status.DRAFT)
    with pytest.raises(InvalidStatusChange) as refused:
        draft.change_status(Status.PAUSED, NOW)
    assert refused.value.params["number"] == 3
    assert (draft.status, draft.started_at) == (Status.DRAFT, None)


def test_concluding_goes_through_conclude() -> None:
    with pytest.raises(ValueError):
        experiment().change_status(Status.CONCLUDED, NOW)


def test_a_draft_starts_on_its_first_result_and_only_a_draft() -> None:
    draft = experiment(Status.DRAFT)
    assert draft.start_if_draft(NOW)
    assert (draft.status, draft.started_at) == (Status.RUNNING, NOW)
    assert not draft.start_if_draft(NOW)
    paused = experiment(Status.PAUSED)
    assert not paused.start_if_draft(NOW)
    assert paused.status is Status.PAUSED


def test_concluding_with_a_challenger_is_a_win_and_remembers_where_it_was() -> None:
    paused = experiment(Status.PAUSED)
    paused.conclude(None, " b ", NOW)
    assert (paused.status, paused.outcome, paused.winner) == (Status.CONCLUDED, Outcome.WON, "B")
    assert (paused.concluded_from, paused.concluded_at) == (Status.PAUSED, NOW)


def test_concluding_with_the_control_is_a_loss_and_without_a_winner_inconclusive() -> None:
    held = experiment()
    held.conclude(None, "A", NOW)
    assert (held.outcome, held.winner) == (Outcome.LOST, "A")
    unclear = experiment()
    unclear.conclude(None, None, NOW)
    assert (unclear.outcome, unclear.winner) == (Outcome.INCONCLUSIVE, None)


def test_an_outcome_alone_implies_the_winner_when_it_can() -> None:
    two = experiment()
    two.conclude(Outcome.WON, None, NOW)
    assert two.winner == "B"
    three = experiment(variants=("A", "B", "C"))
    three.conclude(Outcome.WON, None, NOW)
    assert three.winner is None


def test_an_unknown_winner_is_refused_and_nothing_changes() -> None:
    found = experiment()
    with pytest.raises(UnknownWinner):
        found.conclude(None, "Z", NOW)
    assert (found.status, found.outcome, found.concluded_at) == (Status.RUNNING, None, None)


def test_a_concluded_experiment_is_not_concluded_again() -> None:
    found = experiment()
    found.conclude(Outcome.LOST, None, NOW)
    with pytest.raises(InvalidStatusChange):
        found.conclude(Outcome.WON, None, NOW)
    assert found.outcome is Outcome.LOST


@pytest.mark.parametrize("before", [Status.DRAFT, Status.RUNNING, Status.PAUSED])
def test_reopening_returns_to_the_status_it_was_concluded_from(before: Status) -> None:
    found = experiment(before)
    found.conclude(None, "B", NOW)
    found.reopen()
    assert found.status is before
    assert (found.outcome, found.winner, found.concluded_at, found.concluded_from) == (
        None,
        None,
        None,
        None,
    )


def test_an_old_conclusion_without_its_earlier_status_reopens_running() -> None:
    found = experiment(Status.CONCLUDED)
    found.reopen()
    assert found.status is Status.RUNNING


def test_only_a_concluded_experiment_reopens() -> None:
    with pytest.raises(NotConcluded):
        experiment(Status.RUNNING).reopen()


def test_a_new_result_names_a_variant_of_the_experiment_in_any_case() -> None:
    assert experiment().check_result("b", 100, 5, None) == ExperimentVariant(2, "B", 1)
    with pytest.raises(UnknownVariant):
        experiment().check_result("C", 100, 5, None)


def test_a_new_result_obeys_the_count_and_revenue_rules() -> None:
    with pytest.raises(ConversionsExceedVisitors):
        experiment().check_result("A", 10, 11, None)
    with pytest.raises(InvalidInput):
        experiment().check_result("A", 10, 1, Decimal("-1"))


def test_a_concluded_experiment_takes_no_new_result() -> None:
    concluded = experiment()
    concluded.conclude(None, None, NOW)
    with pytest.raises(ExperimentConcluded):
        concluded.check_result("A", 10, 1, None)
    with pytest.raises(ExperimentConcluded):
        concluded.require_results_allowed()
