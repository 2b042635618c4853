"""Reading plain chat text that looks like results ("B 1000 42", "sold 40 with the new flyer").

Nothing here stores anything: the guess only names what could be logged, and the chat asks
before a result is written (with the same service /log uses). A guess needs a number and an
experiment or a variant of this chat that the text names; anything else is not results.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from db.unit_of_work import UnitOfWork
from experiments import parsers, services
from experiments.dates import YESTERDAY_WORDS
from experiments.domain import MAX_COUNT_PER_OBSERVATION, ExperimentView

# A count as people type it: 1200, 1,200, 1_200, 1 200 with a no-break space (a plain space
# separates two numbers). Not part of a word, a time (10:30), a date (30.11) or a percentage.
_COUNT = re.compile(r"(?<![\w#.,/:])(\d{1,3}(?:[,_\u00a0\u202f]\d{3})+|\d+)(?![\w%:]|[.,/]\d)")
_FRACTION = re.compile(r"(?<![\w#])(\d+)\s*/\s*(\d+)(?!\w)")  # 42/1000: conversions/visitors
_REFERENCE = re.compile(r"(?<![\w#])#(\d{1,9})(?!\w)")
_WORD = re.compile(r"\w+", re.UNICODE)
# A word naming a past day, as /log reads it (``dates.parse_moment`` decides what it means).
_DAY_WORD = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}(?:\.(?:\d{4}|\d{2}))?")
# Name words too common to say which experiment the founder means.
_MIN_NAME_WORD = 4


@dataclass(frozen=True)
class Candidate:
    """One experiment and variant the text may mean."""

    number: int
    name: str
    variant: str
    variant_index: int


@dataclass(frozen=True)
class ResultGuess:
    """What the text seems to report; ``visitors`` is None when it gave one number only."""

    candidates: tuple[Candidate, ...]  # one when the text is clear; several to choose from
    conversions: int
    visitors: int | None
    day: str | None = None  # the word naming the day ("yesterday", "30.11"), if any


@dataclass(frozen=True)
class _Open:
    number: int
    name: str
    variants: tuple[str, ...]


def guess_result(text: str, experiments: Sequence[ExperimentView]) -> ResultGuess | None:
    """The result ``text`` seems to report on one of ``experiments``, or None if it is not one.

    Which experiment: a ``#N`` of this chat, else the experiments whose name or variant the text
    names. Which variant: the one named (a one-letter name only as a capital letter on its own,
    so the article "a" is not variant A), else every variant of the experiment, to choose.
    Numbers: two are visitors and conversions (the larger is visitors; ``42/1000`` is
    conversions over visitors, as in /calc); one is conversions, the visitors still to come.
    """
    open_ones = sorted(
        (_Open(e.number, e.name, e.variants) for e in experiments if not e.is_concluded),
        key=lambda e: e.number,
    )
    if not open_ones:
        return None
    remaining = text
    referenced = {int(m.group(1)) for m in _REFERENCE.finditer(text)}
    remaining = _REFERENCE.sub(" ", remaining)
    by_number = {e.number: e for e in open_ones}
    if referenced:
        chosen = [by_number[n] for n in sorted(referenced) if n in by_number]
        if not chosen:
            return None
    else:
        chosen = open_ones
    candidates: list[Candidate] = []
    named_variant = False
    searched = remaining
    for experiment in chosen:
        for index, variant in enumerate(experiment.variants):
            found = _variant_pattern(variant).search(searched)
            if found:
                named_variant = True
                candidates.append(Candidate(experiment.number, experiment.name, variant, index))
                # Digits in a variant's name ("v2") are not counts.
                remaining = _variant_pattern(variant).sub(" ", remaining)
    if not named_variant:
        if not referenced:
            chosen = [e for e in open_ones if _name_words_in(e.name, text)]
        if not chosen:
            return None
        candidates = [
            Candidate(e.number, e.name, variant, index)
            for e in chosen
            for index, variant in enumerate(e.variants)
        ]
    else:
        # A variant named in a sentence that also names its experiment settles which one.
        named_experiments = {e.number for e in chosen if _name_words_in(e.name, text)}
        narrowed = [c for c in candidates if c.number in named_experiments]
        candidates = narrowed or candidates
    day = _day_word(remaining)
    if day is not None:
        remaining = remaining.replace(day, " ", 1)  # 2026-11-30 holds no counts
    counts = _counts(remaining)
    if counts is None:
        return None
    conversions, visitors = counts
    return ResultGuess(tuple(candidates), conversions, visitors, day)


def _day_word(text: str) -> str | None:
    for word in text.split():
        cleaned = word.strip(",;:!?()\"'«»").rstrip(".") if not _DAY_WORD.fullmatch(word) else word
        if cleaned.casefold() in YESTERDAY_WORDS or _DAY_WORD.fullmatch(cleaned):
            return cleaned
    return None


# Russian keyboards type these for the Latin capitals people name variants with.
_LOOKALIKES = {
    "A": "А",
    "B": "В",
    "C": "С",
    "E": "Е",
    "H": "Н",
    "K": "К",
    "M": "М",
    "O": "О",
    "P": "Р",
    "T": "Т",
    "X": "Х",
}


def _variant_pattern(variant: str) -> re.Pattern[str]:
    """How a variant's name shows in text; a one-letter name only as a capital on its own."""
    if len(variant) == 1:
        letters = re.escape(variant) + re.escape(_LOOKALIKES.get(variant, ""))
        return re.compile(rf"(?<![\w#])[{letters}](?!\w)")
    words = r"\s+".join(re.escape(word) for word in variant.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _name_words_in(name: str, text: str) -> bool:
    wanted = {w.casefold() for w in _WORD.findall(name) if len(w) >= _MIN_NAME_WORD}
    said = {w.casefold() for w in _WORD.findall(text)}
    return bool(wanted & said)


def _counts(text: str) -> tuple[int, int | None] | None:
    """(conversions, visitors or None) from the numbers in ``text``."""
    fraction = _FRACTION.search(text)
    if fraction is not None:
        conversions, visitors = int(fraction.group(1)), int(fraction.group(2))
        if visitors <= MAX_COUNT_PER_OBSERVATION:
            return conversions, visitors
    numbers = [value for m in _COUNT.finditer(text) if (value := _count(m.group(1))) is not None]
    if not numbers:
        return None
    if len(numbers) == 1:
        return numbers[0], None
    first, second = numbers[0], numbers[1]
    return min(first, second), max(first, second)


def single_count(text: str) -> int | None:
    """The one count in a short answer ("300", "300 visitors", "about 1,200"), else None."""
    numbers = [m.group(1) for m in _COUNT.finditer(text)]
    if len(numbers) != 1 or len(_WORD.findall(text)) > 4:
        return None
    return _count(numbers[0])


def _count(found: str) -> int | None:
    """A count found in the text; past the domain's limit a number is not a day's visitors (a
    year, a phone number, an amount)."""
    value = parsers.count_value(found)
    return value if value is not None and value <= MAX_COUNT_PER_OBSERVATION else None


async def guess_for_chat(uow: UnitOfWork, chat_id: int, text: str) -> ResultGuess | None:
    """The result a chat's plain text seems to report, against its own experiments only."""
    summaries = await services.list_experiments(uow, chat_id)
    return guess_result(text, [summary.experiment for summary in summaries])
