"""Fixtures of the tests that start whole processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import copy_of_template


@pytest.fixture
def migrated_file_url(tmp_path: Path, sqlite_template: Path) -> str:
    """An SQLite file of this test's own, already migrated: a process started on it goes
    straight to what the test is about (a first start on an empty file is tested on its own)."""
    return copy_of_template(sqlite_template, tmp_path / "hourglass.sqlite3")
