"""The `hourglass` command as a user runs it: a separate process, its output and exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from tests.support import process_env


def hourglass(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=process_env(**(env or {})),
        cwd=cwd,
        input=stdin,
        timeout=60,
        check=False,
    )


def test_run_without_a_token_is_a_one_line_error(tmp_path: Path) -> None:
    result = hourglass("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "HOURGLASS_TELEGRAM_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_with_a_malformed_token_is_a_one_line_error_that_hides_it(tmp_path: Path) -> None:
    result = hourglass(
        "run",
        cwd=tmp_path,
        env={"HOURGLASS_TELEGRAM_TOKEN": "not-a-token"},
    )
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert "not-a-token" not in result.stderr
    assert "Traceback" not in result.stderr


def test_the_token_can_come_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("HOURGLASS_TELEGRAM_TOKEN=broken\n")
    result = hourglass("run", cwd=tmp_path)
    assert "does not look like a bot token" in result.stderr


def test_calc_prints_json_from_the_shell(tmp_path: Path) -> None:
    result = hourglass(
        "calc",
        "120/2400",
        "150/2400",
        "--json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    readout = json.loads(result.stdout)
    assert [v["name"] for v in readout["variants"]] == ["A", "B"]
    assert readout["variants"][1]["vs_control"]["p_value_method"] == "z-test"


@pytest.mark.parametrize("bad", ["5/3", "-1/10", "abc"])
def test_calc_rejects_bad_input_with_exit_code_2(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # In process: the entry point is the same function the console script calls.
    assert cli_main(["calc", "120/2400", bad]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.strip()


def test_the_whole_journey_works_in_the_sandbox(tmp_path: Path) -> None:
    """Guided /new by buttons (:1), a week of results, readout, pause, conclude."""
    week = "".join(f"/log #1 A 1000 {40 + day}\n/log #1 B 1000 {52 + day}\n" for day in range(7))
    script = (
        "/new\n"
        "Sandbox journey\n"
        ":1\n"  # kind: A/B test
        ":4\n"  # stage: Try
        "We believe a shorter form for new visitors will lift sign-ups, measured by sign-ups.\n"
        ":1\n"  # variants: use A and B
        ":1\n"  # split: equal
        "5%\n"  # baseline
        "20%\n"  # minimum detectable effect
        ":2\n" + week + "/readout #1\n"  # review in 2 weeks
        "/show #1\n"
        ":4\n"  # Pause
        ":6\n"  # Conclude (after Edit)
        ":2\n"  # B won
        "/list\n"
        ":quit\n"
    )
    result = hourglass(
        "sandbox",
        "--database",
        f"sqlite+aiosqlite:///{tmp_path}/sandbox.sqlite3",
        "--files",
        str(tmp_path / "files"),
        cwd=tmp_path,
        stdin=script,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Created experiment #1" in out
    assert "stage: Try" in out
    # the always-valid plan: sequential_sample_size(0.05, 0.06) -> 15711 (test_sample_size)
    assert "plan: 15,711 visitors per variant" in out
    assert "New totals of B: 385 of 7,000" in out
    assert "Verdict:" in out
    assert "paused" in out
    assert "#1 Sandbox journey is concluded: won with B." in out
