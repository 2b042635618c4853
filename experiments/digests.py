"""The daily digest: composing it, and claiming it through the database so it goes out once.

What "once" means. Each digest is a row keyed by (workspace, local date): whoever inserts it
owns that digest, and a second process, a restart or a crash can never make a second one.
The row is written — state ``sending`` — and committed *before* the message goes to Telegram,
and is then moved to ``sent`` (with Telegram's message id), ``blocked``, ``failed``,
``rejected`` or ``unknown``. Delivery is therefore **at most once**:

- a crash (or a kill) between the claim and Telegram's answer leaves the row ``sending``; we
  cannot prove the message did not arrive, so nobody sends it again. The window is one
  in-flight message per worker; a graceful stop lets it finish.
- ``failed`` means Telegram certainly did not act on it (it answered with an error, or the
  connection never opened); a later tick of the same local day takes the row over (compare and
  set on its state and attempts) and tries again, up to ``MAX_ATTEMPTS`` times.
- ``unknown`` means the request went out and the answer was lost (a read timeout, a dropped
  connection): it may have been delivered, so it is not retried.
- a digest with nothing to say is claimed as ``empty`` and not sent.

Digests are composed before they are claimed: composing is read-only, so a process that loses
the race has only wasted a little work, and a crash while composing loses nothing.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncGenerator, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from db.digest_repository import BatchRows, DigestSchedule
from db.totals_repository import revenue_of_cents
from db.unit_of_work import UnitOfWork
from experiments import backlog, schedule, services
from experiments.clock import Clock, utc_now
from experiments.domain import (
    N_,
    Author,
    DomainError,
    ExperimentView,
    Stage,
    Status,
    UnknownExperiment,
    VariantTotals,
)
from experiments.fast_init import fast_frozen_init
from experiments.funnel import (
    FunnelView,
    funnel_news,
    funnel_news_of,
    latest_funnel,
    latest_funnel_of,
)
from experiments.learnings import (
    LearningView,
    concluded_without_learning,
    learning_view,
    overdue_countermeasures,
)
from experiments.nudges import (
    KEEP_RUNNING_DAYS,
    ConcludedFacts,
    DraftFacts,
    Nudge,
    NudgeKind,
    RunningFacts,
    WorkspaceFacts,
    nudges_for,
)
from experiments.services import ExperimentSummary
from experiments.stats.briefs import ReadoutBrief, brief_of, conversion_briefs
from experiments.stats.verdict import Verdict, VerdictKind

MAX_ATTEMPTS = 5
_DECIDE = NudgeKind.DECIDE.value  # as a snooze stores it
# A funnel period logged this recently is news for the (daily) digest.
FUNNEL_NEWS_WINDOW = timedelta(days=1)


class DigestState(StrEnum):
    SENDING = "sending"  # claimed and handed to Telegram
    SENT = "sent"
    EMPTY = "empty"  # nothing to say, nothing sent
    FAILED = "failed"  # Telegram certainly did not get it: retried later the same day
    BLOCKED = "blocked"  # the chat blocked or removed the bot
    REJECTED = "rejected"  # Telegram refused it (a bad request): retrying would not help
    UNKNOWN = "unknown"  # the answer was lost: maybe delivered, so never retried


# ---------------------------------------------------------------- composing


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ExperimentLine:
    """One running experiment, in a line."""

    number: int
    name: str
    control: str
    visitors: int
    leader: str | None  # the arm converting best so far; None before any visitor
    challenger: str | None  # the challenger most likely to beat the control
    prob_beat_control: float | None  # of ``challenger``
    verdict: Verdict  # its kind, the variant to ship and the reason: what the line says
    days_left: float | None  # at the current pace, to the planned sample size


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Digest:
    chat_id: int
    language: str
    timezone: str
    digest_time: str  # "HH:MM", local
    local_date: date
    lines: tuple[ExperimentLine, ...]
    nudges: tuple[Nudge, ...]
    # The first digest in a timezone nobody chose says how to change it.
    timezone_hint: bool
    # A funnel period logged since the last digest, with its change from the period before.
    funnel_news: FunnelView | None = None
    # Countermeasures past their date and not done: the digest asks if they are.
    overdue_countermeasures: tuple[LearningView, ...] = ()

    @property
    def is_empty(self) -> bool:
        return (
            not self.lines
            and not self.nudges
            and self.funnel_news is None
            and not self.overdue_countermeasures
        )


async def compose_digest(uow: UnitOfWork, chat_id: int, *, now: datetime) -> Digest:
    """What the workspace's digest says at ``now``: a line per running experiment, the nudges.

    Everything is read in one transaction (the use cases below join it), so the digest
    describes one state of the workspace."""
    async with uow:
        summaries = await services.list_experiments(uow, chat_id)
        workspace = await services.require_workspace(uow, chat_id)
        snoozed = await uow.digests.snoozed(workspace.id, now)
        first_digest = not await uow.digests.any_sent(workspace.id)
        language, timezone = workspace.language, workspace.timezone
        digest_time = workspace.digest_time
        stale_after_days, target = workspace.stale_after_days, workspace.target_running
        timezone_hint = first_digest and not workspace.timezone_confirmed
        without_learning = set(await concluded_without_learning(uow, chat_id))
        funnel = await latest_funnel(uow, chat_id)
        news = await funnel_news(uow, chat_id, since=now - FUNNEL_NEWS_WINDOW)
        # One query reads every experiment's days.
        days = await services.workspace_days(uow, chat_id)
        today = schedule.local_date(now, ZoneInfo(timezone))
        overdue = await overdue_countermeasures(uow, chat_id, today)
    running = sorted(
        (s for s in summaries if s.experiment.is_running),
        key=lambda s: s.experiment.number,
    )
    # The readout's own verdict (its daily looks included): what /readout says, the digest
    # says.
    readouts = [
        services.readout_of(
            summary,
            now=now,
            history=services.daily_looks(summary, days.get(summary.experiment.number, [])),
        )
        for summary in running
    ]
    return _digest(
        _WorkspaceRead(
            chat_id=chat_id,
            language=language,
            timezone=timezone,
            digest_time=digest_time.strftime("%H:%M"),
            today=today,
            stale_after_days=stale_after_days,
            target_running=target,
            timezone_hint=timezone_hint,
            summaries=summaries,
            snoozed=snoozed,
            without_learning=without_learning,
            funnel=funnel,
            news=news,
            overdue=tuple(overdue),
        ),
        now,
        running,
        [(brief_of(result.readout), result.days_left) for result in readouts],
    )


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class _WorkspaceRead:
    """What a digest reads of its workspace, besides the numbers of its running experiments."""

    chat_id: int
    language: str
    timezone: str
    digest_time: str  # "HH:MM"
    today: date
    stale_after_days: int
    target_running: int
    timezone_hint: bool
    summaries: list[ExperimentSummary]  # in list_experiments' order
    snoozed: set[tuple[int, str]]
    without_learning: set[int]
    funnel: FunnelView | None
    news: FunnelView | None
    overdue: tuple[LearningView, ...]


def _digest(
    read: _WorkspaceRead,
    now: datetime,
    running: list[ExperimentSummary],
    numbers: list[tuple[ReadoutBrief, float | None]],
) -> Digest:
    """The digest from what was read and each running experiment's brief and days left."""
    summaries = read.summaries
    constraint = read.funnel.constraint if read.funnel is not None else None
    pairs = list(zip(running, numbers, strict=True))
    # Both in their fields' order: keywords would cost as much again.
    facts = WorkspaceFacts(
        now,
        read.today,
        read.stale_after_days,
        read.target_running,
        bool(summaries),
        tuple([_running_facts(summary, brief, read.snoozed) for summary, (brief, _) in pairs]),
        _concluded_facts(summaries, read.without_learning),
        constraint,
        _suggested_draft([s.experiment for s in summaries], constraint),
    )
    return Digest(
        read.chat_id,
        read.language,
        read.timezone,
        read.digest_time,
        read.today,
        tuple([_line(summary, brief, days_left) for summary, (brief, days_left) in pairs]),
        nudges_for(facts),
        read.timezone_hint,
        read.news,
        read.overdue,
    )


