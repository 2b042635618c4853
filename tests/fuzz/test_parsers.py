"""Fuzzing what users type and upload: every input is read or refused with a DomainError.

Deterministic (derandomized) and modest in examples, so the whole file runs in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from experiments import dates, domain, learnings, parsers, workspaces
from experiments.domain import DomainError
from experiments.imports import CSV_COLUMNS, parse_csv
from tests.fuzz.strategies import (
    AMOUNT_WORD,
    ANY_MOMENT,
    ANY_OFFSET,
    CSV_TEXT,
    DATEISH,
    FUZZ,
    NUMBERISH,
    WORD,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ZONES = [
    UTC,
    ZoneInfo("Pacific/Kiritimati"),
    ZoneInfo("Pacific/Pago_Pago"),
    ZoneInfo("Asia/Kolkata"),
]


def read_or_refuse(parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The parser's value, or None when it refused with a DomainError (anything else fails)."""
    try:
        return parse(*args, **kwargs)
    except DomainError as refusal:
        refusal.message()  # the refusal can be worded: every placeholder has its value
        return None


@FUZZ
@given(token=WORD)
def test_a_count_is_plain_non_negative_digits_or_refused(token: str) -> None:
    value = read_or_refuse(parsers.count, token, "visitors", "/log #1 B 1200 54")
    if value is not None:
        assert isinstance(value, int)
        cleaned = token.strip().replace(",", "").replace("_", "").replace("\u00a0", "")
        assert cleaned.lstrip("-").isascii() and cleaned.lstrip("-").isdigit()
        assert value != 0 or not cleaned.startswith("-")


@FUZZ
@given(token=WORD)
def test_money_is_exact_to_the_cent_or_refused(token: str) -> None:
    value = read_or_refuse(parsers.money, token, "/cost #1 120")
    if value is not None:
        assert isinstance(value, Decimal)
        assert value.is_finite() and 0 <= value <= domain.MAX_MONEY
        assert value == value.quantize(Decimal("0.01"))
        # Nothing was rounded away: the written amount is the stored one.
        written = Decimal(token.strip().lstrip("$€£₽").replace(",", "."))
        assert value == written


@FUZZ
@given(token=WORD, baseline=st.floats(min_value=0.001, max_value=0.999))
def test_numbers_of_plans_are_read_or_refused(token: str, baseline: float) -> None:
    read_or_refuse(parsers.experiment_number, token, "/show #1")
    rate = read_or_refuse(parsers.rate, token, "")
    if rate is not None:
        assert 0 < rate < 1
    target = read_or_refuse(parsers.effect, token, baseline, "")
    if target is not None:
        assert baseline < target < 1
    read_or_refuse(parsers.review_date, token, NOW.date(), "")


@FUZZ
@given(words=st.lists(AMOUNT_WORD, max_size=5), zone=st.sampled_from(ZONES))
def test_the_words_after_the_counts_of_a_result_are_read_or_refused(
    words: list[str], zone: Any
) -> None:
    extras = read_or_refuse(parsers.result_extras, words, now=NOW, zone=zone, usage="/log")
    if extras is not None and extras.logged_at is not None:
        assert domain.EARLIEST_LOGGED_AT <= extras.logged_at <= NOW


@FUZZ
@given(token=DATEISH | st.text(max_size=30), zone=st.sampled_from(ZONES))
def test_a_written_day_is_read_or_refused(token: str, zone: Any) -> None:
    moment = read_or_refuse(dates.parse_moment, token, now=NOW, zone=zone)
    if moment is not None:
        assert domain.EARLIEST_LOGGED_AT <= moment <= NOW


@FUZZ
@given(
    moment=ANY_MOMENT,
    offset_minutes=ANY_OFFSET,
)
def test_any_time_from_year_1_to_9999_in_any_offset_is_read_or_refused(
    moment: datetime, offset_minutes: int
) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    for candidate in (moment, aware):
        checked = read_or_refuse(domain.check_logged_at, candidate, NOW, candidate.isoformat())
        if checked is not None:
            assert checked.tzinfo == UTC and domain.EARLIEST_LOGGED_AT <= checked <= NOW


@FUZZ
@given(text=st.text(max_size=60) | st.lists(NUMBERISH, max_size=4).map("/".join))
def test_calculator_pairs_are_read_or_refused(text: str) -> None:
    pairs = read_or_refuse(parsers.pairs, text, "/calc 120/2400 150/2400", most=10)
    if pairs is not None:
        assert all(0 <= conversions <= visitors for conversions, visitors in pairs)


@FUZZ
@given(text=st.text(max_size=120), names=st.lists(st.text(max_size=30), max_size=12))
def test_names_hypotheses_and_variants_are_cleaned_or_refused(text: str, names: list[str]) -> None:
    read_or_refuse(domain.clean_name, text)
    read_or_refuse(domain.clean_hypothesis, text)
    read_or_refuse(domain.clean_variant_names, names)
    read_or_refuse(learnings.clean_summary, text)
    read_or_refuse(learnings.clean_why, text)


@FUZZ
@given(text=st.one_of(NUMBERISH, DATEISH, st.text(max_size=40)))
def test_settings_inputs_are_read_or_refused(text: str) -> None:
    read_or_refuse(workspaces.clean_timezone, text)
    read_or_refuse(workspaces.clean_currency, text)
    read_or_refuse(workspaces.clean_digest_time, text)
    read_or_refuse(parsers.stage, text)


# ---------------------------------------------------------------- the CSV import


@FUZZ
@given(
    content=st.one_of(CSV_TEXT.map(str.encode), st.binary(max_size=300)),
    zone=st.sampled_from(ZONES),
)
def test_any_uploaded_file_is_read_or_refused_naming_the_line(content: bytes, zone: Any) -> None:
    parsed = read_or_refuse(parse_csv, content, now=NOW, zone=zone)
    if parsed is None:
        return
    rows, problems = parsed
    for problem in problems:
        assert problem.line >= 1
        problem.message()
    for row in rows:
        # Negative counts are read here (the shared rules refuse them, naming the line).
        assert isinstance(row.visitors, int) and isinstance(row.conversions, int)
        if row.logged_at is not None:
            assert domain.EARLIEST_LOGGED_AT <= row.logged_at <= NOW
        if row.revenue is not None:
            assert row.revenue == row.revenue.quantize(Decimal("0.01"))


@FUZZ
@given(moment=ANY_MOMENT, minutes=ANY_OFFSET)
@example(moment=datetime(1, 1, 1), minutes=60)
@example(moment=datetime(9999, 12, 31, 23, 59), minutes=-60)
def test_a_timestamp_of_any_year_in_a_file_is_read_or_names_its_line(
    moment: datetime, minutes: int
) -> None:
    stamp = moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat()
    content = f"{','.join(CSV_COLUMNS)}\n1,A,10,1,,{stamp}\n".encode()
    rows, problems = parse_csv(content, now=NOW)
    if problems:
        assert [problem.line for problem in problems] == [2]
        assert stamp in problems[0].message()
    else:
        assert rows[0].logged_at is not None and rows[0].logged_at <= NOW
