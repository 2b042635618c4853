"""/chart."""

from __future__ import annotations

from telegram.ext import BaseHandler

from bot.runtime import Runtime


def handlers(runtime: Runtime) -> list[BaseHandler]:  # type: ignore[type-arg]
    return []
