"""What start-up made is kept out of the cycle collector's later full collections."""

from __future__ import annotations

import gc

from bot.cli import keep_startup_objects


def test_the_objects_made_at_start_up_are_frozen_for_the_process_life() -> None:
    try:
        keep_startup_objects()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
