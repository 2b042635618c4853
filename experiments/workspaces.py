"""Use cases about the workspace: first contact and its settings."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, replace
from datetime import time
from functools import cache

from babel.numbers import list_currencies

from db.models import Workspace
from db.unit_of_work import UnitOfWork
from experiments import parsers
from experiments.clock import Clock, utc_now
from experiments.domain import N_, Business, DomainError, InvalidInput
from experiments.roles import Action, Actor, require
from experiments.services import require_workspace


@dataclass(frozen=True)
class WorkspaceView:
    chat_id: int
    chat_type: str
    title: str | None
    language: str
    timezone: str
    timezone_confirmed: bool
    digest_time: str  # "HH:MM", local
    digest_enabled: bool
    target_running: int
    stale_after_days: int
    active: bool
    currency: str = "USD"  # ISO 4217: costs and revenue are shown in it
    business: Business = Business.ALL  # what kind of business: /ideas are written for it
    created: bool = False  # True on the first contact, when the workspace was just made
    version: int = 0  # the row's version when read (``Workspace.version``)


# ---------------------------------------------------------------- workspaces


async def ensure_workspace(
    uow: UnitOfWork,
    chat_id: int,
    *,
    chat_type: str,
    title: str | None,
    language: str | None,
    clock: Clock = utc_now,
) -> WorkspaceView:
    """The chat's workspace, made on first contact in the language of whoever spoke first."""
    async with uow:
        workspace = await uow.workspaces.by_chat(chat_id)
        created = False
        if workspace is None:
            # Two first messages may arrive at once: one statement inserts unless the other
            # already did, and both carry on with the one workspace.
            workspace, created = await uow.workspaces.add_if_missing(
                chat_id,
                chat_type=chat_type,
                title=title,
                language=supported_language(language),
                currency=default_currency(supported_language(language)),
                created_at=clock(),
                # The first digest comes at its time of day, not minutes after "hello".
                digest_schedule_set_at=clock(),
                last_experiment_number=0,
            )
        if not created and (title != workspace.title or not workspace.active):
            workspace.title = title
            # A message from the chat means the bot is welcome there again.
            workspace.active = True
            await uow.workspaces.changed(workspace)
        # Creating what is missing: handling the update again after a crash repeats it harmlessly.
        await uow.commit(idempotent=True)
        return _workspace_view(workspace, created=created)


class KnownWorkspaces:
    """The workspaces this process has met, by chat, so an update need not ask for its own.

    Every update needs its chat's workspace (its language, timezone and currency) before its
    handler parses a word, and most handlers reach the database through one use case after
    that. Reading the workspace in a transaction of its own doubled the transactions of an
    update; so each process keeps the views it has made, and an update asks the database only
    for the row's ``version`` (one indexed column read on its own, outside any transaction, in
    one call into the driver: ``db.workspace_versions``) to learn whether the copy is current.

    Several processes may serve one database (polling and a webhook, or several replicas):
    every change of what a view shows raises the row's version in the transaction that makes
    it (``update_settings``, a chat coming back in ``ensure_workspace``, a blocked digest), so
    the next update of that chat in any process sees a version that differs and reads the
    workspace again — before its handler parses or replies, which a check folded into the
    use case's own statement could not promise: the timezone a day word is read in, and the
    replies of commands that run no use case (/help, /start), come before or without it.

    Bounded: past ``limit`` chats the oldest entry is forgotten (it is read again when its
    chat writes).
    """

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._views: dict[int, WorkspaceView] = {}

    def get(self, chat_id: int) -> WorkspaceView | None:
        return self._views.get(chat_id)

    def put(self, view: WorkspaceView) -> None:
        """Keeps ``view`` unless a newer version of the chat's workspace is already known."""
        known = self._views.get(view.chat_id)
        if known is not None and known.version > view.version:
            return
        self._views.pop(view.chat_id, None)
        self._views[view.chat_id] = replace(view, created=False)
        if len(self._views) > self._limit:
            del self._views[next(iter(self._views))]

    def forget(self, chat_id: int) -> None:
        self._views.pop(chat_id, None)


async def know_workspace(
    uow: UnitOfWork,
    known: KnownWorkspaces,
    chat_id: int,
    *,
    chat_type: str,
    title: str | None,
    language: str | None,
    clock: Clock = utc_now,
) -> WorkspaceView:
    """``ensure_workspace``, answered from ``known`` while the stored version is the same.

    A different title, or a chat the bot had stopped writing to, goes the long way: the
    workspace is brought up to date in ``ensure_workspace``.
    """
    cached = known.get(chat_id)
    if (
        cached is not None
        and cached.active
        and cached.title == title
        and await uow.workspace_version(chat_id) == cached.version
    ):
        return cached
    view = await ensure_workspace(
        uow, chat_id, chat_type=chat_type, title=title, language=language, clock=clock
    )
    known.put(view)
    return view


SUPPORTED_LANGUAGES = ("en", "ru")


def supported_language(language_code: str | None) -> str:
    code = (language_code or "en").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else "en"


def default_currency(language: str) -> str:
    """A first guess until the founder picks one in /settings: roubles for Russian, else dollars."""
    return "RUB" if language == "ru" else "USD"


