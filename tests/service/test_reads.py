"""A list of ids as one parameter (db/reads.py ``among``) selects exactly those ids, however
many, through the driver and through SQLAlchemy's own execution alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, insert, select

from db.models import Workspace
from db.reads import among
from db.unit_of_work import Database

_STORED = range(1, 1201)
_OF_A_KIND = (
    select(Workspace.id)
    .where(Workspace.chat_type == bindparam("kind"), among(Workspace.id))
    .order_by(Workspace.id)
)


@pytest.fixture
async def workspaces(database: Database) -> None:
    async with database.unit_of_work() as uow:
        await uow.session.execute(
            insert(Workspace),
            [
                {
                    "id": workspace_id,
                    "chat_id": -workspace_id,
                    "chat_type": "group" if workspace_id % 3 else "private",
                    "created_at": datetime(2026, 3, 2, tzinfo=UTC),
                }
                for workspace_id in _STORED
            ],
        )
        await uow.commit()


@pytest.mark.parametrize(
    "ids",
    [
        [],
        [7],
        # A thousand, some twice and some of no workspace, in no order.
        [*range(1100, 150, -1), 7, 7, 5000, 0, -3],
    ],
    ids=["none", "one", "a thousand"],
)
async def test_the_ids_given_are_the_ids_selected(
    database: Database, workspaces: None, ids: list[int]
) -> None:
    expected = [(i,) for i in sorted(set(ids)) if i in _STORED and i % 3]
    values = {"kind": "group", "ids": ids}
    async with database.unit_of_work() as uow:
        through_the_driver = (await uow.statements.run(_OF_A_KIND, values)).rows
        through_sqlalchemy = [tuple(row) for row in await uow.session.execute(_OF_A_KIND, values)]
    assert through_the_driver == through_sqlalchemy == expected


def test_a_statement_with_a_list_of_ids_prints_as_sql() -> None:
    assert str(_OF_A_KIND).splitlines()[-1] == (
        "WHERE workspaces.chat_type = :kind AND workspaces.id IN (:ids) ORDER BY workspaces.id"
    )
