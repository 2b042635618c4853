"""The one date parser: what each way of writing a day means, and what it refuses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from experiments.dates import DateInFuture, NotADate, day_ahead, parse_moment
from experiments.domain import InvalidInput

# Monday 5 January 2026, 09:00 UTC; 12:00 in Moscow (UTC+3).
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("today", NOW),
        ("Сегодня", NOW),
        ("yesterday", datetime(2026, 1, 4, 9, 0, tzinfo=UTC)),  # 12:00 Moscow
        ("ВЧЕРА", datetime(2026, 1, 4, 9, 0, tzinfo=UTC)),
        ("last week", datetime(2025, 12, 29, 9, 0, tzinfo=UTC)),
        ("2026-01-02", datetime(2026, 1, 2, 9, 0, tzinfo=UTC)),
        ("2026-01-05", NOW),  # today, written as a date: now
        ("02.01.2026", datetime(2026, 1, 2, 9, 0, tzinfo=UTC)),
        ("2.1.26", datetime(2026, 1, 2, 9, 0, tzinfo=UTC)),
        ("30.12", datetime(2025, 12, 30, 9, 0, tzinfo=UTC)),  # the latest 30 December
        ("2026-01-02T07:30:00Z", datetime(2026, 1, 2, 7, 30, tzinfo=UTC)),
        ("2026-01-02T10:30:00+03:00", datetime(2026, 1, 2, 7, 30, tzinfo=UTC)),
        ("2026-01-02 07:30", datetime(2026, 1, 2, 7, 30, tzinfo=UTC)),  # no offset: UTC
        ("02.01.2026 07:30", datetime(2026, 1, 2, 7, 30, tzinfo=UTC)),
    ],
)
def test_each_way_of_writing_a_day(token: str, expected: datetime) -> None:
    assert parse_moment(token, now=NOW, zone=MOSCOW) == expected


@pytest.mark.parametrize("token", ["2026-01-06", "6.1.2026"])
def test_a_day_in_the_future_is_refused(token: str) -> None:
    with pytest.raises(DateInFuture):
        parse_moment(token, now=NOW, zone=MOSCOW)


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("2026-01-05T09:00:01Z", "is in the future"),
        ("1999-12-31", "is before 2000"),
        ("0001-01-01T00:00:00+01:00", "is before 2000"),
    ],
)
def test_a_moment_after_now_or_before_2000_is_refused(token: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_moment(token, now=NOW, zone=MOSCOW)
    assert problem in str(caught.value)


@pytest.mark.parametrize("token", ["tomorrow", "31.02.2026", "2026-13-01", "19.90", "1200", ""])
def test_what_is_not_a_date_is_refused(token: str) -> None:
    with pytest.raises(NotADate):
        parse_moment(token, now=NOW, zone=MOSCOW)


def test_a_day_is_the_local_day_not_the_utc_one() -> None:
    # 23:30 UTC on 4 January is already 5 January in Moscow: "yesterday" is 4 January there.
    late = datetime(2026, 1, 4, 23, 30, tzinfo=UTC)
    assert parse_moment("yesterday", now=late, zone=MOSCOW) == datetime(
        2026, 1, 4, 9, 0, tzinfo=UTC
    )


# ---------------------------------------------------------------- a day ahead

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("16.12.2026", date(2026, 12, 16)),
        ("16.12.26", date(2026, 12, 16)),
        ("16.12", date(2026, 12, 16)),  # the next 16 December
        ("01.03", date(2027, 3, 1)),  # 1 March is past this year: next year's
        ("02.03", TODAY),
        ("2026-12-16", date(2026, 12, 16)),
        ("14d", date(2026, 3, 16)),
        ("14д", date(2026, 3, 16)),
        ("2w", date(2026, 3, 16)),
        ("2н", date(2026, 3, 16)),
        ("Завтра", date(2026, 3, 3)),
        ("today", TODAY),
    ],
)
def test_each_way_of_writing_a_day_ahead(token: str, expected: date) -> None:
    assert day_ahead(token, TODAY) == expected


@pytest.mark.parametrize(
    "token",
    ["01.01.2026", "2026-03-01", "31.02.2026", "16.12.2026 10:00", "2028-01-01", "soon", "400d"],
)
def test_a_past_impossible_or_far_day_is_not_a_day_ahead(token: str) -> None:
    assert day_ahead(token, TODAY) is None
