"""Which Python runs a bench: the same code runs at different speeds on different builds.

A CPython whose core is a shared library (``--enable-shared``, as pyenv builds it by default)
calls into it through the dynamic linker's tables and cannot inline across it; the
distribution's ``/usr/bin/python3`` (Debian's) links it into the executable. On the 2-core
machine the second composed the same digests in 0.70–0.80 of the time of the first (the batch
path of ``bench/digest.py``, same code, same rows).
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path


def core_library() -> str | None:
    """The shared library this process's interpreter core was loaded from, if any."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for line in maps.splitlines():
        name = line.rsplit(" ", 1)[-1]
        if "/libpython3" in name:
            return name
    return None


def describe() -> str:
    """One line for a bench's header."""
    where = f"Python {platform.python_version()} ({sys.executable})"
    library = core_library()
    if library is None:
        return f"{where}, its core linked into the executable"
    return (
        f"{where}, its core in a shared library ({Path(library).name}): this bot's code runs "
        "20-30 % slower on it than on /usr/bin/python3 (README, Performance)"
    )
