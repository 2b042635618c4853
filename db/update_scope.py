"""The update being handled, as the unit of work sees it.

``bot.durable`` opens a scope around the handling of each update taken from the inbox; every
unit of work committed inside it (in the task handling the update) records its commit
against the update in the same transaction (``UnitOfWork.commit``), which is what makes
handling an update a second time skip what the first time saved. Outside a scope (the digest
tick, tests calling use cases directly) nothing is recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass
class UpdateScope:
    update_id: int
    # The task handling the update. Context variables are copied into every task started
    # from a context, and a job scheduled while an update was handled (a conversation's
    # timeout) can wake the scheduler there: only the handling's own task is in the scope.
    task: asyncio.Task[Any] | None = None
    closed: bool = False
    # Transactions of this handling that changed something and committed (or had been
    # committed by an earlier handling of the same update).
    writes: int = 0
    # True once a transaction turned out to be saved already by an earlier handling.
    replayed: bool = False


_current: ContextVar[UpdateScope | None] = ContextVar("hourglass_update_scope", default=None)


def current_update() -> UpdateScope | None:
    """The scope of the update being handled by this task, or None outside one."""
    scope = _current.get()
    if scope is None or scope.closed or scope.task is not _current_task():
        return None
    return scope


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no event loop running
        return None


@contextmanager
def handling_update(update_id: int) -> Iterator[UpdateScope]:
    scope = UpdateScope(update_id, task=_current_task())
    token = _current.set(scope)
    try:
        yield scope
    finally:
        scope.closed = True
        _current.reset(token)


class AlreadySaved(Exception):
    """The transaction being committed was committed by an earlier handling of this update
    (before a crash); it was rolled back instead, and the handling stops here."""

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update {update_id} was handled before; its write is saved already")
        self.update_id = update_id
