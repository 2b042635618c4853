"""/settings: digest time, timezone, digest on/off, targets and language; buttons or one line."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import buttons, flows
from bot.i18n import Translator
from bot.keyboards import button, markup, rows_of
from bot.render.settings import LANGUAGE_NAMES, settings_text
from bot.replies import edit_or_reply
from bot.runtime import Runtime, chat_id_of, remember_workspace, runtime_of, tr
from bot.users import actor_of
from experiments import parsers, workspaces
from experiments.domain import BUSINESS_NAMES, N_, Business, InvalidInput
from experiments.parsers import Setting
from experiments.roles import Action, require
from experiments.settings import SettingsCard, change_settings, settings_card

FLOW = "settings"
TIME, ZONE, TARGET, STALE, CURRENCY = range(5)
TEXT = filters.TEXT & ~filters.COMMAND
USAGE = "/settings timezone Europe/Berlin"

COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
)
CURRENCIES = ("USD", "EUR", "GBP", "RUB", "UAH", "KZT", "INR", "JPY")
TIMES = ("07:00", "08:00", "09:00", "10:00", "12:00", "14:00", "18:00", "20:00")
TARGETS = (1, 2, 3, 4, 5, 6)
STALE_DAYS = (1, 2, 3, 5, 7, 14)


async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Bare: the settings card with buttons. `/settings <setting> <value>` changes one at once."""
    args = context.args or []
    if not args:
        runtime = runtime_of(context)
        found = await settings_card(runtime.uow(), chat_id_of(update), clock=runtime.clock)
        await _show(update, context, found)
        return flows.END
    setting = parsers.setting_word(args[0])
    value = " ".join(args[1:]).strip()
    if setting is None or not value:
        raise InvalidInput(
            N_(
                "Write /settings, a setting and its value, e.g. {usage}. The settings: time, "
                "timezone, digest (on or off), target, stale, language, currency, business."
            ),
            usage=USAGE,
        )
    await _apply(update, context, **_one_line_change(setting, value))
    return flows.END


def _one_line_change(setting: Setting, value: str) -> dict[str, Any]:
    if setting is Setting.TIME:
        return {"digest_time": value}
    if setting is Setting.ZONE:
        return {"timezone": value}
    if setting is Setting.DIGEST:
        switch = parsers.switch_word(value)
        if switch is None:
            raise InvalidInput(N_("The digest is on or off, e.g. /settings digest off"))
        return {"digest_enabled": switch}
    if setting is Setting.LANGUAGE:
        language = parsers.language_word(value)
        if language is None:
            raise InvalidInput(N_("I speak English and Russian: /settings language en or ru"))
        return {"language": language}
    if setting is Setting.CURRENCY:
        return {"currency": value}
    if setting is Setting.BUSINESS:
        return {"business": value}
    if setting is Setting.TARGET:
        return {"target_running": parsers.count(value, N_("experiments"), "/settings target 3")}
    return {"stale_after_days": parsers.count(value, N_("days"), "/settings stale 3")}


async def ask_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A setting's button on the card: its question, with choices."""
    pressed = await flows.answer_button(update, context, buttons.SettingsAsk)
    if pressed is None:
        return flows.END
    # Asked before the question, so nobody answers one only to be refused.
    require(Action.SETTINGS, await actor_of(update, context))
    return await _ask(update, context, pressed.setting)


