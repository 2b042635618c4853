"""Fixtures shared by every test layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import migrated_sqlite_template


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, built once per session; tests copy it."""
    return migrated_sqlite_template(tmp_path_factory.mktemp("schema"))