def _concluded_facts(
    summaries: list[ExperimentSummary], without_learning: set[int]
) -> tuple[ConcludedFacts, ...]:
    """The concluded experiments without a learning, by number."""
    if not without_learning:  # most workspaces on most days
        return ()
    return tuple(
        ConcludedFacts(s.experiment.number, s.experiment.name, s.experiment.concluded_at)
        for s in sorted(summaries, key=lambda s: s.experiment.number)
        if s.experiment.number in without_learning
    )


def _suggested_draft(
    experiments: list[ExperimentView], constraint: Stage | None
) -> DraftFacts | None:
    best = backlog.suggestion(backlog.backlog_order(experiments, constraint))
    if best is None:
        return None
    draft = best.experiment
    return DraftFacts(draft.number, draft.name, draft.stage, draft.ice_score, best.at_constraint)


def _running_facts(
    summary: ExperimentSummary, brief: ReadoutBrief, snoozed: set[tuple[int, str]]
) -> RunningFacts:
    experiment = summary.experiment
    started = experiment.started_at or experiment.created_at
    verdict = brief.verdict
    ship = verdict.variant if verdict.kind is VerdictKind.SHIP else None
    if ship not in experiment.variants:
        ship = None
    return RunningFacts(  # in its fields' order: keywords would cost as much again
        experiment.number,
        experiment.name,
        experiment.stage,
        summary.last_logged_at or started,
        min([t.visitors for t in summary.totals]),
        experiment.planned_per_variant,
        experiment.review_date,
        brief.sample_ratio_mismatch,
        bool(snoozed) and (experiment.number, _DECIDE) in snoozed,
        ship,
        experiment.variants.index(ship) if ship is not None else None,
    )


