"""The committed JSON Schemas, examples and AsyncAPI document match the models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from models import EVENT_MODELS, decode
from models.schema import json_schemas
from streams.contract_docs import (
    ASYNCAPI_PATH,
    EXAMPLES_DIR,
    REGENERATE_COMMAND,
    asyncapi_document,
    generated_files,
    stale_files,
    write_files,
)
from streams.topics import TOPICS

ROOT = Path(__file__).resolve().parents[3]


def test_committed_contract_documents_are_current() -> None:
    stale = stale_files(ROOT)
    assert not stale, (
        f"generated contract files are stale: {', '.join(stale)}. "
        f"Run '{REGENERATE_COMMAND}' and commit the result."
    )


def test_stale_check_notices_edits_missing_and_orphaned_files(tmp_path: Path) -> None:
    assert write_files(tmp_path) == sorted(generated_files(), key=list(generated_files()).index)
    assert stale_files(tmp_path) == []
    assert write_files(tmp_path) == []
    (tmp_path / ASYNCAPI_PATH).write_text("asyncapi: 3.0.0\n")
    (tmp_path / EXAMPLES_DIR / "ticket-created.json").unlink()
    (tmp_path / EXAMPLES_DIR / "retired-event.json").write_text("{}")
    assert sorted(stale_files(tmp_path)) == sorted(
        [ASYNCAPI_PATH, f"{EXAMPLES_DIR}/ticket-created.json", f"{EXAMPLES_DIR}/retired-event.json"]
    )
    write_files(tmp_path)
    assert stale_files(tmp_path) == []


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_committed_example_decodes(event_type: str) -> None:
    raw = (ROOT / EXAMPLES_DIR / f"{event_type}.json").read_bytes()
    assert decode(EVENT_MODELS[event_type], raw).tenant == "acme"


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_schema_requires_the_envelope(event_type: str) -> None:
    schema = json_schemas()[event_type]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"tenant", "occurred_at"} <= set(schema["required"])
    assert {"schema_version", "event_id", "tenant", "occurred_at"} <= set(schema["properties"])


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_asyncapi_describes_every_topic_with_resolvable_refs() -> None:
    document = yaml.safe_load((ROOT / ASYNCAPI_PATH).read_text())
    assert document == asyncapi_document()
    assert document["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {spec.base_name for spec in TOPICS}
    for ref in _refs(document):
        assert _resolve(document, ref) is not None, ref
    for channel in document["channels"].values():
        assert channel["bindings"]["kafka"]["partitions"] == 6
    actions = {op["action"] for op in document["operations"].values()}
    assert actions == {"send", "receive"}


def test_asyncapi_examples_decode() -> None:
    document = asyncapi_document()
    for spec in TOPICS:
        message = document["components"]["messages"][spec.value_model.__name__]
        payload = message["examples"][0]["payload"]
        assert decode(spec.value_model, orjson.dumps(payload)).event_type == message["title"]


def _values_of(node: Any, key: str) -> list[Any]:
    if isinstance(node, dict):
        own = [node[key]] if key in node else []
        return own + [v for value in node.values() for v in _values_of(value, key)]
    if isinstance(node, list):
        return [v for value in node for v in _values_of(value, key)]
    return []


def test_asyncapi_discriminators_are_property_names() -> None:
    # AsyncAPI's Schema Object takes the property name, not OpenAPI's {propertyName, mapping}.
    assert _values_of(asyncapi_document()["components"], "discriminator") == ["kind"]
    assert json_schemas()["ticket-updated"]["properties"]["change"]["discriminator"] == {
        "mapping": {
            "customer_replied": "#/$defs/CustomerReplied",
            "priority_changed": "#/$defs/PriorityChanged",
            "reassigned": "#/$defs/Reassigned",
            "reopened": "#/$defs/Reopened",
            "tier_changed": "#/$defs/TierChanged",
        },
        "propertyName": "kind",
    }
