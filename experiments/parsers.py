"""Turning what a user typed into plain values: one function per kind of input.

The chat, the CSV import and the command-line calculator read counts, experiment numbers,
rates, effects, splits, dates, variant lists and stage and outcome words here, in every
language the bot speaks. Each kind has one reader that returns the value or None
(``count_value``, ``experiment_number_value``, ``outcome_word``, …), used by all of them; the
functions raising ``InvalidInput`` wrap a reader with the chat's message. The rules a value
must then obey (a count's limit, conversions within visitors) live in ``experiments.domain``.
Dates are ``experiments.dates`` (``parse_moment``, ``day_ahead``), re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from experiments import dates
from experiments.dates import NotADate, day_ahead, parse_moment
from experiments.domain import (
    MAX_MONEY,
    N_,
    STAGE_NAMES,
    Business,
    EditField,
    Ice,
    InvalidInput,
    Outcome,
    Stage,
    UnknownStage,
    check_cents,
    check_count,
    check_ice,
    conversions_fit,
    phrase,
    read_count,
    target_rate,
)

__all__ = ["NotADate", "day_ahead", "parse_moment"]

T = TypeVar("T")

# Words that say the next number is revenue, in every language the bot speaks.
REVENUE_WORDS = frozenset({"revenue", "rev", "выручка"})
# Three numbers with separators between them: meant as a date, even when it can't be one.
_DATE_SHAPED = re.compile(r"\d+[.\-/]\d+[.\-/]\d+")

_REF = re.compile(r"#?(\d{1,9})")


def experiment_number_value(token: str) -> int | None:
    """`#3` or `3` → 3; None when it is not an experiment number (0 is not one)."""
    match = _REF.fullmatch(token.strip())
    if match is None or int(match.group(1)) == 0:
        return None
    return int(match.group(1))


def experiment_number(token: str, usage: str) -> int:
    """`#3` or `3` → 3."""
    number = experiment_number_value(token)
    if number is None:
        raise InvalidInput(
            N_("“{token}” is not an experiment number. Write it like #3. Usage: {usage}"),
            token=token,
            usage=usage,
        )
    return number


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


# Thousands separators a count may be written with: 1,200, 1_200, 1 200 (a no-break space, or
# the narrow one Russian numbers are shown with).
COUNT_SEPARATORS = ",_\u00a0\u202f"


def count_value(token: str, separators: str = COUNT_SEPARATORS) -> int | None:
    """A whole number of visitors, conversions or people, written with digits and the
    ``separators``; None when it is not one. A negative count is read, so that the domain's
    rules (``experiments.domain.check_counts``) can say why it can't be; the limit is theirs."""
    cleaned = token.strip()
    for separator in separators:
        cleaned = cleaned.replace(separator, "")
    return read_count(cleaned)


# Conversions/visitors, as the calculator reads them: 120/2400, 1,200/24,000.
_PAIR = re.compile(r"([+-]?\d[\d,_]*)/([+-]?\d[\d,_]*)")


def pair_value(token: str) -> tuple[int, int] | None:
    """`120/2400` → (120, 2400) as (conversions, visitors); None when it is not such a pair.
    Negative counts are read, for the caller to refuse with its own words."""
    match = _PAIR.fullmatch(re.sub(r"\s*/\s*", "/", token.strip()))
    if match is None:
        return None
    conversions, visitors = (count_value(part, ",_") for part in match.groups())
    if conversions is None or visitors is None:
        return None
    return conversions, visitors


def pair(token: str) -> tuple[int, int]:
    """`120/2400` (conversions/visitors; 1,200/24,000 is fine) → (120, 2400), counts that obey
    the rules of counts; for /calc and `hourglass calc` alike."""
    found = pair_value(token)
    if found is None:
        raise InvalidInput(
            N_("“{token}” is not conversions/visitors. Write them like 120/2400."), token=token
        )
    conversions, visitors = found
    shown = phrase(N_("“{token}”"), token=token)
    how = N_("Write conversions/visitors like 120/2400.")
    check_count(N_("conversions"), conversions, how, shown=shown)
    check_count(N_("visitors"), visitors, how, shown=shown)
    if not conversions_fit(conversions, visitors):
        raise InvalidInput(
            N_(
                "Conversions ({conversions}) can't exceed visitors ({visitors}) in “{token}”. "
                "Conversions come first: 120/2400 means 120 of 2400 visitors converted."
            ),
            conversions=conversions,
            visitors=visitors,
            token=token,
        )
    return conversions, visitors


