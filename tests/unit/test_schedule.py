"""The digest schedule: local wall-clock times as UTC instants, across daylight-saving changes.

2026 transitions used here (from the IANA database):
- Europe/Berlin: 29 Mar 02:00 CET → 03:00 CEST (01:00 UTC); 25 Oct 03:00 CEST → 02:00 CET.
- America/New_York: 8 Mar 02:00 EST → 03:00 EDT (07:00 UTC); 1 Nov 02:00 EDT → 01:00 EST.
- Australia/Sydney: 5 Apr 03:00 AEDT → 02:00 AEST (16:00 UTC on 4 Apr).
- Asia/Kolkata: no DST, always +05:30.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from experiments.schedule import (
    NextDigest,
    digest_moment,
    is_local_day_over,
    local_date,
    next_digest,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")
NINE = time(9, 0)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        (BERLIN, date(2026, 3, 28), utc(2026, 3, 28, 8, 0)),  # CET, +1
        (BERLIN, date(2026, 3, 29), utc(2026, 3, 29, 7, 0)),  # the switch day: CEST, +2
        (BERLIN, date(2026, 3, 30), utc(2026, 3, 30, 7, 0)),
        (NEW_YORK, date(2026, 3, 7), utc(2026, 3, 7, 14, 0)),  # EST, -5
        (NEW_YORK, date(2026, 3, 8), utc(2026, 3, 8, 13, 0)),  # EDT, -4
        (SYDNEY, date(2026, 4, 4), utc(2026, 4, 3, 22, 0)),  # AEDT, +11
        (SYDNEY, date(2026, 4, 5), utc(2026, 4, 4, 23, 0)),  # AEST, +10
        (KOLKATA, date(2026, 3, 29), utc(2026, 3, 29, 3, 30)),
    ],
)
def test_nine_o_clock_stays_nine_o_clock_local_across_the_switch(
    zone: ZoneInfo, day: date, expected: datetime
) -> None:
    moment = digest_moment(day, NINE, zone)
    assert moment == expected
    assert moment.astimezone(zone).time() == NINE


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        # 02:30 does not exist: the clocks jump from 02:00 to 03:00, the first valid instant.
        (BERLIN, date(2026, 3, 29), utc(2026, 3, 29, 1, 0)),
        (NEW_YORK, date(2026, 3, 8), utc(2026, 3, 8, 7, 0)),
    ],
)
def test_a_time_inside_the_skipped_hour_goes_at_the_first_valid_instant(
    zone: ZoneInfo, day: date, expected: datetime
) -> None:
    moment = digest_moment(day, time(2, 30), zone)
    assert moment == expected
    assert moment.astimezone(zone).time() == time(3, 0)
    assert moment.astimezone(zone).date() == day


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # 02:30 happens twice in Berlin on 25 Oct; the first is CEST (+2).
        (BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
        # 01:30 happens twice in New York on 1 Nov; the first is EDT (-4).
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        # 02:30 happens twice in Sydney on 5 Apr; the first is AEDT (+11).
        (SYDNEY, date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30)),
    ],
)
def test_a_time_inside_the_repeated_hour_is_taken_at_its_first_occurrence(
    zone: ZoneInfo, day: date, at: time, expected: datetime
) -> None:
    assert digest_moment(day, at, zone) == expected


def _due(now: datetime, at: time, zone: ZoneInfo, **kwargs: Any) -> date | None:
    """The local date whose digest a tick at ``now`` sends, if any (nothing taken yet)."""
    options: dict[str, Any] = {"schedule_set_at": None, "today_taken": False, **kwargs}
    upcoming = next_digest(now, at, zone, **options)
    return upcoming.local_date if upcoming.is_due(now) else None


def test_due_only_from_the_moment_on_and_only_for_today() -> None:
    # Berlin, 09:00 CEST = 07:00 UTC on 30 Mar.
    assert _due(utc(2026, 3, 30, 6, 59), NINE, BERLIN) is None
    assert _due(utc(2026, 3, 30, 7, 0), NINE, BERLIN) == date(2026, 3, 30)
    assert _due(utc(2026, 3, 30, 21, 59), NINE, BERLIN) == date(2026, 3, 30)
    # 00:30 local on 31 Mar: yesterday's digest is no longer due, today's not yet.
    assert _due(utc(2026, 3, 30, 22, 30), NINE, BERLIN) is None


def test_a_time_set_after_its_moment_today_waits_for_tomorrow() -> None:
    # At 10:00 Berlin (08:00 UTC) the time becomes 06:30: today's 06:30 came before that.
    changed = utc(2026, 3, 30, 8, 0)
    later = utc(2026, 3, 30, 8, 5)
    assert _due(later, time(6, 30), BERLIN, schedule_set_at=changed) is None
    upcoming = next_digest(later, time(6, 30), BERLIN, schedule_set_at=changed, today_taken=False)
    # 06:30 CEST on 31 Mar = 04:30 UTC.
    assert upcoming == NextDigest(date(2026, 3, 31), utc(2026, 3, 31, 4, 30))
    assert _due(utc(2026, 3, 31, 4, 29), time(6, 30), BERLIN, schedule_set_at=changed) is None
    assert _due(utc(2026, 3, 31, 4, 30), time(6, 30), BERLIN, schedule_set_at=changed) == date(
        2026, 3, 31
    )


def test_a_time_set_before_its_moment_today_goes_today_unless_today_was_taken() -> None:
    changed = utc(2026, 3, 30, 8, 0)  # 10:00 Berlin; the time becomes 20:00
    evening = utc(2026, 3, 30, 18, 0)
    assert _due(evening, time(20, 0), BERLIN, schedule_set_at=changed) == date(2026, 3, 30)
    # Today's digest already went out at the old time: the next is tomorrow's.
    upcoming = next_digest(evening, time(20, 0), BERLIN, schedule_set_at=changed, today_taken=True)
    assert upcoming == NextDigest(date(2026, 3, 31), utc(2026, 3, 31, 18, 0))


def test_a_new_timezone_where_the_time_has_passed_waits_for_its_tomorrow() -> None:
    # 10:00 UTC on 30 Mar is 19:00 in Tokyo: its 09:00 came before the move.
    changed = utc(2026, 3, 30, 10, 0)
    tokyo = ZoneInfo("Asia/Tokyo")
    assert _due(utc(2026, 3, 30, 10, 1), NINE, tokyo, schedule_set_at=changed) is None
    # 09:00 JST on 31 Mar = 00:00 UTC.
    upcoming = next_digest(changed, NINE, tokyo, schedule_set_at=changed, today_taken=False)
    assert upcoming.moment == utc(2026, 3, 31, 0, 0)


def test_the_local_day_is_over_at_local_midnight() -> None:
    day = date(2026, 3, 30)
    assert not is_local_day_over(day, utc(2026, 3, 30, 21, 59), BERLIN)
    assert is_local_day_over(day, utc(2026, 3, 30, 22, 0), BERLIN)
    # Kolkata's day ends at 18:30 UTC.
    assert not is_local_day_over(day, utc(2026, 3, 30, 18, 29), KOLKATA)
    assert is_local_day_over(day, utc(2026, 3, 30, 18, 30), KOLKATA)


def _next(now: datetime, at: time, zone: ZoneInfo, *, today_taken: bool) -> datetime:
    return next_digest(now, at, zone, schedule_set_at=None, today_taken=today_taken).moment


def test_next_moment_is_today_before_the_time_and_tomorrow_after_it() -> None:
    saturday = utc(2026, 3, 28, 7, 0)
    assert _next(saturday, NINE, BERLIN, today_taken=False) == utc(2026, 3, 28, 8, 0)
    # After Saturday's digest the next is Sunday's, already in summer time.
    sent = utc(2026, 3, 28, 8, 0)
    assert _next(sent, NINE, BERLIN, today_taken=True) == utc(2026, 3, 29, 7, 0)
    evening = utc(2026, 3, 7, 23, 0)
    assert _next(evening, NINE, NEW_YORK, today_taken=True) == utc(2026, 3, 8, 13, 0)


def test_local_date_is_the_workspace_calendar_day() -> None:
    assert local_date(utc(2026, 3, 2, 20, 0), SYDNEY) == date(2026, 3, 3)
    assert local_date(utc(2026, 3, 2, 3, 0), NEW_YORK) == date(2026, 3, 1)


def _simulate_ticks(
    zone: ZoneInfo, at: time, start: datetime, end: datetime, down: tuple[datetime, datetime]
) -> list[datetime]:
    """A tick every minute from ``start`` to ``end`` (none while the bot is ``down``), sending
    a local date's digest the first time it is due: the moments digests went out."""
    sent_dates: set[date] = set()
    sent_at: list[datetime] = []
    now = start
    while now < end:
        if not down[0] <= now < down[1]:
            due = _due(now, at, zone)
            if due is not None and due not in sent_dates:
                sent_dates.add(due)
                sent_at.append(now)
        now += timedelta(minutes=1)
    return sent_at


