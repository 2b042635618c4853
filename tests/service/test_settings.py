"""Workspace settings on a real database: each one checked, nothing saved when one is wrong."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from db.unit_of_work import Database
from experiments.domain import Business, InvalidInput
from experiments.workspaces import (
    UnknownTimezone,
    WorkspaceView,
    clean_digest_time,
    get_workspace,
    update_settings,
)
from tests.service.conftest import CHAT
from tests.support import ADMIN, FrozenClock


async def current(database: Database) -> WorkspaceView:
    return await get_workspace(database.unit_of_work(), CHAT)


async def test_a_new_workspace_has_the_defaults(database: Database, workspace: int) -> None:
    view = await current(database)
    assert (view.timezone, view.timezone_confirmed, view.digest_time) == ("UTC", False, "09:00")
    assert (view.digest_enabled, view.target_running, view.stale_after_days) == (True, 3, 3)


async def test_every_setting_changes_and_a_chosen_timezone_counts_as_confirmed(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await update_settings(
        database.unit_of_work(),
        CHAT,
        language="ru",
        timezone="america/new_york",
        digest_time="7:05",
        digest_enabled=False,
        target_running=5,
        stale_after_days=7,
        clock=clock,
        actor=ADMIN,
    )
    assert view == await current(database)
    assert (view.language, view.timezone, view.timezone_confirmed) == (
        "ru",
        "America/New_York",  # spelled as the tz database spells it
        True,
    )
    assert (view.digest_time, view.digest_enabled) == ("07:05", False)
    assert (view.target_running, view.stale_after_days) == (5, 7)


async def test_an_unknown_timezone_is_refused_with_examples_and_nothing_changes(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    before = await current(database)
    with pytest.raises(UnknownTimezone) as caught:
        await update_settings(
            database.unit_of_work(),
            CHAT,
            timezone="Mars/Olympus",
            target_running=5,
            clock=clock,
            actor=ADMIN,
        )
    assert str(caught.value) == (
        "“Mars/Olympus” is not a timezone I know. Write its IANA name, like Europe/Berlin, "
        "America/New_York or Asia/Kolkata: /settings timezone Europe/Berlin"
    )
    assert await current(database) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [("9", time(9)), ("09:30", time(9, 30)), ("21.05", time(21, 5)), (" 0:00 ", time(0))],
)
def test_digest_times_are_read_in_the_usual_ways(text: str, expected: time) -> None:
    assert clean_digest_time(text) == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"digest_time": "25:00"},
        {"digest_time": "9am tomorrow"},
        {"target_running": 0},
        {"target_running": 21},
        {"stale_after_days": 0},
        {"stale_after_days": 61},
        {"language": "de"},
    ],
)
async def test_out_of_range_settings_are_refused_and_nothing_changes(
    database: Database, workspace: int, changes: dict[str, Any], clock: FrozenClock
) -> None:
    before = await current(database)
    with pytest.raises(InvalidInput) as caught:
        await update_settings(
            database.unit_of_work(),
            CHAT,
            timezone="Asia/Tokyo",
            clock=clock,
            **changes,
            actor=ADMIN,
        )
    assert "/settings" in str(caught.value)  # says how to write it right
    assert await current(database) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shop", Business.SHOP),
        ("Café", Business.SHOP),
        ("кафе", Business.SHOP),
        ("service", Business.SERVICE),
        ("услуги", Business.SERVICE),
        ("online product", Business.ONLINE),
        ("онлайн", Business.ONLINE),
        ("all", Business.ALL),
        ("всё", Business.ALL),
    ],
)
async def test_the_kind_of_business_is_read_in_english_and_russian(
    database: Database, workspace: int, clock: FrozenClock, text: str, expected: Business
) -> None:
    assert (await current(database)).business is Business.ALL  # the default
    view = await update_settings(
        database.unit_of_work(), CHAT, business=text, clock=clock, actor=ADMIN
    )
    assert view.business is expected
    assert (await current(database)).business is expected


async def test_an_unknown_kind_of_business_is_refused_and_nothing_changes(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await update_settings(
        database.unit_of_work(), CHAT, business="service", clock=clock, actor=ADMIN
    )
    before = await current(database)
    with pytest.raises(InvalidInput) as refused:
        await update_settings(
            database.unit_of_work(),
            CHAT,
            business="bakery",
            target_running=5,
            clock=clock,
            actor=ADMIN,
        )
    assert refused.value.message() == (
        "“bakery” is not a kind of business I know. Write shop (or café), service, online "
        "or all, e.g. /settings business cafe"
    )
    assert await current(database) == before
