"""An advocacy storyline: episodes logged one after another, each read out, and the story."""

from __future__ import annotations

from db.models import Experiment, Observation, Variant
from emulator import SimChat
from tests.e2e.conftest import BotUnderTest, press, say


async def counts(bot: BotUnderTest) -> tuple[int, int, int]:
    return (await bot.rows(Experiment), await bot.rows(Variant), await bot.rows(Observation))


async def test_a_storyline_grows_episode_by_episode(bot: BotUnderTest, alice_chat: SimChat) -> None:
    created = await say(alice_chat, "/new Referral story | episodes: invite")
    assert created.text.startswith("🧪 Created experiment #1.")
    assert "advocacy storyline" in created.text
    assert "invite: no data yet" in created.text and "(control)" not in created.text
    await say(alice_chat, "/log #1 invite 200 12")

    added = await say(alice_chat, "/episode #1 reminder")
    assert added.text.startswith("🎬 Episode 2 of #1 Referral story: reminder.")
    assert "reminder: no data yet" in added.text
    await say(alice_chat, "/log #1 reminder 300 30")
    await say(alice_chat, "/episode #1 thanks")

    readout = await say(alice_chat, "/readout #1")
    # Wilson 95 % intervals (tests/unit/test_story.py): 12/200, 30/300, together 42/500.
    assert "A storyline of 3 episodes, 2 started so far." in readout.text
    assert "1. invite: 6.00% (3.5% – 10.2%) · 12 of 200" in readout.text
    assert "2. reminder: 10.00% (7.1% – 13.9%) · 30 of 300" in readout.text
    assert "3. thanks: not started yet" in readout.text
    assert "The story so far: 8.40% (6.3% – 11.2%) · 42 of 500" in readout.text
    assert "p = " not in readout.text and "vs " not in readout.text  # not an A/B test
    listed = await say(alice_chat, "/list")
    assert "· 500 visitors · story running" in listed.text


async def test_bad_episodes_are_explained_and_change_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Referral story | episodes: invite")
    await say(alice_chat, "/new Pricing page")
    before = await counts(bot)
    answers = [
        await say(alice_chat, "/episode #1 invite"),
        await say(alice_chat, "/episode #2 reminder"),
        await say(alice_chat, "/episode #1"),
        await say(alice_chat, "/episode #9 reminder"),
        await say(alice_chat, "/new Story | episodes: a, a"),
    ]
    assert [answer.text for answer in answers] == [
        "⚠️ Variant names must differ; “invite” appears twice.",
        "⚠️ #2 is not an advocacy storyline, so it has no episodes. Start one with "
        "/new Referral story | episodes: invite, reminder",
        "⚠️ Write the storyline and the next episode's name in one word, e.g. /episode #1 reminder",
        "⚠️ There is no experiment #9 here. /list shows your experiments.",
        "⚠️ Variant names must differ; “a” appears twice.",
    ]
    await say(alice_chat, "/conclude #1 inconclusive")
    after_conclude = await counts(bot)
    closed = await say(alice_chat, "/episode #1 reminder")
    assert closed.text == "⚠️ #1 is concluded: reopen it to add an episode."
    assert await counts(bot) == after_conclude == before


async def test_a_storyline_in_russian(bot: BotUnderTest) -> None:
    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    chat = bot.emulator.private_chat(ivan)
    help_text = (await say(chat, "/help")).text
    assert "/episode — следующий эпизод сюжета сарафанного радио" in help_text
    created = await say(chat, "/new История рекомендаций | эпизоды: приглашение")
    assert "сарафанное радио" in created.text
    await say(chat, "/log #1 приглашение 200 12")
    added = await say(chat, "/episode #1 напоминание")
    assert added.text.startswith("🎬 Эпизод 2 сюжета #1 История рекомендаций: напоминание.")
    readout = await say(chat, "/readout #1")
    assert "Сюжет из 2 эпизодов, начато пока: 1." in readout.text
    assert "1. приглашение: 6,00\xa0% (3,5\xa0% – 10,2\xa0%) · 12 из 200" in readout.text
    assert "2. напоминание: ещё не начат" in readout.text
    assert "Весь сюжет пока: 6,00\xa0%" in readout.text
    before = await counts(bot)
    refused = await say(chat, "/episode #1")
    assert refused.text == (
        "⚠️ Напишите номер сюжета и название следующего эпизода одним словом, например "
        "/episode #1 напоминание"
    )
    assert await counts(bot) == before


async def test_the_guided_new_asks_for_a_storyline_s_episodes(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new")
    kinds = await say(alice_chat, "Referral story")
    await press(alice_chat, kinds, "advocacy storyline")
    stages = await alice_chat.next_reply()
    await press(alice_chat, stages, "Refer")
    hypothesis = await alice_chat.next_reply()
    await press(alice_chat, hypothesis, "Skip")
    episodes = await alice_chat.next_reply()
    assert episodes.text.startswith("Name the storyline's episodes in the order you run them")
    before = await counts(bot)
    twice = await say(alice_chat, "invite, invite")
    assert twice.text == "⚠️ Variant names must differ; “invite” appears twice."
    assert await counts(bot) == before
    review = await say(alice_chat, "invite, reminder")
    assert review.text.startswith("When will you review it?")
    await press(alice_chat, review, "Skip")
    created = await alice_chat.next_reply()
    assert "advocacy storyline · stage: Refer" in created.text
    assert "invite: no data yet" in created.text and "reminder: no data yet" in created.text


async def test_the_guided_storyline_in_russian(bot: BotUnderTest) -> None:
    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    chat = bot.emulator.private_chat(ivan)
    await say(chat, "/new")
    kinds = await say(chat, "История")
    await press(chat, kinds, "сарафанное радио")
    stages = await chat.next_reply()
    await press(chat, stages, "Рекомендация")
    hypothesis = await chat.next_reply()
    await press(chat, hypothesis, "Пропустить")
    episodes = await chat.next_reply()
    assert episodes.text.startswith("Назовите эпизоды сюжета в том порядке")
    review = await say(chat, "приглашение")
    created = await say(chat, "16.12.2026")
    assert review.text.startswith("Когда подводим итоги?")
    assert "сарафанное радио · этап: Рекомендация" in created.text
    assert "приглашение: данных пока нет" in created.text


async def test_an_episode_takes_results_only_after_the_one_before_it(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Referral story | episodes: invite, reminder, thanks")
    before = await counts(bot)
    early = await say(alice_chat, "/log #1 reminder 100 5")
    assert early.text == (
        "⚠️ Episode “reminder” of #1 comes after “invite”, which has no results yet. "
        "A storyline's episodes run one after another: log “invite” first."
    )
    assert await counts(bot) == before
    await say(alice_chat, "/log #1 invite 100 5")
    await say(alice_chat, "/log #1 reminder 100 7")
    later = await say(alice_chat, "/log #1 invite 50 2")  # an earlier episode still counts
    assert "New totals of invite: 7 of 150" in later.text

    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    chat = bot.emulator.private_chat(ivan)
    await say(chat, "/new История | эпизоды: приглашение, напоминание")
    refused = await say(chat, "/log #1 напоминание 100 5")
    assert refused.text == (
        "⚠️ Эпизод «напоминание» сюжета #1 идёт после эпизода «приглашение», у которого ещё "
        "нет результатов. Эпизоды сюжета идут один за другим: сначала внесите результаты "
        "«приглашение»."
    )
