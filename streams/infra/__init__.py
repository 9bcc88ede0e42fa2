"""Local infrastructure helpers: run ``deploy/local/*.sh`` and check that Kafka answers.

Nothing here is imported by the worker; the ``ticket-router dev`` command and the
integration-test fixtures use it. Importing this package loads no Kafka or Redis client.

Errors::

    InfraError                 (root; .retriable says whether trying again may help)
    ├── ScriptError            a deploy/local script failed; message = its error output
    └── KafkaNotReadyError     no metadata answer from the broker before the deadline
"""

from __future__ import annotations

from streams.infra.errors import InfraError, KafkaNotReadyError, ScriptError

__all__ = ["InfraError", "KafkaNotReadyError", "ScriptError"]
