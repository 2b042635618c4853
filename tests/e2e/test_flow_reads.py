"""A sole receiver asks the database for a person's guided flows only until it has seen them
without one: it alone writes flows, and it forgets the chat whenever it writes one there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, say


@contextmanager
def flow_reads(bot: BotUnderTest) -> Iterator[list[str]]:
    """The statements that read ``flow_states`` while the block runs."""
    reads: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM flow_states" in statement:
            reads.append(statement)

    engine = bot.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield reads
    finally:
        event.remove(engine, "before_cursor_execute", note)


async def test_a_person_without_a_flow_is_asked_for_once(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    with flow_reads(bot) as reads:
        await say(chat, "/new Checkout")
        for visitors in (100, 200, 300):
            await say(chat, f"/log #1 A {visitors} 5")
    assert len(reads) == 1


async def test_a_flow_started_is_read_again_and_goes_on(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/help")  # seen without a flow
    with flow_reads(bot) as reads:
        asked = await say(chat, "/new")  # the guided flow starts: its step is written
        named = await say(chat, "Pricing page")
    assert "What do you call it?" in asked.text
    assert "Pricing page" in named.text
    assert len(reads) == 1  # the answer's: the chat was forgotten when the step was written
