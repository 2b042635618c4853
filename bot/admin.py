"""Administrators' commands of `hourglass`: ``check-totals`` compares the running totals with
their results summed again, and with ``--repair`` sets them right."""

from __future__ import annotations

from typing import TextIO

from bot.bootstrap import open_database
from db.totals_repository import TotalsDifference
from experiments.totals import check_totals


async def check_totals_command(database_url: str, *, repair: bool, out: TextIO) -> int:
    """Prints every differing total; exit status 1 when any differs (0 once repaired)."""
    database = await open_database(database_url)
    try:
        found = await check_totals(database.unit_of_work(), repair=repair)
        if repair and found:
            left = await check_totals(database.unit_of_work())
        else:
            left = found
    finally:
        await database.dispose()
    for difference in found:
        print(describe(difference), file=out)
    if not found:
        print("running totals match the results", file=out)
        return 0
    if repair:
        print(f"repaired {len(found)} running totals; {len(left)} still differ", file=out)
        return 1 if left else 0
    print(f"{len(found)} running totals differ from the results", file=out)
    return 1


def describe(difference: TotalsDifference) -> str:
    """One line: which total, and each number that differs as stored → recomputed."""
    where = f"experiment id {difference.experiment_id}, variant id {difference.variant_id}"
    if difference.day is not None:
        where += f", {difference.day.isoformat()}"
    changes = ", ".join(
        f"{name} {difference.stored[name]} -> {difference.recomputed[name]}"
        for name in difference.stored
        if difference.stored[name] != difference.recomputed[name]
    )
    return f"{difference.table} ({where}): {changes}"
