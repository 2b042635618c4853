"""Fuzzing what reaches the bot from outside the chat: settings at start and webhook bodies."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application

from bot.config import ConfigurationError, Settings
from bot.webhook import parse_update
from emulator import DEFAULT_TOKEN
from tests.fuzz.strategies import FUZZ

TOKENISH = st.one_of(
    st.from_regex(r"[0-9]{0,12}:?[A-Za-z0-9_\-]{0,40}", fullmatch=True),
    st.text(max_size=60),
)


@FUZZ
@given(token=TOKENISH, secret=st.one_of(st.none(), TOKENISH))
def test_any_token_and_secret_are_taken_or_refused_without_being_shown(
    token: str, secret: str | None
) -> None:
    settings = Settings(
        telegram_token=SecretStr(token),
        webhook_secret=None if secret is None else SecretStr(secret),
        _env_file=None,  # type: ignore[call-arg]
    )
    try:
        taken = settings.token()
        webhook_secret = settings.webhook_secret_for(taken)
    except ConfigurationError as refusal:
        shown = str(refusal)
        for value in (token.strip(), (secret or "").strip()):
            if len(value) >= 4:
                assert value not in shown
        return
    assert 16 <= len(webhook_secret) <= 256
    assert all(c.isascii() and (c.isalnum() or c in "_-") for c in webhook_secret)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "update_id",
                    "message",
                    "chat",
                    "from",
                    "text",
                    "id",
                    "type",
                    "date",
                    "callback_query",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)
APPLICATION = Application.builder().token(DEFAULT_TOKEN).updater(None).build()


@FUZZ
@given(body=st.one_of(JSON.map(lambda value: json.dumps(value).encode()), st.binary(max_size=200)))
def test_any_webhook_body_is_an_update_or_a_bad_request(body: bytes) -> None:
    update: Any = parse_update(body, APPLICATION)
    assert update is None or isinstance(update, Update)