# How many conversions/visitors pairs a readout takes: a control and at least one change.
MIN_PAIRS = 2


def pairs(text: str, usage: str, *, most: int | None = None) -> list[tuple[int, int]]:
    """`120/2400 150/2400 …`, the control first (each read by ``pair``; `120 / 2400` is one
    pair) → at least two pairs, and at most ``most``; for /calc and `hourglass calc` alike."""
    found = [pair(token) for token in re.sub(r"\s*/\s*", "/", text.strip()).split()]
    if len(found) < MIN_PAIRS:
        raise InvalidInput(
            N_("Give at least two pairs of conversions/visitors, the control first, e.g. {usage}"),
            usage=usage,
        )
    if most is not None and len(found) > most:
        raise InvalidInput(
            N_("Give at most {limit} pairs (you gave {count}), the control first, e.g. {usage}"),
            limit=most,
            count=len(found),
            usage=usage,
        )
    return found


def single_pair(text: str) -> tuple[int, int]:
    """One conversions/visitors pair alone (`120/2400`, `120 / 2400`): a guided step's answer."""
    tokens = re.sub(r"\s*/\s*", "/", text.strip()).split()
    if len(tokens) != 1:
        raise InvalidInput(N_("Type one pair of conversions/visitors, like 120/2400."))
    return pair(tokens[0])


def count(token: str, what: str, usage: str) -> int:
    """A whole number of visitors or conversions (1,200 and 1_200 are fine)."""
    value = count_value(token)  # a negative count is read: the service explains why it can't be
    if value is None:
        raise InvalidInput(
            N_("“{token}” is not a whole number of {what}. Usage: {usage}"),
            token=token,
            what=what,
            usage=usage,
        )
    return value


# Currency signs an amount may start with.
CURRENCY_SIGNS = "$€£₽"


def money_value(token: str, *, decimal_comma: bool = True) -> Decimal | None:
    """`380`, `19.90`, `$19,90` → the amount; None if it is not written as a number.
    Negative and non-finite ones (NaN, Infinity) are read, for the caller to refuse as amounts.
    ``decimal_comma``: 19,90 is 19.90."""
    cleaned = token.strip().lstrip(CURRENCY_SIGNS).strip()
    if decimal_comma:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value


def money(token: str, usage: str) -> Decimal:
    value = money_value(token)
    if value is None or not value.is_finite() or value < 0 or value > MAX_MONEY:
        raise InvalidInput(
            N_("“{token}” is not an amount of money. Usage: {usage}"), token=token, usage=usage
        )
    return check_cents(value, token)


def cost(token: str, usage: str) -> Decimal | None:
    """An experiment's cost: an amount (`120`, `99.90`, `1 200,50`), or a word that clears it
    (`none`, `нет`, …: None)."""
    if is_word(token, Word.CLEAR):
        return None
    return money(token, usage)


# A decimal number as typed: 5, 0.05, .5, +1, -0.5, 1e-3 (a decimal comma is made a point first).
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?", re.IGNORECASE)


def decimal_value(token: str) -> float | None:
    """`5`, `0.05`, `5,5`, `1e-3` → the number; None if it is not one."""
    cleaned = re.sub(r"\s", "", token).replace(",", ".")
    return float(cleaned) if _NUMBER.fullmatch(cleaned) else None


def share_value(token: str) -> tuple[float, bool] | None:
    """`5%`, `5 %` or `5,5%` → (0.05…, True); `0.05` → (0.05, False); None if not a number.
    The flag says it was written in percent."""
    cleaned = re.sub(r"\s", "", token).replace(",", ".")
    percent = cleaned.endswith("%")
    value = decimal_value(cleaned[:-1] if percent else cleaned)
    if value is None:
        return None
    return (value / 100 if percent else value), percent


def rate(token: str, usage: str) -> float:
    """A conversion rate: `5%`, `5 %`, `0.05` or `5,5%` → a fraction in (0, 1)."""
    share = share_value(token)
    if share is None or not 0 < share[0] < 1:
        raise InvalidInput(
            N_("“{token}” is not a rate between 0 and 100%. Write it like 5% or 0.05. {usage}"),
            token=token,
            usage=usage,
        )
    return share[0]