def _line(
    summary: ExperimentSummary, brief: ReadoutBrief, days_left: float | None
) -> ExperimentLine:
    experiment = summary.experiment
    # A storyline's episodes run one after another and a target experiment has no control:
    # neither has arms competing at once, so no arm "leads" or "beats" another.
    compared = experiment.target_rate is None and not experiment.storyline
    totals = summary.totals
    challenger = chance = leader = None
    if compared:
        # The challenger most likely to beat the control; the first of them on a tie.
        for index, found in enumerate(brief.chances, start=1):
            if found is not None and (chance is None or found > chance):
                challenger, chance = totals[index].name, found
        leader = brief.leader
    return ExperimentLine(  # in its fields' order: keywords would cost as much again
        experiment.number,
        experiment.name,
        experiment.control,
        summary.visitors,
        totals[leader].name if leader is not None else None,
        challenger,
        chance,
        brief.verdict,
        days_left,
    )


# ---------------------------------------------------------------- many digests at once

# Workspaces composed together: one read transaction and a handful of queries per batch.
BATCH_SIZE = 500
_STATUS_ORDER = {Status.RUNNING: 0, Status.DRAFT: 1, Status.PAUSED: 2, Status.CONCLUDED: 3}


async def compose_digests(
    uow: UnitOfWork, workspace_ids: Sequence[int], *, now: datetime
) -> dict[int, Digest]:
    """``compose_digest`` of many workspaces (by workspace id) at once: the same digests, read
    in one transaction with a few set-based queries, their statistics computed across the
    batch (``experiments.stats.briefs``). A workspace that is gone has no digest here."""
    ids = list(workspace_ids)
    if not ids:
        return {}
    with _cycle_collection_paused():
        # The rows read are freed with the frame of this call, before the collector is back
        # on: it would otherwise walk them once more.
        return _compose_batch(await _read_batch(uow, ids, now))


