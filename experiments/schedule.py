"""When a workspace's daily digest is due: its local wall-clock time as UTC instants, DST-correct.

A workspace asks for its digest at a local time (09:00) in an IANA timezone. Daylight-saving
changes make that wall-clock time ambiguous twice a year:

- spring forward: a time inside the skipped hour (02:30 when clocks jump 02:00 → 03:00) does
  not exist that day; the digest goes at the first valid instant after it, the moment the
  clocks jump (03:00 local). A time outside the gap (09:00) stays 09:00 local.
- fall back: a time inside the repeated hour (01:30 happens twice) is taken at its first
  occurrence (``fold=0``), so the digest goes once.

Pure functions of plain values; "now" is always passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_ONE_SECOND = timedelta(seconds=1)


def digest_moment(local_date: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant when the digest of ``local_date`` is due: ``at`` o'clock there."""
    wall = datetime.combine(local_date, at.replace(tzinfo=None))
    moment = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) == wall:
        return moment
    # ``wall`` falls in a gap. fold=0 reads it with the offset before the jump (an instant
    # after the jump), fold=1 with the offset after it (an instant before): the jump lies
    # between, and it is the first instant whose local time is past ``wall``.
    before = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return _first_instant_with_offset_of(moment, before, zone)


def _first_instant_with_offset_of(after: datetime, before: datetime, zone: ZoneInfo) -> datetime:
    """Bisects [before, after] for the transition: the first second with ``after``'s offset."""
    target_offset = after.astimezone(zone).utcoffset()
    low, high = before, after
    while high - low > _ONE_SECOND:
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == target_offset:
            high = middle
        else:
            low = middle
    return high


def local_date(now: datetime, zone: ZoneInfo) -> date:
    """The date on the workspace's wall calendar at ``now``."""
    return now.astimezone(zone).date()


@dataclass(frozen=True)
class NextDigest:
    """The digest that goes next: its local date and the instant it is due."""

    local_date: date
    moment: datetime

    def is_due(self, now: datetime) -> bool:
        return self.moment <= now


def next_digest(
    now: datetime,
    at: time,
    zone: ZoneInfo,
    *,
    schedule_set_at: datetime | None,
    today_taken: bool,
) -> NextDigest:
    """The one rule for when a workspace's digest goes; the tick sends it once ``is_due`` and
    /settings shows its moment, so what the founder reads is what happens.

    Today's digest is next unless it was already taken (claimed, sent or given up) or its
    moment came before the schedule was last set: changing the time to 06:30 at 10:00, or
    moving to a timezone where the time has passed, makes the next digest tomorrow's — never
    one minutes later. Today's digest whose moment passed is due at once (one missed while the
    bot was down still goes the same local day); a day that is over is never sent.
    """
    today = local_date(now, zone)
    day = today
    while True:
        moment = digest_moment(day, at, zone)
        set_before = schedule_set_at is None or moment > schedule_set_at
        taken = day == today and today_taken
        if set_before and not taken:
            return NextDigest(day, moment)
        day += timedelta(days=1)


def is_local_day_over(day: date, now: datetime, zone: ZoneInfo) -> bool:
    return local_date(now, zone) > day