# Percentage points after a number, as written in each language: 1pp, 1 п. п., 1пп.
_POINTS_UNIT = re.compile(r"(?:pp|п\.?п\.?)$")


def effect_value(token: str) -> tuple[float, bool] | None:
    """A minimum detectable effect as (size, relative): `20%` → (0.2, True), a lift of the
    baseline; `1pp` / `+1pp` / `1 п. п.` → (0.01, False) and `0.01` → (0.01, False), absolute
    rates added to it. None if it is not written like one of these."""
    cleaned = re.sub(r"\s", "", token).replace(",", ".").lower()
    points = _POINTS_UNIT.search(cleaned)
    if points is None:
        return share_value(cleaned)
    number = cleaned[: points.start()]
    if not _NUMBER.fullmatch(number):
        return None
    return float(number) / 100, False


def effect(token: str, baseline: float, usage: str) -> float:
    """A minimum detectable effect → the target rate, above the baseline and below 100%."""
    found = effect_value(token)
    target = -1.0 if found is None else target_rate(baseline, found[0], relative=found[1])
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


def plan(text: str, usage: str) -> tuple[float, float]:
    """`5% 20%`: the baseline rate and the smallest effect worth having → (baseline, target)
    rates, read by ``rate`` and ``effect``."""
    words = text.split()
    if len(words) != 2:
        raise InvalidInput(
            N_(
                "Write the baseline rate and the smallest lift worth having, e.g. {usage} "
                "(5% now, 20% better)."
            ),
            usage=usage,
        )
    baseline = rate(words[0], usage)
    return baseline, effect(words[1], baseline, usage)


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


def leading_day(
    words: Sequence[str], *, now: datetime, zone: tzinfo
) -> tuple[datetime | None, list[str]]:
    """The day a list of counts starts with (/funnel's), and the words after it.

    A first word that is not a count starts a day: one word (`2026-11-16`, `yesterday`) or
    two (`last week`); ``NotADate`` when it is none.
    """
    if not words or count_value(words[0]) is not None:
        return None, list(words)
    if len(words) > 2:
        try:
            return dates.parse_moment(" ".join(words[:2]), now=now, zone=zone), list(words[2:])
        except dates.NotADate:
            pass
    return dates.parse_moment(words[0], now=now, zone=zone), list(words[1:])


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
    return money_value(token) is not None


def _twice(what: str, usage: str) -> InvalidInput:
    return InvalidInput(N_("Give the {what} once. Usage: {usage}"), what=what, usage=usage)


# A planned split: shares separated by "/", e.g. 70/30, 50/25/25, 60%/40%, 70,5/29,5.
_SHARE = r"\d+(?:\.\d+)?%?"
_SPLIT = re.compile(_SHARE + r"(?:\s*/\s*" + _SHARE + r")+")
# The same at the end of a one-line /new's variant list: "A, B 70/30".
_TRAILING_SPLIT = re.compile(r"(?:^|\s)(" + _SPLIT.pattern + r")\s*$")


def split_value(text: str) -> tuple[float, ...] | None:
    """`70/30`, `50/25/25`, `60%/40%` (a decimal comma is fine: `70,5/29,5`) → the weights,
    control first; without a "/", commas separate the shares (`70,30`, the command line's
    `--split 70,30`). None when it is not a split; ``domain.clean_split`` checks the weights."""
    cleaned = text.strip()
    if "/" not in cleaned:
        cleaned = cleaned.replace(",", "/")
    cleaned = cleaned.replace(",", ".")
    if not _SPLIT.fullmatch(cleaned):
        return None
    return tuple(float(part.strip().rstrip("%")) for part in cleaned.split("/"))


def split(token: str, usage: str) -> tuple[float, ...]:
    """A planned traffic split: `70/30`, `50/25/25` or `60%/40%` → the weights, in order."""
    weights = split_value(token)
    if weights is None:
        raise InvalidInput(
            N_(
                "“{token}” is not a split I can read. Write one share per variant, the control "
                "first, like 70/30 or 50/25/25. {usage}"
            ),
            token=token,
            usage=usage,
        )
    return weights


def planned_split(token: str, usage: str) -> tuple[float, ...] | None:
    """A split as /edit takes it: the weights, or a word for an equal split (None)."""
    if is_word(token, Word.EQUAL):
        return None
    return split(token, usage)


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


# ---------------------------------------------------------------- variants


