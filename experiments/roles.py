"""Who may do what in a chat: the one rule every use case asks before it changes something.

Anyone logs results and reads. Concluding, reopening, editing and deleting an experiment, and
undoing an entry someone else logged, take a group admin or the experiment's author (the person
who created it); changing the chat's settings takes a group admin. In a private chat the one
person there may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from experiments.domain import N_, DomainError, Msg


class Action(StrEnum):
    CONCLUDE = "conclude"
    REOPEN = "reopen"
    EDIT = "edit"
    DELETE = "delete"
    UNDO = "undo"
    UNDO_IMPORT = "undo_import"
    SETTINGS = "settings"


@dataclass(frozen=True)
class Actor:
    """The person behind an update, as far as roles go (the chat tells whether they are admin)."""

    user_id: int
    name: str
    is_admin: bool = False
    private_chat: bool = False


def permitted(
    action: Action,
    *,
    actor_id: int,
    is_admin: bool,
    author_id: int | None,
    private_chat: bool = False,
    entry_by_id: int | None = None,
) -> bool:
    """Whether the actor may take the action.

    ``author_id`` is who created the experiment (None for what belongs to no experiment, such
    as the chat's settings); ``entry_by_id`` is who logged the entry an undo would remove.
    """
    if private_chat or is_admin:
        return True
    if (
        action in (Action.UNDO, Action.UNDO_IMPORT)
        and entry_by_id is not None
        and entry_by_id == actor_id
    ):
        return True
    if action is Action.SETTINGS:
        return False
    return author_id is not None and author_id == actor_id


_WHO_CAN: dict[Action, Msg] = {
    Action.CONCLUDE: N_("Only a group admin or {author}, who created #{number}, can conclude it."),
    Action.REOPEN: N_("Only a group admin or {author}, who created #{number}, can reopen it."),
    Action.EDIT: N_("Only a group admin or {author}, who created #{number}, can change it."),
    Action.DELETE: N_("Only a group admin or {author}, who created #{number}, can delete it."),
    Action.UNDO: N_(
        "The last entry of #{number} was logged by {logger}. Only {logger}, a group admin or "
        "{author}, who created #{number}, can undo it."
    ),
    Action.UNDO_IMPORT: N_(
        "This import was made by {logger}. Only {logger} or a group admin can undo it."
    ),
    Action.SETTINGS: N_("Only a group admin can change this chat's settings."),
}


class NotPermitted(DomainError):
    """The actor may not do this here; the message says who can."""

    def __init__(self, action: Action, **params: object) -> None:
        super().__init__(_WHO_CAN[action], **params)


def require(
    action: Action,
    actor: Actor,
    *,
    number: int | None = None,
    author_id: int | None = None,
    author_name: str = "",
    entry_by_id: int | None = None,
    entry_by_name: str = "",
) -> None:
    """Raises ``NotPermitted`` (naming who can) unless ``permitted`` says yes."""
    if permitted(
        action,
        actor_id=actor.user_id,
        is_admin=actor.is_admin,
        author_id=author_id,
        private_chat=actor.private_chat,
        entry_by_id=entry_by_id,
    ):
        return
    raise NotPermitted(action, number=number, author=author_name, logger=entry_by_name)
