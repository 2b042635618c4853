"""The one reader of dates a user writes (in /log, /funnel, a CSV file, or a day ahead such as a
review date or a countermeasure's due date), and what they mean.

A result written for a past day is stored at that day's noon in the workspace's timezone, so
every view that groups by the local day puts it on that day; a result for today is stored now.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from experiments.domain import N_, InvalidInput, check_logged_at

# Words for days, in every language the bot speaks (compared casefolded).
TODAY_WORDS = frozenset({"today", "now", "сегодня", "сейчас"})
YESTERDAY_WORDS = frozenset({"yesterday", "вчера"})
LAST_WEEK_WORDS = frozenset({"last week", "прошлая неделя", "прошлую неделю", "на прошлой неделе"})
DATE_EXAMPLES = "2026-11-30, 30.11, 30.11.2026, yesterday"

_DOTTED = re.compile(
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})(?:\.(?P<year>\d{4}|\d{2}))?\.?"
    r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Anything else that starts like a year is read as ISO 8601 with a time (the export's format).
_ISO_MOMENT = re.compile(r"\d{4}-?\d{2}.*")
_LOCAL_NOON = time(12, 0)


class NotADate(InvalidInput):
    template = N_(
        "“{token}” is not a date. Write it like 2026-11-30, 30.11 or 30.11.2026, "
        "or yesterday or today."
    )

    def __init__(self, token: str) -> None:
        super().__init__(token=token)


class DateInFuture(InvalidInput):
    template = N_(
        "“{token}” is in the future. Results can be logged for today or an earlier day only."
    )

    def __init__(self, token: str) -> None:
        super().__init__(token=token)


def parse_moment(token: str, *, now: datetime, zone: tzinfo) -> datetime:
    """When a result written with this date happened, in UTC.

    - ``today`` / ``сегодня`` → now;
    - ``yesterday`` / ``вчера``, ``last week`` (the same weekday a week ago), ``2026-11-30``,
      ``30.11.2026``, ``30.11`` (the latest 30 November that is not after today) → that day's
      noon in ``zone`` (now, when the day is today);
    - a date with a time — ``2026-11-30T09:00:00Z``, ``2026-11-30 09:00``,
      ``30.11.2026 09:00`` → that moment; without an offset the time is UTC (the export's).

    Raises ``NotADate`` for anything else, ``DateInFuture`` for a day after today (in ``zone``),
    and ``check_logged_at``'s error for a moment after now or before 2000.
    """
    cleaned = " ".join(token.split())
    folded = cleaned.casefold()
    today = now.astimezone(zone).date()
    if folded in TODAY_WORDS:
        return now
    if folded in YESTERDAY_WORDS:
        return _day_moment(today - timedelta(days=1), now, zone, cleaned)
    if folded in LAST_WEEK_WORDS:
        return _day_moment(today - timedelta(days=7), now, zone, cleaned)
    if _ISO_DAY.fullmatch(cleaned):
        return _day_moment(_iso_day(cleaned), now, zone, cleaned)
    if _ISO_MOMENT.fullmatch(cleaned):
        try:
            moment = datetime.fromisoformat(cleaned)
        except ValueError:
            raise NotADate(cleaned) from None
        return _past_moment(moment, now, cleaned)
    dotted = _DOTTED.fullmatch(cleaned)
    if dotted is not None:
        return _dotted(dotted, now, zone, today, cleaned)
    raise NotADate(cleaned)


TOMORROW_WORDS = frozenset({"tomorrow", "завтра"})
# "14d", "2w", "14д", "2н" (нед.): that many days or weeks from today.
_RELATIVE = re.compile(r"(?P<count>\d{1,3})\s*(?P<unit>d|w|д|дн|н|нед)\.?")


def day_ahead(token: str, today: date, *, horizon: int = 366) -> date | None:
    """A day from today up to ``horizon`` days ahead, or None when the token is not one.

    ``2026-12-16``, ``16.12.2026``, ``16.12`` (the next 16 December from today), ``14d`` /
    ``2w`` (``14д`` / ``2н``) from today, ``today`` / ``tomorrow`` (``сегодня`` / ``завтра``).
    """
    cleaned = " ".join(token.split()).casefold()
    found: date | None = None
    relative = _RELATIVE.fullmatch(cleaned)
    dotted = _DOTTED.fullmatch(cleaned)
    if cleaned in TODAY_WORDS:
        found = today
    elif cleaned in TOMORROW_WORDS:
        found = today + timedelta(days=1)
    elif relative is not None:
        weeks = relative.group("unit") in {"w", "н", "нед"}
        found = today + timedelta(days=int(relative.group("count")) * (7 if weeks else 1))
    elif _ISO_DAY.fullmatch(cleaned):
        try:
            found = date.fromisoformat(cleaned)
        except ValueError:
            return None
    elif dotted is not None and dotted.group("hour") is None:
        found = _dotted_ahead(dotted, today)
    if found is None or not today <= found <= today + timedelta(days=horizon):
        return None
    return found


def _dotted_ahead(match: re.Match[str], today: date) -> date | None:
    return _dotted_day(match, today, ahead=True)


def _dotted_day(match: re.Match[str], today: date, *, ahead: bool) -> date | None:
    """`30.11`, `30.11.26` or `30.11.2026` → the day; None when there is no such day.

    Without a year it is the nearest such day on the side asked for: ahead, 16.01 written in
    December is next January; behind, 30.12 written in January is last December.
    """
    year_text = match.group("year")
    year = today.year if year_text is None else int(year_text)
    if year_text is not None and len(year_text) == 2:
        year += 2000
    try:
        day = date(year, int(match.group("month")), int(match.group("day")))
        if year_text is None and ahead and day < today:
            day = day.replace(year=year + 1)
        if year_text is None and not ahead and day > today:
            day = day.replace(year=year - 1)
    except ValueError:
        return None
    return day


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def _iso_day(token: str) -> date:
    try:
        return date.fromisoformat(token)
    except ValueError:
        raise NotADate(token) from None


def _dotted(match: re.Match[str], now: datetime, zone: tzinfo, today: date, token: str) -> datetime:
    day = _dotted_day(match, today, ahead=False)
    if day is None:
        raise NotADate(token)
    if match.group("hour") is None:
        return _day_moment(day, now, zone, token)
    try:
        clock_time = time(
            int(match.group("hour")), int(match.group("minute")), int(match.group("second") or 0)
        )
    except ValueError:
        raise NotADate(token) from None
    return _past_moment(datetime.combine(day, clock_time), now, token)


def _day_moment(day: date, now: datetime, zone: tzinfo, token: str) -> datetime:
    today = now.astimezone(zone).date()
    if day > today:
        raise DateInFuture(token)
    if day == today:
        return now
    return check_logged_at(datetime.combine(day, _LOCAL_NOON, tzinfo=zone), now, token)


def _past_moment(moment: datetime, now: datetime, token: str) -> datetime:
    # The rule every result's time obeys: from 2000 up to now, in UTC.
    return check_logged_at(moment, now, token)
