"""Guided flows live in the database: one bot process asks, another takes the answer, and a
restart resumes the flow where it stood."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from telegram.ext import Application

from bot.app import build_application
from bot.bootstrap import open_database
from bot.conversations import expire_flows
from bot.runtime import Runtime
from db.models import Experiment, FlowState, Observation
from emulator import DEFAULT_TOKEN, BotApiEmulator, BotMessage, SimChat
from emulator.harness import running_application
from tests.e2e.conftest import press, say
from tests.e2e.test_jump_confirmation import QUESTION
from tests.support import FrozenClock

pytestmark = pytest.mark.timeout(120)

TIMEOUT_SECONDS = 600.0


class Processes:
    """Bot processes taking turns on one database and one Bot API (each its own engine)."""

    def __init__(self, emulator: BotApiEmulator, database_url: str, clock: FrozenClock) -> None:
        self.emulator = emulator
        self.database_url = database_url
        self.clock = clock
        self.started = 0

    @asynccontextmanager
    async def process(self) -> AsyncIterator[Application]:
        """A freshly started bot, as after a restart: nothing in memory from before."""
        database = await open_database(self.database_url)
        runtime = Runtime(
            database=database,
            clock=self.clock,
            conversation_timeout=TIMEOUT_SECONDS,
            instance_id=f"process-{self.started}",
        )
        self.started += 1
        application = build_application(
            runtime,
            DEFAULT_TOKEN,
            base_url=self.emulator.base_url,
            base_file_url=self.emulator.base_file_url,
            rate_limited=False,
        )
        try:
            async with running_application(application, poll_timeout=1):
                yield application
        finally:
            await database.dispose()

    async def say(self, chat: SimChat, text: str) -> BotMessage:
        """``text`` answered by a process started for it (and stopped afterwards)."""
        async with self.process():
            return await say(chat, text)

    async def press(self, chat: SimChat, message: BotMessage, label: str) -> BotMessage:
        async with self.process():
            query = await press(chat, message, label)
            answer = await chat.next_reply()
            await chat.callback_answer(query)
            return answer

    async def rows(self, model: type) -> list:
        database = await open_database(self.database_url)
        try:
            async with database.unit_of_work() as uow:
                found = list(await uow.session.scalars(select(model)))
                # Kept as read: leaving the unit of work would expire them.
                uow.session.expunge_all()
                return found
        finally:
            await database.dispose()


@pytest.fixture
async def processes(database_url: str) -> AsyncIterator[Processes]:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    async with BotApiEmulator(token=DEFAULT_TOKEN) as emulator:
        yield Processes(emulator, database_url, clock)


@pytest.fixture
def alice(processes: Processes) -> SimChat:
    user = processes.emulator.user(first_name="Alice", language_code="en")
    return processes.emulator.private_chat(user)


async def test_a_guided_new_goes_on_in_whichever_process_takes_the_next_answer(
    processes: Processes, alice: SimChat
) -> None:
    # Each process takes up the flow where a process that never saw it before left it.
    async with processes.process():
        await say(alice, "/new")
        kind = await say(alice, "Pricing page")
        await press(alice, kind, "A/B test")
        stage = await alice.next_reply()
    async with processes.process():
        await press(alice, stage, "Buy")
        await alice.next_reply()
        variants = await say(alice, "Cheaper plans will sell more, by signups")
        split = await say(alice, "old price, new price")
        await press(alice, split, "70/30")
        await alice.next_reply()
    async with processes.process():
        review = await say(alice, "5%")
        review = await say(alice, "20%")
        assert "visitors per variant" in review.text
        await press(alice, review, "In 2 weeks")
        created = await alice.next_reply()
    assert variants.text.startswith("Name the variants")
    assert created.text.startswith("🧪 Created experiment #1."), alice.transcript()
    assert "old price (control)" in created.text
    [experiment] = await processes.rows(Experiment)
    assert experiment.name == "Pricing page"
    assert experiment.stage == "buy"
    assert experiment.hypothesis == "Cheaper plans will sell more, by signups"
    assert experiment.baseline_rate == pytest.approx(0.05)
    assert experiment.min_detectable_effect == pytest.approx(0.01)
    assert experiment.review_date == date(2026, 3, 16)
    # The flow is over: nothing of it is kept.
    assert await processes.rows(FlowState) == []


async def test_a_restart_in_the_middle_of_new_resumes_it(
    processes: Processes, alice: SimChat
) -> None:
    async with processes.process():
        await say(alice, "/new")
        kind = await say(alice, "Referral email")
    # The process stopped between two answers; the next one picks up at the same step.
    async with processes.process():
        await press(alice, kind, "A/B test")
        stage = await alice.next_reply()
        await press(alice, stage, "Skip")
        hypothesis = await alice.next_reply()
        await press(alice, hypothesis, "Skip")
        variants = await alice.next_reply()
        assert variants.text.startswith("Name the variants")
        split = await say(alice, "plain, story")
        await press(alice, split, "Equal")
        baseline = await alice.next_reply()
        assert baseline.text.startswith("What conversion rate")
        await press(alice, baseline, "Skip")
        review = await alice.next_reply()
        created = await say(alice, "2026-04-01")
    assert review.text.startswith("When will you review it?")
    assert created.text.startswith("🧪 Created experiment #1."), alice.transcript()
    [experiment] = await processes.rows(Experiment)
    assert experiment.name == "Referral email"
    assert "plain (control): no data yet\nstory: no data yet" in created.text
    assert experiment.review_date == date(2026, 4, 1)


async def test_yes_log_it_can_be_pressed_in_another_process(
    processes: Processes, alice: SimChat
) -> None:
    async with processes.process():
        await say(alice, "/new Flyer")
        for day in ("27.02", "28.02", "01.03"):
            await say(alice, f"/log #1 A 1000 40 {day}")
            await say(alice, f"/log #1 B 1000 50 {day}")
        question = await say(alice, "/log #1 B 12000 500 revenue 90.50 yesterday")
    assert question.text == QUESTION
    assert len(await processes.rows(Observation)) == 6
    done = await processes.press(alice, question, "Yes, log it")
    assert done.text.startswith("✅ Logged for #1 Flyer, variant B: 12,000 visitors")
    observations = await processes.rows(Observation)
    assert len(observations) == 7
    jump = max(observations, key=lambda observation: observation.visitors)
    assert (jump.visitors, jump.conversions, str(jump.revenue)) == (12000, 500, "90.50")
    assert jump.logged_at.date() == date(2026, 3, 1)
    # Only the number of the last question is kept: nothing waits any more.
    [kept] = await processes.rows(FlowState)
    assert (kept.flow, kept.state, kept.draft) == ("log:jump", None, '{"last":1}')


async def test_a_plain_text_offer_is_answered_in_another_process(
    processes: Processes, alice: SimChat
) -> None:
    await processes.say(alice, "/new Flyer | A, B")
    question = await processes.say(alice, "B got 12 sales")
    assert "Send the number of visitors" in question.text, alice.transcript()
    confirm = await processes.say(alice, "300")
    done = await processes.press(alice, confirm, "Log it")
    assert done.text.startswith("✅ Logged for #1 Flyer, variant B: 300 visitors, 12 conversions")


async def test_a_flow_left_waiting_is_given_up_once_by_whichever_process_looks(
    processes: Processes, alice: SimChat
) -> None:
    async with processes.process():
        await say(alice, "/new")
    async with processes.process() as one, processes.process() as other:
        processes.clock.advance(seconds=TIMEOUT_SECONDS - 1)
        assert await asyncio.gather(expire_flows(one), expire_flows(other)) == [0, 0]
        processes.clock.advance(seconds=2)
        ended = await asyncio.gather(expire_flows(one), expire_flows(other))
        assert sorted(ended) == [0, 1]
        gave_up = await alice.next_reply()
        assert gave_up.text == (
            "⌛ I stopped waiting for an answer, so nothing was saved. Type /new to start again."
        )
        # The flow is over: a plain message is no longer taken as the name.
        hint = await say(alice, "Some text")
        assert "/help lists everything I can do." in hint.text
    assert await processes.rows(FlowState) == []
    assert await processes.rows(Experiment) == []


async def test_an_answer_after_the_timeout_is_not_taken_as_the_next_step(
    processes: Processes, alice: SimChat
) -> None:
    await processes.say(alice, "/new")
    processes.clock.advance(seconds=TIMEOUT_SECONDS + 1)
    async with processes.process():
        await alice.send("Pricing page")
        gave_up = await alice.next_reply()
        hint = await alice.next_reply()
    assert "I stopped waiting for an answer" in gave_up.text
    assert "/help lists everything I can do." in hint.text
    assert await processes.rows(Experiment) == []
    assert await processes.rows(FlowState) == []
