"""The check of the running totals: recomputed from the results, compared, and set right."""

from __future__ import annotations

from db.totals_repository import TotalsDifference
from db.unit_of_work import UnitOfWork


async def check_totals(uow: UnitOfWork, *, repair: bool = False) -> list[TotalsDifference]:
    """Where the running totals differ from their results summed again (empty: none).

    With ``repair``, those totals are set to the recomputed sums in the same transaction.
    """
    async with uow:
        if not repair:
            return await uow.totals.differences()
        found = await uow.totals.repair()
        await uow.commit()
        return found
