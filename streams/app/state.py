"""The worker's local state directory and what a crash leaves in it.

Faust writes a table key to the local RocksDB at once and to the changelog topic a
moment later; the local "persisted offset" follows the changelog acknowledgements. A
worker killed in between leaves local state *ahead* of the changelog, and on the next
start Faust replays the changelog tail from the persisted offset over it, which can put
an older value back under a key while its neighbours keep newer ones. Such a mix is not
a state the router was ever in.

So local tables are trusted only after a clean stop: :class:`LocalState` keeps a
``RUNNING`` marker in the data directory while the worker runs. Finding it at start
means the last run did not stop cleanly; the table files are then removed and Faust
rebuilds them from the changelog topics (the changelog is the source of truth and is
always a consistent prefix of the writes, see :mod:`streams.app.tables`).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

__all__ = ["LocalState"]

log = logging.getLogger(__name__)

MARKER = "RUNNING"


class LocalState:
    """The ``RUNNING`` marker of one data directory (see the module docstring)."""

    def __init__(self, data_dir: Path, table_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.table_dir = Path(table_dir)
        self.marker = self.data_dir / MARKER

    def open(self) -> bool:
        """Mark the directory in use; True when stale tables were removed (crash)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        wiped = False
        if self.marker.exists():
            previous = self.marker.read_text(encoding="utf-8").strip() or "?"
            if self.table_dir.exists():
                log.warning(
                    "the last worker (pid %s) did not stop cleanly; rebuilding the tables in "
                    "%s from their changelog topics",
                    previous,
                    self.table_dir,
                )
                shutil.rmtree(self.table_dir)
                wiped = True
        self.marker.write_text(f"{os.getpid()}\n", encoding="utf-8")
        return wiped

    def close(self) -> None:
        """The worker stopped cleanly: local tables may be reused next time."""
        self.marker.unlink(missing_ok=True)
