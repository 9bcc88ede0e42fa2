"""Reading the operator's configuration files with errors that name the file.

Scenario, mapping, catalogue and group-configuration files are written by people: a
missing file, a file saved in another encoding or broken YAML/JSON must be an error that
says which file and what is wrong, never a traceback.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

__all__ = ["FileError", "config_number", "parse_yaml", "read_config", "read_text"]


class FileError(ValueError):
    """A configuration file that cannot be read or parsed; the message names it."""


def read_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of ``path`` (``what`` names it in errors, e.g. "scenario")."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FileError(
            f"{what} {path} is not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise FileError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc


def read_config(path: str | Path, what: str, *, json_only: bool = False) -> Any:
    """Parse ``path`` as YAML (JSON is YAML too), or as JSON only with ``json_only``."""
    text = read_text(path, what)
    if json_only:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileError(f"{what} {path} is not valid JSON: {exc}") from exc
    return parse_yaml(text, f"{what} {path}")


def parse_yaml(text: str, source: str) -> Any:
    """``text`` parsed as YAML; ``source`` (e.g. "catalogue my.yaml") names it in errors."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FileError(f"{source} is not valid YAML: {exc}") from exc


def config_number(
    value: Any,
    where: str,
    *,
    low: float | None = None,
    above: float | None = None,
    whole: bool = False,
    error: type[ValueError] = FileError,
) -> float:
    """``value`` as a finite float, at least ``low`` / more than ``above`` / a whole number;
    ``error`` names ``where`` (the key, e.g. ``agents[3].speed``) otherwise."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise error(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise error(f"{where}: expected a finite number, got {value!r}")
    if low is not None and number < low:
        raise error(f"{where}: must be at least {low:g}, got {value!r}")
    if above is not None and number <= above:
        raise error(f"{where}: must be more than {above:g}, got {value!r}")
    if whole and number != int(number):
        raise error(f"{where}: expected a whole number, got {value!r}")
    return number
