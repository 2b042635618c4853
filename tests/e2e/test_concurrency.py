"""One slow chat never holds up another; within a chat, replies keep the order of messages.

No clocks: a chat's send is held by the emulator until the test lets it go, and the tests
assert on what has happened by then. The bot has taken the later messages (confirmed them to
Telegram) and answered another chat's message sent after them, so, if they were not waiting
for their turn, they would be handled by then.
"""

from __future__ import annotations

from sqlalchemy import select

from db.models import Observation
from emulator import Fault, SimChat
from tests.e2e.conftest import BotUnderTest, say


def sends_to(bot: BotUnderTest, chat: SimChat) -> int:
    return sum(1 for call in bot.emulator.calls_to("sendMessage") if call["chat_id"] == chat.id)


async def test_a_private_chat_is_answered_while_a_groups_reply_is_held(bot: BotUnderTest) -> None:
    alice = bot.emulator.user(first_name="Alice")
    bob = bot.emulator.user(first_name="Bob")
    team = bot.emulator.group_chat("Growth team", members=[alice, bob])
    private = bot.emulator.private_chat(bob)
    held = bot.emulator.inject(Fault.hold(), method="sendMessage", chat_id=team)

    await team.send("/help", sender=alice)
    await bot.emulator.until_held(held)
    # The group's reply is on its way but not delivered; Bob's private /help is answered.
    answer = await say(private, "/help")
    assert "/new" in answer.text
    assert team.bot_messages == []

    bot.emulator.release(held)
    group_answer = await team.next_reply()
    assert "/new" in group_answer.text


async def test_one_chats_messages_are_answered_in_order(bot: BotUnderTest) -> None:
    alice = bot.emulator.user(first_name="Alice")
    bob = bot.emulator.user(first_name="Bob")
    team = bot.emulator.group_chat("Growth team", members=[alice, bob])
    private = bot.emulator.private_chat(bob)
    await say(team, "/new Referral reward", sender=alice)
    await say(private, "/new Private test")
    held = bot.emulator.inject(Fault.hold(), method="sendMessage", chat_id=team)

    await team.send("/log #1 A 100 1", sender=alice)
    await bot.emulator.until_held(held)
    await team.send("/log #1 A 100 2", sender=bob)
    await team.send("/log #1 A 100 3", sender=alice)
    await bot.emulator.until_taken()
    # Another chat's /log, sent after them, is stored and answered while the group's first
    # reply is held: the group's later messages wait for their turn, untouched.
    assert "Logged" in (await say(private, "/log #1 A 50 5")).text
    assert sends_to(bot, team) == 2  # "Created" and the held one
    async with bot.database.unit_of_work() as uow:
        stored = list(await uow.session.scalars(select(Observation.visitors)))
    assert sorted(stored) == [50, 100]

    bot.emulator.release(held)
    replies = await team.next_replies(3)
    totals = [line for reply in replies for line in reply.text.split("\n") if "totals" in line]
    assert [line.split(":")[1].split("(")[0].strip() for line in totals] == [
        "1 of 100",
        "3 of 200",
        "6 of 300",
    ]
    assert "(by Bob)" in replies[1].text


async def test_a_conversation_takes_an_answer_sent_before_its_question_arrived(
    bot: BotUnderTest,
) -> None:
    """PTB's warning about conversations and concurrent updates does not apply per chat."""
    alice = bot.emulator.user(first_name="Alice")
    chat = bot.emulator.private_chat(alice)
    other = bot.emulator.private_chat(bot.emulator.user(first_name="Bob"))
    held = bot.emulator.inject(Fault.hold(), method="sendMessage", chat_id=chat)
    await chat.send("/new")
    await bot.emulator.until_held(held)
    await chat.send("Pricing page")  # the answer to a question not delivered yet
    await bot.emulator.until_taken()
    assert "/new" in (await say(other, "/help")).text
    assert sends_to(bot, chat) == 1

    bot.emulator.release(held)
    question = await chat.next_reply()
    assert question.text.startswith("Let's register an experiment.")
    kind_question = await chat.next_reply()
    assert kind_question.text == "What kind of experiment is “Pricing page”?"
