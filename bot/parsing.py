"""Turning what a user typed into plain values; bad input raises a domain error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation

from experiments import dates
from experiments.domain import MAX_MONEY, N_, Ice, InvalidInput, check_cents, check_ice, read_count

# Words that say the next number is revenue, in every language the bot speaks.
REVENUE_WORDS = frozenset({"revenue", "rev", "выручка"})
# Three numbers with separators between them: meant as a date, even when it can't be one.
_DATE_SHAPED = re.compile(r"\d+[.\-/]\d+[.\-/]\d+")

_REF = re.compile(r"^#?(\d{1,9})$")


def experiment_number(token: str, usage: str) -> int:
    """`#3` or `3` → 3."""
    match = _REF.match(token.strip())
    if not match or int(match.group(1)) == 0:
        raise InvalidInput(
            N_("“{token}” is not an experiment number. Write it like #3. Usage: {usage}"),
            token=token,
            usage=usage,
        )
    return int(match.group(1))


_ICE_SEPARATORS = re.compile(r"[\s,;/×x*]+")


def ice(text: str, usage: str) -> Ice:
    """`7 6 8` (or 7/6/8, 7×6×8): impact, confidence and ease, each 1–10."""
    words = [word for word in _ICE_SEPARATORS.split(text.strip().casefold()) if word]
    if len(words) != 3 or not all(re.fullmatch(r"-?\d{1,6}", word) for word in words):
        raise InvalidInput(
            N_("Write three whole numbers from 1 to 10: impact, confidence and ease, e.g. {usage}"),
            usage=usage,
        )
    impact, confidence, ease = (int(word) for word in words)
    return check_ice(impact, confidence, ease, usage=usage)


def count(token: str, what: str, usage: str) -> int:
    """A whole number of visitors or conversions (1,200 and 1_200 are fine)."""
    cleaned = token.strip().replace(",", "").replace("_", "").replace("\u00a0", "")
    value = read_count(cleaned)  # a negative count is read: the service explains why it can't be
    if value is None:
        raise InvalidInput(
            N_("“{token}” is not a whole number of {what}. Usage: {usage}"),
            token=token,
            what=what,
            usage=usage,
        )
    return value


def money(token: str, usage: str) -> Decimal:
    cleaned = token.strip().lstrip("$€£₽").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > MAX_MONEY:
        raise InvalidInput(
            N_("“{token}” is not an amount of money. Usage: {usage}"), token=token, usage=usage
        )
    return check_cents(value, token)


def rate(token: str, usage: str) -> float:
    """A conversion rate: `5%`, `5 %`, `0.05` or `5,5%` → a fraction in (0, 1)."""
    cleaned = token.strip().replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned[:-1]) / 100 if cleaned.endswith("%") else float(cleaned)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise InvalidInput(
            N_("“{token}” is not a rate between 0 and 100%. Write it like 5% or 0.05. {usage}"),
            token=token,
            usage=usage,
        )
    return value


# Percentage points after a number, as written in each language: 1pp, 1 п. п., 1пп.
_POINTS_UNIT = re.compile(r"(?:pp|п\.?п\.?)$")


def effect(token: str, baseline: float, usage: str) -> float:
    """A minimum detectable effect → the target rate.

    `20%` is relative (5% → 6%), `1pp` / `+1pp` / `1 п. п.` absolute percentage points,
    `0.01` absolute.
    """
    cleaned = re.sub(r"\s", "", token).replace(",", ".").lstrip("+").lower()
    points = _POINTS_UNIT.search(cleaned)
    target = -1.0
    try:
        if cleaned.endswith("%"):
            target = baseline * (1 + float(cleaned[:-1]) / 100)
        elif points is not None:
            target = baseline + float(cleaned[: points.start()]) / 100
        else:
            target = baseline + float(cleaned)
    except ValueError:
        pass
    if not baseline < target < 1:
        raise InvalidInput(
            N_(
                "“{token}” is not an effect I can plan for. Write a relative lift like 20% "
                "or percentage points like 1pp. {usage}"
            ),
            token=token,
            usage=usage,
        )
    return target


def review_date(token: str, today: date, usage: str) -> date:
    """`2026-05-01`, `01.05.2026`, `01.05`, `14d` / `2w` from today → a date not in the past
    (read by ``dates.day_ahead``, the one date reader)."""
    found = dates.day_ahead(token, today)
    if found is None:
        raise InvalidInput(
            N_(
                "“{token}” is not a review date within the next year. "
                "Write it like 2026-05-01, or 14d for two weeks from today. {usage}"
            ),
            token=token,
            usage=usage,
        )
    return found


def due_date(token: str, today: date) -> date:
    """When a countermeasure is due: the same forms as ``review_date``."""
    found = dates.day_ahead(token, today)
    if found is None:
        raise InvalidInput(
            N_(
                "“{token}” is not a date within the next year. Write it like 2026-05-01 or "
                "01.05.2026, or 14d for two weeks from today."
            ),
            token=token,
        )
    return found


@dataclass(frozen=True)
class ResultExtras:
    """What may follow the counts of a result: its revenue and the day it is for."""

    revenue: Decimal | None = None
    logged_at: datetime | None = None  # None: now


def result_extras(words: list[str], *, now: datetime, zone: tzinfo, usage: str) -> ResultExtras:
    """`revenue 380` (or a bare amount) and a day (`yesterday`, `30.11`, …), in either order.

    A word that reads as a date is the day (``dates.parse_moment``: the one date parser), so
    `10.10` is 10 October; write `revenue 10.10` for an amount.
    """
    revenue: Decimal | None = None
    logged_at: datetime | None = None
    remaining = list(words)
    while remaining:
        word = remaining.pop(0)
        if word.casefold() in REVENUE_WORDS:
            if not remaining:
                raise InvalidInput(
                    N_("“{word}” needs an amount after it. Usage: {usage}"),
                    word=word,
                    usage=usage,
                )
            if revenue is not None:
                raise _twice(N_("revenue"), usage)
            revenue = money(remaining.pop(0), usage)
            continue
        try:
            moment = dates.parse_moment(word, now=now, zone=zone)
        except dates.NotADate:
            if revenue is not None:
                raise InvalidInput(
                    N_("“{token}” is neither a day nor an amount of money. Usage: {usage}"),
                    token=word,
                    usage=usage,
                ) from None
            revenue = _money_or_day(word, usage)
            continue
        if logged_at is not None:
            raise _twice(N_("day"), usage)
        logged_at = moment
    return ResultExtras(revenue=revenue, logged_at=logged_at)


def _money_or_day(token: str, usage: str) -> Decimal:
    """A word that is not a day: an amount, or (when it can't be read as a number either) a
    word that is neither."""
    if not _DATE_SHAPED.fullmatch(token.strip()) and _reads_as_number(token):
        return money(token, usage)  # meant as an amount: say what is wrong with it
    raise InvalidInput(
        N_("“{token}” is neither a day nor an amount of money. Usage: {usage}"),
        token=token,
        usage=usage,
    )


def _reads_as_number(token: str) -> bool:
    try:
        Decimal(token.strip().lstrip("$€£₽").replace(",", "."))
    except InvalidOperation:
        return False
    return True


def _twice(what: str, usage: str) -> InvalidInput:
    return InvalidInput(N_("Give the {what} once. Usage: {usage}"), what=what, usage=usage)


# A planned split: shares separated by "/", e.g. 70/30, 50/25/25, 60%/40%.
_SPLIT = re.compile(r"\d+(?:\.\d+)?%?(?:\s*/\s*\d+(?:\.\d+)?%?)+")
# The same at the end of a one-line /new's variant list: "A, B 70/30".
_TRAILING_SPLIT = re.compile(r"(?:^|\s)(" + _SPLIT.pattern + r")\s*$")


def split(token: str, usage: str) -> tuple[float, ...]:
    """A planned traffic split: `70/30`, `50/25/25` or `60%/40%` → the weights, in order."""
    cleaned = token.strip().replace(",", ".")
    if not _SPLIT.fullmatch(cleaned):
        raise InvalidInput(
            N_(
                "“{token}” is not a split I can read. Write one share per variant, the control "
                "first, like 70/30 or 50/25/25. {usage}"
            ),
            token=token,
            usage=usage,
        )
    return tuple(float(part.strip().rstrip("%")) for part in cleaned.split("/"))


def trailing_split(text: str, usage: str) -> tuple[str, tuple[float, ...] | None]:
    """'A, B 70/30' → ('A, B', (70.0, 30.0)); text without a split at its end is unchanged."""
    found = _TRAILING_SPLIT.search(text)
    if found is None:
        return text, None
    return text[: found.start()].strip(), split(found.group(1), usage)


# Words before the target rate at the end of a one-line /new, in every language the bot speaks.
TARGET_WORDS = ("target", "цель")
_TRAILING_TARGET = re.compile(
    r"(?:^|\s)(?:" + "|".join(TARGET_WORDS) + r")\s*:?\s*(\d+(?:[.,]\d+)?\s*%?)\s*$", re.IGNORECASE
)


def trailing_target(text: str, usage: str) -> tuple[str, float | None]:
    """'Box target 5%' → ('Box', 0.05): one variant measured against a target rate; text
    without a target at its end is unchanged."""
    found = _TRAILING_TARGET.search(text)
    if found is None:
        return text, None
    return text[: found.start()].strip(), rate(found.group(1), usage)
