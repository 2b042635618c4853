"""Starting the bot's command line as a process of its own, as an installation runs it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any


async def start_hourglass(
    *args: str,
    env: dict[str, str],
    cwd: Path,
    output: int | IO[Any] = asyncio.subprocess.PIPE,
    wrapper: Sequence[str] = (),
    **options: Any,
) -> asyncio.subprocess.Process:
    """``hourglass <args>`` (``python -m bot.cli``), its stdout and stderr both to ``output``;
    started through ``wrapper`` (e.g. faketime and its options) when one is given, with the
    other ``options`` of ``asyncio.create_subprocess_exec``."""
    return await asyncio.create_subprocess_exec(
        *wrapper,
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=cwd,
        stdout=output,
        stderr=output,
        **options,
    )
