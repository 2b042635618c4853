"""The readout's HTML: the opening sentence, number formats, plural units, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import translator
from bot.render.readout import (
    loose_share,
    plan_line,
    points,
    readout_lines,
    share,
    signed_share,
)
from experiments.domain import ExperimentView, Kind, Status
from experiments.services import ExperimentReadout
from experiments.stats.readout import ArmCounts, conversion_readout

EN, RU = translator("en"), translator("ru")


def readout(*pairs: tuple[int, int], **kwargs):
    return conversion_readout(
        [
            ArmCounts("ABC"[i], visitors, conversions)
            for i, (conversions, visitors) in enumerate(pairs)
        ],
        **kwargs,
    )


def test_the_readout_opens_with_one_plain_sentence_built_on_the_verdict():
    lines = readout_lines(EN, readout((120, 2400), (150, 2400)))
    # visitors_to_settle 3,975 (test_verdict); the lift 25 %
    assert lines[0] == (
        "<b>Not sure yet: B looks about 25% better than A; about 3,975 more visitors per variant "
        "to be sure.</b>"
    )
    assert lines[1] == ""
    twice = readout_lines(EN, readout((20, 500), (40, 500)))[0]
    assert twice == (
        "<b>Not sure yet: B looks about 2 times as good as A; about 546 more visitors per "
        "variant to be sure.</b>"
    )
    shipped = readout_lines(EN, readout((500, 10000), (650, 10000)))[0]
    assert shipped == "<b>Ship B: it converts 10%–50% better than A.</b>"


def test_the_always_valid_range_sits_next_to_the_fixed_interval():
    text = "\n".join(readout_lines(EN, readout((120, 2400), (150, 2400))))
    assert "vs A: +1.25 pp (−0.056 pp to +2.56 pp) · lift +25.0%" in text
    # confidence_sequence(150, 2400, 120, 2400, 0.05): 0.0125 ± 0.0218646
    assert "always-valid range: −0.94 pp to +3.44 pp (lift −19% to +69%)" in text
    assert "Bayesian chance to beat A (flat prior): 97.0%" in text
    assert "could still be chance" not in text


def test_thousands_separators_everywhere():
    text = "\n".join(readout_lines(EN, readout((1200, 24000), (1500, 24000))))
    assert "1,200 of 24,000" in text and "1,500 of 24,000" in text
    text_ru = "\n".join(readout_lines(RU, readout((1200, 24000), (1500, 24000))))
    assert "1\xa0200 из 24\xa0000" in text_ru


@pytest.mark.parametrize(
    ("fraction", "english"),
    [(0.00012, "0.012%"), (0.0523, "5.23%"), (0.25, "25.00%"), (0.0, "0.00%")],
)
def test_small_rates_keep_two_significant_digits(fraction, english):
    assert share(EN, fraction, 2) == english


def test_no_negative_zero():
    assert points(EN, -1e-14) == "0.00 pp"  # too small to show: no sign, no "−0.00"
    assert points(EN, -1e-9) == "−0.00000010 pp"  # two significant digits
    assert not signed_share(EN, -1e-12).startswith("−")
    assert signed_share(EN, -0.031) == "−3.1%"
    assert points(EN, -0.000035) == "−0.0035 pp"


def test_sentence_shares_drop_a_zero_decimal():
    assert loose_share(EN, 0.08) == "8%"
    assert loose_share(EN, 0.588) == "58.8%"
    assert loose_share(RU, 0.588) == "58,8\xa0%"


def test_plural_forms_follow_the_number_in_russian():
    # Russian: 21 -> "посетитель", 22 -> "посетителя", 25 and 11 -> "посетителей"
    for plan, word in ((21, "посетитель"), (22, "посетителя"), (25, "посетителей")):
        result = ExperimentReadout(
            experiment=view(plan),
            totals=(),
            readout=readout((120, 2400), (150, 2400)),
            days_running=3.0,
            days_left=0.0,
            last_logged_at=None,
        )
        assert plan_line(RU, result) == (
            f"План: {plan} {word} на вариант; у самого маленького — 2\xa0400."
        )


def view(plan: int) -> ExperimentView:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    return ExperimentView(
        number=1,
        name="Checkout",
        kind=Kind.AB_TEST,
        stage=None,
        hypothesis=None,
        status=Status.RUNNING,
        outcome=None,
        variants=("A", "B"),
        planned_per_variant=plan,
        baseline_rate=None,
        min_detectable_effect=None,
        review_date=None,
        started_at=now,
        concluded_at=None,
        created_at=now,
        created_by="Alice",
    )


@pytest.mark.parametrize(
    ("days_left", "english", "russian"),
    [
        (0.6, "About 1 day left at this pace.", "При таком темпе осталось около 1 дня."),
        (1.2, "About 2 days left at this pace.", "При таком темпе осталось около 2 дней."),
        (4.9, "About 5 days left at this pace.", "При таком темпе осталось около 5 дней."),
    ],
)
def test_days_left_are_pluralised_in_both_languages(days_left, english, russian):
    result = ExperimentReadout(
        experiment=view(15711),
        totals=(),
        readout=readout((120, 2400), (150, 2400)),
        days_running=3.0,
        days_left=days_left,
        last_logged_at=None,
    )
    assert plan_line(EN, result) == (
        "Plan: 15,711 visitors per variant; the smallest has 2,400. " + english
    )
    assert plan_line(RU, result) == (
        "План: 15\xa0711 посетителей на вариант; у самого маленького — 2\xa0400. " + russian
    )
