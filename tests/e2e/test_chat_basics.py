"""Commands menu, help, start, groups, guided-flow cancel, and surviving errors."""

from __future__ import annotations

import logging

import pytest

from bot.commands import COMMANDS
from db.models import Experiment, Observation
from emulator import Fault, SimChat
from tests.e2e.conftest import BotUnderTest, press, say


async def test_every_command_is_registered_with_telegram(bot: BotUnderTest) -> None:
    registered = [c["command"] for c in bot.emulator.commands]
    assert registered == [c.name for c in COMMANDS]
    assert {
        "start",
        "help",
        "new",
        "list",
        "show",
        "log",
        "undo",
        "readout",
        "chart",
        "conclude",
        "reopen",
        "edit",
        "cost",
        "episode",
        "delete",
        "learn",
        "learnings",
        "funnel",
        "ideas",
        "digest",
        "settings",
        "export",
        "calc",
        "cancel",
    } == set(registered)


async def test_help_explains_every_command_with_an_example(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    answer = await say(alice_chat, "/help")
    for command in COMMANDS:
        assert f"/{command.name} — " in answer.text
    assert "/log #1 B 1200 54" in answer.text


async def test_start_greets_by_name_and_shows_the_first_steps(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    answer = await say(alice_chat, "/start")
    assert "Hi Alice!" in answer.text
    assert "/new Landing headline" in answer.text


async def test_in_a_group_everyone_logs_and_the_reply_names_who(bot: BotUnderTest) -> None:
    alice = bot.emulator.user(first_name="Alice", language_code="en")
    bob = bot.emulator.user(first_name="Bob", language_code="en")
    team = bot.emulator.group_chat("Growth team", members=[alice, bob])
    created = await say(team, "/new Referral reward", sender=alice)
    assert "#1" in created.text
    by_bob = await say(team, "/log #1 B 200 9", sender=bob)
    assert "(by Bob)" in by_bob.text
    by_alice = await say(team, "/log@" + bot.emulator.bot_username + " #1 B 100 1", sender=alice)
    assert "(by Alice)" in by_alice.text
    assert "New totals of B: 10 of 300" in by_alice.text
    # Alice created #1, so she may take back anyone's entry (see test_roles for who may not).
    undone = await say(team, "/undo #1", sender=alice)
    assert "logged by Alice" in undone.text
    # The group is one workspace: Alice's private chat does not see the group's experiment.
    private = bot.emulator.private_chat(alice)
    assert "There is no experiment #1 here." in (await say(private, "/show #1")).text


async def test_cancel_stops_a_guided_flow_and_saves_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new")
    await say(alice_chat, "Half-finished idea")
    cancelled = await say(alice_chat, "/cancel")
    assert "Cancelled. Nothing was saved." in cancelled.text
    assert await bot.rows(Experiment) == 0
    nothing = await say(alice_chat, "/cancel")
    assert "Nothing to cancel" in nothing.text


async def test_cancel_button_stops_a_guided_flow(bot: BotUnderTest, alice_chat: SimChat) -> None:
    question = await say(alice_chat, "/new")
    query = await press(alice_chat, question, "Cancel")
    assert (await alice_chat.callback_answer(query)) is not None
    cancelled = await alice_chat.next_reply()
    assert "Cancelled" in cancelled.text


async def test_every_button_press_is_answered(bot: BotUnderTest, alice_chat: SimChat) -> None:
    created = await say(alice_chat, "/new Pricing")
    for label in ("Readout", "Chart", "Pause"):
        query = await press(alice_chat, created, label)
        await alice_chat.callback_answer(query)
    assert len(bot.emulator.calls_to("answerCallbackQuery")) >= 3


async def test_an_unexpected_failure_gets_an_apology_and_the_bot_goes_on(
    bot: BotUnderTest, alice_chat: SimChat, caplog: pytest.LogCaptureFixture
) -> None:
    bob = bot.emulator.user(first_name="Bob", language_code="en")
    bob_chat = bot.emulator.private_chat(bob)
    await say(alice_chat, "/new Pricing")
    bot.emulator.inject(
        Fault.bad_request("Bad Request: chat not found"), method="sendMessage", chat_id=alice_chat
    )
    with caplog.at_level(logging.ERROR):
        apology = await say(alice_chat, "/list")
    assert "Sorry, something went wrong on my side" in apology.text
    assert "Traceback" not in apology.text
    assert any("unexpected error" in r.getMessage() for r in caplog.records)
    assert bot.emulator.token not in caplog.text
    assert "#1" in (await say(alice_chat, "/list")).text
    assert "No experiments yet" in (await say(bob_chat, "/list")).text


async def test_results_logged_through_buttons_match_the_one_line_form(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    card = await say(alice_chat, "/new Onboarding email")
    await press(alice_chat, card, "Log results")
    variants = await alice_chat.next_reply()
    await press(alice_chat, variants, "A")
    await alice_chat.next_reply()
    logged = await say(alice_chat, "1,200 54 99.50")
    assert "New totals of A: 54 of 1,200" in logged.text
    assert "A: revenue $99.50 · $0.08 per visitor" in (await say(alice_chat, "/show #1")).text
    assert await bot.rows(Observation) == 1


FORGED_BUTTON_DATA = [
    "x:out:1:maybe",  # no such outcome
    "x:win:1:",  # no position
    "x:log:99999999999",  # past any experiment's number
    "tx:log:1:0:120:12:2026-13-45",  # the shape of a date, but no date
    "del:yes:1:now",  # one part too many
]


async def test_a_forged_button_says_it_expired_and_changes_nothing(
    bot: BotUnderTest, alice_chat: SimChat, subtests: pytest.Subtests
) -> None:
    await say(alice_chat, "/new Forged")
    card = await say(alice_chat, "/show #1")
    for data in FORGED_BUTTON_DATA:
        with subtests.test(data):
            card.reply_markup = {"inline_keyboard": [[{"text": "forged", "callback_data": data}]]}
            query = await alice_chat.press(card, "forged")
            answer = await alice_chat.callback_answer(query)
            assert answer.text == "This button has expired. Type the command again."
            shown = await alice_chat.expect_silence("/show #1", "Forged")
            assert shown.text == card.text  # the status as it was
            assert (await bot.rows(Experiment), await bot.rows(Observation)) == (1, 0)


async def test_a_button_of_a_finished_flow_says_it_expired(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new")
    kinds = await say(alice_chat, "Expired flow")
    await say(alice_chat, "/cancel")
    query = await press(alice_chat, kinds, "A/B test")
    answer = await alice_chat.callback_answer(query)
    assert "expired" in (answer.text or "")
    assert await bot.rows(Experiment) == 0
