"""The digest tick: every minute, send each workspace's due digest once, within Telegram's limits.

One repeating JobQueue job calls ``run_digest_tick``. Each tick reads from the database who is
due (local digest time passed today, no digest claimed for that local date), so a restart, a
digest missed while the bot was down (sent if its local day is not over) and several bot
processes on one database need nothing more; the claim rules are in ``experiments.digests``.
Tests call ``run_digest_tick(application, now=...)`` directly with a frozen clock.

Due digests are composed a batch at a time (one read of the database for hundreds of
workspaces, ``experiments.digests.compose_digests``), then sent one by one. Sending goes
through the Application's bot, so ``AIORateLimiter`` keeps it within ~30 messages/s and 20/min
per group and waits out a 429 itself. What Telegram answers decides the
record: 403 → blocked (the workspace stops getting digests); a 429 the limiter gave up on, an
error answer (5xx) or a connection that never opened → retried here with backoff, then left
``failed`` for a later tick; an answer lost after the request went out → ``unknown``, not
retried (the digest may have arrived; see ``experiments.digests`` on at-most-once).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ContextTypes

from bot.i18n import translator
from bot.jobs import run_every
from bot.render.digest import digest_keyboard, digest_text
from bot.runtime import RUNTIME_KEY, Runtime
from bot.transport import certainly_not_delivered
from experiments import digests
from experiments.digests import Digest, DigestState, DueDigest

logger = logging.getLogger(__name__)

TICK_SECONDS = 60.0
# The first tick soon after start: digests missed while the bot was down go out then.
FIRST_TICK_SECONDS = 30.0
_TICK_LOCK_KEY = "hourglass.digest-tick"


@dataclass(frozen=True)
class DeliveryPolicy:
    # Waits before each new try when Telegram certainly did not get the message.
    retry_delays: tuple[float, ...] = (2.0, 10.0, 30.0)
    # A longer 429 wait leaves the digest to a later tick instead of holding a worker.
    max_retry_after: float = 60.0
    # Digests sent at once (the rate limiter paces the sending).
    workers: int = 4
    # Digests composed together, in one read (``experiments.digests.compose_digests``).
    batch_size: int = digests.BATCH_SIZE


DEFAULT_POLICY = DeliveryPolicy()


@dataclass(frozen=True)
class TickReport:
    due: int
    outcomes: Counter[str]  # DigestState values, "taken" (claimed elsewhere), "error"

    def count(self, outcome: str) -> int:
        return self.outcomes[outcome]


async def run_digest_tick(
    application: Application,
    *,
    now: datetime | None = None,
    policy: DeliveryPolicy = DEFAULT_POLICY,
) -> TickReport:
    """Sends every digest due at ``now``; stops taking new ones once the application stops."""
    runtime = _runtime(application)
    moment = now or runtime.clock()
    due = await digests.due_digests(runtime.uow(), moment)
    outcomes: Counter[str] = Counter()
    size = max(policy.batch_size, 1)
    batches = [due[start : start + size] for start in range(0, len(due), size)]
    # Each batch is read while the one before is composed.
    composing = digests.compose_digest_batches(
        runtime.uow, [[item.workspace_id for item in batch] for batch in batches], now=moment
    )
    try:
        for batch in batches:
            if not application.running:
                break
            await _send_batch(application, runtime, batch, moment, policy, composing, outcomes)
    finally:
        await composing.aclose()
    if due:
        logger.info("digest tick at %s: %d due, %s", moment.isoformat(), len(due), dict(outcomes))
    return TickReport(len(due), outcomes)


async def _send_batch(
    application: Application,
    runtime: Runtime,
    batch: list[DueDigest],
    moment: datetime,
    policy: DeliveryPolicy,
    composing: AsyncGenerator[tuple[list[int], dict[int, Digest] | Exception], None],
    outcomes: Counter[str],
) -> None:
    """Sends the batch's digests, composed together; on a failure to compose them so, each is
    composed alone (one workspace's bad data costs only its own digest)."""
    _, found = await anext(composing)
    composed: dict[int, Digest] = {}
    if isinstance(found, Exception):
        logger.error(
            "composing %d digests at once failed; composing them one by one",
            len(batch),
            exc_info=found,
        )
    else:
        composed = found
    queue: asyncio.Queue[DueDigest] = asyncio.Queue()
    for item in batch:
        queue.put_nowait(item)

    async def worker(
        queue: asyncio.Queue[DueDigest] = queue, composed: dict[int, Digest] = composed
    ) -> None:
        # A graceful stop lets each worker finish its digest in flight, then leaves the
        # rest to whichever process runs next.
        while application.running and not queue.empty():
            item = queue.get_nowait()
            try:
                digest = composed.get(item.workspace_id)
                outcomes[await _deliver(application, runtime, item, moment, policy, digest)] += 1
            except Exception:
                # One workspace's failure must not cost the others their digest.
                logger.exception("digest for chat %s failed", item.chat_id)
                outcomes["error"] += 1

    await asyncio.gather(*(worker() for _ in range(max(policy.workers, 1))))


async def _deliver(
    application: Application,
    runtime: Runtime,
    item: DueDigest,
    now: datetime,
    policy: DeliveryPolicy,
    digest: Digest | None = None,
) -> str:
    if digest is None or digest.chat_id != item.chat_id:
        digest = await digests.compose_digest(runtime.uow(), item.chat_id, now=now)
    # Rendered before the claim: past the claim, only Telegram's answer can go wrong.
    t = translator(digest.language)
    text, keyboard = digest_text(t, digest), digest_keyboard(t, digest)
    state = DigestState.EMPTY if digest.is_empty else DigestState.SENDING
    claimed = await digests.claim_digest(
        runtime.uow(), item, state=state, instance=runtime.instance_id, now=runtime.clock()
    )
    if not claimed:
        return "taken"
    if digest.is_empty:
        return DigestState.EMPTY.value
    outcome, message_id = await send_once(application.bot, item.chat_id, text, keyboard, policy)
    await digests.record_delivery(
        runtime.uow(), item, outcome, now=runtime.clock(), message_id=message_id
    )
    return outcome.value


async def send_once(
    bot: Bot,
    chat_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    policy: DeliveryPolicy = DEFAULT_POLICY,
) -> tuple[DigestState, int | None]:
    """Sends one message, retrying only what Telegram certainly did not act on."""
    waits = iter(policy.retry_delays)
    while True:
        try:
            message = await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
            )
            return DigestState.SENT, message.message_id
        except Forbidden as error:
            logger.info("chat %s does not take digests any more: %s", chat_id, error)
            return DigestState.BLOCKED, None
        except RetryAfter as error:
            # The limiter already waited and retried; one more wait, if it is short.
            # As AIORateLimiter does: the public attribute warns while PTB moves to timedelta.
            wait = error._retry_after.total_seconds()
            if wait > policy.max_retry_after or next(waits, None) is None:
                return DigestState.FAILED, None
        except (BadRequest, ChatMigrated, InvalidToken) as error:
            logger.error("Telegram refused the digest for chat %s: %s", chat_id, error)
            return DigestState.REJECTED, None
        except NetworkError as error:
            if not certainly_not_delivered(error):
                logger.warning("digest for chat %s may or may not have arrived: %s", chat_id, error)
                return DigestState.UNKNOWN, None
            found = next(waits, None)
            if found is None:
                return DigestState.FAILED, None
            wait = found
            logger.info(
                "digest for chat %s not delivered (%s); retrying in %ss", chat_id, error, wait
            )
        except TelegramError as error:
            logger.error("unexpected answer to the digest for chat %s: %s", chat_id, error)
            return DigestState.REJECTED, None
        await asyncio.sleep(wait)


def _runtime(application: Application) -> Runtime:
    found = application.bot_data[RUNTIME_KEY]
    assert isinstance(found, Runtime)
    return found


# ---------------------------------------------------------------- the JobQueue


async def digest_tick_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The repeating job; a tick still sending when the next is due lets it pass."""
    lock = context.bot_data.setdefault(_TICK_LOCK_KEY, asyncio.Lock())
    if lock.locked():
        return
    async with lock:
        await run_digest_tick(context.application)


async def start_digest_schedule(application: Application) -> None:
    """A startup hook: the tick every minute, the first one shortly after start."""
    run_every(
        application,
        digest_tick_job,
        seconds=TICK_SECONDS,
        first=FIRST_TICK_SECONDS,
        name="digests",
        needed_for="digests",
        # The lock above turns an overlapping run into a no-op instead of a skipped-run warning.
        at_once=2,
    )
