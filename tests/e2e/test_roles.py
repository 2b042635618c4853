"""Roles in a group: anyone logs and reads; concluding, reopening, deleting, editing, undoing
someone else's entry and the settings take a group admin or the experiment's author."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from db.models import Experiment, Observation, Workspace
from emulator import Fault, SimChat, SimUser
from tests.e2e.conftest import BotUnderTest, press, say


@dataclass
class Team:
    """A group: Alice created it (its admin), Bob and Carol are members."""

    chat: SimChat
    alice: SimUser
    bob: SimUser
    carol: SimUser


@pytest.fixture
def team(bot: BotUnderTest) -> Team:
    alice = bot.emulator.user(first_name="Alice", language_code="en")
    bob = bot.emulator.user(first_name="Bob", language_code="en")
    carol = bot.emulator.user(first_name="Carol", language_code="en")
    chat = bot.emulator.group_chat("Growth team", members=[alice, bob, carol])
    return Team(chat, alice, bob, carol)


async def experiment_state(bot: BotUnderTest, number: int) -> tuple[str, str | None]:
    async with bot.database.unit_of_work() as uow:
        experiment = await uow.session.scalar(select(Experiment).where(Experiment.number == number))
        assert experiment is not None
        return experiment.status, experiment.outcome


async def test_a_member_who_did_not_create_it_is_told_who_can_conclude_and_nothing_changes(
    bot: BotUnderTest, team: Team
) -> None:
    await say(team.chat, "/new Referral reward", sender=team.bob)
    refused = await say(team.chat, "/conclude #1 won", sender=team.carol)
    assert refused.text == "⚠️ Only a group admin or Bob, who created #1, can conclude it."
    assert await experiment_state(bot, 1) == ("running", None)
    # Asked which variant won, she is refused before the question.
    assert (await say(team.chat, "/conclude #1", sender=team.carol)).text == refused.text
    # Pressing a button of the question Bob asked is refused too, and the buttons stay his.
    asked = await say(team.chat, "/conclude #1", sender=team.bob)
    await press(team.chat, asked, "🏆 B", sender=team.carol)
    assert (await team.chat.next_reply()).text == refused.text
    assert any("🏆 B" in label for label in asked.button_texts)
    assert await experiment_state(bot, 1) == ("running", None)
    card = await say(team.chat, "/show #1", sender=team.carol)
    await press(team.chat, card, "Conclude", sender=team.carol)
    assert (await team.chat.next_reply()).text == refused.text


async def test_the_author_concludes_their_own_experiment(bot: BotUnderTest, team: Team) -> None:
    await say(team.chat, "/new Referral reward", sender=team.bob)
    concluded = await say(team.chat, "/conclude #1 lost", sender=team.bob)
    assert "is concluded" in concluded.text
    assert await experiment_state(bot, 1) == ("concluded", "lost")


async def test_a_group_admin_concludes_anyones_experiment(bot: BotUnderTest, team: Team) -> None:
    await say(team.chat, "/new Referral reward", sender=team.bob)
    concluded = await say(team.chat, "/conclude #1 won", sender=team.alice)
    assert "is concluded" in concluded.text
    assert await experiment_state(bot, 1) == ("concluded", "won")


async def test_an_administrator_promoted_in_the_group_may_conclude(bot: BotUnderTest) -> None:
    alice = bot.emulator.user(first_name="Alice")
    dora = bot.emulator.user(first_name="Dora")
    chat = bot.emulator.group_chat("Team", members=[alice, dora], admins=[alice, dora])
    await say(chat, "/new Pricing page", sender=alice)
    concluded = await say(chat, "/conclude #1 inconclusive", sender=dora)
    assert "is concluded" in concluded.text
    assert await experiment_state(bot, 1) == ("concluded", "inconclusive")


async def test_reopen_by_the_author_or_an_admin_and_not_by_anyone_else(
    bot: BotUnderTest, team: Team
) -> None:
    await say(team.chat, "/new Referral reward", sender=team.bob)
    await say(team.chat, "/conclude #1 won", sender=team.bob)

    refused = await say(team.chat, "/reopen #1", sender=team.carol)
    assert refused.text == "⚠️ Only a group admin or Bob, who created #1, can reopen it."
    assert await experiment_state(bot, 1) == ("concluded", "won")

    reopened = await say(team.chat, "/reopen #1", sender=team.bob)
    assert reopened.text.startswith("🔓 #1 Referral reward is open again: running.")
    assert await experiment_state(bot, 1) == ("running", None)

    # The admin reopens from the concluded card's button.
    await say(team.chat, "/conclude #1 lost", sender=team.alice)
    card = await say(team.chat, "/show #1", sender=team.alice)
    await press(team.chat, card, "Reopen", sender=team.alice)
    assert "is open again" in (await team.chat.next_reply()).text
    assert await experiment_state(bot, 1) == ("running", None)
    # It takes results again.
    logged = await say(team.chat, "/log #1 A 100 5", sender=team.carol)
    assert "(by Carol)" in logged.text


async def test_a_paused_experiment_is_paused_again_when_reopened(
    bot: BotUnderTest, team: Team
) -> None:
    await say(team.chat, "/new Referral reward", sender=team.alice)
    card = await say(team.chat, "/show #1", sender=team.alice)
    await press(team.chat, card, "Pause", sender=team.alice)
    await team.chat.next_edit()
    assert await experiment_state(bot, 1) == ("paused", None)
    await say(team.chat, "/conclude #1 inconclusive", sender=team.alice)
    reopened = await say(team.chat, "/reopen #1", sender=team.alice)
    assert "is open again: paused" in reopened.text
    assert await experiment_state(bot, 1) == ("paused", None)


async def test_undo_of_someone_elses_entry_is_refused_but_ones_own_is_allowed(
    bot: BotUnderTest, team: Team
) -> None:
    await say(team.chat, "/new Referral reward", sender=team.alice)
    await say(team.chat, "/log #1 A 200 9", sender=team.bob)
    own = await say(team.chat, "/log #1 B 100 4", sender=team.carol)
    assert "(by Carol)" in own.text
    undone = await say(team.chat, "/undo #1", sender=team.carol)
    assert "(logged by Carol)" in undone.text
    assert await bot.rows(Observation) == 1

    refused = await say(team.chat, "/undo #1", sender=team.carol)
    assert refused.text == (
        "⚠️ The last entry of #1 was logged by Bob. Only Bob, a group admin or Alice, "
        "who created #1, can undo it."
    )
    assert await bot.rows(Observation) == 1
    # Alice created #1 (and is the admin): she may.
    by_alice = await say(team.chat, "/undo #1", sender=team.alice)
    assert "(logged by Bob)" in by_alice.text
    assert await bot.rows(Observation) == 0


async def test_the_experiments_author_may_undo_anyones_entry(bot: BotUnderTest, team: Team) -> None:
    await say(team.chat, "/new Referral reward", sender=team.bob)
    await say(team.chat, "/log #1 A 200 9", sender=team.carol)
    undone = await say(team.chat, "/undo #1", sender=team.bob)
    assert "(logged by Carol)" in undone.text
    assert await bot.rows(Observation) == 0


async def test_settings_take_a_group_admin(bot: BotUnderTest, team: Team) -> None:
    await say(team.chat, "/start", sender=team.alice)
    refused = await say(team.chat, "/settings digest off", sender=team.bob)
    assert refused.text == "⚠️ Only a group admin can change this chat's settings."
    card = await say(team.chat, "/settings", sender=team.bob)
    assert "Daily digest: 09:00" in card.text  # reading them is for everyone
    await press(team.chat, card, "Timezone", sender=team.bob)
    assert (await team.chat.next_reply()).text == refused.text
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.session.scalar(select(Workspace))
        assert workspace is not None
        assert (workspace.digest_enabled, workspace.timezone) == (True, "UTC")

    saved = await say(team.chat, "/settings digest off", sender=team.alice)
    assert "Saved." in saved.text
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.session.scalar(select(Workspace))
        assert workspace is not None
        assert workspace.digest_enabled is False


async def test_delete_and_edit_take_the_author_or_an_admin(bot: BotUnderTest, team: Team) -> None:
    await say(team.chat, "/new Referral reward", sender=team.bob)
    refused = await say(team.chat, "/delete #1", sender=team.carol)
    assert refused.text == "⚠️ Only a group admin or Bob, who created #1, can delete it."
    edit = await say(team.chat, "/edit #1 name Better name", sender=team.carol)
    assert edit.text == "⚠️ Only a group admin or Bob, who created #1, can change it."
    assert await bot.rows(Experiment) == 1
    async with bot.database.unit_of_work() as uow:
        assert await uow.session.scalar(select(Experiment.name)) == "Referral reward"

    question = await say(team.chat, "/delete #1", sender=team.bob)
    await press(team.chat, question, "Delete #1", sender=team.bob)
    await team.chat.next_edit()
    assert await bot.rows(Experiment) == 0


async def test_in_a_private_chat_the_one_person_does_everything(bot: BotUnderTest) -> None:
    alice = bot.emulator.user(first_name="Alice")
    chat = bot.emulator.private_chat(alice)
    await say(chat, "/new Referral reward")
    await say(chat, "/log #1 A 100 5")
    assert "Removed" in (await say(chat, "/undo #1")).text
    assert "is concluded" in (await say(chat, "/conclude #1 won")).text
    assert "is open again" in (await say(chat, "/reopen #1")).text
    assert "Saved." in (await say(chat, "/settings digest off")).text
    # No admin list is asked for in a private chat.
    assert bot.emulator.calls_to("getChatAdministrators") == []


async def test_the_refusal_speaks_russian(bot: BotUnderTest) -> None:
    olga = bot.emulator.user(first_name="Ольга", language_code="ru")
    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    pavel = bot.emulator.user(first_name="Павел", language_code="ru")
    chat = bot.emulator.group_chat("Маркетинг", members=[olga, ivan, pavel])
    await say(chat, "/new Реферальная награда", sender=ivan)
    refused = await say(chat, "/conclude #1 победа", sender=pavel)
    assert refused.text == "⚠️ Завершить #1 может только админ группы или Иван, автор #1."
    await say(chat, "/log #1 A 100 5", sender=ivan)
    undo = await say(chat, "/undo #1", sender=pavel)
    assert undo.text == (
        "⚠️ Последняя запись в #1 — от Иван. Отменить её может только Иван, админ группы "
        "или Иван, автор #1."
    )
    settings = await say(chat, "/settings digest off", sender=pavel)
    assert settings.text == "⚠️ Менять настройки этого чата может только админ группы."
    assert await experiment_state(bot, 1) == ("running", None)


async def test_the_admin_list_is_asked_once_for_several_presses(
    bot: BotUnderTest, team: Team
) -> None:
    await say(team.chat, "/new Referral reward", sender=team.bob)
    await say(team.chat, "/conclude #1 won", sender=team.carol)
    await say(team.chat, "/delete #1", sender=team.carol)
    await say(team.chat, "/settings digest off", sender=team.carol)
    assert len(bot.emulator.calls_to("getChatAdministrators")) == 1


async def test_an_admin_posting_anonymously_as_the_group_counts_as_an_admin(
    bot: BotUnderTest, team: Team
) -> None:
    await say(team.chat, "/new Referral reward", sender=team.bob)
    await team.chat.send("/conclude #1 won", sender=team.alice, as_group=True)
    assert "is concluded" in (await team.chat.next_reply()).text
    assert await experiment_state(bot, 1) == ("concluded", "won")
    with pytest.raises(ValueError, match="only an admin"):
        await team.chat.send("/reopen #1", sender=team.carol, as_group=True)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/reopen #1", "⚠️ Experiment #1 is running, not concluded, so there is nothing to reopen."),
        ("/reopen #7", "⚠️ There is no experiment #7 here. /list shows your experiments."),
        ("/reopen #1 now", "⚠️ Write /reopen and the experiment's number only, e.g. /reopen #2"),
    ],
)
async def test_reopen_of_what_is_not_concluded_says_why_and_changes_nothing(
    bot: BotUnderTest, team: Team, command: str, expected: str
) -> None:
    await say(team.chat, "/new Referral reward", sender=team.alice)
    assert (await say(team.chat, command, sender=team.alice)).text == expected
    assert await experiment_state(bot, 1) == ("running", None)


async def test_bare_reopen_offers_the_concluded_experiments(bot: BotUnderTest, team: Team) -> None:
    await say(team.chat, "/new Referral reward", sender=team.alice)
    await say(team.chat, "/new Pricing page", sender=team.alice)
    await say(team.chat, "/conclude #2 lost", sender=team.alice)
    question = await say(team.chat, "/reopen", sender=team.alice)
    assert question.text == "Reopen which experiment?"
    assert question.button_texts == ["#2 Pricing page"]
    await press(team.chat, question, "#2", sender=team.alice)
    assert "#2 Pricing page is open again: running." in (await team.chat.next_reply()).text
    assert await experiment_state(bot, 2) == ("running", None)


async def test_when_telegram_cannot_say_who_the_admins_are_only_the_author_may(
    bot: BotUnderTest, team: Team
) -> None:
    await say(team.chat, "/new Referral reward", sender=team.bob)
    # Failing every try (a call within an update is tried again after a 5xx).
    tries = 1 + len(bot.runtime.reply_retry_delays)
    bot.emulator.inject(
        Fault.error(500, "Internal Server Error"), method="getChatAdministrators", times=tries
    )
    refused = await say(team.chat, "/conclude #1 won", sender=team.alice)
    assert refused.text == "⚠️ Only a group admin or Bob, who created #1, can conclude it."
    assert await experiment_state(bot, 1) == ("running", None)
    # The failed answer was not kept: asked again, Telegram names Alice an admin.
    assert "is concluded" in (await say(team.chat, "/conclude #1 won", sender=team.alice)).text
