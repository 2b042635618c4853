"""Replies to plain text: the offer to log what looks like results, and the hint otherwise."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.keyboards import button, markup, rows_of
from bot.replies import esc
from experiments.result_guess import Candidate, ResultGuess

# Callback data: tx:log:<N>:<variant index>:<visitors>:<conversions> logs it,
# tx:vis:<N>:<variant index>:<conversions> asks for the visitors, tx:no drops the offer.
LOG_DATA = "tx:log:{number}:{index}:{visitors}:{conversions}"
VISITORS_DATA = "tx:vis:{number}:{index}:{conversions}"
NO_DATA = "tx:no"


def where(candidate: Candidate) -> str:
    """`#2 Referral card, variant Card`, escaped."""
    return f"<b>#{candidate.number} {esc(candidate.name)}</b> · <b>{esc(candidate.variant)}</b>"


def _choice_data(candidate: Candidate, guess: ResultGuess) -> str:
    if guess.visitors is None:
        return VISITORS_DATA.format(
            number=candidate.number, index=candidate.variant_index, conversions=guess.conversions
        )
    return LOG_DATA.format(
        number=candidate.number,
        index=candidate.variant_index,
        visitors=guess.visitors,
        conversions=guess.conversions,
    )


def visitors(t: Translator, count: int) -> str:
    return t.ngettext("{count} visitor", "{count} visitors", count).format(count=t.number(count))


def conversions(t: Translator, count: int) -> str:
    return t.ngettext("{count} conversion", "{count} conversions", count).format(
        count=t.number(count)
    )


def _no(t: Translator) -> list[InlineKeyboardButton]:
    return [button("✖️ " + t.gettext("No, that's not it"), NO_DATA)]


def offer(t: Translator, guess: ResultGuess) -> tuple[str, InlineKeyboardMarkup]:
    """The question and its buttons: one candidate to confirm, or several to choose from."""
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
            button(_short(f"#{c.number} {c.name} · {c.variant}"), _choice_data(c, guess))
            for c in guess.candidates
        ]
        return text, markup([*rows_of(choices, 1), _no(t)])
    [candidate] = guess.candidates
    if guess.visitors is None:
        text = _(
            "{conversions} on {where}? Send the number of visitors it had "
            "(people who saw it), and I'll offer to log both."
        ).format(conversions=converted, where=where(candidate))
        return text, markup([_no(t)])
    return confirmation(t, candidate, guess.visitors, guess.conversions)


def confirmation(
    t: Translator, candidate: Candidate, visitor_count: int, conversion_count: int
) -> tuple[str, InlineKeyboardMarkup]:
    _ = t.gettext
    text = _("Log {visitors} and {conversions} on {where}?").format(
        visitors=visitors(t, visitor_count),
        conversions=conversions(t, conversion_count),
        where=where(candidate),
    )
    data = LOG_DATA.format(
        number=candidate.number,
        index=candidate.variant_index,
        visitors=visitor_count,
        conversions=conversion_count,
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
