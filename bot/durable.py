"""Every update taken from Telegram is handled, once, also after a crash; replies are retried.

**The inbox.** python-telegram-bot's polling confirms the updates it fetched (the next
getUpdates' offset) before they are handled, and a webhook's 200 tells Telegram an update
arrived: either way, a process killed before handling an update would lose it. So the
Application's update queue is an ``InboxQueue``: putting an update in first stores it in the
``inbox_updates`` table (``db/inbox_repository.py``), one ``INSERT … ON CONFLICT DO NOTHING``
on its ``update_id``, and only then queues it. The Updater puts a batch in the queue before
it moves its offset on, and the webhook (``bot/webhook.py``) puts an update in before it
answers 200, so nothing is confirmed that is not stored. An update delivered a second time
(a batch fetched again after a restart, a webhook delivery retried, perhaps to another
process) finds its row and is not queued again.

**Claims.** The process that stored an update claims it for ``LEASE`` and renews its claims
while it lives (``renew_claims``, a repeating job). Once handled the row is marked done;
done rows are kept a day to recognise late second deliveries, then pruned. At start the
updates not done are claimed and handled before anything new: in polling mode every one of
them (Telegram lets one process poll, so whoever polls now is alone), in webhook mode those
whose claim ran out (other processes behind the load balancer may be handling theirs). The
same job takes over updates whose claim ran out, the ones of a process that died (so they
wait up to ``LEASE`` plus ``RENEW_EVERY_SECONDS``). A process stopping cleanly handles what it
queued first, then ends the claims it still holds, so those are taken at the others' next
look. The claim is one UPDATE whose condition PostgreSQL re-checks under concurrent
claimers, so each update goes to one process.

**Idempotent per update.** Handling an update runs inside ``db.update_scope``'s scope (a
context variable holding its id). Each transaction that changes something counts itself on
the update's row in the same transaction (``UnitOfWork.commit``): the first write sets
``writes`` to 1, the second to 2. Handled again after a crash, the handler repeats its steps;
the transaction whose count is already there was committed the first time, so it is rolled
back and ``AlreadySaved`` ends the handling (``bot/errors.py`` tells the user it was saved).
A handler makes at most one such write per update (one use case per handler); first
contact's "create the workspace if missing" repeats harmlessly and is not counted.

**Replies after a commit.** Within the handling of an update, a Bot API call answered with a
5xx or lost to the network (a dropped connection, a timeout) is tried again after
``REPLY_RETRY_DELAYS`` (``RetryingRequest``); a 429 is waited out by the rate limiter. A
lost answer may have been delivered, so a retried reply can show twice: better than a
saved entry the user never hears of. When the retries are spent, ``bot/errors.py`` says the
change was saved instead of asking to try again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application, ContextTypes
from telegram.request import BaseRequest, RequestData

from db.inbox_repository import StoredUpdate
from db.unit_of_work import Database
from db.update_scope import current_update, handling_update
from experiments.clock import utc_now

logger = logging.getLogger(__name__)

# How long a claim holds unless renewed; a dead process's updates wait this long in webhook
# mode before another process takes them.
LEASE = timedelta(seconds=30)
RENEW_EVERY_SECONDS = 10.0
# Done updates are kept this long to recognise a late second delivery.
KEEP_DONE = timedelta(days=1)
# Waits before each new try of a Bot API call made while handling an update.
REPLY_RETRY_DELAYS: tuple[float, ...] = (0.5, 2.0, 5.0)
# Waits before storing an update again while the database is unreachable.
STORE_RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0)


class Inbox:
    """The ``inbox_updates`` table as this process uses it."""

    def __init__(self, database: Database, instance_id: str, *, sole_receiver: bool = True) -> None:
        self._database = database
        # A restarted process must not mistake the claims of the one before it for its own.
        self.claimant = f"{instance_id}:{secrets.token_hex(4)}"[:100]
        # Polling: this process is Telegram's only receiver, so it takes every undone update.
        self.sole_receiver = sole_receiver
        self._claimed: set[int] = set()

    def holds(self, update_id: int) -> bool:
        """Whether this process claimed the update and has not finished it."""
        return update_id in self._claimed

    async def store(self, update: Update) -> bool:
        """Stores the update claimed by this process; False when it was stored before."""
        payload = json.dumps(update.to_dict(), ensure_ascii=False)
        now = utc_now()
        stored = await self._database.inbox_writes.store(
            StoredUpdate(update.update_id, payload),
            claimed_by=self.claimant,
            until=now + LEASE,
            now=now,
        )
        if stored:
            self._claimed.add(update.update_id)
            return True
        return False

    async def claim_undone(self, *, takeover: bool) -> list[StoredUpdate]:
        now = utc_now()
        async with self._database.unit_of_work() as uow:
            claimed = await uow.inbox.claim_undone(
                claimed_by=self.claimant, until=now + LEASE, now=now, takeover=takeover
            )
            await uow.commit()
        self._claimed.update(stored.update_id for stored in claimed)
        return claimed

    async def renew(self) -> None:
        now = utc_now()
        async with self._database.unit_of_work() as uow:
            await uow.inbox.renew(claimed_by=self.claimant, until=now + LEASE)
            await uow.inbox.prune(done_before=now - KEEP_DONE)
            await uow.commit()

    async def release(self) -> None:
        """At a clean stop: what this process claimed and did not finish goes to the others now."""
        async with self._database.unit_of_work() as uow:
            released = await uow.inbox.release(claimed_by=self.claimant, now=utc_now())
            await uow.commit()
        if released:
            logger.info("left %d unfinished updates to the other processes", released)
        self._claimed.clear()

    async def done(self, update_id: int) -> None:
        await self._database.inbox_writes.mark_done(update_id, now=utc_now())
        self._claimed.discard(update_id)


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue: an update is stored in the inbox before it is queued."""

    def __init__(self, inbox: Inbox, store_retry_delays: Sequence[float] = STORE_RETRY_DELAYS):
        super().__init__()
        self.inbox = inbox
        self._store_retry_delays = tuple(store_retry_delays)

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):  # the Application's stop signal
            await super().put(item)
            return
        attempt = 0
        while True:
            try:
                stored = await self.inbox.store(item)
                break
            except Exception:
                # Not stored means not confirmed: polling waits, a webhook request waits.
                delay = self._store_retry_delays[min(attempt, len(self._store_retry_delays) - 1)]
                logger.warning(
                    "could not store update %s, retrying in %.1f s",
                    item.update_id,
                    delay,
                    exc_info=True,
                )
                attempt += 1
                await asyncio.sleep(delay)
        if stored:
            await super().put(item)
        else:
            logger.info("update %s was received before; not handled again", item.update_id)

    async def put_claimed(self, application: Application, claimed: list[StoredUpdate]) -> None:
        """Queues updates claimed from the inbox (already stored)."""
        for stored in claimed:
            update = Update.de_json(json.loads(stored.payload), application.bot)
            await super().put(update)


