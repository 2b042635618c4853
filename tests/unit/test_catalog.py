"""The Russian catalog: every message of the code translated, with its placeholders and markup."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pytest
from babel.messages.catalog import Message
from babel.numbers import format_percent

from bot.catalog import extract, load, missing, placeholders
from bot.commands import COMMANDS
from bot.i18n import Translator, translator
from bot.render import labels
from experiments import parsers
from experiments.domain import HYPOTHESIS_MAX_CHARS, NAME_MAX_CHARS, Business, Stage, clean_name
from experiments.ideas import ideas_for
from experiments.parsers import STAGE_WORDS

RUSSIAN_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
# Telegram's HTML tags and the entities a message may carry; "<change>" in the hypothesis
# template is text (escaped when shown), not a tag.
_MARKUP = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|code|pre|a|span|tg-spoiler|tg-emoji|blockquote)"
    r"(?:\s[^>]*)?>|&(?:lt|gt|amp|quot|#\d+);"
)


def russian_messages() -> Iterator[Message]:
    for message in load("ru"):
        if message.id:
            yield message


def pairs(message: Message) -> list[tuple[str, str]]:
    """(source, translation) for every form of the message."""
    if isinstance(message.id, tuple):
        singular, plural = message.id
        strings = list(message.string)
        return [(singular, strings[0]), *((plural, form) for form in strings[1:])]
    return [(message.id, message.string)]


def every_pair() -> list[tuple[str, str]]:
    return [pair for message in russian_messages() for pair in pairs(message)]


def test_the_russian_catalog_translates_every_message_of_the_code() -> None:
    assert missing("ru") == []
    fuzzy = [message.id for message in russian_messages() if message.fuzzy]
    assert fuzzy == []


def test_the_catalog_holds_no_message_the_code_no_longer_has() -> None:
    in_code = {m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id}
    in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in russian_messages()}
    assert in_catalog - in_code == set()


def test_each_translation_has_the_placeholders_of_its_source() -> None:
    wrong = [
        (source, translation)
        for source, translation in every_pair()
        if placeholders(translation) != placeholders(source)
    ]
    assert wrong == []


def test_each_translation_fills_in_like_its_source() -> None:
    for source, translation in every_pair():
        values = {name: "1" for name in placeholders(source)}
        assert source.format(**values)
        assert translation.format(**values), source


def test_each_translation_has_the_html_tags_and_entities_of_its_source() -> None:
    wrong = [
        (source, translation)
        for source, translation in every_pair()
        if Counter(_MARKUP.findall(translation)) != Counter(_MARKUP.findall(source))
    ]
    assert wrong == []


def test_no_translation_adds_markup_telegram_would_reject() -> None:
    # A "<" or "&" that is not one of the source's tags would break the HTML of a reply.
    for source, translation in every_pair():
        if "<" not in source:
            assert "<" not in translation, source
        if "&" not in source:
            assert "&" not in translation, source


def test_the_catalog_declares_russian_plural_forms() -> None:
    catalog = load("ru")
    assert catalog.num_plurals == 3
    assert catalog.plural_forms == RUSSIAN_PLURALS
    assert not catalog.fuzzy


def test_every_plural_entry_has_three_russian_forms() -> None:
    plural_entries = [m for m in russian_messages() if isinstance(m.id, tuple)]
    assert plural_entries
    for message in plural_entries:
        assert len(message.string) == 3 and all(message.string), message.id


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "Через 1 неделю"),
        (2, "Через 2 недели"),
        (4, "Через 4 недели"),
        (5, "Через 5 недель"),
        (11, "Через 11 недель"),
        (12, "Через 12 недель"),
        (21, "Через 21 неделю"),
        (22, "Через 22 недели"),
        (0, "Через 0 недель"),
    ],
)
def test_plurals_follow_russian_endings(count: int, expected: str) -> None:
    text = Translator("ru").ngettext("In {n} week", "In {n} weeks", count).format(n=count)
    assert text == expected


def test_numbers_and_percents_are_written_the_russian_way() -> None:
    t = Translator("ru")
    assert t.percent(0.063, 2) == "6,30\xa0%"
    assert t.percent(0.063) == "6,3\xa0%"
    assert t.number(1200) == "1\xa0200"
    assert Translator("en").percent(0.063) == "6.3%"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_percents_kept_by_their_shown_value_are_babels_every_time(language: str) -> None:
    """One Translator keeps each percent by its rounded value; every text must still be what
    babel.numbers.format_percent writes for that very number, ties and signs included."""
    rng = random.Random(20261203)
    fractions: list[float] = [rng.random() for _ in range(3000)]
    fractions += [k / 20_000 for k in range(2001)]  # every tie at one and two digits
    fractions += [0.0625, -0.0625, 0.00625, -0.00001, -1e-12, 1e-9, 0.125, 12.5, 1234.5678]
    fractions += [float(x) for x in np.random.default_rng(7).random(200)]
    kept = Translator(language)
    base = kept.locale.percent_formats[None].pattern  # "#,##0%", "#,##0\xa0%"
    for digits in (0, 1, 2):
        pattern = base.replace("#,##0", "#,##0" + ("." + "0" * digits if digits else ""), 1)
        for fraction in [*fractions, np.float64(0.0625), np.float64(0.4375)]:
            expected = format_percent(fraction, format=pattern, locale=language)
            assert kept.percent(fraction, digits) == expected, (fraction, digits)


def test_english_stays_the_source_language() -> None:
    assert Translator("en").gettext("Your experiments") == "Your experiments"
    assert Translator("ru").gettext("Your experiments") == "Ваши эксперименты"


def test_every_stage_name_shown_in_russian_is_understood_when_typed() -> None:
    t = translator("ru")
    for stage in Stage:
        shown = labels.stage(t, stage)
        assert shown.casefold() in STAGE_WORDS, shown
        assert parsers.stage(shown) is stage
        assert parsers.stage(shown.upper()) is stage
    assert parsers.stage("доверие") is Stage.TRUST


def test_russian_ideas_fit_an_experiment_s_limits() -> None:
    t = translator("ru")
    for stage, business in [(stage, business) for stage in Stage for business in Business]:
        for idea in ideas_for(stage, business):
            title = t.gettext(idea.title)
            hypothesis = t.gettext(idea.hypothesis)
            assert title != idea.title and hypothesis != idea.hypothesis
            assert clean_name(title) == title and len(title) <= NAME_MAX_CHARS
            assert len(hypothesis) <= HYPOTHESIS_MAX_CHARS


def test_russian_command_menu_lines_fit_telegram_s_limit() -> None:
    t = translator("ru")
    for command in COMMANDS:
        description = t.gettext(command.description)
        assert description != command.description
        assert 3 <= len(description) <= 256
