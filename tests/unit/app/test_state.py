"""Local tables are trusted only after a clean stop."""

from __future__ import annotations

from pathlib import Path

from streams.app.state import LocalState


def test_clean_stop_keeps_tables_and_a_crash_removes_them(tmp_path: Path) -> None:
    tables = tmp_path / "v1" / "tables"
    tables.mkdir(parents=True)
    (tables / "books-0.db").write_text("x")
    state = LocalState(tmp_path, tables)
    assert state.open() is False
    state.close()
    assert LocalState(tmp_path, tables).open() is False  # clean stop before: kept
    assert (tables / "books-0.db").exists()
    # no close(): the process was killed
    assert LocalState(tmp_path, tables).open() is True
    assert not tables.exists()
