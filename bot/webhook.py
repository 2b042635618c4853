"""Receiving updates by webhook: a small HTTP server that checks a request before reading it.

Telegram sends every update as a POST carrying the secret registered with setWebhook in the
`X-Telegram-Bot-Api-Secret-Token` header. A request without the right secret is refused with
403 and a body larger than 1 MB with 413, both before the body is read; a body that is not an
update is 400. Only a checked update reaches the application's update queue, which stores
it in the inbox before the 200 is sent (``bot.durable``): an update Telegram was told arrived
is handled, also if the process dies first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024
WEBHOOK_PATH = "/telegram"
# What Telegram accepts as a secret token: 1-256 characters, letters, digits, _ and -.
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Shorter secrets are accepted by Telegram but too easy to guess.
MIN_SECRET_CHARS = 16
_DERIVATION_LABEL = b"hourglass webhook secret v1"

_APPLICATION_KEY = web.AppKey("application", Application)
_SECRET_KEY = web.AppKey("secret", bytes)


def derived_secret(token: str) -> str:
    """A strong webhook secret derived from the bot token (HMAC-SHA256, 43 characters).

    Every process of one bot derives the same secret, so several processes behind a load
    balancer and restarts agree on it without anyone having to choose or store one.
    """
    digest = hmac.new(token.encode(), _DERIVATION_LABEL, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def build_webhook_app(application: Application, secret: str) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[_APPLICATION_KEY] = application
    app[_SECRET_KEY] = secret.encode()
    app.router.add_post(WEBHOOK_PATH, _receive)
    return app


def _refuse(status: int, reason: str) -> web.Response:
    response = web.Response(status=status, text=reason)
    # The unread body stays unread: the connection is closed instead of drained.
    response.force_close()
    return response


async def _receive(request: web.Request) -> web.Response:
    given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
    if not hmac.compare_digest(given, request.app[_SECRET_KEY]):
        logger.warning("webhook request without the right secret refused (from %s)", request.remote)
        return _refuse(403, "Forbidden")
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        logger.warning("webhook request of %d bytes refused", length)
        return _refuse(413, "Request Entity Too Large")
    try:
        body = await request.read()  # at most client_max_size, also without a Content-Length
    except web.HTTPRequestEntityTooLarge:
        logger.warning("webhook request over %d bytes refused", MAX_BODY_BYTES)
        return _refuse(413, "Request Entity Too Large")
    application = request.app[_APPLICATION_KEY]
    update = parse_update(body, application)
    if update is None:
        logger.warning("webhook request that is not an update refused (%d bytes)", len(body))
        return web.Response(status=400, text="Bad Request")
    await application.update_queue.put(update)
    return web.Response(status=200)


def parse_update(body: bytes, application: Application) -> Update | None:
    """The update a webhook body holds, or None when it holds none (never an exception)."""
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    try:
        return Update.de_json(data, application.bot)
    except Exception:  # any shape PTB cannot read is a bad request, not a server error
        logger.debug("webhook body PTB could not read", exc_info=True)
        return None


class WebhookServer:
    """The webhook endpoint `POST /telegram` on listen:port, feeding the application."""

    def __init__(self, application: Application, *, secret: str, listen: str, port: int) -> None:
        self._app = build_webhook_app(application, secret)
        self._listen = listen
        self._port = port
        # lingering_time=0: a refused request's body is never read, not even to discard it.
        self._runner = web.AppRunner(self._app, access_log=None, lingering_time=0)
        self._site: web.TCPSite | None = None

    async def start(self) -> None:
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self._listen, self._port)
        await self._site.start()

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        await self._runner.cleanup()
