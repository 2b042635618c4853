"""Digests composed in batches say exactly what each workspace's own digest says."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.i18n import translator
from bot.render.digest import digest_keyboard, digest_text
from db.models import Experiment
from db.unit_of_work import Database
from experiments import digests, observations, services
from experiments.digests import Digest
from experiments.domain import Outcome, Stage, Status
from experiments.funnel import log_funnel
from experiments.learnings import record_learning
from experiments.workspaces import ensure_workspace, update_settings
from tests.service.conftest import ALICE
from tests.support import ADMIN, FrozenClock

pytestmark = pytest.mark.timeout(240)

ZONES = ("UTC", "Europe/Moscow", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati")
NOW = datetime(2026, 3, 12, 14, 0, tzinfo=UTC)
FUNNEL = [1000, 800, 100, 80, 60, 50, 40]


async def _workspace(database: Database, rng: random.Random, chat: int) -> None:
    """A workspace with a random mix of what a digest talks about, as of ``NOW``."""
    uow = database.unit_of_work
    clock = FrozenClock(NOW - timedelta(days=10))
    await ensure_workspace(
        uow(),
        chat,
        chat_type="group",
        title=f"Team {chat}",
        language=rng.choice(["en", "ru"]),
        clock=clock,
    )
    if rng.random() < 0.1:
        return  # a chat that only said hello: nothing to say
    await update_settings(
        uow(),
        chat,
        timezone=rng.choice(ZONES),
        target_running=rng.choice([1, 2, 3, 5]),
        stale_after_days=rng.choice([1, 2, 3]),
        actor=ADMIN,
        clock=clock,
    )

    async def new(name: str, **options: object) -> int:
        view = await services.create_experiment(
            uow(), chat, name, author=ALICE, clock=clock, **options
        )
        return view.number

    stages = list(Stage)
    running: list[tuple[int, list[str]]] = []
    stories: set[int] = set()
    for index in range(rng.randint(0, 4)):
        kind = rng.choice(["ab", "ab", "ab3", "split", "target", "story", "plan"])
        stage = rng.choice([None, *stages])
        if kind == "target":
            number = await new(f"Landing {index}", variants=["Page"], target_rate=0.1, stage=stage)
            running.append((number, ["Page"]))
        elif kind == "story":
            names = ["invite", "reminder", "thanks"][: rng.randint(1, 3)]
            number = await new(f"Story {index}", variants=names, storyline=True)
            running.append((number, names))
            stories.add(number)
        else:
            names = ["A", "B", "C"] if kind == "ab3" else ["old price", "new price"]
            options: dict[str, object] = {"stage": stage}
            if kind == "split":
                options["planned_split"] = [70, 30]
            if kind == "plan" or rng.random() < 0.3:
                options["planned_per_variant"] = rng.choice([300, 2000, 50_000])
            if rng.random() < 0.2:
                options["review_date"] = (clock() + timedelta(days=rng.randint(-2, 3))).date()
            if rng.random() < 0.2:
                options["min_detectable_effect"] = 0.02
            number = await new(f"Test <{index}> & co", variants=names, **options)
            running.append((number, names))
    if rng.random() < 0.4:
        await new("Backlog idea", status=Status.DRAFT, stage=rng.choice(stages))
    if rng.random() < 0.3:
        paused = await new("Paused one")
        await services.change_status(uow(), chat, paused, Status.PAUSED, clock=clock)
    rates = {number: rng.uniform(0.02, 0.2) for number, _ in running}
    lifts = {number: rng.choice([0.5, 1.0, 1.0, 1.6]) for number, _ in running}
    skews = {number: rng.random() < 0.15 for number, _ in running}
    for _day in range(rng.randint(0, 3)):
        clock.advance(days=1)
        for number, names in running:
            if rng.random() < 0.25:
                continue
            for position, name in enumerate(names):
                visitors = rng.randint(1, 900) * (3 if skews[number] and position else 1)
                if rng.random() < 0.1 and number not in stories:
                    continue  # one arm logged later than the others
                rate = rates[number] * (lifts[number] if position else 1.0)
                conversions = sum(rng.random() < rate for _ in range(visitors))
                await observations.log_observation(
                    uow(),
                    chat,
                    number,
                    name,
                    visitors,
                    conversions,
                    author=ALICE,
                    clock=clock,
                    confirm_jumps=True,
                )
    if running and rng.random() < 0.2:
        await digests.keep_running(uow(), chat, running[0][0], author=ALICE, clock=clock)
    if rng.random() < 0.3:
        done = await new("Finished")
        await services.conclude(uow(), chat, done, Outcome.WON, clock=clock, actor=ADMIN)
        if rng.random() < 0.5:
            await record_learning(
                uow(),
                chat,
                experiment_number=done,
                stage=None,
                summary="People trust reviews.",
                whys=["because"],
                author=ALICE,
                countermeasure="Add reviews",
                countermeasure_due=(clock() - timedelta(days=rng.randint(-1, 3))).date(),
                clock=clock,
            )
    # Funnel periods a week apart, the latest logged today or a few days ago.
    latest = rng.choice([timedelta(hours=2), timedelta(days=3)])
    for weeks in reversed(range(rng.choice([0, 0, 1, 2, 3]))):
        counts = [max(1, int(count * rng.uniform(0.7, 1.0))) for count in FUNNEL]
        counts = [min(counts[: index + 1]) for index in range(len(counts))]
        logged = FrozenClock(NOW - latest - timedelta(days=7 * weeks))
        await log_funnel(uow(), chat, counts, author=ALICE, clock=logged)


async def _workspaces(database: Database, seed: int, chats: Sequence[int]) -> dict[int, int]:
    """A workspace of each chat (``_workspace``, from one seed); their ids by chat."""
    rng = random.Random(seed)
    for chat in chats:
        await _workspace(database, rng, chat)
    async with database.unit_of_work() as uow:
        return {chat: (await services.require_workspace(uow, chat)).id for chat in chats}


async def test_a_batch_of_digests_is_word_for_word_each_workspace_s_digest(
    database: Database,
) -> None:
    chats = list(range(5001, 5029))
    ids = await _workspaces(database, 20260302, chats)
    now = NOW
    # A workspace gone since it was found due has no digest in the batch.
    batch = await digests.compose_digests(
        database.unit_of_work(), [*ids.values(), 999_999], now=now
    )
    assert set(batch) == set(ids.values())
    said = set()
    for chat in chats:
        single = await digests.compose_digest(database.unit_of_work(), chat, now=now)
        together = batch[ids[chat]]
        t = translator(single.language)
        assert digest_text(t, together) == digest_text(t, single), chat
        keyboard = digest_keyboard(t, single)
        assert digest_keyboard(t, together) == keyboard
        said.update(nudge.kind.value for nudge in single.nudges)
        said.update(line.verdict.reason.value for line in single.lines)
        said.add("funnel news" if single.funnel_news else "no news")
        said.add("overdue" if single.overdue_countermeasures else "none overdue")
        said.add("empty" if single.is_empty else single.language)
    # The workspaces cover what a digest can say.
    assert said >= {
        "ship",
        "decide",
        "srm",
        "stale",
        "learn",
        "launch",
        "constraint",
        "storyline",
        "not_clear_yet",
        "funnel news",
        "overdue",
        "empty",
        "en",
        "ru",
    }, said


async def test_a_batch_of_no_workspaces_reads_nothing(database: Database) -> None:
    assert await digests.compose_digests(database.unit_of_work(), [], now=datetime.now(UTC)) == {}


async def test_a_batch_reads_each_experiment_s_times_as_its_own_reads_do(
    database: Database,
) -> None:
    ids = await _workspaces(database, 20260303, range(6001, 6009))
    async with database.unit_of_work() as uow:
        rows = await uow.digests.experiments_of(list(ids.values()))
        assert rows
        for row in rows:
            stored = await uow.experiments.by_id(row.id)
            assert stored is not None
            read = (row.started_at, row.concluded_at, row.created_at)
            assert read == (stored.started_at, stored.concluded_at, stored.created_at)
            assert all(time is None or time.tzinfo is UTC for time in read)
            assert row.last_logged_at == await uow.observations.last_logged_at(row.id)


def _said(t_of: dict[int, Digest]) -> dict[int, tuple[str, object]]:
    """Each digest as it is sent: its text and keyboard."""
    said = {}
    for workspace_id, digest in t_of.items():
        t = translator(digest.language)
        said[workspace_id] = (digest_text(t, digest), digest_keyboard(t, digest))
    return said


async def test_batches_read_ahead_say_what_each_batch_composed_alone_says(
    database: Database,
) -> None:
    ids = list((await _workspaces(database, 20260304, range(7001, 7016))).values())
    batches = [ids[:6], [], ids[6:11], ids[11:]]
    found = [
        (batch, _said(composed) if isinstance(composed, dict) else composed)
        async for batch, composed in digests.compose_digest_batches(
            database.unit_of_work, batches, now=NOW
        )
    ]
    alone = [
        (batch, _said(await digests.compose_digests(database.unit_of_work(), batch, now=NOW)))
        for batch in batches
        if batch
    ]
    assert found == alone


async def test_a_batch_that_cannot_be_composed_gives_its_error_and_the_next_still_come(
    database: Database,
) -> None:
    ids = list((await _workspaces(database, 20260305, range(8001, 8010))).values())
    async with database.unit_of_work() as uow:
        numbered = await uow.session.scalars(
            select(Experiment.workspace_id).where(Experiment.workspace_id.in_(ids[3:6]))
        )
        broken = next(iter(numbered))
        # A status no release of the bot writes: this workspace's experiments cannot be read.
        await uow.session.execute(
            update(Experiment).where(Experiment.workspace_id == broken).values(status="lost")
        )
        await uow.commit()
    batches = [ids[:3], ids[3:6], ids[6:]]
    found = [
        (batch, composed)
        async for batch, composed in digests.compose_digest_batches(
            database.unit_of_work, batches, now=NOW
        )
    ]
    assert [batch for batch, _ in found] == batches
    assert isinstance(found[1][1], KeyError)
    for batch, composed in (found[0], found[2]):
        assert isinstance(composed, dict) and set(composed) == set(batch), batch


async def test_batches_left_unasked_are_not_read_on(database: Database) -> None:
    ids = list((await _workspaces(database, 20260306, range(9001, 9007))).values())
    composing = digests.compose_digest_batches(
        database.unit_of_work, [ids[:2], ids[2:4], ids[4:]], now=NOW
    )
    batch, composed = await anext(composing)
    assert batch == ids[:2] and isinstance(composed, dict)
    await composing.aclose()
    # What was read ahead is let go: a write and the next read go on as ever.
    await log_funnel(database.unit_of_work(), 9001, FUNNEL, author=ALICE, clock=FrozenClock(NOW))
    assert set(await digests.compose_digests(database.unit_of_work(), ids, now=NOW)) == set(ids)
