"""The one rule of who may do what (experiments.roles.permitted)."""

from __future__ import annotations

import pytest

from experiments.roles import Action, Actor, NotPermitted, permitted, require

AUTHOR, ADMIN, MEMBER = 1, 2, 3
GUARDED = (Action.CONCLUDE, Action.REOPEN, Action.EDIT, Action.DELETE, Action.UNDO)


@pytest.mark.parametrize("action", list(Action))
def test_a_group_admin_may_do_everything(action: Action) -> None:
    assert permitted(action, actor_id=ADMIN, is_admin=True, author_id=AUTHOR)


@pytest.mark.parametrize("action", list(Action))
def test_in_a_private_chat_the_one_person_may_do_everything(action: Action) -> None:
    assert permitted(action, actor_id=MEMBER, is_admin=False, author_id=AUTHOR, private_chat=True)


@pytest.mark.parametrize("action", GUARDED)
def test_the_author_may_change_their_own_experiment(action: Action) -> None:
    assert permitted(action, actor_id=AUTHOR, is_admin=False, author_id=AUTHOR, entry_by_id=MEMBER)


@pytest.mark.parametrize("action", list(Action))
def test_a_member_who_is_neither_admin_nor_author_may_not(action: Action) -> None:
    assert not permitted(
        action, actor_id=MEMBER, is_admin=False, author_id=AUTHOR, entry_by_id=AUTHOR
    )


def test_anyone_may_undo_their_own_entry_or_import() -> None:
    for action in (Action.UNDO, Action.UNDO_IMPORT):
        assert permitted(
            action, actor_id=MEMBER, is_admin=False, author_id=AUTHOR, entry_by_id=MEMBER
        )


def test_settings_belong_to_no_author_only_to_admins() -> None:
    assert not permitted(Action.SETTINGS, actor_id=AUTHOR, is_admin=False, author_id=AUTHOR)
    assert permitted(Action.SETTINGS, actor_id=AUTHOR, is_admin=True, author_id=None)


def test_nothing_without_an_author_is_anyones_but_the_admins() -> None:
    assert not permitted(Action.DELETE, actor_id=MEMBER, is_admin=False, author_id=None)


def test_the_refusal_names_who_can() -> None:
    carol = Actor(user_id=MEMBER, name="Carol")
    with pytest.raises(NotPermitted) as caught:
        require(Action.CONCLUDE, carol, number=2, author_id=AUTHOR, author_name="Alice")
    assert caught.value.message() == "Only a group admin or Alice, who created #2, can conclude it."
    with pytest.raises(NotPermitted) as caught:
        require(
            Action.UNDO,
            carol,
            number=2,
            author_id=AUTHOR,
            author_name="Alice",
            entry_by_id=ADMIN,
            entry_by_name="Bob",
        )
    assert caught.value.message() == (
        "The last entry of #2 was logged by Bob. Only Bob, a group admin or Alice, who created "
        "#2, can undo it."
    )
    require(Action.CONCLUDE, Actor(user_id=AUTHOR, name="Alice"), number=2, author_id=AUTHOR)