async def compose_digest_batches(
    unit_of_work: Callable[[], UnitOfWork],
    batches: Sequence[Sequence[int]],
    *,
    now: datetime,
) -> AsyncGenerator[tuple[list[int], dict[int, Digest] | Exception], None]:
    """``compose_digests`` of each batch of workspace ids in turn, with each batch's unit of
    work: the next batch is read while this one is composed (on SQLite its rows are read in
    the connection's thread, ``UnitOfWork.digests.batch_of``). Gives each
    batch's ids with its digests, or with the error that cost them (the next batches still
    come)."""
    pending = [list(batch) for batch in batches if batch]
    if not pending:
        return
    reading = asyncio.ensure_future(_read_batch(unit_of_work(), pending[0], now))
    try:
        for index, ids in enumerate(pending):
            composed: dict[int, Digest] | Exception
            with _cycle_collection_paused():
                try:
                    read: _BatchRead | None = await reading
                except Exception as error:
                    read, composed = None, error
                if index + 1 < len(pending):
                    begun = asyncio.Event()
                    reading = asyncio.ensure_future(
                        _read_batch(unit_of_work(), pending[index + 1], now, begun)
                    )
                    # The next read goes as far as sending its read of rows (to the
                    # connection's thread on SQLite, to the server on PostgreSQL), which goes on
                    # while this thread composes.
                    waiting = asyncio.ensure_future(begun.wait())
                    await asyncio.wait((waiting, reading), return_when=asyncio.FIRST_COMPLETED)
                    waiting.cancel()
                if read is not None:
                    try:
                        composed = _compose_batch(read)
                    except Exception as error:
                        composed = error
                    del read
            yield ids, composed
    finally:
        if not reading.done():
            reading.cancel()
        elif not reading.cancelled():
            reading.exception()  # retrieved: a batch not asked for fails quietly


@dataclass(frozen=True)
class _BatchRead:
    """What a batch reads: the rows of ``_compose_batch``."""

    now: datetime
    rows: BatchRows
    todays: dict[int, date]
    funnel_views: dict[int, tuple[FunnelView | None, FunnelView | None]]
    overdue: dict[int, list[LearningView]]


