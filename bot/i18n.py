"""Translations (gettext catalogs kept as .po files) and locale-aware numbers and dates."""

from __future__ import annotations

import gettext
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, format_currency, get_currency_name, parse_pattern

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
LANGUAGES = ("en", "ru")
# Numbers and dates said again and again (counts, days, experiment numbers, the chances of
# experiments without new results, a digest's date) are formatted once.
_NUMBERS_KEPT = 10_000


# 1, 0.1, 0.01, …: the step of a percent shown with so many digits.
_QUANTA = tuple(Decimal(1).scaleb(-digits) for digits in range(10))


@cache
def _pattern(text: str) -> NumberPattern:
    """A number pattern parsed once: babel's format_decimal and format_percent parse it on
    every call, which costs more than applying it."""
    return parse_pattern(text)


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    """Compiles the language's .po file in memory, so no build step is needed."""
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == "en" or not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Everything a reply needs to speak one language: words, numbers, dates."""

    def __init__(self, language: str = "en") -> None:
        self.language = language if language in LANGUAGES else "en"
        self.locale = Locale.parse(self.language)
        self._catalog = _catalog(self.language)
        self._numbers: dict[int, str] = {}
        # By the value shown: its digits as text, or as a whole number (see percent).
        self._percents: dict[tuple[int | str, int], str] = {}
        self._dates: dict[date, str] = {}

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalog.ngettext(singular, plural, count)

    def percent(self, fraction: float, digits: int = 1) -> str:
        """6.3% in English, 6,3 % in Russian."""
        # The locale's own pattern keeps its spacing (Russian puts a no-break space before %).
        # Kept by the value as shown: the locale's pattern rounds exactly this way (half to
        # even on the float's shortest decimal, scaled by 100), so the same key is the same
        # text, and a tick's thousands of rates fall on a few hundred of them.
        key: tuple[int | str, int]
        scaled = fraction * 10 ** (digits + 2)
        if 0.0 < fraction <= 1.0 and digits <= 2 and abs(scaled % 1.0 - 0.5) > 1e-6:
            # Nowhere near a tie, the float scaled rounds as its decimal does (they differ by
            # less than 1e-11 here): no Decimal to make.
            key = (round(scaled), digits)
        else:
            key = (str(Decimal(str(fraction)).scaleb(2).quantize(_QUANTA[digits])), digits)
        found = self._percents.get(key)
        if found is None:
            base = self.locale.percent_formats[None].pattern
            pattern = base.replace("#,##0", "#,##0" + ("." + "0" * digits if digits else ""), 1)
            if len(self._percents) >= _NUMBERS_KEPT:
                self._percents.clear()
            found = self._percents[key] = _pattern(pattern).apply(fraction, self.locale)
        return found

    def signed_percent(self, fraction: float, digits: int = 1) -> str:
        text = self.percent(abs(fraction), digits)
        if fraction > 0:
            return "+" + text
        if fraction < 0:
            return "−" + text
        return text

    def number(self, value: float, digits: int = 0) -> str:
        if type(value) is int and not digits:
            found = self._numbers.get(value)
            if found is None:
                if len(self._numbers) >= _NUMBERS_KEPT:
                    self._numbers.clear()
                found = self._numbers[value] = _pattern("#,##0").apply(value, self.locale)
            return found
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return _pattern(pattern).apply(value, self.locale)

    def fixed(self, value: float, digits: int) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return _pattern(pattern).apply(value, self.locale)

    def money(self, amount: Decimal, currency: str) -> str:
        """$1,234.50 in English, 1 234,50 ₽ in Russian (the currency's own decimals)."""
        return format_currency(amount, currency, locale=self.locale)

    def currency_name(self, code: str) -> str:
        """US dollars / доллар США, in the chat's language."""
        return get_currency_name(code, locale=self.locale)

    def p_value(self, value: float) -> str:
        if value < 0.001:
            return "<" + self.fixed(0.001, 3)
        return self.fixed(value, 3)

    def date(self, day: date | datetime) -> str:
        # Every digest of a tick heads with one of two or three local dates.
        if type(day) is not date:
            return format_date(day, format="medium", locale=self.locale)
        found = self._dates.get(day)
        if found is None:
            if len(self._dates) >= _NUMBERS_KEPT:
                self._dates.clear()
            found = self._dates[day] = format_date(day, format="medium", locale=self.locale)
        return found

    def datetime(self, moment: datetime, tzinfo: tzinfo | None = None) -> str:
        return format_datetime(moment, format="short", tzinfo=tzinfo, locale=self.locale)


@cache
def translator(language: str) -> Translator:
    return Translator(language)
