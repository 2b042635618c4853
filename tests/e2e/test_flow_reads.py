"""A sole receiver asks the database for a person's guided flows only until it has seen them
without one: it alone writes flows, and it forgets the chat whenever it writes one there."""

from __future__ import annotations

from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, say
from tests.support import counted


def flow_reads(statements: list[str]) -> list[str]:
    """The statements that read ``flow_states``."""
    return [
        statement
        for statement in statements
        if statement.lstrip().upper().startswith("SELECT") and "FROM flow_states" in statement
    ]


async def test_a_person_without_a_flow_is_asked_for_once(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    with counted(bot.database) as statements:
        await say(chat, "/new Checkout")
        for visitors in (100, 200, 300):
            await say(chat, f"/log #1 A {visitors} 5")
    assert len(flow_reads(statements)) == 1


async def test_a_flow_started_is_read_again_and_goes_on(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/help")  # seen without a flow
    with counted(bot.database) as statements:
        asked = await say(chat, "/new")  # the guided flow starts: its step is written
        named = await say(chat, "Pricing page")
    assert "What do you call it?" in asked.text
    assert "Pricing page" in named.text
    assert (
        len(flow_reads(statements)) == 1
    )  # the answer's: the chat was forgotten when the step was written