def _workspace_view(workspace: Workspace, *, created: bool = False) -> WorkspaceView:
    return WorkspaceView(
        chat_id=workspace.chat_id,
        chat_type=workspace.chat_type,
        title=workspace.title,
        language=workspace.language,
        timezone=workspace.timezone,
        timezone_confirmed=workspace.timezone_confirmed,
        digest_time=workspace.digest_time.strftime("%H:%M"),
        digest_enabled=workspace.digest_enabled,
        target_running=workspace.target_running,
        stale_after_days=workspace.stale_after_days,
        active=workspace.active,
        currency=workspace.currency,
        business=Business(workspace.business),
        created=created,
        version=workspace.version,
    )


# ---------------------------------------------------------------- settings

TARGET_RUNNING_RANGE = (1, 20)
STALE_AFTER_DAYS_RANGE = (1, 60)


class UnknownTimezone(DomainError):
    template = N_(
        "“{name}” is not a timezone I know. Write its IANA name, like Europe/Berlin, "
        "America/New_York or Asia/Kolkata: /settings timezone Europe/Berlin"
    )

    def __init__(self, name: str) -> None:
        super().__init__(name=name)


@cache
def _timezones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def clean_timezone(name: str) -> str:
    """An IANA timezone name, spelled as the tz database spells it (any letter case accepted)."""
    wanted = name.strip().replace(" ", "_")
    found = _timezones_by_folded_name().get(wanted.casefold())
    if found is None:
        raise UnknownTimezone(name.strip()[:64])
    return found


def clean_currency(text: str) -> str:
    """An ISO 4217 code (`eur` → EUR) or a common symbol or word (`€`, `рубли`)."""
    code = parsers.currency_word(text)
    if code not in list_currencies():
        raise InvalidInput(
            N_(
                "“{text}” is not a currency I know. Write its three-letter code, "
                "like USD, EUR or RUB: /settings currency EUR"
            ),
            text=text.strip()[:32],
        )
    return code


_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?$")


def clean_business(text: str) -> Business:
    """``shop``, ``кафе``, ``online product``…: the first word that names a kind decides."""
    found = parsers.business_word(text)
    if found is not None:
        return found
    raise InvalidInput(
        N_(
            "“{text}” is not a kind of business I know. Write shop (or café), service, online "
            "or all, e.g. /settings business cafe"
        ),
        text=text.strip()[:64],
    )


def clean_digest_time(text: str) -> time:
    """`9`, `09:30`, `9.30`, `21:05` → a time of day on the hour or minute."""
    match = _TIME.match(text.strip().lower())
    hour, minute = (int(match.group(1)), int(match.group(2) or 0)) if match else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidInput(
            N_(
                "“{text}” is not a time of day. Write it as hours and minutes: /settings time 08:30"
            ),
            text=text.strip()[:64],
        )
    return time(hour, minute)


def _check_range(value: int, bounds: tuple[int, int], what: str, example: str) -> int:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidInput(
            N_("{what} is a whole number from {low} to {high}, e.g. {example}"),
            what=what,
            low=low,
            high=high,
            example=example,
        )
    return value


async def update_settings(
    uow: UnitOfWork,
    chat_id: int,
    *,
    language: str | None = None,
    timezone: str | None = None,
    digest_time: str | None = None,
    digest_enabled: bool | None = None,
    target_running: int | None = None,
    stale_after_days: int | None = None,
    currency: str | None = None,
    business: str | None = None,
    actor: Actor,
    clock: Clock = utc_now,
) -> WorkspaceView:
    """Changes the settings given (None leaves one as it is); everything is checked first.

    In a group only an admin may (``experiments.roles``).

    A new digest time or timezone, or digests turned back on, take effect from the next moment
    that comes after the change (``experiments.schedule.next_digest``): never a digest minutes
    later because the new time of today has already passed.
    """
    require(Action.SETTINGS, actor)
    clean_zone = clean_timezone(timezone) if timezone is not None else None
    clean_time = clean_digest_time(digest_time) if digest_time is not None else None
    clean_code = clean_currency(currency) if currency is not None else None
    clean_kind = clean_business(business) if business is not None else None
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise InvalidInput(
            N_("I speak {languages}; write one of them, e.g. /settings language en"),
            languages=", ".join(SUPPORTED_LANGUAGES),
        )
    if target_running is not None:
        _check_range(
            target_running,
            TARGET_RUNNING_RANGE,
            N_("The number of experiments to keep running"),
            "/settings target 3",
        )
    if stale_after_days is not None:
        _check_range(
            stale_after_days,
            STALE_AFTER_DAYS_RANGE,
            N_("The days without data before a reminder"),
            "/settings stale 3",
        )
    async with uow:
        workspace = await require_workspace(uow, chat_id)
        before = (workspace.timezone, workspace.digest_time, workspace.digest_enabled)
        if language is not None:
            workspace.language = language
        if clean_zone is not None:
            workspace.timezone = clean_zone
            workspace.timezone_confirmed = True
        if clean_time is not None:
            workspace.digest_time = clean_time
        if digest_enabled is not None:
            workspace.digest_enabled = digest_enabled
        if (workspace.timezone, workspace.digest_time, workspace.digest_enabled) != before:
            workspace.digest_schedule_set_at = clock()
        if target_running is not None:
            workspace.target_running = target_running
        if stale_after_days is not None:
            workspace.stale_after_days = stale_after_days
        if clean_code is not None:
            workspace.currency = clean_code
        if clean_kind is not None:
            workspace.business = clean_kind.value
        await uow.workspaces.changed(workspace)
        view = _workspace_view(workspace)
        await uow.commit()
        return view


async def get_workspace(uow: UnitOfWork, chat_id: int) -> WorkspaceView:
    async with uow:
        return _workspace_view(await require_workspace(uow, chat_id))
