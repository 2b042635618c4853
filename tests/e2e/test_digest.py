"""End-to-end: the digest tick with a frozen clock, through the Bot API emulator.

The ``bot`` fixture's Application answers the chats (long polling). Digests are sent by "bot
processes" built here on the same database and emulator — initialised and started, but not
polling, as a second process in webhook mode would be — whose tick each test calls directly.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from telegram.ext import Application

from bot.app import build_application
from bot.conversations import SWEEP_SECONDS
from bot.runtime import Runtime
from bot.scheduling import DeliveryPolicy, run_digest_tick
from db.engine import create_engine
from db.models import DigestRecord, Workspace
from db.unit_of_work import Database
from emulator import DEFAULT_TOKEN, Fault, SimChat
from experiments import services
from experiments.domain import Author
from experiments.schedule import digest_moment
from experiments.workspaces import ensure_workspace, update_settings
from tests.e2e.conftest import BotUnderTest, press, say
from tests.support import ADMIN

pytestmark = pytest.mark.timeout(30)

DIGEST = "Your digest"
QUICK = DeliveryPolicy(retry_delays=(0.05, 0.05), workers=1)


@asynccontextmanager
async def bot_process(
    bot: BotUnderTest, name: str, *, rate_limited: bool = False
) -> AsyncIterator[Application]:
    """Another bot process on the same database and Telegram: it sends, it does not poll."""
    database = Database(create_engine(bot.database.engine.url.render_as_string(False)))
    runtime = Runtime(database=database, clock=bot.clock, instance_id=name)
    application = build_application(
        runtime,
        DEFAULT_TOKEN,
        base_url=bot.emulator.base_url,
        base_file_url=bot.emulator.base_file_url,
        rate_limited=rate_limited,
    )
    await application.initialize()
    await application.start()
    try:
        yield application
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()
        await database.dispose()


async def founder(
    bot: BotUnderTest, name: str, *, timezone: str | None = None, experiment: bool = True
) -> SimChat:
    """A private chat whose workspace runs one experiment (so its digest has something to say)."""
    user = bot.emulator.user(first_name=name)
    chat = bot.emulator.private_chat(user)
    uow = bot.database.unit_of_work

    # Set up the day before: today's digest is due as for any workspace past its first day.
    def day_before() -> datetime:
        return bot.clock() - timedelta(days=1)

    await ensure_workspace(
        uow(), chat.id, chat_type="private", title=None, language="en", clock=day_before
    )
    if timezone is not None:
        await update_settings(uow(), chat.id, timezone=timezone, clock=day_before, actor=ADMIN)
    if experiment:
        await services.create_experiment(
            uow(), chat.id, f"{name}'s headline", author=Author(user.id, name), clock=bot.clock
        )
    return chat


def digests_in(chat: SimChat) -> list[str]:
    return [message.text for message in chat.bot_messages if DIGEST in message.text]


async def record_states(bot: BotUnderTest) -> dict[int, str]:
    async with bot.database.unit_of_work() as uow:
        rows = await uow.session.execute(
            select(Workspace.chat_id, DigestRecord.state).join(
                Workspace, Workspace.id == DigestRecord.workspace_id
            )
        )
        return {chat_id: state for chat_id, state in rows}


# ---------------------------------------------------------------- on time


async def test_the_digest_goes_at_the_local_time_and_not_before(bot: BotUnderTest) -> None:
    chat = await founder(bot, "Alice", timezone="Europe/Berlin")
    async with bot_process(bot, "p1") as process:
        # 09:00 CET is 08:00 UTC on 3 March.
        report = await run_digest_tick(process, now=datetime(2026, 3, 3, 7, 59, tzinfo=UTC))
        assert report.due == 0 and digests_in(chat) == []
        report = await run_digest_tick(process, now=datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
        assert report.count("sent") == 1
        # Later ticks the same day send nothing more.
        await run_digest_tick(process, now=datetime(2026, 3, 3, 8, 1, tzinfo=UTC))
        await run_digest_tick(process, now=datetime(2026, 3, 3, 22, 59, tzinfo=UTC))
    [digest] = digests_in(chat)
    assert "#1 Alice's headline" in digest
    assert "no data yet" in digest
    assert "1 experiment is running and you aim for 3." in digest
    # The first digest in a timezone somebody chose says nothing about timezones.
    assert "Not your timezone?" not in digest
    assert (await record_states(bot))[chat.id] == "sent"


async def test_digests_follow_local_time_in_three_timezones_across_the_dst_changes(
    bot: BotUnderTest,
) -> None:
    # Berlin springs forward on 29 March, Sydney falls back on 5 April, Kolkata never moves.
    zones = ("Europe/Berlin", "Australia/Sydney", "Asia/Kolkata")
    chats = {zone: await founder(bot, zone.split("/")[1], timezone=zone) for zone in zones}
    moments = sorted(
        (digest_moment(date(2026, 3, 27) + timedelta(days=d), time(9), ZoneInfo(zone)), zone)
        for d in range(11)
        for zone in zones
    )

    def counts() -> dict[str, int]:
        return {zone: len(digests_in(chat)) for zone, chat in chats.items()}

    async with bot_process(bot, "p1") as process:
        # The day before, already under way in some zones, goes out first (a catch-up).
        await run_digest_tick(process, now=moments[0][0] - timedelta(minutes=2))
        caught_up = counts()
        for moment, zone in moments:
            before = counts()
            await run_digest_tick(process, now=moment - timedelta(minutes=1))
            assert counts() == before, moment
            await run_digest_tick(process, now=moment)
            assert counts() == {z: n + (z == zone) for z, n in before.items()}, moment
            assert moment.astimezone(ZoneInfo(zone)).time() == time(9)
    assert {zone: n - caught_up[zone] for zone, n in counts().items()} == dict.fromkeys(zones, 11)


async def test_a_digest_missed_while_the_bot_was_down_goes_when_it_is_back(
    bot: BotUnderTest,
) -> None:
    new_york = await founder(bot, "Nora", timezone="America/New_York")
    kolkata = await founder(bot, "Kiran", timezone="Asia/Kolkata")
    # Back at 20:00 UTC on 3 March: 15:00 in New York (digest due at 09:00, day not over),
    # 01:30 on 4 March in Kolkata (3 March is over and skipped, 4 March not yet due).
    async with bot_process(bot, "p1") as process:
        await run_digest_tick(process, now=datetime(2026, 3, 3, 20, 0, tzinfo=UTC))
    assert len(digests_in(new_york)) == 1
    assert digests_in(kolkata) == []


# ---------------------------------------------------------------- sent once


async def test_a_restart_in_the_middle_of_a_run_sends_each_digest_exactly_once(
    bot: BotUnderTest,
) -> None:
    chats = [await founder(bot, f"F{i}") for i in range(6)]
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    async with bot_process(bot, "p1") as first:
        run = asyncio.create_task(run_digest_tick(first, now=now, policy=QUICK))
        await chats[0].next_reply()
        await first.stop()  # a graceful stop: the digest in flight is finished, no new one taken
        sent_by_first = (await run).count("sent")
    assert 1 <= sent_by_first < len(chats)
    async with bot_process(bot, "p2") as second:  # the restarted process
        report = await run_digest_tick(second, now=now + timedelta(minutes=1), policy=QUICK)
    assert report.count("sent") == len(chats) - sent_by_first
    assert [len(digests_in(chat)) for chat in chats] == [1] * len(chats)


async def test_two_processes_ticking_at_once_send_each_digest_once(bot: BotUnderTest) -> None:
    chats = [await founder(bot, f"F{i}") for i in range(10)]
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    async with bot_process(bot, "p1") as first, bot_process(bot, "p2") as second:
        reports = await asyncio.gather(
            run_digest_tick(first, now=now, policy=DeliveryPolicy(workers=3)),
            run_digest_tick(second, now=now, policy=DeliveryPolicy(workers=3)),
        )
    assert sum(report.count("sent") for report in reports) == len(chats)
    assert [len(digests_in(chat)) for chat in chats] == [1] * len(chats)


async def test_a_crash_while_telegram_is_answering_never_sends_that_digest_twice(
    bot: BotUnderTest,
) -> None:
    chats = [await founder(bot, f"F{i}") for i in range(4)]
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    bot.emulator.inject(Fault.hang(), method="sendMessage", chat_id=chats[1])
    async with bot_process(bot, "p1") as first:
        run = asyncio.create_task(run_digest_tick(first, now=now, policy=QUICK))
        assert await bot.emulator.world.wait_until(lambda: bool(bot.emulator.faults_fired), 10)
        run.cancel()  # the process dies while its request to Telegram is open
        with pytest.raises(asyncio.CancelledError):
            await run
    async with bot_process(bot, "p2") as second:
        await run_digest_tick(second, now=now + timedelta(minutes=1), policy=QUICK)
    # Nobody can tell whether the hung request arrived, so it is not sent again: at most once.
    assert [len(digests_in(chat)) for chat in chats] == [1, 0, 1, 1]
    assert (await record_states(bot))[chats[1].id] == "sending"


# ---------------------------------------------------------------- Telegram says no


# PTB's own RetryAfter warns about its int-or-timedelta attribute while building the error.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_is_waited_out_by_the_rate_limiter_and_the_digest_sent_once(
    bot: BotUnderTest,
) -> None:
    chat = await founder(bot, "Alice")
    bot.emulator.inject(Fault.too_many_requests(retry_after=1), method="sendMessage", chat_id=chat)
    async with bot_process(bot, "p1", rate_limited=True) as process:
        report = await run_digest_tick(process, now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert report.count("sent") == 1
    assert [fault.fault.error_code for fault in bot.emulator.faults_fired] == [429]
    assert len([c for c in bot.emulator.calls_to("sendMessage") if c["chat_id"] == chat.id]) == 2
    assert len(digests_in(chat)) == 1


async def test_a_403_marks_the_workspace_inactive_and_its_digests_stop(
    bot: BotUnderTest,
) -> None:
    alice = await founder(bot, "Alice")
    bob = await founder(bot, "Bob")
    bot.emulator.block(alice)
    async with bot_process(bot, "p1") as process:
        report = await run_digest_tick(process, now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        assert (report.count("blocked"), report.count("sent")) == (1, 1)
        calls_before = len(bot.emulator.calls_to("sendMessage"))
        await run_digest_tick(process, now=datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
        to_alice = [c for c in bot.emulator.calls_to("sendMessage") if c["chat_id"] == alice.id]
        assert len(to_alice) == 1  # only the first, refused one
        assert len(bot.emulator.calls_to("sendMessage")) == calls_before + 1  # Bob's
        async with bot.database.unit_of_work() as uow:
            workspace = await uow.workspaces.by_chat(alice.id)
            assert workspace is not None and not workspace.active
        # Alice unblocks the bot and writes to it: digests come again.
        bot.emulator.unblock(alice)
        await say(alice, "/help")
        await run_digest_tick(process, now=datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    assert len(digests_in(alice)) == 1
    assert len(digests_in(bob)) == 3


async def test_an_error_answer_is_retried_with_backoff_and_the_digest_not_lost(
    bot: BotUnderTest,
) -> None:
    chat = await founder(bot, "Alice")
    bot.emulator.inject(
        Fault.error(502, "Bad Gateway"), method="sendMessage", chat_id=chat, times=2
    )
    async with bot_process(bot, "p1") as process:
        report = await run_digest_tick(
            process, now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), policy=QUICK
        )
    assert report.count("sent") == 1
    assert len(bot.emulator.faults_fired) == 2
    assert len(digests_in(chat)) == 1


async def test_a_digest_that_failed_all_its_retries_is_sent_by_a_later_tick(
    bot: BotUnderTest,
) -> None:
    chat = await founder(bot, "Alice")
    bot.emulator.inject(Fault.error(500, "Internal Server Error"), method="sendMessage", times=3)
    async with bot_process(bot, "p1") as process:
        now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        first = await run_digest_tick(process, now=now, policy=QUICK)
        assert first.count("failed") == 1 and digests_in(chat) == []
        second = await run_digest_tick(process, now=now + timedelta(minutes=1), policy=QUICK)
    assert second.count("sent") == 1
    assert len(digests_in(chat)) == 1
    async with bot.database.unit_of_work() as uow:
        record = await uow.session.scalar(select(DigestRecord))
        assert record is not None and (record.state, record.attempts) == ("sent", 2)


async def test_an_answer_lost_after_telegram_sent_it_is_not_retried(bot: BotUnderTest) -> None:
    chat = await founder(bot, "Alice")
    # Telegram delivers the message, then the connection drops before its answer arrives.
    bot.emulator.inject(Fault.drop_connection(processed=True), method="sendMessage", chat_id=chat)
    async with bot_process(bot, "p1") as process:
        now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        report = await run_digest_tick(process, now=now, policy=QUICK)
        await run_digest_tick(process, now=now + timedelta(minutes=1), policy=QUICK)
    assert report.count("unknown") == 1
    assert len(digests_in(chat)) == 1  # retrying would have sent it twice


async def test_a_workspace_with_nothing_to_say_gets_no_digest(bot: BotUnderTest) -> None:
    chat = await founder(bot, "Alice", experiment=False)
    async with bot_process(bot, "p1") as process:
        report = await run_digest_tick(process, now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert report.count("empty") == 1
    assert bot.emulator.calls_to("sendMessage") == []
    assert (await record_states(bot))[chat.id] == "empty"


# ---------------------------------------------------------------- /digest and its buttons


async def test_digest_command_shows_the_digest_now_with_the_nudges_buttons(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Pricing <b>page</b>")
    await say(chat, "/log #1 A 1000 50")
    await say(chat, "/log #1 B 1000 70")
    await say(chat, "/new Referral")
    bot.clock.advance(days=3)
    digest = await say(chat, "/digest")
    assert DIGEST in digest.text
    assert "#1 Pricing <b>page</b> — B leads" in digest.text  # typed HTML shown as typed
    assert "chance B beats A" in digest.text
    assert "#2 Referral — no data yet" in digest.text
    assert "got no new data for 3 days" in digest.text
    assert "2 experiments are running and you aim for 3." in digest.text
    assert "Not your timezone? Change it in /settings." in digest.text
    assert digest.button_texts == ["➕ Log #1", "➕ Log #2", "🧪 New experiment"]
    assert await bot.rows(DigestRecord) == 0  # showing it records nothing

    await press(chat, digest, "Log #2")
    question = await chat.next_reply()
    assert "#2 Referral" in question.text and "which variant?" in question.text


async def test_digest_command_with_nothing_running_says_so(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    reply = await say(alice_chat, "/digest")
    assert "Nothing to report" in reply.text


async def test_decide_now_offers_ship_stop_and_keep_running(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    await say(chat, "/new Headline")
    await say(chat, "/new Checkout")
    for number in (1, 2):
        await services.update_plan(
            bot.database.unit_of_work(), chat.id, number, review_date=date(2026, 3, 2)
        )
    digest = await say(chat, "/digest")
    assert "#1 Headline</b> reached its review date" not in digest.text  # bold tags are HTML
    assert "#1 Headline reached its review date (Mar 2, 2026): decide now." in digest.text
    assert [b.text for b in digest.buttons[0]] == ["🏆 Ship #1", "🛑 Stop #1", "⏳ Keep #1 running"]

    query = await press(chat, digest, "Keep #1 running")
    kept = await chat.next_reply()
    assert "#1 Headline keeps running" in kept.text and "3 days" in kept.text
    assert (await chat.callback_answer(query)).query_id == query
    again = await say(chat, "/digest")
    assert "#1 Headline reached" not in again.text
    assert "#2 Checkout reached its review date" in again.text

    await press(chat, again, "Stop #2")
    concluded = await chat.next_reply()
    assert "#2 Checkout is concluded: inconclusive" in concluded.text


# ---------------------------------------------------------------- /settings


async def test_settings_card_with_buttons_changes_the_timezone(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    card = await say(chat, "/settings")
    assert "Daily digest: 09:00, every day" in card.text
    assert "Timezone: UTC (a guess: set yours)" in card.text
    assert "Next digest: 3/3/26, 9:00\u202fAM (UTC)." in card.text  # 2 March 09:00 passed
    await press(chat, card, "Timezone")
    zones = await chat.next_edit()
    assert "Which timezone are you in?" in zones.text
    await press(chat, zones, "Europe/Berlin")
    saved = await chat.next_edit()
    assert "Saved." in saved.text and "Timezone: Europe/Berlin" in saved.text
    assert "(a guess" not in saved.text
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.workspaces.by_chat(chat.id)
        assert workspace is not None
        assert (workspace.timezone, workspace.timezone_confirmed) == ("Europe/Berlin", True)


async def test_a_typed_timezone_is_taken_and_an_unknown_one_refused_with_nothing_changed(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    card = await say(chat, "/settings")
    await press(chat, card, "Timezone")
    await chat.next_edit()
    refused = await say(chat, "Mars/Olympus")
    assert "“Mars/Olympus” is not a timezone I know" in refused.text
    assert "Europe/Berlin" in refused.text  # how to write it right
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.workspaces.by_chat(chat.id)
        assert workspace is not None and (workspace.timezone, workspace.timezone_confirmed) == (
            "UTC",
            False,
        )
    saved = await say(chat, "asia/kolkata")  # still waiting for a timezone
    assert "Timezone: Asia/Kolkata" in saved.text


async def test_one_line_settings_and_their_mistakes(bot: BotUnderTest, alice_chat: SimChat) -> None:
    chat = alice_chat
    saved = await say(chat, "/settings time 8:30")
    assert "Daily digest: 08:30, every day" in saved.text
    saved = await say(chat, "/settings digest off")
    assert "Daily digest: off" in saved.text and "Next digest" not in saved.text
    assert "Turn the digest on" in saved.button_texts[2]
    saved = await say(chat, "/settings target 5")
    assert "Experiments to keep running: 5" in saved.text
    saved = await say(chat, "/settings stale 1")
    assert "Remind me after 1 day without new results" in saved.text

    refused = await say(chat, "/settings target 50")
    assert "from 1 to 20" in refused.text
    refused = await say(chat, "/settings colour blue")
    assert "timezone, digest (on or off)" in refused.text
    refused = await say(chat, "/settings time 25:61")
    assert "is not a time of day" in refused.text
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.workspaces.by_chat(chat.id)
        assert workspace is not None
        assert (workspace.digest_time, workspace.digest_enabled) == (time(8, 30), False)
        assert (workspace.target_running, workspace.stale_after_days) == (5, 1)


async def test_guided_digest_time_target_and_language(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    chat = alice_chat
    card = await say(chat, "/settings")
    await press(chat, card, "Digest time")
    times = await chat.next_edit()
    saved = await say(chat, "7:15")
    assert "Daily digest: 07:15, every day" in saved.text
    assert "07:00" in times.button_texts

    await press(chat, saved, "Target")
    targets = await chat.next_edit()
    await press(chat, targets, "4")
    saved = await chat.next_edit()
    assert "Experiments to keep running: 4" in saved.text

    await press(chat, saved, "Language")
    languages = await chat.next_edit()
    await press(chat, languages, "Русский")
    saved = await chat.next_edit()
    assert "Русский" in saved.text
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.workspaces.by_chat(chat.id)
        assert workspace is not None and workspace.language == "ru"


# ---------------------------------------------------------------- the JobQueue


async def test_an_application_on_the_wall_clock_ticks_every_minute_from_its_start(
    bot: BotUnderTest,
) -> None:
    runtime = Runtime(database=bot.database)  # the real clock, as in production
    application = build_application(
        runtime, DEFAULT_TOKEN, base_url=bot.emulator.base_url, rate_limited=False
    )
    await application.initialize()
    try:
        assert application.post_init is not None
        await application.post_init(application)  # runs the startup hooks
        await application.start()
        assert application.job_queue is not None
        [job] = application.job_queue.get_jobs_by_name("digests")
        assert (job.name, job.job.trigger.interval) == ("digests", timedelta(minutes=1))
        await job.run(application)  # what the JobQueue does each minute: nothing is due here
        assert bot.emulator.calls_to("sendMessage") == []
        [sweep] = application.job_queue.get_jobs_by_name("flow-timeouts")
        assert sweep.job.trigger.interval == timedelta(seconds=SWEEP_SECONDS)
        await application.stop()
    finally:
        await application.shutdown()
