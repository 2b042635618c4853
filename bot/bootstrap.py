"""Putting the pieces together: database up to date, runtime, application."""

from __future__ import annotations

import os
import socket

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application

from bot.app import build_application
from bot.runtime import Runtime
from db.engine import create_engine, migrate
from db.unit_of_work import Database


async def open_database(url: str, *, pool_size: int | None = None) -> Database:
    """Connects and applies any migration not yet applied."""
    return await database_on(create_engine(url, pool_size=pool_size))


async def database_on(engine: AsyncEngine) -> Database:
    """The database on ``engine``, with any migration not yet applied applied."""
    await migrate(engine)
    return Database(engine)


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def make_application(
    database_url: str,
    token: str,
    *,
    base_url: str,
    base_file_url: str | None,
    sole_receiver: bool = True,
    pool_size: int | None = None,
) -> tuple[Application, Database]:
    """``sole_receiver``: polling (one process receives every update); False for webhook
    processes, several of which may share the database."""
    database = await open_database(database_url, pool_size=pool_size)
    runtime = Runtime(database=database, instance_id=instance_name(), sole_receiver=sole_receiver)
    application = build_application(runtime, token, base_url=base_url, base_file_url=base_file_url)
    return application, database
