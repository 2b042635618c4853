"""Bot API methods about the bot itself: identity, updates, webhook, commands, chats."""

from __future__ import annotations

import re
from typing import Any

from emulator.records import ApiError, bad_request
from emulator.world import TelegramWorld

Params = dict[str, Any]

MAX_UPDATES = 100
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


def get_me(world: TelegramWorld, params: Params) -> dict[str, Any]:
    return {
        **world.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(world: TelegramWorld, params: Params) -> list[dict[str, Any]]:
    """Long polling: answer at once when updates are queued, else wait up to `timeout`."""
    if world.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = params.get("offset")
    world.confirm_updates(offset if isinstance(offset, int) else None)
    limit = params.get("limit")
    limit = min(max(limit, 1), MAX_UPDATES) if isinstance(limit, int) else MAX_UPDATES
    timeout = params.get("timeout")
    timeout = max(float(timeout), 0.0) if isinstance(timeout, int | float) else 0.0
    # a newer getUpdates ends an older one with 409, as Telegram does
    world.poll_generation += 1
    generation = world.poll_generation
    world.notify()
    if timeout > 0:
        await world.wait_until(
            lambda: bool(world.updates) or world.closing or world.poll_generation != generation,
            timeout,
        )
    if world.poll_generation != generation:
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        )
    handed = world.updates[:limit]
    world.handed_out.update(update["update_id"] for update in handed)
    return handed


def set_webhook(world: TelegramWorld, params: Params) -> bool:
    url = params.get("url")
    if not url:
        return delete_webhook(world, params)
    world.webhook = {key: value for key, value in params.items() if key != "certificate"}
    if params.get("drop_pending_updates"):
        world.updates.clear()
    world.notify()
    return True


def delete_webhook(world: TelegramWorld, params: Params) -> bool:
    world.webhook = None
    if params.get("drop_pending_updates"):
        world.updates.clear()
    world.notify()
    return True


def get_webhook_info(world: TelegramWorld, params: Params) -> dict[str, Any]:
    webhook = world.webhook or {}
    info: dict[str, Any] = {
        "url": webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }
    if webhook.get("allowed_updates"):
        info["allowed_updates"] = webhook["allowed_updates"]
    if webhook.get("max_connections"):
        info["max_connections"] = webhook["max_connections"]
    return info


def set_my_commands(world: TelegramWorld, params: Params) -> bool:
    commands = params.get("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_NAME.fullmatch(
            str(command.get("command", ""))
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = world.commands_key(params.get("scope"), params.get("language_code"))
    world.commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


def get_my_commands(world: TelegramWorld, params: Params) -> list[dict[str, Any]]:
    key = world.commands_key(params.get("scope"), params.get("language_code"))
    return world.commands.get(key, [])


def delete_my_commands(world: TelegramWorld, params: Params) -> bool:
    world.commands.pop(world.commands_key(params.get("scope"), params.get("language_code")), None)
    return True


def set_my_description(world: TelegramWorld, params: Params) -> bool:
    world.descriptions["description"] = str(params.get("description") or "")
    return True


def set_my_short_description(world: TelegramWorld, params: Params) -> bool:
    world.descriptions["short_description"] = str(params.get("short_description") or "")
    return True


def get_chat(world: TelegramWorld, params: Params) -> dict[str, Any]:
    chat = world.chat_for(params.get("chat_id"))
    return {
        **chat.to_dict(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


def chat_member(world: TelegramWorld, chat_id: object, user_id: int) -> dict[str, Any]:
    """A ChatMember object for the user in the chat, as Telegram describes one."""
    chat = world.chat_for(chat_id)
    user = world.users.get(user_id)
    user_json = (
        user.to_dict() if user is not None else {"id": user_id, "is_bot": False, "first_name": "?"}
    )
    status = chat.status_of(user_id)
    member: dict[str, Any] = {"status": status, "user": user_json}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update({"can_be_edited": False, "is_anonymous": False})
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    return member


def get_chat_member(world: TelegramWorld, params: Params) -> dict[str, Any]:
    user_id = params.get("user_id")
    if not isinstance(user_id, int):
        raise bad_request("PARTICIPANT_ID_INVALID")
    world.chat_for(params.get("chat_id"))
    return chat_member(world, params.get("chat_id"), user_id)


def get_chat_administrators(world: TelegramWorld, params: Params) -> list[dict[str, Any]]:
    chat = world.chat_for(params.get("chat_id"))
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    return [chat_member(world, chat.id, admin.id) for admin in chat.admins]


METHODS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": set_my_description,
    "setMyShortDescription": set_my_short_description,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
}
