"""Constants about the database that configuration needs without loading the engine."""

from __future__ import annotations

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///hourglass.sqlite3"