async def _read_batch(
    uow: UnitOfWork, ids: list[int], now: datetime, begun: asyncio.Event | None = None
) -> _BatchRead:
    """``compose_digests``' reads, in one transaction; ``begun`` is set once it has begun, when
    its read of rows is sent at once."""
    since = now - FUNNEL_NEWS_WINDOW
    async with uow:
        await uow.statements.begin()
        if begun is not None:
            begun.set()
        # On SQLite this read goes to the connection's thread; the two after it run here.
        rows = await uow.digests.batch_of(ids, now)
        workspaces = rows.workspaces
        funnels = await uow.funnels.latest_two_periods(ids)
        # A batch's workspaces share a few timezones: each zone's date is found once.
        dates = {
            zone: schedule.local_date(now, _zone(zone)) for zone in {w.timezone for w in workspaces}
        }
        todays = {w.id: dates[w.timezone] for w in workspaces}
        latest_today = max(todays.values(), default=now.date())
        # Due before the latest of the batch's local dates; each workspace keeps its own below.
        countermeasures = await uow.learnings.countermeasures_due_before_of(ids, latest_today)
        funnel_views = {
            workspace_id: (
                latest_funnel_of(latest, previous),
                funnel_news_of(latest, previous, since=since),
            )
            for workspace_id, (latest, previous) in funnels.items()
        }
        overdue: dict[int, list[LearningView]] = {}
        for workspace_id, learning, number in countermeasures:
            due = learning.countermeasure_due
            if due is not None and due < todays[workspace_id]:
                overdue.setdefault(workspace_id, []).append(learning_view(learning, number))
    return _BatchRead(now, rows, todays, funnel_views, overdue)


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector stays off while a batch is read and composed. A batch makes
    tens of thousands of objects (rows, views, lines: none in a cycle, so refcounting frees
    them all), and every few hundred the collector would walk the younger ones again and, now
    and then, the whole heap: that took a third of the time. It is off for the whole process
    meanwhile (other tasks run during the reads), which only delays its next walk."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compose_batch(read: _BatchRead) -> dict[int, Digest]:
    """``compose_digests``' work once everything is read: no I/O."""
    rows = read.rows
    now, workspaces, todays, sent = read.now, rows.workspaces, read.todays, rows.sent
    snoozed, funnel_views, overdue = rows.snoozed, read.funnel_views, read.overdue
    arms: dict[int, list[VariantTotals]] = {}
    positions: dict[int, int] = {}
    for (
        experiment_id,
        variant_id,
        position,
        name,
        visitors,
        conversions,
        cents,
        count,
    ) in rows.variants:
        positions[variant_id] = position
        revenue = None if cents is None else revenue_of_cents(cents)
        arms.setdefault(experiment_id, []).append(
            VariantTotals(name, position, visitors, conversions, revenue, count)
        )
    summaries: dict[int, list[tuple[int, ExperimentSummary]]] = {}
    for stored in rows.experiments:
        totals = tuple(arms.get(stored.id, ()))
        summary = ExperimentSummary(
            services.experiment_view(stored, tuple([t.name for t in totals])),
            totals,
            stored.last_logged_at,
        )
        summaries.setdefault(stored.workspace_id, []).append((stored.id, summary))
    without_learning: dict[int, set[int]] = {}
    for workspace_id, number in rows.unlearned:
        without_learning.setdefault(workspace_id, set()).add(number)

    # "HH:MM" of each digest time of the batch (a few: most keep the default), made once.
    clock_faces = {w.digest_time: w.digest_time.strftime("%H:%M") for w in workspaces}
    reads: list[tuple[int, _WorkspaceRead, list[tuple[int, ExperimentSummary]]]] = []
    for workspace in workspaces:
        own = sorted(summaries.get(workspace.id, ()), key=_listed_order)
        # Listed running first, newest first: the running ones by number are those reversed.
        running = [pair for pair in own if pair[1].experiment.is_running]
        running.reverse()
        funnel, news = funnel_views.get(workspace.id, (None, None))
        reads.append(
            (
                workspace.id,
                _WorkspaceRead(
                    chat_id=workspace.chat_id,
                    language=workspace.language,
                    timezone=workspace.timezone,
                    digest_time=clock_faces[workspace.digest_time],
                    today=todays[workspace.id],
                    stale_after_days=workspace.stale_after_days,
                    target_running=workspace.target_running,
                    timezone_hint=workspace.id not in sent and not workspace.timezone_confirmed,
                    summaries=[summary for _, summary in own],
                    snoozed=snoozed.get(workspace.id, set()),
                    without_learning=without_learning.get(workspace.id, set()),
                    funnel=funnel,
                    news=news,
                    overdue=tuple(overdue.get(workspace.id, ())),
                ),
                running,
            )
        )

    # Every A/B experiment of the batch in one go; a target or a storyline (few, and cheap)
    # through its own readout.
    numbers: dict[int, tuple[ReadoutBrief, float | None]] = {}
    conversion: list[tuple[int, ExperimentSummary]] = []
    others: list[tuple[int, ExperimentSummary]] = []
    for _, _, running in reads:
        for experiment_id, summary in running:
            experiment = summary.experiment
            if experiment.target_rate is not None or experiment.storyline:
                others.append((experiment_id, summary))
            else:
                conversion.append((experiment_id, summary))
    if others:
        days: dict[int, list[services.DayRow]] = {experiment_id: [] for experiment_id, _ in others}
        for experiment_id, day, variant_id, visitors, conversions in rows.days:
            if experiment_id in days:
                days[experiment_id].append((day, positions[variant_id], visitors, conversions))
        for experiment_id, summary in others:
            result = services.readout_of(
                summary, now=now, history=services.daily_looks(summary, days[experiment_id])
            )
            numbers[experiment_id] = (brief_of(result.readout), result.days_left)
    looks = _daily_counts(
        rows.days, positions, {experiment_id: len(s.totals) for experiment_id, s in conversion}
    )
    briefs = conversion_briefs(
        [
            services.conversion_counts(summary, looks.get(experiment_id, ()))
            for experiment_id, summary in conversion
        ]
    )
    for (experiment_id, summary), brief in zip(conversion, briefs, strict=True):
        experiment = summary.experiment
        days_left = services.plan_days_left(
            experiment, summary.totals, services.days_running(experiment, now)
        )
        numbers[experiment_id] = (brief, days_left)
    return {
        workspace_id: _digest(
            read,
            now,
            [summary for _, summary in running],
            [numbers[experiment_id] for experiment_id, _ in running],
        )
        for workspace_id, read, running in reads
    }