def variant_list(text: str) -> list[str]:
    """`old price, new price` → ['old price', 'new price']: names separated by commas, runs of
    white space folded (``experiments.domain.clean_variant_names`` checks them)."""
    return [" ".join(name.split()) for name in text.split(",")]


def variant_and_rest(words: Sequence[str], known: Sequence[str] = ()) -> tuple[str, list[str]]:
    """The variant a command's words start with, and the words after it.

    A variant name may have spaces: the longest of the ``known`` names the first words spell
    (any case) is taken, else the first word alone. ['old', 'price', '120', '12'] with
    "old price" known → ('old price', ['120', '12']).
    """
    folded = [word.casefold() for word in words]
    taken = 1
    for name in known:
        parts = name.casefold().split()
        if len(parts) > taken and folded[: len(parts)] == parts:
            taken = len(parts)
    return " ".join(words[:taken]), list(words[taken:])


# Words before an advocacy storyline's episodes in a one-line /new, in every language the bot
# speaks: "/new Referral story | episodes: invite, reminder".
EPISODE_WORDS = ("episodes", "эпизоды")
_EPISODES = re.compile(r"\s*(?:" + "|".join(EPISODE_WORDS) + r")\s*:\s*", re.IGNORECASE)


def leading_episodes(text: str) -> str | None:
    """'episodes: invite, reminder' → 'invite, reminder' (the list after the word); None when
    the text does not start with it."""
    found = _EPISODES.match(text)
    return None if found is None else text[found.end() :]


# ---------------------------------------------------------------- words


def _look_up(table: Mapping[str, T], word: str) -> T | None:
    """A word's meaning in one of the tables below, whatever its case and spaces."""
    return table.get(word.strip().casefold())


# Words accepted for each outcome, in every language the bot speaks (compared casefolded).
OUTCOME_WORDS: dict[str, Outcome] = {
    "won": Outcome.WON,
    "win": Outcome.WON,
    "выиграл": Outcome.WON,
    "победа": Outcome.WON,
    "выигрыш": Outcome.WON,
    "lost": Outcome.LOST,
    "lose": Outcome.LOST,
    "проиграл": Outcome.LOST,
    "проигрыш": Outcome.LOST,
    "поражение": Outcome.LOST,
    "inconclusive": Outcome.INCONCLUSIVE,
    "unclear": Outcome.INCONCLUSIVE,
    "неясно": Outcome.INCONCLUSIVE,
    "ничья": Outcome.INCONCLUSIVE,
}


def outcome_word(word: str) -> Outcome | None:
    """`won`, `победа`, `unclear`, … → the outcome; None for any other word."""
    return _look_up(OUTCOME_WORDS, word)


# What a user may type for a stage, in every language the bot speaks (compared casefolded).
STAGE_WORDS: dict[str, Stage] = {
    **{stage.value: stage for stage in Stage},
    "знакомство": Stage.KNOW,
    "знать": Stage.KNOW,
    "знают": Stage.KNOW,
    "узнать": Stage.KNOW,
    "узнают": Stage.KNOW,
    "нравиться": Stage.LIKE,
    "нравится": Stage.LIKE,
    "симпатия": Stage.LIKE,
    "доверять": Stage.TRUST,
    "доверяют": Stage.TRUST,
    "доверие": Stage.TRUST,
    "попробовать": Stage.TRY,
    "пробуют": Stage.TRY,
    "проба": Stage.TRY,
    "купить": Stage.BUY,
    "покупают": Stage.BUY,
    "покупка": Stage.BUY,
    "повторить": Stage.REPEAT,
    "повторяют": Stage.REPEAT,
    "повтор": Stage.REPEAT,
    "рекомендовать": Stage.REFER,
    "рекомендуют": Stage.REFER,
    "рекомендация": Stage.REFER,
}


def stage_word(word: str) -> Stage | None:
    """`trust`, `Доверие`, … → the stage; None for any other word."""
    return _look_up(STAGE_WORDS, word)


def stage(word: str, translate: Callable[[str], str] | None = None) -> Stage:
    """A stage by its English or Russian name, any case: `trust`, `Доверие` → Stage.TRUST.

    With ``translate``, the stage's name as the chat shows it is understood too.
    """
    wanted = word.strip().casefold()
    found = stage_word(wanted)
    if found is None and translate is not None:
        shown = {translate(name).casefold(): stage for stage, name in STAGE_NAMES.items()}
        found = shown.get(wanted)
    if found is None:
        raise UnknownStage(word.strip())
    return found


