"""The Redis the fixtures provide answers, stores values, and survives a simulated outage."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import redis
import redis.asyncio as aredis

if TYPE_CHECKING:
    from tests.integration.conftest import RedisServer


async def test_ping_set_get(redis_url: str, topic_prefix: str) -> None:
    client = aredis.Redis.from_url(redis_url)
    try:
        assert await client.ping() is True
        key = f"{topic_prefix}greeting"
        await client.set(key, "hello", ex=60)
        assert await client.get(key) == b"hello"
        await client.delete(key)
    finally:
        await client.aclose()


def test_outage_stop_and_start(redis_server: RedisServer, topic_prefix: str) -> None:
    client = redis.Redis.from_url(redis_server.url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.set(f"{topic_prefix}k", "v")
        redis_server.stop()
        with pytest.raises(redis.ConnectionError):
            client.ping()
        redis_server.start()
        assert client.ping() is True
        # no persistence: the outage loses the data, the router must rebuild its view
        assert client.get(f"{topic_prefix}k") is None
    finally:
        client.close()
