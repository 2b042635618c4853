"""What a process loads: `hourglass calc` and the configuration stay light, charts load late.

One fresh interpreter (a subprocess: what a process has imported is the point) runs the
calculator, then reads the configuration, then builds the bot's handlers, then draws, and
reports which heavy packages were loaded after each step.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support import process_env

PROBE = r"""
import contextlib, io, json, sys

HEAVY = ("telegram", "sqlalchemy", "alembic", "matplotlib", "statsmodels", "pandas",
         "scipy.stats", "aiosqlite", "asyncpg", "aiohttp")

def loaded():
    return sorted(name for name in HEAVY if name in sys.modules)

steps = {}
from bot.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(["calc", "120/2400", "150/2400"])
steps["calc"] = {"code": code, "printed": "Verdict" in out.getvalue(), "loaded": loaded()}

from bot.config import Settings
Settings()
steps["config"] = {"loaded": loaded()}

import bot.bootstrap, bot.cli, bot.handlers.chart, bot.handlers.funnel
steps["bot"] = {"loaded": loaded()}

from bot.render import charts
charts.percent_ticks(0.07)
steps["chart"] = {"loaded": loaded()}
print(json.dumps(steps))
"""


def probe(tmp_path: Path) -> dict[str, dict[str, object]]:
    env = process_env()
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=True,
    )
    steps: dict[str, dict[str, object]] = json.loads(result.stdout)
    return steps


def test_calc_config_and_the_bot_load_only_what_they_use(tmp_path: Path) -> None:
    steps = probe(tmp_path)
    # The calculator answers without Telegram, the database, plotting or statsmodels.
    assert steps["calc"] == {"code": 0, "printed": True, "loaded": []}
    # Reading the configuration does not load the database engine.
    assert steps["config"] == {"loaded": []}
    # The bot's handlers need Telegram and the database, but no plotting and no scipy.stats;
    # the webhook's HTTP server (aiohttp) loads only in webhook mode, Alembic only when there
    # is something to migrate.
    bot = set(steps["bot"]["loaded"])  # type: ignore[call-overload]
    assert {"telegram", "sqlalchemy"} <= bot
    assert bot.isdisjoint(
        {"matplotlib", "statsmodels", "pandas", "scipy.stats", "aiohttp", "alembic"}
    )
    # The first chart loads matplotlib, and nothing else heavy.
    assert set(steps["chart"]["loaded"]) == bot | {"matplotlib"}  # type: ignore[call-overload]
