"""Reads past the ORM: the rows of the digest's batches, straight from the connection."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


async def read_rows(session: AsyncSession, query: Any) -> Any:
    """Rows of a read through the session's connection, past the ORM's result handling
    (nothing to flush: the batches read, in a unit of work of their own)."""
    connection = await session.connection()
    return await connection.execute(query)