@pytest.mark.parametrize(
    ("zone", "at"),
    [
        (BERLIN, NINE),
        (NEW_YORK, NINE),
        (SYDNEY, NINE),
        (BERLIN, time(2, 30)),  # inside the gap on 29 Mar
        (SYDNEY, time(2, 30)),  # inside the repeated hour on 5 Apr
    ],
)
def test_minute_ticks_send_one_digest_a_day_at_the_local_time_across_the_switch(
    zone: ZoneInfo, at: time
) -> None:
    # From local midnight, so the first day's digest is not a catch-up.
    start = datetime(2026, 3, 25, tzinfo=zone).astimezone(UTC)
    end = start + timedelta(days=15)
    never = (end, end)
    sent = _simulate_ticks(zone, at, start, end, never)
    local = [moment.astimezone(zone) for moment in sent]
    days = [moment.date() for moment in local]
    assert len(days) == len(set(days))  # once a day
    assert days == sorted(days) and (days[-1] - days[0]).days == len(days) - 1  # every day
    for moment in local:
        if moment.date() == date(2026, 3, 29) and zone is BERLIN and at == time(2, 30):
            assert moment.time() == time(3, 0)  # the skipped 02:30 goes at 03:00
        else:
            assert moment.time() == at


def test_a_digest_missed_while_down_goes_when_back_the_same_day_and_is_skipped_after() -> None:
    # New York, 09:00 EDT = 13:00 UTC. Down 12:00-16:00 UTC on 10 Mar: sent at 16:00 UTC.
    start = utc(2026, 3, 10, 5)  # 01:00 local
    sent = _simulate_ticks(
        NEW_YORK, NINE, start, utc(2026, 3, 11, 0), (utc(2026, 3, 10, 12), utc(2026, 3, 10, 16))
    )
    assert sent == [utc(2026, 3, 10, 16, 0)]
    # Down from 12:00 UTC on 10 Mar until 05:00 UTC on 11 Mar (01:00 local, the day is over):
    # 10 Mar's digest is skipped, 11 Mar's goes at 09:00 local.
    sent = _simulate_ticks(
        NEW_YORK, NINE, start, utc(2026, 3, 12, 0), (utc(2026, 3, 10, 12), utc(2026, 3, 11, 5))
    )
    assert sent == [utc(2026, 3, 11, 13, 0)]
