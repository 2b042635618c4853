"""Replies to plain text: the offer to log what looks like results, and the hint otherwise."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import buttons
from bot.i18n import Translator
from bot.keyboards import button, markup, rows_of
from bot.replies import esc
from experiments.result_guess import Candidate, ResultGuess


def where(candidate: Candidate) -> str:
    """`#2 Referral card, variant Card`, escaped."""
    return f"<b>#{candidate.number} {esc(candidate.name)}</b> · <b>{esc(candidate.variant)}</b>"


def _choice_data(
    candidate: Candidate, guess: ResultGuess, day: date | None
) -> buttons.TextLog | buttons.TextVisitors:
    """Log it at once, or (without visitors) ask for them first; ``day`` None: now."""
    if guess.visitors is None:
        return buttons.TextVisitors(
            candidate.number, candidate.variant_index, guess.conversions, day
        )
    return buttons.TextLog(
        candidate.number, candidate.variant_index, guess.visitors, guess.conversions, day
    )


def visitors(t: Translator, count: int) -> str:
    return t.ngettext("{count} visitor", "{count} visitors", count).format(count=t.number(count))


def conversions(t: Translator, count: int) -> str:
    return t.ngettext("{count} conversion", "{count} conversions", count).format(
        count=t.number(count)
    )


def _no(t: Translator) -> list[InlineKeyboardButton]:
    return [button("✖️ " + t.gettext("No, that's not it"), buttons.TextNo())]


def offer(t: Translator, guess: ResultGuess, day: date | None) -> tuple[str, InlineKeyboardMarkup]:
    """The question and its buttons: one candidate to confirm, or several to choose from;
    ``day`` is the past day the text named (None: now)."""
    _ = t.gettext
    converted = conversions(t, guess.conversions)
    if len(guess.candidates) > 1:
        if guess.visitors is None:
            text = _("Shall I log {conversions}? On which experiment and variant?").format(
                conversions=converted
            )
        else:
            text = _(
                "Shall I log {visitors} and {conversions}? On which experiment and variant?"
            ).format(visitors=visitors(t, guess.visitors), conversions=converted)
        choices = [
            button(_short(f"#{c.number} {c.name} · {c.variant}"), _choice_data(c, guess, day))
            for c in guess.candidates
        ]
        return text, markup([*rows_of(choices, 1), _no(t)])
    [candidate] = guess.candidates
    if guess.visitors is None:
        text = _(
            "{conversions} on {where}? Send the number of visitors it had "
            "(people who saw it), and I'll offer to log both."
        ).format(conversions=converted, where=where(candidate))
        # Or the guided /log, on this experiment: it asks the variant and both numbers.
        guided = button("➕ " + _("Log results"), buttons.LogResults(candidate.number))
        return text, markup([[guided, *_no(t)]])
    return confirmation(t, candidate, guess.visitors, guess.conversions, day)


def confirmation(
    t: Translator,
    candidate: Candidate,
    visitor_count: int,
    conversion_count: int,
    day: date | None,
) -> tuple[str, InlineKeyboardMarkup]:
    _ = t.gettext
    counts = {
        "visitors": visitors(t, visitor_count),
        "conversions": conversions(t, conversion_count),
        "where": where(candidate),
    }
    if day is None:
        text = _("Log {visitors} and {conversions} on {where}?").format(**counts)
    else:
        text = _("Log {visitors} and {conversions} on {where} for {day}?").format(
            day=t.date(day), **counts
        )
    data = buttons.TextLog(
        candidate.number, candidate.variant_index, visitor_count, conversion_count, day
    )
    return text, markup([[button("✅ " + _("Log it"), data), *_no(t)]])


def ask_visitors(t: Translator, candidate: Candidate, conversion_count: int) -> str:
    return t.gettext(
        "{conversions} on {where}: how many visitors did it have? Send the number."
    ).format(conversions=conversions(t, conversion_count), where=where(candidate))


def hint(t: Translator) -> str:
    _ = t.gettext
    return _(
        "I read commands and results. To log results, write the variant, visitors and "
        "conversions, like <code>B 1200 54</code> or <code>/log #1 B 1200 54</code>. "
        "/help lists everything I can do."
    )


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
