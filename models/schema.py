"""JSON Schemas of every event, generated from the models (strings only, no file I/O).

``streams.contract_docs`` writes them to ``docs/schemas/<event-type>.json`` together with
``docs/asyncapi.yaml`` and ``docs/examples/``; ``ticket-router schemas generate``
regenerates them and ``ticket-router schemas check`` (and a unit test) fails when the
committed files are stale.
"""

from __future__ import annotations

import json
from typing import Any

from models.envelope import Event
from models.events import EVENT_MODELS

__all__ = ["JSON_SCHEMA_DIALECT", "event_schema", "json_schemas", "render_json"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def event_schema(model_cls: type[Event]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) an event of ``model_cls`` must satisfy."""
    schema = model_cls.model_json_schema(mode="validation")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"{model_cls.event_type}.json",
        **schema,
        "x-event-type": model_cls.event_type,
    }


def json_schemas() -> dict[str, dict[str, Any]]:
    """``event_type`` -> JSON Schema, for every event type."""
    return {name: event_schema(cls) for name, cls in EVENT_MODELS.items()}


def render_json(document: Any) -> str:
    """Stable, human-readable JSON text (2-space indent, trailing newline)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