def _listed_order(pair: tuple[int, ExperimentSummary]) -> tuple[int, int]:
    """``services.list_experiments``' order: running, drafts, paused, concluded; newest first."""
    experiment = pair[1].experiment
    return _STATUS_ORDER[experiment.status], -experiment.number


def _daily_counts(
    rows: Sequence[Sequence[Any]],
    positions: dict[int, int],
    arm_counts: dict[int, int],
) -> dict[int, list[list[tuple[int, int]]]]:
    """``services.daily_looks`` of every experiment in ``arm_counts`` as (visitors,
    conversions) per arm, from the batch's day rows (experiment id, day, variant id, visitors,
    conversions: by experiment, in day order), in one pass."""
    found: dict[int, list[list[tuple[int, int]]]] = {}
    current = None
    looks: list[list[tuple[int, int]]] = []
    visitors: list[int] = []
    conversions: list[int] = []
    arm_count = 0
    last_day: Any = None
    for experiment_id, day, variant_id, day_visitors, day_conversions in rows:
        if experiment_id != current:
            if current is not None and arm_count:
                looks.append(list(zip(visitors, conversions, strict=True)))
            current = experiment_id
            arm_count = arm_counts.get(experiment_id, 0)
            if not arm_count:
                continue
            looks = found[experiment_id] = []
            visitors = [0] * arm_count
            conversions = [0] * arm_count
            last_day = day
        elif not arm_count:
            continue
        elif day != last_day:
            looks.append(list(zip(visitors, conversions, strict=True)))
            last_day = day
        position = positions[variant_id]
        if position < arm_count:
            visitors[position] += day_visitors
            conversions[position] += day_conversions
    if current is not None and arm_count:
        looks.append(list(zip(visitors, conversions, strict=True)))
    return found


# ---------------------------------------------------------------- who is due


@dataclass(frozen=True)
class DueDigest:
    workspace_id: int
    chat_id: int
    local_date: date
    # A failed digest being retried: the row and the attempts it had when read.
    record_id: int | None = None
    attempts: int = 0


async def due_digests(uow: UnitOfWork, now: datetime) -> list[DueDigest]:
    """Workspaces whose digest for their local today is due at ``now`` and not yet claimed,
    plus today's failed ones with attempts left; in workspace order."""
    # Local dates lie within a day of the UTC date, so older records don't matter.
    first_date = now.astimezone(UTC).date() - timedelta(days=1)
    async with uow:
        repository = uow.digests
        schedules = await repository.schedules()
        records = {
            (record.workspace_id, record.local_date): _Taken(
                record.id, DigestState(record.state), record.attempts
            )
            for record in await repository.records_from(first_date)
        }
    due: list[DueDigest] = []
    for entry in schedules:
        today = schedule.local_date(now, _zone(entry.timezone))
        record = records.get((entry.workspace_id, today))
        if not _upcoming(entry, record, now).is_due(now):
            continue
        if record is None:
            due.append(DueDigest(entry.workspace_id, entry.chat_id, today))
        else:
            due.append(
                DueDigest(
                    entry.workspace_id, entry.chat_id, today, record.record_id, record.attempts
                )
            )
    return due


async def next_digest_at(uow: UnitOfWork, chat_id: int, now: datetime) -> datetime | None:
    """When the workspace's next digest goes (what /settings shows): the moment the tick will
    find it due, by the same rule; None while digests are off or the chat blocked the bot."""
    async with uow:
        workspace = await services.require_workspace(uow, chat_id)
        repository = uow.digests
        found = await repository.schedules(workspace.id)
        if not found:
            return None
        entry = found[0]
        today = schedule.local_date(now, _zone(entry.timezone))
        record = await repository.get(workspace.id, today)
        taken = (
            None
            if record is None
            else _Taken(record.id, DigestState(record.state), record.attempts)
        )
        upcoming = _upcoming(entry, taken, now)
    # One whose moment passed goes at the next tick.
    return max(upcoming.moment, now)


