"""A local Telegram Bot API emulator: end-to-end tests, the sandbox, fault injection."""

from emulator.chat import SimChat
from emulator.records import (
    ApiCall,
    BotMessage,
    Button,
    CallbackAnswer,
    Fault,
    FiredFault,
    Injection,
    SimUser,
    StoredFile,
    UploadedFile,
    UserMessage,
)
from emulator.server import DEFAULT_TOKEN, BotApiEmulator

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiEmulator",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "Fault",
    "FiredFault",
    "Injection",
    "SimChat",
    "SimUser",
    "StoredFile",
    "UploadedFile",
    "UserMessage",
]
