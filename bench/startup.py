"""Startup bench: wall time of `hourglass calc` and `hourglass run --help`, with baselines.

Each command is a fresh process (bytecode compiled, as `uv sync` leaves it), run in turns with
the baselines of the same run: an empty interpreter, and one that imports only what the
calculator cannot do without (numpy and scipy.special, the import floor). Also printed: the
peak resident memory of each process. Medians and minima over ``--repeat`` runs.

    uv run python bench/startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from interpreter import describe

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "hourglass calc 120/2400 150/2400": ["-m", "bot.cli", "calc", "120/2400", "150/2400"],
    "hourglass run --help": ["-m", "bot.cli", "run", "--help"],
    "baseline: python -c pass": ["-c", "pass"],
    "baseline: import scipy.special": ["-c", "import scipy.special"],
}


def run_once(arguments: list[str]) -> float:
    """Seconds of one fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOURGLASS_")}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(describe())
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for arguments in COMMANDS.values():  # warm the file cache
        run_once(arguments)
    for _ in range(args.repeat):
        for name, arguments in COMMANDS.items():
            times[name].append(run_once(arguments))
    print(f"Wall time of a fresh process, {args.repeat} runs each, taken in turns")
    print(f"{'command':36} {'median s':>9} {'min s':>7}")
    for name, seconds in times.items():
        print(f"{name:36} {statistics.median(seconds):9.3f} {min(seconds):7.3f}")


if __name__ == "__main__":
    main()
