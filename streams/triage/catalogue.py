"""Skill catalogues (YAML) and labelled-history CSVs as training examples.

A catalogue maps category name → description + example tickets. The default one ships as
package data (``streams/triage/catalogue/default.yaml``); users pass their own file with
the same shape. A labelled CSV is read with a column mapping (text columns + label column).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from streams.files import parse_yaml, read_text

__all__ = ["Catalogue", "LabelledRows", "load_catalogue", "read_labelled_csv"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Categories with their description and example texts."""

    name: str
    descriptions: dict[str, str]
    examples: dict[str, list[str]]

    @property
    def categories(self) -> list[str]:
        """Category names in file order."""
        return list(self.descriptions)

    def training_pairs(self) -> tuple[list[str], list[str]]:
        """(texts, labels): every example plus the description itself."""
        texts: list[str] = []
        labels: list[str] = []
        for category in self.categories:
            for text in [self.descriptions[category], *self.examples.get(category, [])]:
                texts.append(text)
                labels.append(category)
        return texts, labels


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load ``path`` or the shipped default; raises ``ValueError`` saying what to fix."""
    if path is None:
        raw = (
            resources.files("streams.triage").joinpath("catalogue/default.yaml").read_text("utf-8")
        )
        source = "default catalogue"
    else:
        raw = read_text(path, "catalogue")
        source = str(path)
    data = parse_yaml(raw, f"catalogue {source}")
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
        raise ValueError(f"{source}: expected a mapping with 'categories: {{name: {{...}}}}'")
    descriptions: dict[str, str] = {}
    examples: dict[str, list[str]] = {}
    for name, body in data["categories"].items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(
                f"{source}: category {name!r} must be lower-case a-z 0-9 _ . - (1..64 chars)"
            )
        if not isinstance(body, dict):
            raise ValueError(f"{source}: category {name!r} needs 'description' and 'examples'")
        descriptions[name] = str(body.get("description", "")).strip() or name
        items = body.get("examples") or []
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ValueError(f"{source}: examples of {name!r} must be a list of strings")
        examples[name] = [item.strip() for item in items if item.strip()]
    if len(descriptions) < 2:
        raise ValueError(f"{source}: define at least two categories")
    return Catalogue(
        name=str(data.get("name", source)), descriptions=descriptions, examples=examples
    )


@dataclass(frozen=True, slots=True)
class LabelledRows:
    """Texts and labels read from a CSV (texts are the joined text columns, uncleaned)."""

    fields: list[list[str]]
    labels: list[str]


def read_labelled_csv(path: str | Path, text_cols: list[str], label_col: str) -> LabelledRows:
    """Read ``text_cols`` and ``label_col``; rows with an empty label are skipped."""
    if Path(path).is_dir():
        raise ValueError(f"cannot read {path}: it is a folder; pass a CSV file")
    if not Path(path).is_file():
        raise ValueError(f"cannot read {path}: no such file; check the path")
    with Path(path).open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [col for col in [*text_cols, label_col] if col not in header]
        if missing:
            have = [name[:40] for name in header[:20]] + (["..."] if len(header) > 20 else [])
            raise ValueError(
                f"{path}: columns {missing} not found (have {have}); "
                "pass --text-cols and --label-col"
            )
        fields: list[list[str]] = []
        labels: list[str] = []
        for row in reader:
            label = (row.get(label_col) or "").strip()
            if label:
                fields.append([row.get(col) or "" for col in text_cols])
                labels.append(label)
    if not labels:
        raise ValueError(f"{path}: no labelled rows in column {label_col!r}")
    return LabelledRows(fields=fields, labels=labels)
