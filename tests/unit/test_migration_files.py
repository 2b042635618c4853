"""The migrations are one chain in the order of their numbered files, and the newest one's
revision id is its file name: a start knows the head from the file names alone (db.engine),
without loading Alembic."""

from __future__ import annotations

from itertools import pairwise

from alembic.script import ScriptDirectory

from db.engine import _head_revision, alembic_config, migration_files


def test_the_chain_follows_the_numbered_files_and_ends_at_the_newest_file() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    chain = list(reversed(list(scripts.walk_revisions())))
    files = migration_files()
    numbers = [file.split("_")[0] for file in files]
    assert [revision.revision.split("_")[0] for revision in chain] == numbers
    assert all(after.down_revision == before.revision for before, after in pairwise(chain))
    assert scripts.get_heads() == [files[-1]]


def test_the_head_known_from_the_file_names_is_alembics() -> None:
    assert _head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
