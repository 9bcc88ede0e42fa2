"""Generated contract documents: JSON Schemas, examples and the AsyncAPI 3 description.

Files (paths relative to the repository root):

- ``docs/schemas/<event-type>.json`` – JSON Schema (draft 2020-12) of each event;
- ``docs/examples/<event-type>.json`` – one example payload of each event;
- ``docs/asyncapi.yaml`` – AsyncAPI 3.0 document of every topic in the catalogue.

:func:`generated_files` renders them in memory; :func:`write_files` writes them and
:func:`stale_files` lists committed files that differ. ``ticket-router schemas generate``
regenerates, ``ticket-router schemas check`` (and a unit test) fails when stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from models import SCHEMA_VERSION, encode
from models.examples import examples
from models.schema import json_schemas, render_json
from streams.topics import TOPICS, TopicCatalogue, TopicSpec

__all__ = [
    "ASYNCAPI_PATH",
    "EXAMPLES_DIR",
    "REGENERATE_COMMAND",
    "SCHEMAS_DIR",
    "asyncapi_document",
    "generated_files",
    "stale_files",
    "write_files",
]

SCHEMAS_DIR = "docs/schemas"
EXAMPLES_DIR = "docs/examples"
ASYNCAPI_PATH = "docs/asyncapi.yaml"
REGENERATE_COMMAND = "ticket-router schemas generate"
_KAFKA_BINDING = "0.5.0"
_HEADER = (
    f"# Generated from models/ and streams/topics.py by `{REGENERATE_COMMAND}`; do not edit.\n"
)


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part.capitalize() for part in rest)


def _channel(spec: TopicSpec, catalogue: TopicCatalogue, message: str) -> dict[str, Any]:
    return {
        "address": spec.base_name,
        "title": spec.base_name,
        "description": (
            f"{spec.description} Role: {spec.role}. Key: the routing group (tenant, UTF-8). "
            "Deployed name: TICKET_ROUTER_TOPIC_PREFIX + address."
        ),
        "messages": {message: {"$ref": f"#/components/messages/{message}"}},
        "bindings": {
            "kafka": {
                "topic": spec.base_name,
                "partitions": catalogue.partitions,
                "replicas": catalogue.replication_factor,
                "topicConfiguration": {
                    "cleanup.policy": [spec.cleanup_policy],
                    "retention.ms": spec.retention_ms,
                },
                "bindingVersion": _KAFKA_BINDING,
            }
        },
    }


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every topic (default catalogue: no prefix, 6 partitions)."""
    catalogue = TopicCatalogue()
    models: list[tuple[type[BaseModel], Literal["validation"]]] = [
        (spec.value_model, "validation") for spec in TOPICS
    ]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")
    example_payloads = {name: event.model_dump(mode="json") for name, event in examples().items()}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for spec in TOPICS:
        model = spec.value_model
        message = model.__name__
        channel_id = _camel(spec.base_name)
        channels[channel_id] = _channel(spec, catalogue, message)
        actions = {"input": ["receive"], "internal": ["send", "receive"], "output": ["send"]}
        for action in actions[spec.role]:
            operations[f"{action}{message}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "summary": f"The router {action}s {model.event_type} events.",
                "messages": [{"$ref": f"#/channels/{channel_id}/messages/{message}"}],
            }
        messages[message] = {
            "name": message,
            "title": model.event_type,
            "summary": (model.__doc__ or "").strip().splitlines()[0],
            "contentType": "application/json",
            "payload": {"$ref": f"#/components/schemas/{message}"},
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": "Routing group (tenant)."},
                    "bindingVersion": _KAFKA_BINDING,
                }
            },
            "examples": [{"name": "example", "payload": example_payloads[model.event_type]}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "ticket-router",
            "version": SCHEMA_VERSION,
            "description": (
                "Events ticket-router consumes (helpdesk tickets, agent status), uses "
                "internally (triaged tickets, ticks) and produces (assignments, audit "
                "events, dead letters). JSON, UTF-8; every event carries schema_version, "
                "event_id, tenant and occurred_at. Consumers ignore unknown fields and "
                "reject an unknown schema_version major."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:19092",
                "protocol": "kafka",
                "description": "Local broker of `ticket-router dev up`.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": _asyncapi_schema(top["$defs"])},
    }


def _asyncapi_schema(node: Any) -> Any:
    """JSON Schema -> AsyncAPI Schema Object: its ``discriminator`` is the property name."""
    if isinstance(node, dict):
        out = {key: _asyncapi_schema(value) for key, value in node.items()}
        discriminator = out.get("discriminator")
        if isinstance(discriminator, dict) and "propertyName" in discriminator:
            out["discriminator"] = discriminator["propertyName"]
        return out
    if isinstance(node, list):
        return [_asyncapi_schema(value) for value in node]
    return node


def generated_files() -> dict[str, str]:
    """Relative path -> file content of every generated contract document."""
    files: dict[str, str] = {}
    for name, schema in json_schemas().items():
        files[f"{SCHEMAS_DIR}/{name}.json"] = render_json(schema)
    for name, event in examples().items():
        files[f"{EXAMPLES_DIR}/{name}.json"] = render_json(_json(encode(event)))
    files[ASYNCAPI_PATH] = _HEADER + yaml.safe_dump(
        asyncapi_document(), sort_keys=False, allow_unicode=True, width=100
    )
    return files


def _json(raw: bytes) -> Any:
    import json

    return json.loads(raw)


def write_files(root: Path) -> list[str]:
    """Write every generated file under ``root``; returns the paths that changed."""
    changed = []
    for rel, content in generated_files().items():
        path = root / rel
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            changed.append(rel)
    for rel in _orphans(root, generated_files()):
        (root / rel).unlink()
        changed.append(rel)
    return changed


def stale_files(root: Path) -> list[str]:
    """Generated files that are missing, different, or no longer generated under ``root``."""
    expected = generated_files()
    stale = [
        rel
        for rel, content in expected.items()
        if not (root / rel).exists() or (root / rel).read_text(encoding="utf-8") != content
    ]
    return stale + _orphans(root, expected)


def _orphans(root: Path, expected: dict[str, str]) -> list[str]:
    found = []
    for folder in (SCHEMAS_DIR, EXAMPLES_DIR):
        for path in sorted((root / folder).glob("*.json")):
            rel = path.relative_to(root).as_posix()
            if rel not in expected:
                found.append(rel)
    return found
