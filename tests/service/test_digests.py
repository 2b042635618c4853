"""Digests on a real database: what they say, each nudge rule, and claiming them once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import create_engine
from db.models import DigestRecord, NudgeSnooze, Workspace
from db.unit_of_work import Database
from experiments import digests, observations, services
from experiments.digests import MAX_ATTEMPTS, DigestState, DueDigest
from experiments.domain import Outcome, Stage, Status
from experiments.funnel import log_funnel
from experiments.learnings import record_learning
from experiments.nudges import DecideWhy, NudgeKind
from experiments.stats.verdict import VerdictKind
from experiments.workspaces import ensure_workspace, update_settings
from tests.service.conftest import ALICE, CHAT, OTHER_CHAT
from tests.service.test_experiments import count_rows
from tests.support import ADMIN, FrozenClock

pytestmark = pytest.mark.timeout(20)


async def compose(database: Database, clock: FrozenClock) -> digests.Digest:
    return await digests.compose_digest(database.unit_of_work(), CHAT, now=clock())


async def new_experiment(
    database: Database, clock: FrozenClock, name: str = "Checkout", **plan: Any
) -> int:
    view = await services.create_experiment(
        database.unit_of_work(),
        CHAT,
        name,
        author=ALICE,
        clock=clock,
        **plan,
    )
    return view.number


async def log(database: Database, clock: FrozenClock, number: int, variant: str, v: int, c: int):
    await observations.log_observation(
        database.unit_of_work(), CHAT, number, variant, v, c, author=ALICE, clock=clock
    )


def kinds(digest: digests.Digest) -> list[NudgeKind]:
    return [nudge.kind for nudge in digest.nudges]


# ---------------------------------------------------------------- composing


async def test_a_workspace_without_experiments_has_nothing_to_say(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    digest = await compose(database, clock)
    assert digest.is_empty
    assert digest.lines == () and digest.nudges == ()


async def test_each_running_experiment_gets_a_line_with_leader_chance_verdict_and_days_left(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    first = await new_experiment(database, clock, "Headline", planned_per_variant=3000)
    paused = await new_experiment(database, clock, "Paused one")
    await services.change_status(database.unit_of_work(), CHAT, paused, Status.PAUSED)
    clock.advance(days=2)
    await log(database, clock, first, "A", 1000, 50)
    await log(database, clock, first, "B", 1000, 65)
    digest = await compose(database, clock)
    assert [line.number for line in digest.lines] == [first]  # the paused one is not running
    line = digest.lines[0]
    assert (line.name, line.control, line.leader, line.challenger) == ("Headline", "A", "B", "B")
    assert line.visitors == 2000
    assert line.verdict.kind is VerdictKind.KEEP_RUNNING
    # P(p_B > p_A) under Beta(66, 936) and Beta(51, 951): the same as services.readout says.
    readout = await services.readout(database.unit_of_work(), CHAT, first, clock=clock)
    assert readout.readout.arms[1].vs_control is not None
    assert line.prob_beat_control == readout.readout.arms[1].vs_control.prob_beat_control
    assert 0.9 < line.prob_beat_control < 0.95
    # 2000 more visitors per arm at 1000 per arm in 2 days: 4 days.
    assert line.days_left == pytest.approx(4.0)
    assert digest.local_date == date(2026, 3, 4)


async def test_the_first_digest_in_a_guessed_timezone_says_how_to_change_it(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await new_experiment(database, clock)
    assert (await compose(database, clock)).timezone_hint
    due = (await digests.due_digests(database.unit_of_work(), clock()))[0]
    await digests.claim_digest(
        database.unit_of_work(), due, state=DigestState.SENDING, instance="p1", now=clock()
    )
    await digests.record_delivery(
        database.unit_of_work(), due, DigestState.SENT, now=clock(), message_id=7
    )
    assert not (await compose(database, clock)).timezone_hint  # said once
    await update_settings(
        database.unit_of_work(), OTHER_CHAT, timezone="Europe/Berlin", clock=clock, actor=ADMIN
    )
    assert not (
        await digests.compose_digest(database.unit_of_work(), OTHER_CHAT, now=clock())
    ).timezone_hint


# ---------------------------------------------------------------- nudges, one rule each


async def test_no_data_for_n_days_nudges_to_log(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await new_experiment(database, clock)
    await log(database, clock, number, "A", 10, 1)
    clock.advance(days=2, hours=23)
    assert NudgeKind.STALE not in kinds(await compose(database, clock))
    clock.advance(hours=1)
    digest = await compose(database, clock)
    stale = [n for n in digest.nudges if n.kind is NudgeKind.STALE]
    assert [(n.number, n.days) for n in stale] == [(number, 3)]
    await update_settings(
        database.unit_of_work(), CHAT, stale_after_days=5, clock=clock, actor=ADMIN
    )
    assert NudgeKind.STALE not in kinds(await compose(database, clock))


async def test_an_experiment_without_any_data_is_stale_from_its_start(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await new_experiment(database, clock)
    clock.advance(days=4)
    stale = [n for n in (await compose(database, clock)).nudges if n.kind is NudgeKind.STALE]
    assert [(n.number, n.days) for n in stale] == [(number, 4)]


async def test_reaching_the_planned_sample_size_asks_to_decide(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await new_experiment(database, clock, planned_per_variant=500)
    await log(database, clock, number, "A", 500, 25)
    await log(database, clock, number, "B", 499, 30)
    assert NudgeKind.DECIDE not in kinds(await compose(database, clock))
    await log(database, clock, number, "B", 1, 0)
    decide = (await compose(database, clock)).nudges[0]
    assert (decide.kind, decide.number, decide.why) == (
        NudgeKind.DECIDE,
        number,
        DecideWhy.PLANNED_SIZE,
    )


async def test_the_review_date_asks_to_decide_and_replaces_the_stale_nudge(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await new_experiment(database, clock, review_date=date(2026, 3, 6))
    clock.advance(days=3)
    assert kinds(await compose(database, clock)) == [NudgeKind.STALE, NudgeKind.LAUNCH]
    clock.advance(days=1)  # 6 March
    digest = await compose(database, clock)
    assert kinds(digest) == [NudgeKind.DECIDE, NudgeKind.LAUNCH]
    assert digest.nudges[0].why is DecideWhy.REVIEW_DATE
    assert digest.nudges[0].review_date == date(2026, 3, 6)
    assert digest.nudges[0].number == number


async def test_keep_running_quiets_the_decide_nudge_for_three_days(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await new_experiment(database, clock, review_date=date(2026, 3, 2))
    assert NudgeKind.DECIDE in kinds(await compose(database, clock))
    kept = await digests.keep_running(
        database.unit_of_work(), CHAT, number, author=ALICE, clock=clock
    )
    assert (kept.number, kept.days) == (number, 3)
    assert NudgeKind.DECIDE not in kinds(await compose(database, clock))
    clock.advance(days=2, hours=23)
    assert NudgeKind.DECIDE not in kinds(await compose(database, clock))
    clock.advance(hours=1)
    assert NudgeKind.DECIDE in kinds(await compose(database, clock))
    # Asked again: the same snooze row moves on.
    await digests.keep_running(database.unit_of_work(), CHAT, number, author=ALICE, clock=clock)
    assert await count_rows(database, NudgeSnooze) == 1


async def test_keep_running_refuses_unknown_and_concluded_experiments(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await new_experiment(database, clock)
    await services.conclude(
        database.unit_of_work(), CHAT, number, Outcome.WON, clock=clock, actor=ADMIN
    )
    with pytest.raises(digests.NotRunning):
        await digests.keep_running(database.unit_of_work(), CHAT, number, author=ALICE)
    with pytest.raises(services.UnknownExperiment):
        await digests.keep_running(database.unit_of_work(), OTHER_CHAT, number, author=ALICE)
    assert await count_rows(database, NudgeSnooze) == 0


async def test_a_concluded_experiment_without_a_learning_asks_what_was_learned(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    old = await new_experiment(database, clock, "Old")
    await services.conclude(
        database.unit_of_work(), CHAT, old, Outcome.LOST, clock=clock, actor=ADMIN
    )
    clock.advance(days=15)
    recent = await new_experiment(database, clock, "Recent")
    await services.conclude(
        database.unit_of_work(), CHAT, recent, Outcome.WON, clock=clock, actor=ADMIN
    )
    learn = [n for n in (await compose(database, clock)).nudges if n.kind is NudgeKind.LEARN]
    # Only the one concluded in the last two weeks; older ones are not nagged about daily.
    assert [(n.number, n.name) for n in learn] == [(recent, "Recent")]
    await record_learning(
        database.unit_of_work(),
        CHAT,
        experiment_number=recent,
        stage=None,
        summary="Visitors trust reviews more than badges.",
        whys=[],
        author=ALICE,
        clock=clock,
    )
    assert NudgeKind.LEARN not in kinds(await compose(database, clock))


async def test_fewer_running_than_the_target_asks_to_launch_another_at_the_constraint(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await new_experiment(database, clock)
    launch = (await compose(database, clock)).nudges[-1]
    assert (launch.kind, launch.running, launch.target, launch.stage) == (
        NudgeKind.LAUNCH,
        1,
        3,
        None,
    )
    await log_funnel(
        database.unit_of_work(), CHAT, [1000, 800, 100, 80, 60, 50, 40], author=ALICE, clock=clock
    )
    launch = (await compose(database, clock)).nudges[-1]
    assert (launch.kind, launch.stage) == (NudgeKind.LAUNCH, Stage.TRUST)
    await update_settings(database.unit_of_work(), CHAT, target_running=1, clock=clock, actor=ADMIN)
    assert NudgeKind.LAUNCH not in kinds(await compose(database, clock))


async def test_nothing_running_at_the_constraint_points_there(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await update_settings(database.unit_of_work(), CHAT, target_running=1, clock=clock, actor=ADMIN)
    await new_experiment(database, clock, "Ads", stage=Stage.KNOW)
    await log_funnel(
        database.unit_of_work(), CHAT, [1000, 800, 100, 80, 60, 50, 40], author=ALICE, clock=clock
    )
    digest = await compose(database, clock)
    assert [(n.kind, n.stage) for n in digest.nudges] == [(NudgeKind.UNCOVERED, Stage.TRUST)]
    await new_experiment(database, clock, "Reviews", stage=Stage.TRUST)
    assert (await compose(database, clock)).nudges == ()


async def test_a_sample_ratio_mismatch_asks_to_check_the_data(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    number = await new_experiment(database, clock)
    await log(database, clock, number, "A", 1000, 50)
    await log(database, clock, number, "B", 800, 40)  # chi-square p ≈ 2.5e-6 against 50/50
    digest = await compose(database, clock)
    assert [(n.kind, n.number) for n in digest.nudges if n.kind is NudgeKind.SAMPLE_RATIO] == [
        (NudgeKind.SAMPLE_RATIO, number)
    ]
    assert digest.lines[0].verdict.kind is VerdictKind.CHECK_DATA


# ---------------------------------------------------------------- due, claimed once


def day_before() -> datetime:
    """When the founders set things up: before any moment these tests look at."""
    return datetime(2026, 3, 1, 0, 0, tzinfo=UTC)


async def test_a_digest_is_due_from_its_local_time_on(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await update_settings(
        database.unit_of_work(), CHAT, timezone="Asia/Kolkata", clock=day_before, actor=ADMIN
    )
    await update_settings(
        database.unit_of_work(), OTHER_CHAT, digest_time="11:00", clock=day_before, actor=ADMIN
    )
    # 09:00 in Kolkata is 03:30 UTC; OTHER_CHAT's 11:00 UTC is not yet at 09:30 UTC.
    at_0329 = datetime(2026, 3, 2, 3, 29, tzinfo=UTC)
    assert await digests.due_digests(database.unit_of_work(), at_0329) == []
    due = await digests.due_digests(database.unit_of_work(), at_0329 + timedelta(minutes=1))
    assert [(d.chat_id, d.local_date) for d in due] == [(CHAT, date(2026, 3, 2))]
    due = await digests.due_digests(database.unit_of_work(), datetime(2026, 3, 2, 11, tzinfo=UTC))
    assert [d.chat_id for d in due] == [CHAT, OTHER_CHAT]


async def test_a_claimed_digest_is_not_due_again_and_cannot_be_claimed_twice(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    due = await digests.due_digests(database.unit_of_work(), clock())
    assert len(due) == 2
    first = due[0]
    claim = digests.claim_digest
    assert await claim(
        database.unit_of_work(), first, state=DigestState.SENDING, instance="p1", now=clock()
    )
    assert not await claim(
        database.unit_of_work(), first, state=DigestState.SENDING, instance="p2", now=clock()
    )
    assert [d.chat_id for d in await digests.due_digests(database.unit_of_work(), clock())] == [
        OTHER_CHAT
    ]


async def test_two_processes_claiming_at_once_on_one_database_each_get_a_different_half(
    database: Database, tmp_path: Path, clock: FrozenClock
) -> None:
    chats = list(range(1, 41))
    for chat in chats:
        await ensure_workspace(
            database.unit_of_work(),
            chat,
            chat_type="private",
            title=None,
            language="en",
            clock=day_before,
        )
    # A second engine on the same SQLite file, as a second bot process would have.
    other = Database(create_engine(str(database.engine.url)))
    try:
        due_here, due_there = await asyncio.gather(
            digests.due_digests(database.unit_of_work(), clock()),
            digests.due_digests(other.unit_of_work(), clock()),
        )
        assert len(due_here) == len(due_there) == 40

        async def claim_all(db: Database, due: list[DueDigest], name: str) -> set[int]:
            won = set()
            for item in due:
                if await digests.claim_digest(
                    db.unit_of_work(), item, state=DigestState.SENDING, instance=name, now=clock()
                ):
                    won.add(item.chat_id)
                await asyncio.sleep(0)
            return won

        here, there = await asyncio.gather(
            claim_all(database, due_here, "p1"), claim_all(other, list(reversed(due_there)), "p2")
        )
    finally:
        await other.dispose()
    assert here.isdisjoint(there)
    assert here | there == set(chats)
    assert await count_rows(database, DigestRecord) == 40


async def test_a_missed_digest_is_due_later_that_day_and_skipped_once_it_is_over(
    database: Database, workspace: int
) -> None:
    await update_settings(
        database.unit_of_work(), CHAT, timezone="America/New_York", clock=day_before, actor=ADMIN
    )
    # 09:00 EST = 14:00 UTC on 2 March; the bot was down until 23:00 UTC (18:00 local).
    late = await digests.due_digests(database.unit_of_work(), datetime(2026, 3, 2, 23, tzinfo=UTC))
    assert (CHAT, date(2026, 3, 2)) in [(d.chat_id, d.local_date) for d in late]
    # Back only at 06:00 UTC on 3 March (01:00 local): 2 March is over, 3 March not due yet.
    next_morning = await digests.due_digests(
        database.unit_of_work(), datetime(2026, 3, 3, 6, tzinfo=UTC)
    )
    assert CHAT not in [d.chat_id for d in next_morning]


async def test_a_failed_digest_is_retried_the_same_day_by_one_taker_until_attempts_run_out(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    first = (await digests.due_digests(database.unit_of_work(), clock()))[0]
    await digests.claim_digest(
        database.unit_of_work(), first, state=DigestState.SENDING, instance="p1", now=clock()
    )
    await digests.record_delivery(database.unit_of_work(), first, DigestState.FAILED, now=clock())
    for attempt in range(2, MAX_ATTEMPTS + 1):
        retry = next(
            d
            for d in await digests.due_digests(database.unit_of_work(), clock())
            if d.chat_id == CHAT
        )
        assert (retry.record_id is not None, retry.attempts) == (True, attempt - 1)
        taken = await asyncio.gather(
            *(
                digests.claim_digest(
                    database.unit_of_work(),
                    retry,
                    state=DigestState.SENDING,
                    instance=name,
                    now=clock(),
                )
                for name in ("p1", "p2")
            )
        )
        assert sorted(taken) == [False, True]
        await digests.record_delivery(
            database.unit_of_work(), retry, DigestState.FAILED, now=clock()
        )
    due = await digests.due_digests(database.unit_of_work(), clock())
    assert CHAT not in [d.chat_id for d in due]


@pytest.mark.parametrize("state", [DigestState.UNKNOWN, DigestState.SENDING, DigestState.EMPTY])
async def test_a_digest_that_may_have_arrived_or_had_nothing_to_say_is_not_retried(
    database: Database, workspace: int, clock: FrozenClock, state: DigestState
) -> None:
    first = (await digests.due_digests(database.unit_of_work(), clock()))[0]
    await digests.claim_digest(
        database.unit_of_work(), first, state=DigestState.SENDING, instance="p1", now=clock()
    )
    if state is not DigestState.SENDING:  # SENDING: the process died before Telegram answered
        await digests.record_delivery(database.unit_of_work(), first, state, now=clock())
    clock.advance(hours=5)
    assert CHAT not in [
        d.chat_id for d in await digests.due_digests(database.unit_of_work(), clock())
    ]


async def test_a_blocked_chat_gets_no_more_digests_until_it_writes_again(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    first = (await digests.due_digests(database.unit_of_work(), clock()))[0]
    await digests.claim_digest(
        database.unit_of_work(), first, state=DigestState.SENDING, instance="p1", now=clock()
    )
    await digests.record_delivery(database.unit_of_work(), first, DigestState.BLOCKED, now=clock())
    async with database.unit_of_work() as uow:
        team = await uow.session.scalar(select(Workspace).where(Workspace.chat_id == CHAT))
        assert team is not None and not team.active
    clock.advance(days=1)
    assert CHAT not in [
        d.chat_id for d in await digests.due_digests(database.unit_of_work(), clock())
    ]
    await ensure_workspace(
        database.unit_of_work(), CHAT, chat_type="group", title="Team", language="en"
    )
    assert CHAT in [d.chat_id for d in await digests.due_digests(database.unit_of_work(), clock())]


async def test_digests_turned_off_are_never_due(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await update_settings(
        database.unit_of_work(), CHAT, digest_enabled=False, clock=clock, actor=ADMIN
    )
    assert CHAT not in [
        d.chat_id for d in await digests.due_digests(database.unit_of_work(), clock())
    ]
