"""The one place where errors become replies: a domain error's own words, or a short apology."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import ContextTypes

from bot.replies import esc, reply
from bot.runtime import tr
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


class RedactingFilter(logging.Filter):
    """Removes the bot token from every log line (URLs of the Bot API contain it)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secret:
            return True
        message = record.getMessage()
        if self._secret in message:
            record.msg = message.replace(self._secret, "<token>")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = str(record.exc_info[1])
            if self._secret in text:
                record.exc_info = None
                record.exc_text = None
                record.msg = f"{record.msg} ({text.replace(self._secret, '<token>')})"
        return True


def configure_logging(level: str, secret: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    redacting = RedactingFilter(secret)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redacting)
