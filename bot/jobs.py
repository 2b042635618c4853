"""Repeating jobs on python-telegram-bot's JobQueue, started by the application's start hooks."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Application, ContextTypes

Job = Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def run_every(
    application: Application,
    job: Job,
    *,
    seconds: float,
    first: float,
    name: str,
    needed_for: str,
    at_once: int = 1,
) -> None:
    """Runs ``job`` every ``seconds``, the first time ``first`` seconds after start.

    Runs missed while the process was busy are made up once, not one by one (coalesced);
    ``at_once`` is how many may run together before the next is skipped with a warning.
    """
    if application.job_queue is None:
        raise RuntimeError(
            f"{needed_for} need python-telegram-bot's JobQueue (the job-queue extra)"
        )
    application.job_queue.run_repeating(
        job,
        interval=seconds,
        first=first,
        name=name,
        job_kwargs={"max_instances": at_once, "coalesce": True},
    )
