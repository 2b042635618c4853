"""Keeping the gettext catalogs in step with the code: `python -m bot.catalog` updates them.

It extracts every message from `bot/` and `experiments/` into `bot/locales/messages.pot` and
merges it into each language's `.po` (new messages arrive untranslated; `--check` fails then).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALES_DIR

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("bot", "experiments")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def extract() -> Catalog:
    """Every translatable message in the code."""
    catalog = Catalog(project="Hourglass", domain=DOMAIN)
    for folder in SOURCE_DIRS:
        for filename, line, message, comments, context in extract_from_dir(
            ROOT / folder,
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        ):
            catalog.add(
                message,
                locations=[(f"{folder}/{filename}", line)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(language: str) -> Catalog:
    with po_path(language).open("rb") as po_file:
        return read_po(po_file, locale=language)


def update() -> None:
    template = extract()
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("wb") as pot_file:
        write_po(pot_file, template, omit_header=False, sort_output=True, include_lineno=False)
    for language in LANGUAGES:
        if language == "en":
            continue
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = load(language) if path.exists() else Catalog(locale=language, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as po_file:
            write_po(po_file, catalog, sort_output=True, include_lineno=False, ignore_obsolete=True)


def missing(language: str) -> list[str]:
    """Messages of the code that the language's catalog does not translate."""
    catalog = load(language)
    gaps = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found is not None else None
        translated = all(strings) if isinstance(strings, (list, tuple)) else bool(strings)
        if found is None or not translated or found.fuzzy:
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only report untranslated messages")
    args = parser.parse_args(argv)
    if not args.check:
        update()
    status = 0
    for language in LANGUAGES:
        if language == "en":
            continue
        gaps = missing(language)
        print(f"{language}: {len(gaps)} untranslated")
        for gap in gaps[:20]:
            print("   ", gap)
        status = status or (1 if gaps else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