class DurableApplication(Application):
    """Handles each update from the inbox inside its scope and marks it done afterwards."""

    async def process_update(self, update: object) -> None:
        queue = self.update_queue
        if not (
            isinstance(queue, InboxQueue)
            and isinstance(update, Update)
            and queue.inbox.holds(update.update_id)
        ):
            await super().process_update(update)
            return
        with handling_update(update.update_id):
            # Handler errors are dispatched to the error handler inside; what is left is done.
            await super().process_update(update)
        try:
            await queue.inbox.done(update.update_id)
        except Exception:
            # Handled, but not marked: the next start handles it again and skips its writes.
            logger.warning("could not mark update %s done", update.update_id, exc_info=True)

    async def stop(self) -> None:
        """Stops after the queued updates are handled, then gives up the claims still held (an
        update whose handling failed, or could not be marked done): another process sharing
        the webhook takes them at its next look instead of when their claims run out."""
        await super().stop()
        queue = self.update_queue
        if isinstance(queue, InboxQueue):
            try:
                await queue.inbox.release()
            except Exception:
                logger.warning("could not give up this process's claims", exc_info=True)


def inbox_of(application: Application) -> Inbox | None:
    queue = application.update_queue
    return queue.inbox if isinstance(queue, InboxQueue) else None


async def recover_inbox(application: Application) -> None:
    """At start: queues the updates a previous run stored but did not finish, before any new
    one, and starts renewing this process's claims."""
    queue = application.update_queue
    if not isinstance(queue, InboxQueue):
        return
    claimed = await queue.inbox.claim_undone(takeover=queue.inbox.sole_receiver)
    if claimed:
        logger.info("handling %d updates left over from before the restart", len(claimed))
    await queue.put_claimed(application, claimed)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _renew_claims, interval=RENEW_EVERY_SECONDS, name="hourglass.inbox"
        )


async def _renew_claims(context: ContextTypes.DEFAULT_TYPE) -> None:
    application = context.application
    queue = application.update_queue
    if not isinstance(queue, InboxQueue):
        return
    try:
        await queue.inbox.renew()
        # The updates of a process that died (its claims ran out) are taken over.
        claimed = await queue.inbox.claim_undone(takeover=False)
    except Exception:
        logger.warning("could not renew the inbox claims", exc_info=True)
        return
    if claimed:
        logger.info("taking over %d updates whose claim ran out", len(claimed))
        await queue.put_claimed(application, claimed)


class RetryingRequest(BaseRequest):
    """Bot API calls made while handling an update are tried again on a 5xx answer or a
    network failure (the reply after a commit must reach the user); other calls (the digest
    tick, which has its own rules) are made once. The calls themselves go through ``client``."""

    def __init__(
        self, client: BaseRequest, *, retry_delays: Sequence[float] = REPLY_RETRY_DELAYS
    ) -> None:
        self._client = client
        self._retry_delays = tuple(retry_delays)

    @property
    def read_timeout(self) -> float | None:
        return self._client.read_timeout

    async def initialize(self) -> None:
        await self._client.initialize()

    async def shutdown(self) -> None:
        await self._client.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        retrying = current_update() is not None
        for attempt in range(len(self._retry_delays) + 1):
            last = not retrying or attempt == len(self._retry_delays)
            try:
                code, payload = await self._client.do_request(
                    url, method, request_data, *args, **kwargs
                )
            except (TimedOut, NetworkError) as error:
                if last:
                    raise
                logger.info("Bot API call failed (%s), trying again", error)
            else:
                if code < 500 or last:
                    return code, payload
                logger.info("Bot API answered %d, trying again", code)
            await asyncio.sleep(self._retry_delays[attempt])
        raise AssertionError("unreachable: the last attempt returns or raises")


def update_saved() -> bool:
    """Whether the update being handled has a committed write (now or before a crash)."""
    scope = current_update()
    return scope is not None and scope.writes > 0
