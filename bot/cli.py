"""The `hourglass` command: sandbox, run, calc, check-totals."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["calc"]:
        # The calculator parses its own arguments (negative counts must not look like options).
        from bot.calc_cli import run_calc

        return run_calc(argv[1:], sys.stdout, sys.stderr)
    from bot.config import ConfigurationError

    parser = argparse.ArgumentParser(
        prog="hourglass", description="Hourglass: honest readouts for small marketing experiments."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    sandbox = commands.add_parser(
        "sandbox", help="the whole bot against a local Bot API emulator, chatting in this terminal"
    )
    sandbox.add_argument(
        "--database", help="database URL (default: HOURGLASS_DATABASE_URL or ./hourglass.sqlite3)"
    )
    sandbox.add_argument(
        "--files", default="sandbox-files", help="folder for images and documents the bot sends"
    )
    sandbox.add_argument("--name", default="Founder", help="your first name in the sandbox")
    sandbox.add_argument(
        "--language", default="en", choices=["en", "ru"], help="your Telegram language"
    )
    run = commands.add_parser("run", help="the real bot (long polling)")
    run.add_argument("--webhook", action="store_true", help="webhook mode (HOURGLASS_WEBHOOK_URL)")
    commands.add_parser("calc", help="the calculator: hourglass calc 120/2400 150/2400")
    check = commands.add_parser(
        "check-totals",
        help="compare the running totals with the results summed again (exit 1 if any differ)",
    )
    check.add_argument(
        "--database", help="database URL (default: HOURGLASS_DATABASE_URL or ./hourglass.sqlite3)"
    )
    check.add_argument("--repair", action="store_true", help="set differing totals right")
    args = parser.parse_args(argv)
    try:
        settings = _settings()
        if args.command == "check-totals":
            from bot.admin import check_totals_command

            return asyncio.run(
                check_totals_command(
                    args.database or settings.database_url, repair=args.repair, out=sys.stdout
                )
            )
        if args.command == "sandbox":
            from bot.sandbox import run_sandbox

            return asyncio.run(
                run_sandbox(
                    settings,
                    database_url=args.database,
                    files_dir=Path(args.files),
                    user_name=args.name,
                    language=args.language,
                )
            )
        return asyncio.run(run_bot(settings, webhook=args.webhook))
    except ConfigurationError as error:
        print(f"hourglass: {error}", file=sys.stderr)
        return 2
    except StartFailure as failure:
        _report(failure)
        return 1
    except KeyboardInterrupt:
        return 130


def _settings() -> Settings:
    """The settings, or one line naming the one that is malformed."""
    from pydantic import ValidationError

    from bot.config import ConfigurationError, Settings

    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"HOURGLASS_{'_'.join(str(part) for part in problem['loc']).upper()}: {problem['msg']}"
            for problem in error.errors()
        )
        raise ConfigurationError(problems) from None


def _report(failure: StartFailure) -> None:
    """One line on stderr; the traceback only at DEBUG. Neither shows the token or secret."""
    from bot.errors import redact

    print(f"hourglass: {redact(str(failure), failure.secrets)}", file=sys.stderr)
    cause = failure.__cause__
    if cause is not None and logging.getLogger().isEnabledFor(logging.DEBUG):
        text = "".join(traceback.format_exception(cause))
        print(redact(text, failure.secrets), file=sys.stderr)


async def run_bot(settings: Settings, *, webhook: bool) -> int:
    """The real bot until SIGINT/SIGTERM."""
    from bot.config import ConfigurationError

    token = settings.token()
    secret = settings.webhook_secret_for(token) if webhook else ""
    try:
        return await _run_bot(settings, token, secret, webhook=webhook)
    except (ConfigurationError, KeyboardInterrupt):
        raise
    except Exception as error:
        raise StartFailure(_start_failure(settings, error), token, secret) from error


class StartFailure(Exception):
    """The bot could not start or stopped on an error; the message is one line, redacted."""

    def __init__(self, message: str, *secrets: str) -> None:
        super().__init__(message)
        self.secrets = secrets


def _start_failure(settings: Settings, error: Exception) -> str:
    from telegram.error import InvalidToken, NetworkError

    if isinstance(error, InvalidToken):
        return (
            f"the Bot API at {settings.telegram_api_url} rejected HOURGLASS_TELEGRAM_TOKEN: "
            "check the token from @BotFather and HOURGLASS_TELEGRAM_API_URL."
        )
    if isinstance(error, NetworkError):
        return (
            f"could not reach the Bot API at {settings.telegram_api_url} ({error.message}): "
            "check HOURGLASS_TELEGRAM_API_URL and the network."
        )
    if isinstance(error, OSError):
        return f"could not start: {error}."
    return f"stopped on an unexpected error: {type(error).__name__}: {error}"


def keep_startup_objects() -> None:
    """What start-up made (modules, handlers, tables) lives as long as the process: the cycle
    collector leaves it out of its later full collections, each of which would otherwise walk
    all of it again (0.15 ms of CPU an update on a stream of /log, and a pause each time)."""
    gc.collect()
    gc.freeze()


async def _run_bot(settings: Settings, token: str, secret: str, *, webhook: bool) -> int:
    from bot.bootstrap import make_application
    from bot.config import ConfigurationError
    from bot.errors import configure_logging

    configure_logging(settings.log_level, token, secret)
    if webhook and not settings.webhook_url:
        raise ConfigurationError("--webhook needs HOURGLASS_WEBHOOK_URL (the public https URL).")
    application, database = await make_application(
        settings.database_url,
        token,
        base_url=settings.telegram_api_url,
        base_file_url=settings.file_url(),
        sole_receiver=not webhook,
        pool_size=settings.database_pool_size,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with application:
            if application.post_init is not None:
                await application.post_init(application)
            keep_startup_objects()
            assert application.updater is not None
            if webhook:
                # aiohttp is a third of a polling process's imports: loaded only to serve.
                from bot.webhook import WebhookServer

                await application.start()
                server = WebhookServer(
                    application,
                    secret=secret,
                    listen=settings.webhook_listen,
                    port=settings.webhook_port,
                )
                try:
                    await server.start()
                    # Telegram posts to this URL; a proxy in front maps it to our WEBHOOK_PATH.
                    assert settings.webhook_url is not None
                    await application.bot.set_webhook(
                        url=settings.webhook_url, secret_token=secret, drop_pending_updates=False
                    )
                    await stop.wait()
                finally:
                    await server.stop()
                    await application.stop()
            else:
                await application.updater.start_polling(drop_pending_updates=False)
                await application.start()
                await stop.wait()
                await application.updater.stop()
                await application.stop()
    finally:
        await database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
