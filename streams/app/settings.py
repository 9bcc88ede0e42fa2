"""Worker settings: environment variables with the ``TICKET_ROUTER_`` prefix.

Every field maps to ``TICKET_ROUTER_<FIELD>`` (e.g. ``TICKET_ROUTER_KAFKA_BOOTSTRAP``);
docs/configuration.md lists them. Nothing is read at import time: call
:meth:`Settings.from_env` (or construct ``Settings(...)`` in tests).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from streams.files import read_config
from streams.topics import DEFAULT_PARTITIONS, TopicCatalogue
from streams.triage.embedding import resolve_backend

__all__ = ["ENV_PREFIX", "TRIAGE_BATCH_BY_BACKEND", "Settings"]

ENV_PREFIX = "TICKET_ROUTER_"
# Default triage batch per encoder backend: the batch bounds how long one batch holds the
# stage, so it is about the same time (~0.5 s of encoding on 2 cores) for each backend.
TRIAGE_BATCH_BY_BACKEND = {"torch": 64, "onnx": 128, "onnx-int8": 256}


class Settings(BaseSettings):
    """Configuration of the streaming worker (and of the tools that talk to it)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="ignore", frozen=True, validate_default=True
    )

    kafka_bootstrap: str = Field("127.0.0.1:19092", description="Kafka bootstrap host:port.")
    redis_url: str = Field("redis://127.0.0.1:16379/0", description="Redis for the live view.")
    redis_prefix: str = Field("tr", description="Key prefix of the Redis live view.")
    redis_enabled: bool = Field(True, description="Write the Redis live view at all.")
    topic_prefix: str = Field("", description="Prefix of every topic name.")
    topic_partitions: int = Field(DEFAULT_PARTITIONS, ge=1, description="Partitions per topic.")
    topic_replication: int = Field(1, ge=1, description="Replication factor of new topics.")
    app_id: str = Field("ticket-router", description="Faust app id (consumer group, changelogs).")
    data_dir: Path = Field(Path(".local/worker"), description="RocksDB tables and Faust state.")
    metrics_host: str = Field("127.0.0.1", description="Interface of the /metrics endpoint.")
    metrics_port: int = Field(9464, ge=0, le=65535, description="Metrics port; 0 = off.")
    producer_linger_ms: float = Field(
        1.0, ge=0, description="Producer batching delay: more throughput vs latency per hop."
    )
    faust_metrics: bool = Field(
        True, description="Faust's own sensor metrics (per message and table write; costs CPU)."
    )
    tick_interval_s: float = Field(5.0, gt=0, description="Seconds between router ticks.")
    redis_flush_interval_s: float = Field(
        0.5, gt=0, description="Seconds between writes of the Redis live view (and gauges)."
    )
    kafka_wait_s: float = Field(
        10.0, ge=0, description="How long the worker waits for Kafka to answer at start."
    )
    publisher_max_pending: int = Field(
        2000, ge=1, description="Events whose outputs may wait for their state at once."
    )
    triage_batch_size: int | None = Field(
        None,
        ge=1,
        description="Most tickets per triage batch (larger sorts and pads better); default "
        "by backend, about half a second of encoding on 2 cores: torch 64, onnx 128, "
        "onnx-int8 256.",
    )
    triage_batch_timeout_s: float = Field(
        0.01,
        gt=0,
        description="Max wait to fill a batch (under load, batches fill while the "
        "previous one is triaged).",
    )
    triage_embedder: Literal["minilm", "hashing"] = Field(
        "minilm", description="'minilm' (sentence-transformers) or 'hashing' (tests)."
    )
    triage_catalogue: str | None = Field(None, description="Skill catalogue YAML (triage).")
    triage_model_path: str | None = Field(
        None, description="Sentence-transformers model dir (default: the packaged MiniLM)."
    )
    triage_device: str = Field("cpu", description="Torch device of the encoder: cpu, cuda, ...")
    triage_backend: Literal["auto", "torch", "onnx", "onnx-int8"] = Field(
        "auto",
        description="Encoder backend; 'auto': onnx-int8 on a CPU when onnxruntime and onnx "
        "are installed (the 'onnx' extra), else torch.",
    )
    triage_max_seq_length: int = Field(
        128, ge=16, le=512, description="Tokens per ticket text the encoder reads."
    )
    triage_threshold: float = Field(
        0.5, ge=0, le=1, description="Top confidence below which a ticket is uncertain."
    )
    default_policy: str = Field("balanced", description="Policy of groups without config.")
    group_config: str | None = Field(
        None,
        description="JSON object, or a path to a JSON/YAML file: {'default': {...}, "
        "'groups': {tenant: {...}}} passed to GroupConfig.from_dict.",
    )
    consumer_auto_offset_reset: Literal["earliest", "latest"] = Field(
        "earliest", description="Where a new consumer group starts."
    )
    session_timeout_s: float = Field(
        10.0,
        ge=6,
        description="Kafka consumer session timeout (a killed worker's partitions "
        "move after this long; the broker's minimum is 6 s).",
    )
    broker_commit_interval_s: float = Field(1.0, gt=0, description="Offset commit interval.")
    table_standby_replicas: int = Field(0, ge=0, description="Standby table replicas.")
    web_enabled: bool = Field(False, description="Faust's web server (off by default).")
    web_port: int = Field(6066, ge=1, le=65535, description="Faust web port when enabled.")
    log_level: str = Field("info", description="Worker log level.")

    @field_validator("redis_prefix")
    @classmethod
    def _prefix_ok(cls, value: str) -> str:
        if not value or ":" in value:
            raise ValueError("redis_prefix must be non-empty without ':' (e.g. 'tr')")
        return value

    @model_validator(mode="after")
    def _redis_url_ok(self) -> Settings:
        if self.redis_enabled and not self.redis_url.startswith(
            ("redis://", "rediss://", "unix://")
        ):
            raise ValueError(
                f"Redis URL {self.redis_url!r} (TICKET_ROUTER_REDIS_URL, --redis-url): expected "
                "a redis://, rediss:// or unix:// URL, or TICKET_ROUTER_REDIS_ENABLED=false"
            )
        return self

    @field_validator("log_level")
    @classmethod
    def _level_ok(cls, value: str) -> str:
        if value.lower() not in {"debug", "info", "warning", "error", "critical"}:
            raise ValueError("use one of debug, info, warning, error, critical")
        return value.lower()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``env`` (default: the process environment) plus ``overrides``."""
        if env is None:
            return cls(**overrides)
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            key = ENV_PREFIX + name.upper()
            if key in env:
                values[name] = env[key]
        values.update(overrides)
        return cls.model_validate(values)

    def catalogue(self) -> TopicCatalogue:
        """The topic catalogue of this deployment."""
        return TopicCatalogue(
            prefix=self.topic_prefix,
            partitions=self.topic_partitions,
            replication_factor=self.topic_replication,
        )

    def group_configs(self) -> dict[str, Any]:
        """``{"default": {...}, "groups": {tenant: {...}}}`` from :attr:`group_config`."""
        raw = (self.group_config or "").strip()
        if not raw:
            return {"default": {"policy": self.default_policy}, "groups": {}}
        if raw.startswith("{"):
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ValueError(f"TICKET_ROUTER_GROUP_CONFIG is not valid JSON: {exc}") from exc
        else:
            path = Path(raw)
            if not path.exists():
                raise ValueError(
                    f"TICKET_ROUTER_GROUP_CONFIG={raw!r}: no such file; give a JSON object "
                    "or the path of a JSON/YAML file"
                )
            what = "TICKET_ROUTER_GROUP_CONFIG file"
            data = read_config(path, what, json_only=path.suffix not in {".yaml", ".yml"}) or {}
        if not isinstance(data, dict):
            raise ValueError("group config must be an object with 'default' and/or 'groups'")
        default = dict(data.get("default") or {})
        default.setdefault("policy", self.default_policy)
        return {"default": default, "groups": dict(data.get("groups") or {})}

    def triage_batch(self, backend: str | None = None) -> int:
        """Most tickets per triage batch: the setting, else the default of ``backend``
        (the one the encoder runs; by default the configured one, ``auto`` resolved)."""
        backend = backend or resolve_backend(self.triage_backend, self.triage_device)
        return self.triage_batch_size or TRIAGE_BATCH_BY_BACKEND[backend]

    def metrics_url(self) -> str | None:
        """Where metrics are served, or None when off."""
        if self.metrics_port == 0:
            return None
        return f"http://{self.metrics_host}:{self.metrics_port}/metrics"