# Currencies by symbol or word, in every language the bot speaks (compared casefolded).
CURRENCY_WORDS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₽": "RUB",
    "¥": "JPY",
    "₴": "UAH",
    "₸": "KZT",
    "₹": "INR",
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "rouble": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "доллар": "USD",
    "доллары": "USD",
    "евро": "EUR",
    "фунт": "GBP",
    "рубль": "RUB",
    "рубли": "RUB",
    "руб": "RUB",
    "гривна": "UAH",
    "тенге": "KZT",
}


def currency_word(text: str) -> str:
    """`€`, `euros`, `рубли` → its ISO 4217 code; any other word upper-cased (`eur` → EUR), for
    the caller to check it is a currency."""
    wanted = text.strip().casefold().rstrip(".")
    return CURRENCY_WORDS.get(wanted, wanted.upper())


# The words a founder may use for their kind of business, in English and Russian.
BUSINESS_WORDS: dict[str, Business] = {
    **{word: Business.SHOP for word in ("shop", "cafe", "café", "store", "магазин", "кафе")},
    **{word: Business.SERVICE for word in ("service", "services", "услуги", "услуга", "сервис")},
    **{word: Business.ONLINE for word in ("online", "product", "онлайн", "продукт")},
    **{word: Business.ALL for word in ("all", "все", "всё")},
}


def business_word(text: str) -> Business | None:
    """``shop``, ``кафе``, ``online product``…: the first word that names a kind decides."""
    for word in re.split(r"[\s/,·]+", text.strip().casefold()):
        if word in BUSINESS_WORDS:
            return BUSINESS_WORDS[word]
    return None


# ---------------------------------------------------------------- settings and commands' words


class Setting(StrEnum):
    """What `/settings <setting> <value>` changes."""

    TIME = "time"
    ZONE = "zone"
    DIGEST = "digest"
    TARGET = "target"
    STALE = "stale"
    LANGUAGE = "language"
    CURRENCY = "currency"
    BUSINESS = "business"


# The words for each setting, in every language the bot speaks (compared casefolded).
SETTING_WORDS: dict[str, Setting] = {
    "time": Setting.TIME,
    "время": Setting.TIME,
    "timezone": Setting.ZONE,
    "tz": Setting.ZONE,
    "zone": Setting.ZONE,
    "пояс": Setting.ZONE,
    "digest": Setting.DIGEST,
    "дайджест": Setting.DIGEST,
    "target": Setting.TARGET,
    "цель": Setting.TARGET,
    "stale": Setting.STALE,
    "тишина": Setting.STALE,
    "language": Setting.LANGUAGE,
    "lang": Setting.LANGUAGE,
    "язык": Setting.LANGUAGE,
    "currency": Setting.CURRENCY,
    "валюта": Setting.CURRENCY,
    "business": Setting.BUSINESS,
    "бизнес": Setting.BUSINESS,
}


def setting_word(word: str) -> Setting | None:
    """`timezone`, `пояс`, … → the setting; None for any other word."""
    return _look_up(SETTING_WORDS, word)


SWITCH_WORDS = {"on": True, "off": False, "вкл": True, "выкл": False}


def switch_word(word: str) -> bool | None:
    """`on` / `вкл` → True, `off` / `выкл` → False; None for any other word."""
    return _look_up(SWITCH_WORDS, word)


# The languages the bot speaks, by code or name in either of them.
LANGUAGE_WORDS = {
    "en": "en",
    "english": "en",
    "английский": "en",
    "ru": "ru",
    "russian": "ru",
    "русский": "ru",
}


def language_word(word: str) -> str | None:
    """`en`, `russian`, `русский`, … → the language's code; None for any other word."""
    return _look_up(LANGUAGE_WORDS, word)


