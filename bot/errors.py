"""The one place where errors become replies: a domain error's own words, or a short apology.

Never an apology asking to try again for something that was saved: when the update's
handling had committed its write (the reply after it failed, even after ``bot.durable``'s
retries) or had committed it before a restart (``AlreadySaved``), the user is told it is
saved, so trying again cannot store it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import ContextTypes

from bot.durable import update_saved
from bot.replies import esc, reply
from bot.runtime import tr
from db.update_scope import AlreadySaved
from experiments.domain import DomainError

logger = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if not isinstance(update, Update) or update.effective_chat is None:
        logger.error("error outside a chat update", exc_info=error)
        return
    t = tr(context)
    if update.callback_query is not None:
        # Every button press gets its answer, also when the work behind it failed.
        try:
            await update.callback_query.answer()
        except Exception:  # already answered, or the query expired
            logger.debug("callback query could not be answered", exc_info=True)
    if isinstance(error, DomainError):
        await reply(update, context, "⚠️ " + esc(error.message(t.gettext)))
        return
    if isinstance(error, Forbidden):
        logger.info("chat %s does not accept messages: %s", update.effective_chat.id, error)
        return
    if isinstance(error, AlreadySaved) or update_saved():
        if isinstance(error, AlreadySaved):
            logger.info("%s", error)
            text = t.gettext("✅ Saved already: I had received this before a restart.")
        else:
            logger.warning("the reply to a saved change failed: %s", error)
            text = t.gettext("✅ Saved. I could not show the result just now.")
        try:
            await reply(update, context, text)
        except Exception:
            logger.warning("could not say it was saved", exc_info=True)
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        logger.warning("network error while handling an update: %s", error)
    else:
        logger.error("unexpected error while handling an update", exc_info=error)
    try:
        await reply(
            update,
            context,
            t.gettext("Sorry, something went wrong on my side. Please try again in a moment."),
        )
    except Exception:
        logger.warning("could not send the apology", exc_info=True)


REDACTED = "<redacted>"


def redact(text: str, secrets: Iterable[str]) -> str:
    """The text with every secret (the bot token, the webhook secret) replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Removes the bot token and the webhook secret from every log record.

    Bot API URLs contain the token, and PTB's debug log shows the parameters of every call
    (setWebhook's secret_token among them). The message, its arguments and the formatted
    exception are all redacted; the traceback stays, without the secrets.
    """

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets = tuple(secret for secret in secrets if secret)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw parts, redacted
            message = f"{record.msg} {record.args}"
        record.msg = redact(message, self._secrets)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = record.exc_text or _FORMATTER.formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = redact(text, self._secrets)
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
        return True


_FORMATTER = logging.Formatter()


def configure_logging(level: str, *secrets: str) -> None:
    """Logging to stderr, with the given secrets redacted from every line."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Warnings go through logging too, so they are redacted like everything else.
    logging.captureWarnings(True)
    redacting = RedactingFilter(*secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redacting)
