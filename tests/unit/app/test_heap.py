"""The worker keeps its startup heap out of the cycle collector's full passes."""

from __future__ import annotations

import gc


def test_the_startup_heap_is_frozen_before_serving() -> None:
    from streams.app.app import freeze_startup_heap

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        frozen = freeze_startup_heap()
        assert frozen == gc.get_freeze_count() > 0
        # a full collection now walks only what is allocated after the freeze
        young = [[index] for index in range(1000)]
        assert len(young) == 1000
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
