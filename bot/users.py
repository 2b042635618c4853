"""Who sent an update, as the services want to know them."""

from __future__ import annotations

from telegram import Update

from experiments.domain import Author


def author_of(update: Update) -> Author:
    user = update.effective_user
    if user is None:
        return Author(user_id=0, name="?")
    return Author(user_id=user.id, name=user.full_name[:128])
