"""The Redis live view: pipelined writes, best effort, re-sync after an outage."""

from __future__ import annotations

from typing import Any

import orjson

from streams.app.redis_view import AgentView, PendingView, RedisView, TenantView


class FakeRedis:
    """Just enough of ``redis.asyncio`` for the view: a pipeline that records commands."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.down = False
        self.executed = 0

    def pipeline(self, transaction: bool = True) -> FakePipeline:
        assert transaction
        return FakePipeline(self)


class FakePipeline:
    def __init__(self, redis: FakeRedis) -> None:
        self.redis = redis
        self.ops: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            self.ops.append((name, args, kwargs))

        return record

    async def execute(self) -> None:
        if self.redis.down:
            raise ConnectionError("Connection refused")
        data = self.redis.data
        for name, args, kwargs in self.ops:
            if name == "sadd":
                data.setdefault(args[0], set()).update(args[1:])
            elif name == "hset":
                data.setdefault(args[0], {}).update(kwargs["mapping"])
            elif name == "delete":
                for key in args:
                    data.pop(key, None)
            elif name == "zadd":
                data[args[0]] = dict(args[1])
            elif name == "rpush":
                data.setdefault(args[0], []).extend(args[1:])
            elif name == "lpush":
                data[args[0]] = list(reversed(args[1:])) + data.get(args[0], [])
            elif name == "ltrim":
                data[args[0]] = data[args[0]][args[1] : args[2] + 1]
        self.redis.executed += 1


def _view() -> TenantView:
    return TenantView(
        agents=[
            AgentView("ana", "online", 50, 47, 300.0, False),
            AgentView("ben", "online", 50, 8, 310.0, False),
        ],
        pending=[PendingView("T9", 1, 12.5, "billing")],
    )


async def test_flush_writes_agents_load_pending_and_decisions() -> None:
    redis = FakeRedis()
    errors: list[int] = []
    view = RedisView(redis, "tr", on_error=lambda: errors.append(1))
    view.decision("acme", {"ticket_id": "T1", "agent_id": "ben"})
    written = await view.flush(["acme"], lambda tenant: _view())
    assert written == 1
    assert redis.data["tr:tenants"] == {"acme"}
    assert redis.data["tr:acme:agent:ana"]["depth"] == 47
    assert redis.data["tr:acme:load"] == {"ana": 0.94, "ben": 0.16}
    assert redis.data["tr:acme:pending"]["p1"] == 1
    assert orjson.loads(redis.data["tr:acme:decisions"][0])["agent_id"] == "ben"
    assert await view.flush(["acme"], lambda tenant: _view()) == 0  # nothing dirty
    assert errors == []


async def test_outage_is_counted_and_every_tenant_rewritten_after() -> None:
    redis = FakeRedis()
    errors: list[int] = []
    resyncs: list[int] = []
    view = RedisView(
        redis, "tr", on_error=lambda: errors.append(1), on_resync=lambda: resyncs.append(1)
    )
    await view.flush(["acme", "globex"], lambda tenant: _view())
    redis.down = True
    view.mark("acme")
    assert await view.flush(["acme", "globex"], lambda tenant: _view()) == 0
    assert not view.healthy
    assert errors == [1]
    redis.down = False
    redis.data.clear()  # Redis restarted without persistence
    assert await view.flush(["acme", "globex"], lambda tenant: _view()) == 2
    assert view.healthy
    assert "tr:globex:agent:ben" in redis.data
    assert len(resyncs) == 2