async def show_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Back: the card again."""
    await flows.answer_query(update)
    runtime = runtime_of(context)
    found = await settings_card(runtime.uow(), chat_id_of(update), clock=runtime.clock)
    await _show(update, context, found)
    return flows.END


async def choice_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """One of the choices offered for a setting: saved."""
    pressed = await flows.answer_button(update, context, buttons.SettingsChoice)
    if pressed is not None:
        await _apply(update, context, **_button_change(pressed.setting, pressed.value))
    return flows.END


async def digest_switch_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    pressed = await flows.answer_button(update, context, buttons.DigestSwitch)
    if pressed is not None:
        await _apply(update, context, digest_enabled=pressed.state == "on")
    return flows.END


def _button_change(what: buttons.Setting, value: str) -> dict[str, Any]:
    """The change a choice button stands for (its data was made by this module)."""
    if what == "time":
        return {"digest_time": value}
    if what == "tz":
        return {"timezone": value}
    if what == "target":
        return {"target_running": int(value)}
    if what == "stale":
        return {"stale_after_days": int(value)}
    if what == "cur":
        return {"currency": value}
    if what == "biz":
        return {"business": value}
    return {"language": value}


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, setting: buttons.Setting) -> int:
    t = tr(context)
    _ = t.gettext
    back = [button("↩️ " + _("Back"), buttons.SettingsShow())]
    if setting == "time":
        times = [button(at, buttons.SettingsChoice("time", at)) for at in TIMES]
        text = _("At what local time should the digest come? Pick one or type it, like 08:30.")
        await edit_or_reply(update, context, text, markup([*rows_of(times, 4), back]))
        return TIME
    if setting == "tz":
        zones = [button(zone, buttons.SettingsChoice("tz", zone)) for zone in COMMON_ZONES]
        text = _(
            "Which timezone are you in? Pick one or type its name, like Europe/Berlin "
            "or America/New_York."
        )
        await edit_or_reply(update, context, text, markup([*rows_of(zones, 2), back]))
        return ZONE
    if setting == "target":
        counts = [button(str(n), buttons.SettingsChoice("target", str(n))) for n in TARGETS]
        text = _(
            "How many experiments do you want running at once? Pick or type a number; "
            "the digest nudges you when fewer run."
        )
        await edit_or_reply(update, context, text, markup([counts, back]))
        return TARGET
    if setting == "stale":
        days = [button(str(n), buttons.SettingsChoice("stale", str(n))) for n in STALE_DAYS]
        text = _(
            "After how many days without new results should the digest remind you "
            "to log them? Pick or type a number."
        )
        await edit_or_reply(update, context, text, markup([days, back]))
        return STALE
    if setting == "cur":
        codes = [button(code, buttons.SettingsChoice("cur", code)) for code in CURRENCIES]
        text = _(
            "In which currency do you count costs and revenue? Pick one or type its code, like CHF."
        )
        await edit_or_reply(update, context, text, markup([*rows_of(codes, 4), back]))
        return CURRENCY
    if setting == "biz":
        kinds = [
            button(_(BUSINESS_NAMES[kind]), buttons.SettingsChoice("biz", kind.value))
            for kind in Business
        ]
        text = _(
            "What kind of business is it? /ideas suggests experiments written for it; "
            "with “all kinds” you see a mix."
        )
        await edit_or_reply(update, context, text, markup([*rows_of(kinds, 2), back]))
        return flows.END
    languages = [
        button(name, buttons.SettingsChoice("lang", code)) for code, name in LANGUAGE_NAMES.items()
    ]
    await edit_or_reply(update, context, _("Which language?"), markup([languages, back]))
    return flows.END


async def got_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _apply(update, context, digest_time=_typed(update))
    return flows.END


async def got_zone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _apply(update, context, timezone=_typed(update))
    return flows.END


async def got_target(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    count = parsers.count(_typed(update), N_("experiments"), "/settings target 3")
    await _apply(update, context, target_running=count)
    return flows.END


async def got_stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    days = parsers.count(_typed(update), N_("days"), "/settings stale 3")
    await _apply(update, context, stale_after_days=days)
    return flows.END


async def got_currency(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _apply(update, context, currency=_typed(update))
    return flows.END


def _typed(update: Update) -> str:
    assert update.effective_message is not None
    return update.effective_message.text or ""


async def _apply(update: Update, context: ContextTypes.DEFAULT_TYPE, **changes: Any) -> None:
    runtime = runtime_of(context)
    found = await change_settings(
        runtime.uow(),
        chat_id_of(update),
        actor=await actor_of(update, context),
        clock=runtime.clock,
        **changes,
    )
    # The chat speaks the new language from this reply on.
    remember_workspace(context, found.workspace)
    await _show(update, context, found, saved=True)


async def _show(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    found: SettingsCard,
    *,
    saved: bool = False,
) -> None:
    t = tr(context)
    view = found.workspace
    text = settings_text(t, view, found.next_digest)
    if saved:
        text = "✅ " + t.gettext("Saved.") + "\n\n" + text
    await edit_or_reply(update, context, text, settings_keyboard(t, view))


def settings_keyboard(t: Translator, view: workspaces.WorkspaceView) -> InlineKeyboardMarkup:
    _ = t.gettext
    switch: InlineKeyboardButton
    if view.digest_enabled:
        switch = button("🔕 " + _("Turn the digest off"), buttons.DigestSwitch("off"))
    else:
        switch = button("🔔 " + _("Turn the digest on"), buttons.DigestSwitch("on"))
    return markup(
        [
            [
                button("🕘 " + _("Digest time"), buttons.SettingsAsk("time")),
                button("🌍 " + _("Timezone"), buttons.SettingsAsk("tz")),
            ],
            [switch],
            [
                button("🎯 " + _("Target"), buttons.SettingsAsk("target")),
                button("💤 " + _("Reminder days"), buttons.SettingsAsk("stale")),
            ],
            [
                button("🗣 " + _("Language") + " / Язык", buttons.SettingsAsk("lang")),
                button("💱 " + _("Currency"), buttons.SettingsAsk("cur")),
            ],
            [button("🏪 " + _("Business"), buttons.SettingsAsk("biz"))],
        ]
    )


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [
        flows.conversation(
            FLOW,
            runtime,
            entry_points=[
                CommandHandler("settings", settings_command),
                CallbackQueryHandler(ask_button, pattern=buttons.SettingsAsk.pattern),
                CallbackQueryHandler(show_button, pattern=buttons.SettingsShow.pattern),
                CallbackQueryHandler(choice_button, pattern=buttons.SettingsChoice.pattern),
                CallbackQueryHandler(digest_switch_button, pattern=buttons.DigestSwitch.pattern),
            ],
            states={
                TIME: [MessageHandler(TEXT, got_time)],
                ZONE: [MessageHandler(TEXT, got_zone)],
                TARGET: [MessageHandler(TEXT, got_target)],
                STALE: [MessageHandler(TEXT, got_stale)],
                CURRENCY: [MessageHandler(TEXT, got_currency)],
            },
            command="settings",
        )
    ]
