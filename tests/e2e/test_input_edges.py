"""Edge cases of typed numbers and imported files: refused with a clear reply, nothing stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from db.models import Experiment, Observation
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, each_refused, say

HEADER = "experiment,variant,visitors,conversions,revenue,logged_at"


@pytest.fixture
async def with_experiment(bot: BotUnderTest, alice_chat: SimChat) -> SimChat:
    await say(alice_chat, "/new Checkout button")
    logged = await say(alice_chat, "/log #1 A 100 5")
    assert "New totals" in logged.text
    return alice_chat


async def stored(bot: BotUnderTest) -> list[tuple[int, int, Decimal | None]]:
    async with bot.database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(Observation.visitors, Observation.conversions, Observation.revenue).order_by(
                Observation.id
            )
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def experiments_state(bot: BotUnderTest) -> list[tuple[int, str, object]]:
    async with bot.database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(Experiment.number, Experiment.status, Experiment.cost_spent)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


EDGE_COMMANDS = [
    ("/log #1 A -0 -0", "“-0” is not a whole number of visitors"),
    ("/log #1 A 10 -0", "“-0” is not a whole number of conversions"),
    ("/log #1 A +5 1", "“+5” is not a whole number of visitors"),
    ("/log #1 A 0 0", "An entry of 0 visitors says nothing, so it was not logged."),
    ("/log #1 B 000 0", "An entry of 0 visitors says nothing"),
    ("/log #1 A 10 1 1.999", "“1.999” has more than two decimal places"),
    ("/log #1 A 10 1 0.001", "“0.001” has more than two decimal places"),
    ("/log #1 A 10 1 revenue 1e-9", "“1e-9” has more than two decimal places"),
    ("/log #1 A 10 1 revenue NaN", "“NaN” is not an amount of money"),
    ("/log #1 A 10 1 revenue 1e30", "“1e30” is not an amount of money"),
    ("/log #1 A 10 1 NaN", "“NaN” is not"),
    ("/calc -0/10 5/10", "“-0/10” is not conversions/visitors"),
    ("/calc +5/10 5/10", "“+5/10” is not conversions/visitors"),
]


async def test_edge_numbers_are_refused_and_change_nothing(
    bot: BotUnderTest, with_experiment: SimChat, subtests: pytest.Subtests
) -> None:
    async def state() -> object:
        return await stored(bot), await experiments_state(bot)

    await each_refused(subtests, with_experiment, EDGE_COMMANDS, state)


async def test_the_refusal_of_decimals_says_how_to_write_the_amount(
    bot: BotUnderTest, with_experiment: SimChat
) -> None:
    answer = await say(with_experiment, "/log #1 A 10 1 1.999")
    assert answer.text == (
        "⚠️ “1.999” has more than two decimal places. Write the amount to the cent, e.g. 1.99."
    )


async def test_exact_cents_are_stored_exactly(bot: BotUnderTest, with_experiment: SimChat) -> None:
    await say(with_experiment, "/log #1 A 10 1 1.990")
    await say(with_experiment, "/log #1 B 10 0 19,9")
    assert (await stored(bot))[1:] == [(10, 1, Decimal("1.99")), (10, 0, Decimal("19.90"))]


EDGE_LINES = [
    (
        "1,A,10,1,,0001-01-01T00:00:00+01:00",
        "Line 2 of the file: “0001-01-01T00:00:00+01:00” is before 2000.",
    ),
    (
        "1,A,10,1,,0001-01-01T00:00:00",
        "Line 2 of the file: “0001-01-01T00:00:00” is before 2000.",
    ),
    (
        "1,A,10,1,,9999-12-31T23:59:59-01:00",
        "Line 2 of the file: “9999-12-31T23:59:59-01:00” is in the future.",
    ),
    ("1,A,10,1,,9999-12-31T23:59:59+14:00", "“9999-12-31T23:59:59+14:00” is in the future."),
    ("1,A,10,1,,1999-12-31T23:59:59Z", "is before 2000."),
    ("1,A,-0,0,,", "“-0” is not a whole number of visitors"),
    ("1,A,0,0,,", "Line 2 of the file: An entry of 0 visitors says nothing"),
    ("1,A,10,1,1.999,", "Line 2 of the file: “1.999” has more than two decimal places"),
    ("1,A,10,1,-1e30,", "“-1e30” is not an amount of money"),
]


async def test_edge_values_in_an_imported_file_name_the_line(
    bot: BotUnderTest, with_experiment: SimChat, subtests: pytest.Subtests
) -> None:
    for line, expected in EDGE_LINES:
        with subtests.test(line):
            before = (await stored(bot), await experiments_state(bot))
            await with_experiment.upload("results.csv", f"{HEADER}\n{line}\n".encode())
            answer = await with_experiment.next_reply()
            assert expected in answer.text, with_experiment.transcript()
            assert "Sorry" not in answer.text
            assert (await stored(bot), await experiments_state(bot)) == before