# What `/edit #N <field> <value>` may name, in every language the bot speaks.
EDIT_FIELD_WORDS: dict[str, EditField] = {
    "name": EditField.NAME,
    "rename": EditField.NAME,
    "название": EditField.NAME,
    "имя": EditField.NAME,
    "hypothesis": EditField.HYPOTHESIS,
    "гипотеза": EditField.HYPOTHESIS,
    "stage": EditField.STAGE,
    "этап": EditField.STAGE,
    "стадия": EditField.STAGE,
    "review": EditField.REVIEW,
    "проверка": EditField.REVIEW,
    "обзор": EditField.REVIEW,
    "cost": EditField.COST,
    "стоимость": EditField.COST,
    "расходы": EditField.COST,
    "variants": EditField.VARIANTS,
    "варианты": EditField.VARIANTS,
    "split": EditField.SPLIT,
    "сплит": EditField.SPLIT,
    "доли": EditField.SPLIT,
    "plan": EditField.PLAN,
    "mde": EditField.PLAN,
    "план": EditField.PLAN,
    "ice": EditField.ICE,
    "айс": EditField.ICE,
    "оценка": EditField.ICE,
}


def edit_field_word(word: str) -> EditField | None:
    """`name`, `гипотеза`, `split`, … → the field /edit changes; None for any other word."""
    return _look_up(EDIT_FIELD_WORDS, word)


class Word(StrEnum):
    """The fixed words a command takes (``/funnel history``, ``/learn list``, …)."""

    BACKLOG = "backlog"  # /list backlog
    HISTORY = "history"  # /funnel history
    LIST = "list"  # /learn list
    STAGE = "stage"  # /learn stage trust
    STAGES = "stages"  # /help stages
    CLEAR = "clear"  # /cost #1 none: the cost is cleared
    EQUAL = "equal"  # /edit #1 split equal (the button sends "-")
    FUNNEL = "funnel"  # /chart funnel


WORDS: dict[Word, frozenset[str]] = {
    Word.BACKLOG: frozenset({"backlog", "drafts", "бэклог", "беклог", "черновики"}),
    Word.HISTORY: frozenset({"history", "история"}),
    Word.LIST: frozenset({"list", "список"}),
    Word.STAGE: frozenset({"stage", "этап", "стадия"}),
    Word.STAGES: frozenset({"stages", "stage", "этапы", "стадии"}),
    Word.CLEAR: frozenset({"none", "clear", "-", "нет", "убрать", "сбросить"}),
    Word.EQUAL: frozenset({"-", "equal", "even", "поровну", "равно", "равный"}),
    Word.FUNNEL: frozenset({"funnel"}),
}


def is_word(text: str, word: Word) -> bool:
    """Whether ``text`` is one of the ways to write ``word``, in any language and case."""
    return text.strip().casefold() in WORDS[word]


# ---------------------------------------------------------------- a mistyped command

# A command typed with the Russian keyboard layout on: /дщп is /log.
_RUSSIAN_LAYOUT = str.maketrans(
    "йцукенгшщзхъфывапролджэячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,."
)
# The most edits (insert, delete, replace, swap two neighbours) a suggestion may be away.
_MAX_EDITS = 2


def text_after_words(text: str, count: int) -> str:
    """What follows the first ``count`` words, as typed (its spaces and line breaks kept):
    `/edit #1 name Flyer  test` after 3 words → `Flyer  test`; "" when there is nothing."""
    found = re.match(r"\s*" + r"\S+\s+" * (count - 1) + r"\S+\s*(.*)$", text, re.DOTALL)
    return "" if found is None else found.group(1)


def command_word(text: str) -> str:
    """The command a message starts with, without the bot's name: `/show_3@hourglass_bot 2`
    → `/show_3`; "" for an empty message."""
    return (text.split() or [""])[0].split("@", 1)[0]


def closest_command(typed: str, known: Iterable[str]) -> str | None:
    """The known command a mistyped one most likely meant (``lgo`` → ``log``), or None.

    Closest by optimal-string-alignment distance (a swap of two neighbouring letters counts
    as one edit) within two edits and under half the word; else the one command the word
    begins; a word typed in the Russian layout is read as the keys it was typed on.
    """
    word = command_word(typed).lstrip("/").casefold()
    if not word:
        return None
    names = sorted(set(known))
    if word in names:
        return None
    for attempt in (word, word.translate(_RUSSIAN_LAYOUT)):
        scored = sorted((_edits(attempt, name), name) for name in names)
        if scored:
            distance, best = scored[0]
            close = distance <= _MAX_EDITS and distance * 2 < max(len(attempt), len(best))
            unique = len(scored) == 1 or scored[1][0] > distance
            if close and unique:
                return best
        starting = [name for name in names if len(attempt) >= 3 and name.startswith(attempt)]
        if len(starting) == 1:
            return starting[0]
    return None


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau–Levenshtein without repeated edits)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]
