"""Redis, the live read model, answers at ``redis_url``."""

from __future__ import annotations

import redis


def test_redis_answers_ping(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        assert client.ping() is True
        client.set("ticket-router:contract-test", "ok", ex=10)
        assert client.get("ticket-router:contract-test") == b"ok"
    finally:
        client.close()
