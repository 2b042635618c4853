"""The one reader per kind of input, shared by the chat, the CSV import and the calculator."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.commands import COMMANDS
from experiments import parsers
from experiments.domain import (
    MAX_COUNT_PER_OBSERVATION,
    Business,
    CountTooLarge,
    EditField,
    InvalidInput,
    NegativeCount,
    Outcome,
    Stage,
    UnknownStage,
    clean_variant_names,
    conversions_fit,
)


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("1200", 1200),
        ("1,200", 1200),
        ("1_200", 1200),
        ("1\u00a0200", 1200),
        ("-5", -5),  # read, for the domain to say why it can't be
        ("1.5", None),
        ("+5", None),
        ("ten", None),
        ("", None),
        ("1" * 16, None),
    ],
)
def test_a_count_is_digits_with_separators(token: str, value: int | None) -> None:
    assert parsers.count_value(token) == value


def test_the_csv_reads_counts_without_comma_separators() -> None:
    assert parsers.count_value("1,200", separators="_") is None
    assert parsers.count_value("1_200", separators="_") == 1200


def test_a_count_above_the_domain_limit_is_read_and_left_to_the_domain() -> None:
    assert parsers.count_value(str(MAX_COUNT_PER_OBSERVATION + 1)) == MAX_COUNT_PER_OBSERVATION + 1


@pytest.mark.parametrize(
    ("token", "number"), [("#3", 3), ("3", 3), (" #12 ", 12), ("#0", None), ("#x", None)]
)
def test_experiment_numbers(token: str, number: int | None) -> None:
    assert parsers.experiment_number_value(token) == number


def test_pairs_and_the_conversions_rule() -> None:
    assert parsers.pair_value("120/2400") == (120, 2400)
    assert parsers.pair_value(" 3 / 40 ") == (3, 40)
    assert parsers.pair_value("1,500/24,000") == (1500, 24000)
    assert parsers.pair_value("-1/10") == (-1, 10)
    assert parsers.pair_value("1/2/3") is None
    assert conversions_fit(5, 5) and not conversions_fit(6, 5)


@pytest.mark.parametrize(
    ("token", "share"),
    [
        ("5%", (0.05, True)),
        ("5 %", (0.05, True)),
        ("5,5 %", (0.055, True)),
        ("0.05", (0.05, False)),
        ("0,05", (0.05, False)),
        ("five", None),
        ("%", None),
    ],
)
def test_rates(token: str, share: tuple[float, bool] | None) -> None:
    found = parsers.share_value(token)
    if share is None:
        assert found is None
    else:
        assert found is not None
        assert found[0] == pytest.approx(share[0]) and found[1] is share[1]


def test_effects_relative_or_in_points() -> None:
    assert parsers.effect_value("20%") == (pytest.approx(0.2), True)
    assert parsers.effect_value("1pp") == (pytest.approx(0.01), False)
    assert parsers.effect_value("+1 п. п.") == (pytest.approx(0.01), False)
    assert parsers.effect_value("0.01") == (pytest.approx(0.01), False)
    assert parsers.effect_value("a lot") is None
    # 5% baseline: 20% relative is 6%, 1pp absolute is 6% too (0.05 x 1.2 = 0.05 + 0.01).
    assert parsers.effect("20%", 0.05, "") == pytest.approx(0.06)
    assert parsers.effect("1pp", 0.05, "") == pytest.approx(0.06)
    with pytest.raises(InvalidInput, match="not an effect"):
        parsers.effect("-20%", 0.05, "")


def test_variant_names_may_have_spaces() -> None:
    typed = parsers.variant_list("old price,  new   price")
    assert typed == ["old price", "new price"]
    assert clean_variant_names(typed) == ["old price", "new price"]
    with pytest.raises(InvalidInput, match="can't be a variant name"):
        clean_variant_names(["A", "new/price"])


def test_the_variant_a_command_starts_with() -> None:
    words = ["old", "price", "120", "12"]
    assert parsers.variant_and_rest(words, ["old price", "new price"]) == (
        "old price",
        ["120", "12"],
    )
    assert parsers.variant_and_rest(["OLD", "PRICE"], ["old price"]) == ("OLD PRICE", [])
    # Without such a known name, the first word is the variant (the use case refuses it).
    assert parsers.variant_and_rest(["B", "ten", "1"], ["A", "B"]) == ("B", ["ten", "1"])


@pytest.mark.parametrize(
    ("word", "outcome"),
    [("won", Outcome.WON), ("Победа", Outcome.WON), ("ничья", Outcome.INCONCLUSIVE)],
)
def test_outcome_words_in_both_languages(word: str, outcome: Outcome) -> None:
    assert parsers.outcome_word(word) is outcome
    assert parsers.outcome_word("maybe") is None


def test_stage_words_in_both_languages() -> None:
    assert parsers.stage_word("Trust") is Stage.TRUST
    assert parsers.stage_word("доверие") is Stage.TRUST
    assert parsers.stage_word("trusty") is None


def test_dates_are_the_one_date_parser() -> None:
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    assert parsers.parse_moment("2026-11-30", now=now, zone=UTC).date().isoformat() == "2026-11-30"
    assert parsers.parse_moment("вчера", now=now, zone=UTC).date().isoformat() == "2026-12-01"


def test_currency_and_business_words_in_both_languages() -> None:
    assert parsers.currency_word("€") == "EUR"
    assert parsers.currency_word("рубли") == "RUB"
    assert parsers.currency_word("eur") == "EUR"  # a code, checked by the settings' rule
    assert parsers.business_word("кафе") is Business.SHOP
    assert parsers.business_word("online product") is Business.ONLINE
    assert parsers.business_word("bakery") is None


@pytest.mark.parametrize(
    ("word", "stage"),
    [
        ("trust", Stage.TRUST),
        ("TRUST", Stage.TRUST),
        (" Refer ", Stage.REFER),
        ("Доверие", Stage.TRUST),
        ("купить", Stage.BUY),
        ("рекомендуют", Stage.REFER),
    ],
)
def test_a_stage_is_named_in_english_or_russian(word: str, stage: Stage) -> None:
    assert parsers.stage(word) is stage


def test_an_unknown_stage_lists_the_stages() -> None:
    with pytest.raises(UnknownStage) as raised:
        parsers.stage("sales")
    assert raised.value.message() == (
        "“sales” is not an hourglass stage. Write one of: know, like, trust, try, buy, repeat, "
        "refer."
    )


def test_a_stage_is_named_as_the_chat_shows_it() -> None:
    shown = {"Trust": "Vertrauen"}
    assert parsers.stage("vertrauen", lambda name: shown.get(name, name)) is Stage.TRUST
    with pytest.raises(UnknownStage):
        parsers.stage("vertrauen")


@pytest.mark.parametrize(
    ("word", "setting"),
    [
        ("time", parsers.Setting.TIME),
        ("время", parsers.Setting.TIME),
        ("TZ", parsers.Setting.ZONE),
        ("пояс", parsers.Setting.ZONE),
        ("Дайджест", parsers.Setting.DIGEST),
        ("target", parsers.Setting.TARGET),
        ("тишина", parsers.Setting.STALE),
        ("язык", parsers.Setting.LANGUAGE),
        ("валюта", parsers.Setting.CURRENCY),
        ("business", parsers.Setting.BUSINESS),
        ("colour", None),
    ],
)
def test_a_setting_is_named_in_english_or_russian(word, setting) -> None:
    assert parsers.setting_word(word) == setting


def test_switch_and_language_words_in_both_languages() -> None:
    assert [parsers.switch_word(w) for w in ("on", "OFF", "вкл", "выкл", "maybe")] == [
        True,
        False,
        True,
        False,
        None,
    ]
    assert [parsers.language_word(w) for w in ("en", "English", "русский", "ru", "de")] == [
        "en",
        "en",
        "ru",
        "ru",
        None,
    ]


@pytest.mark.parametrize(
    ("word", "field"),
    [
        ("rename", EditField.NAME),
        ("название", EditField.NAME),
        ("Гипотеза", EditField.HYPOTHESIS),
        ("стадия", EditField.STAGE),
        ("review", EditField.REVIEW),
        ("расходы", EditField.COST),
        ("варианты", EditField.VARIANTS),
        ("доли", EditField.SPLIT),
        ("mde", EditField.PLAN),
        ("оценка", EditField.ICE),
        ("colour", None),
    ],
)
def test_an_edit_field_is_named_in_english_or_russian(word, field) -> None:
    assert parsers.edit_field_word(word) is field


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("backlog", parsers.Word.BACKLOG),
        ("черновики", parsers.Word.BACKLOG),
        ("History", parsers.Word.HISTORY),
        ("история", parsers.Word.HISTORY),
        ("list", parsers.Word.LIST),
        ("список", parsers.Word.LIST),
        ("этап", parsers.Word.STAGE),
        ("стадии", parsers.Word.STAGES),
        ("stages", parsers.Word.STAGES),
        ("сбросить", parsers.Word.CLEAR),
        ("none", parsers.Word.CLEAR),
        ("поровну", parsers.Word.EQUAL),
        ("even", parsers.Word.EQUAL),
    ],
)
def test_a_commands_words_in_english_and_russian(text, word) -> None:
    assert parsers.is_word(text, word)
    assert not parsers.is_word("something", word)


def test_a_cost_is_an_amount_or_a_word_that_clears_it() -> None:
    assert parsers.cost("1 200,50".replace(" ", ""), "/cost #1 120") == Decimal("1200.50")
    assert parsers.cost("нет", "/cost #1 120") is None
    assert parsers.cost("clear", "/cost #1 120") is None
    with pytest.raises(InvalidInput, match="not an amount of money"):
        parsers.cost("lots", "/cost #1 120")


@pytest.mark.parametrize(
    ("text", "weights"),
    [
        ("70/30", (70.0, 30.0)),
        ("60%/40%", (60.0, 40.0)),
        ("70,5/29,5", (70.5, 29.5)),  # a decimal comma, as typed in Russian
        ("50 / 25 / 25", (50.0, 25.0, 25.0)),
        ("70,30", (70.0, 30.0)),  # the command line's --split 70,30
        ("0.7,0.3", (0.7, 0.3)),
        ("70", None),
        ("70-30", None),
        ("seventy/thirty", None),
    ],
)
def test_one_reader_of_a_split_for_the_chat_and_the_command_line(text, weights) -> None:
    assert parsers.split_value(text) == weights


def test_an_equal_split_is_a_word_in_either_language() -> None:
    assert parsers.planned_split("поровну", "") is None
    assert parsers.planned_split("equal", "") is None
    assert parsers.planned_split("70/30", "") == (70.0, 30.0)


def test_a_pair_of_counts_obeys_the_rules_of_counts() -> None:
    assert parsers.pair("1,200/24,000") == (1200, 24000)
    with pytest.raises(NegativeCount, match="can't be negative"):
        parsers.pair("-1/10")
    with pytest.raises(InvalidInput, match="can't exceed visitors"):
        parsers.pair("5/3")
    with pytest.raises(CountTooLarge):
        parsers.pair(f"1/{MAX_COUNT_PER_OBSERVATION + 1}")
    with pytest.raises(InvalidInput, match="not conversions/visitors"):
        parsers.pair("abc")


# ---------------------------------------------------------------- a mistyped command

KNOWN = [command.name for command in COMMANDS]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("/lgo", "log"),
        ("/raedout", "readout"),
        ("/lsit", "list"),
        ("/settigns", "settings"),
        ("/conclud", "conclude"),
        ("/read", "readout"),  # the one command it begins
        ("/дщп", "log"),  # typed in the Russian layout
        ("/lgo@hourglass_bot", "log"),
    ],
)
def test_a_mistyped_command_has_a_closest(typed: str, meant: str) -> None:
    assert parsers.closest_command(typed, KNOWN) == meant


@pytest.mark.parametrize("typed", ["/frobnicate", "/l", "/log", "/"])
def test_no_suggestion_for_far_off_short_or_known_words(typed: str) -> None:
    assert parsers.closest_command(typed, KNOWN) is None


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/show_3@hourglass_bot", "/show_3"),
        ("/import@hourglass_bot results.csv", "/import"),
        ("/log #1 B 10 2", "/log"),
        ("", ""),
    ],
)
def test_a_command_is_read_without_the_bots_name(text: str, command: str) -> None:
    assert parsers.command_word(text) == command


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("/edit #1 name Flyer  test", "Flyer  test"),
        ("/edit #1 hypothesis Line one\nline two", "Line one\nline two"),
        ("/edit@hourglass_bot\n#1 name  X", "X"),
        ("/edit #1 name", ""),
        ("/edit #1", ""),
    ],
)
def test_the_text_after_a_commands_words_is_kept_as_typed(text: str, rest: str) -> None:
    assert parsers.text_after_words(text, 3) == rest


# ---------------------------------------------------------------- the funnel's leading day

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("words", "day", "rest"),
    [
        (["100", "50"], None, ["100", "50"]),
        (["2026-11-16", "100", "50"], "2026-11-16", ["100", "50"]),
        (["вчера", "100"], "2026-12-01", ["100"]),
        (["yesterday", "1,200"], "2026-12-01", ["1,200"]),
    ],
)
def test_a_funnel_may_start_with_the_day_it_is_for(words, day, rest) -> None:
    moment, after = parsers.leading_day(words, now=NOW, zone=UTC)
    assert (None if moment is None else moment.date().isoformat(), after) == (day, rest)


def test_a_two_word_day_takes_both_words() -> None:
    moment, after = parsers.leading_day(["last", "week", "100"], now=NOW, zone=UTC)
    assert moment is not None and moment < NOW
    assert after == ["100"]


def test_a_leading_word_that_is_no_day_is_refused() -> None:
    with pytest.raises(parsers.NotADate):
        parsers.leading_day(["soon", "100"], now=NOW, zone=UTC)


# ---------------------------------------------------------------- a plan: baseline and effect


@pytest.mark.parametrize(
    ("text", "baseline", "target"),
    [
        ("5% 20%", 0.05, 0.06),  # relative: 5% x 1.2
        ("0.05 1pp", 0.05, 0.06),  # absolute: 5% + 1 point
        ("5,5% 1пп", 0.055, 0.065),
    ],
)
def test_a_plan_is_a_baseline_and_an_effect(text, baseline, target) -> None:
    assert parsers.plan(text, "") == pytest.approx((baseline, target))


@pytest.mark.parametrize("text", ["5%", "5% 20% 3", "", "five 20%", "5% -"])
def test_a_plan_needs_a_rate_and_an_effect(text) -> None:
    with pytest.raises(InvalidInput):
        parsers.plan(text, "/edit #1 plan 5% 20%")


# ---------------------------------------------------------------- the calculator's pairs


def test_pairs_are_read_with_separators_and_spaces_around_the_slash() -> None:
    assert parsers.pairs("120/2400 1,500/24,000 3 / 40", "") == [
        (120, 2400),
        (1500, 24000),
        (3, 40),
    ]


@pytest.mark.parametrize("text", ["", "120/2400"])
def test_a_readout_needs_at_least_two_pairs(text) -> None:
    with pytest.raises(InvalidInput, match="at least two pairs"):
        parsers.pairs(text, "/calc 120/2400 150/2400")


def test_the_most_pairs_is_the_callers() -> None:
    eleven = " ".join(["1/10"] * 11)
    assert len(parsers.pairs(eleven, "")) == 11
    with pytest.raises(InvalidInput, match="at most 10 pairs"):
        parsers.pairs(eleven, "", most=10)


def test_a_guided_answer_is_a_single_pair() -> None:
    assert parsers.single_pair(" 120 / 2400 ") == (120, 2400)
    with pytest.raises(InvalidInput, match="one pair"):
        parsers.single_pair("120/2400 150/2400")
