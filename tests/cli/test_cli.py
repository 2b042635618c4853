"""The `hourglass` command as a user runs it: a separate process, its output and exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def hourglass(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HOURGLASS_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        input=stdin,
        timeout=60,
        check=False,
    )


def test_run_without_a_token_is_a_one_line_error(tmp_path: Path) -> None:
    result = hourglass("run", cwd=tmp_path, env={"PYTHONPATH": str(Path.cwd())})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "HOURGLASS_TELEGRAM_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_with_a_malformed_token_is_a_one_line_error_that_hides_it(tmp_path: Path) -> None:
    result = hourglass(
        "run",
        cwd=tmp_path,
        env={"PYTHONPATH": str(Path.cwd()), "HOURGLASS_TELEGRAM_TOKEN": "not-a-token"},
    )
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert "not-a-token" not in result.stderr
    assert "Traceback" not in result.stderr


def test_the_token_can_come_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("HOURGLASS_TELEGRAM_TOKEN=broken\n")
    result = hourglass("run", cwd=tmp_path, env={"PYTHONPATH": str(Path.cwd())})
    assert "does not look like a bot token" in result.stderr


def test_calc_prints_json_from_the_shell(tmp_path: Path) -> None:
    result = hourglass(
        "calc",
        "120/2400",
        "150/2400",
        "--json",
        cwd=tmp_path,
        env={"PYTHONPATH": str(Path.cwd())},
    )
    assert result.returncode == 0, result.stderr
    readout = json.loads(result.stdout)
    assert [v["name"] for v in readout["variants"]] == ["A", "B"]
    assert readout["variants"][1]["vs_control"]["p_value_method"] == "z-test"


@pytest.mark.parametrize("bad", ["5/3", "-1/10", "abc"])
def test_calc_rejects_bad_input_with_exit_code_2(tmp_path: Path, bad: str) -> None:
    result = hourglass("calc", "120/2400", bad, cwd=tmp_path, env={"PYTHONPATH": str(Path.cwd())})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip()


def test_sandbox_runs_a_scripted_chat_in_the_terminal(tmp_path: Path) -> None:
    script = "/new Sandbox test\n/log #1 A 100 7\n/readout #1\n:quit\n"
    result = hourglass(
        "sandbox",
        "--database",
        f"sqlite+aiosqlite:///{tmp_path}/sandbox.sqlite3",
        "--files",
        str(tmp_path / "files"),
        cwd=tmp_path,
        env={"PYTHONPATH": str(Path.cwd())},
        stdin=script,
    )
    assert result.returncode == 0, result.stderr
    assert "Created experiment #1" in result.stdout
    assert "New totals of A: 7 of 100" in result.stdout
    assert "Verdict" in result.stdout
