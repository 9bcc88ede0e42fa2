"""The connector's per-event rules: retry, back off, give up, de-duplicate, dead-letter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from streams.connectors.runner import Applier, ConnectorSettings, Response, TransientError
from streams.connectors.targets import Delivery, WebhookTarget, ZendeskTarget
from tests.unit.connectors.helpers import assigned, raw


class FakeHelpdesk:
    """Answers with the given statuses (or raises TransientError for ``None``)."""

    def __init__(self, answers: Iterable[Response | None]) -> None:
        self.answers = list(answers)
        self.requests: list[Delivery] = []

    async def __call__(self, delivery: Delivery, timeout_s: float) -> Response:
        self.requests.append(delivery)
        answer = self.answers.pop(0) if self.answers else Response(200)
        if answer is None:
            raise TransientError("ClientConnectorError: connection refused")
        return answer


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _applier(
    helpdesk: FakeHelpdesk,
    give_up_after_s: float | None = 900.0,
    max_rate_per_s: float | None = None,
    **options: Any,
) -> tuple[Applier, FakeTime]:
    time = FakeTime()
    target = WebhookTarget("https://hooks.example.com", b"0123456789abcdef", lambda: 1e9)
    settings = ConnectorSettings(
        bootstrap="unused",
        backoff_s=0.5,
        max_backoff_s=4.0,
        give_up_after_s=give_up_after_s,
        max_rate_per_s=max_rate_per_s,
    )
    applier = Applier(target, helpdesk, settings, sleep=time.sleep, clock=time.clock, **options)
    return applier, time


async def test_transient_failures_are_retried_with_doubling_backoff() -> None:
    helpdesk = FakeHelpdesk([None, Response(503), Response(502), Response(500), Response(200)])
    applier, time = _applier(helpdesk)
    assert await applier.apply(raw(assigned())) is None
    assert time.sleeps == [0.5, 1.0, 2.0, 4.0]  # capped at max_backoff_s
    assert len(helpdesk.requests) == 5
    assert (applier.report.applied, applier.report.retries) == (1, 4)


async def test_retry_after_is_honoured() -> None:
    helpdesk = FakeHelpdesk([Response(429, retry_after="7"), Response(200)])
    applier, time = _applier(helpdesk)
    assert await applier.apply(raw(assigned())) is None
    assert time.sleeps == [7.0]


async def test_retry_after_never_shortens_the_backoff() -> None:
    helpdesk = FakeHelpdesk([Response(503, retry_after="0")] * 3 + [Response(200)])
    applier, time = _applier(helpdesk)
    assert await applier.apply(raw(assigned())) is None
    assert time.sleeps == [0.5, 1.0, 2.0]


async def test_a_final_refusal_is_dead_lettered_with_the_answer() -> None:
    helpdesk = FakeHelpdesk([Response(422, snippet=b'{"error":"RecordInvalid"}')])
    applier, time = _applier(helpdesk)
    reason = await applier.apply(raw(assigned()))
    assert reason == 'HTTP 422 from webhook: {"error":"RecordInvalid"}'
    assert time.sleeps == []
    assert applier.report.applied == 0
    assert applier.report.dead_letters == 1


async def test_gives_up_after_the_configured_time() -> None:
    applier, time = _applier(FakeHelpdesk([Response(503)] * 100), give_up_after_s=10.0)
    reason = await applier.apply(raw(assigned()))
    assert reason is not None
    assert reason.startswith("gave up after 5 attempts in 8 s: HTTP 503 from webhook")
    assert sum(time.sleeps) <= 10.0


async def test_never_gives_up_when_told_so() -> None:
    helpdesk = FakeHelpdesk([Response(503)] * 40 + [Response(200)])
    applier, time = _applier(helpdesk, give_up_after_s=None)
    assert await applier.apply(raw(assigned())) is None
    assert len(helpdesk.requests) == 41
    assert max(time.sleeps) == 4.0


async def test_an_applied_assignment_is_not_sent_twice() -> None:
    helpdesk = FakeHelpdesk([])
    applier, _ = _applier(helpdesk)
    first, second = assigned(attempt=1), assigned(attempt=2)
    for event in (first, first, second, first):
        assert await applier.apply(raw(event)) is None
    assert len(helpdesk.requests) == 2
    assert (applier.report.applied, applier.report.duplicates, applier.report.seen) == (2, 2, 4)


async def test_undecodable_records_and_unmapped_agents_are_dead_lettered_unsent() -> None:
    helpdesk = FakeHelpdesk([])
    applier, _ = _applier(helpdesk)
    reason = await applier.apply(b'{"not": "an assignment"}')
    assert reason is not None
    assert "ticket-assigned" in reason
    assert await applier.apply(None) is not None
    zendesk = ZendeskTarget("https://acme.zendesk.com", "ops@acme.test", "tok", {"ana": 1})
    applier.target = zendesk
    reason = await applier.apply(raw(assigned(agent="carl")))
    assert reason == "agent 'carl' has no zendesk user id in the agent map"
    assert helpdesk.requests == []


async def test_metrics_count_outcomes_retries_and_the_delay() -> None:
    from prometheus_client import CollectorRegistry

    from streams.app.metrics import ConnectorMetrics

    metrics = ConnectorMetrics(CollectorRegistry())
    helpdesk = FakeHelpdesk([Response(503), Response(200), Response(400)])
    decided = assigned().occurred_at.timestamp()
    applier, _ = _applier(helpdesk, metrics=metrics, wall_clock=lambda: decided + 2.5)
    await applier.apply(raw(assigned("1")))  # retried once, then applied
    await applier.apply(raw(assigned("1")))  # duplicate
    await applier.apply(raw(assigned("2")))  # refused: dead letter

    def value(name: str, **labels: str) -> float | None:
        return metrics.registry.get_sample_value(name, {"target": "webhook", **labels})

    assert value("ticket_router_connector_events_total", outcome="applied") == 1
    assert value("ticket_router_connector_events_total", outcome="duplicate") == 1
    assert value("ticket_router_connector_events_total", outcome="dead_letter") == 1
    assert value("ticket_router_connector_retries_total") == 1
    assert value("ticket_router_connector_delay_seconds_sum") == 2.5


async def test_max_rate_spaces_every_request_retries_included() -> None:
    helpdesk = FakeHelpdesk([Response(200), Response(503), Response(200), Response(200)])
    applier, time = _applier(helpdesk, max_rate_per_s=4.0)  # 0.25 s apart
    sent_at: list[float] = []
    sender = applier.sender

    async def timed(delivery: Delivery, timeout_s: float) -> Response:
        sent_at.append(time.now)
        return await sender(delivery, timeout_s)

    applier.sender = timed
    for ticket in ("1", "2", "3"):
        assert await applier.apply(raw(assigned(ticket))) is None
    # 1 at 0; 2 at 0.25 (503), its retry after the 0.5 s backoff; 3 a quarter second later
    assert sent_at == [0.0, 0.25, 0.75, 1.0]
    time.now += 10.0  # a quiet spell does not bank requests for a burst
    assert await applier.apply(raw(assigned("4"))) is None
    assert sent_at[-1] == 11.0
    assert await applier.apply(raw(assigned("5"))) is None
    assert sent_at[-1] == 11.25


async def test_no_max_rate_sends_without_waiting() -> None:
    helpdesk = FakeHelpdesk([])
    applier, time = _applier(helpdesk)
    for ticket in ("1", "2", "3"):
        assert await applier.apply(raw(assigned(ticket))) is None
    assert time.sleeps == []
    assert len(helpdesk.requests) == 3