@dataclass(frozen=True)
class _Taken:
    """What became of a claimed digest, as read."""

    record_id: int
    state: DigestState
    attempts: int


def _upcoming(
    entry: DigestSchedule, today_record: _Taken | None, now: datetime
) -> schedule.NextDigest:
    """The workspace's next digest, given what became of today's (if anything)."""
    retryable = (
        today_record is not None
        and today_record.state == DigestState.FAILED
        and today_record.attempts < MAX_ATTEMPTS
    )
    return schedule.next_digest(
        now,
        entry.digest_time,
        _zone(entry.timezone),
        schedule_set_at=entry.schedule_set_at,
        today_taken=today_record is not None and not retryable,
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):  # a name stored before it left the tz database
        return ZoneInfo("UTC")


# ---------------------------------------------------------------- claiming and recording


async def claim_digest(
    uow: UnitOfWork,
    due: DueDigest,
    *,
    state: DigestState,
    instance: str,
    now: datetime,
) -> bool:
    """Takes the digest for this process, recorded as ``state`` (sending, or empty); False when
    another process (or an earlier run) already has it."""
    async with uow:
        repository = uow.digests
        if due.record_id is not None:
            taken = await repository.take_over(
                due.record_id,
                state=DigestState.FAILED,
                attempts=due.attempts,
                new_state=state,
                claimed_by=instance[:64],
                claimed_at=now,
            )
            await uow.commit()
            return taken
        # One INSERT … ON CONFLICT DO NOTHING: of two claimers, one inserts and one is told no.
        claimed = await repository.claim(
            due.workspace_id,
            due.local_date,
            state=state.value,
            claimed_by=instance[:64],
            claimed_at=now,
        )
        await uow.commit()
        return claimed


async def record_delivery(
    uow: UnitOfWork,
    due: DueDigest,
    state: DigestState,
    *,
    now: datetime,
    message_id: int | None = None,
) -> None:
    """What became of a claimed digest; a blocked chat's workspace stops getting digests."""
    async with uow:
        record = await uow.digests.get(due.workspace_id, due.local_date)
        assert record is not None, "a digest is recorded only after it was claimed"
        record.state = state.value
        if state is DigestState.SENT:
            record.sent_at = now
            record.telegram_message_id = message_id
        if state is DigestState.BLOCKED:
            workspace = await uow.workspaces.by_chat(due.chat_id)
            if workspace is not None:
                # ensure_workspace turns it back on when the chat writes again.
                workspace.active = False
                await uow.workspaces.changed(workspace)
        await uow.commit()


# ---------------------------------------------------------------- answering a nudge


@dataclass(frozen=True)
class KeptRunning:
    number: int
    name: str
    days: int  # the decide-now nudge stays quiet this long


class NotRunning(DomainError):
    template = N_("Experiment #{number} is not running, so there is nothing to keep running.")

    def __init__(self, number: int) -> None:
        super().__init__(number=number)


async def keep_running(
    uow: UnitOfWork, chat_id: int, number: int, *, author: Author, clock: Clock = utc_now
) -> KeptRunning:
    """The founder answers "decide now" with "keep running": no such nudge for a few days."""
    now = clock()
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        experiment = None if workspace is None else await uow.experiments.load(workspace.id, number)
        if workspace is None or experiment is None:
            raise UnknownExperiment(number)
        if not experiment.is_running:
            raise NotRunning(number)
        await uow.digests.snooze(
            workspace_id=workspace.id,
            experiment_id=experiment.id,
            nudge=NudgeKind.DECIDE.value,
            until=now + timedelta(days=KEEP_RUNNING_DAYS),
            snoozed_at=now,
            snoozed_by_id=author.user_id,
        )
        name = experiment.name
        await uow.commit()
    return KeptRunning(number, name, KEEP_RUNNING_DAYS)
