"""Configuration files: every way of being unreadable is an error naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.files import FileError, read_config, read_text


def test_text_and_both_syntaxes(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    assert read_text(path, "scenario") == "a: 1\nb: [x, y]\n"
    assert read_config(path, "scenario") == {"a": 1, "b": ["x", "y"]}
    path.write_text('{"a": 1}', encoding="utf-8")
    assert read_config(path, "groups", json_only=True) == {"a": 1}


@pytest.mark.parametrize(
    ("content", "json_only", "message"),
    [
        (None, False, r"cannot read scenario .*c\.yaml: No such file"),
        ("naïve: 1".encode("latin-1"), False, r"scenario .*c\.yaml is not UTF-8 text \(byte 2"),
        (b"a: [\n", False, r"scenario .*c\.yaml is not valid YAML"),
        (b"a: 1\n", True, r"scenario .*c\.yaml is not valid JSON"),
    ],
)
def test_errors_name_the_file(
    content: bytes | None, json_only: bool, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(FileError, match=message):
        read_config(path, "scenario", json_only=json_only)
    assert issubclass(FileError, ValueError)  # callers that catch ValueError still do


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="cannot read catalogue"):
        read_text(tmp_path, "catalogue")
