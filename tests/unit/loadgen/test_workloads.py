"""The load generator's workloads: deterministic, realistic mix, the 47-vs-8 demo."""

from __future__ import annotations

import socket
import warnings
from collections import Counter

import pytest

from models import TicketCreated, TicketUpdated
from streams.cli.main import main
from streams.loadgen import DemoConfig, DemoWorkload, MixConfig, MixWorkload
from streams.loadgen.schedule import ArrivalProcess, BurstProfile


def _drive(workload: MixWorkload, seconds: float, step: float = 0.1) -> Counter[str]:
    kinds: Counter[str] = Counter()
    now = workload.start
    while now < workload.start + seconds:
        for event in workload.pop_due(now):
            kinds[type(event).event_type] += 1
            if isinstance(event, TicketCreated):
                agent = workload.agents[event.tenant][0].agent_id
                workload.on_assigned(event.tenant, event.ticket_id, agent, now)
        now += step
    return kinds


def test_mix_is_deterministic_and_has_every_kind_of_event() -> None:
    first = _drive(MixWorkload(MixConfig(rate=20, tenants=2, seed=7), start=1000.0), 60)
    again = _drive(MixWorkload(MixConfig(rate=20, tenants=2, seed=7), start=1000.0), 60)
    assert first == again
    assert set(first) == {"ticket-created", "ticket-closed", "ticket-updated", "agent-status"}
    assert 900 < sum(first.values()) < 1500  # ~20/s for 60 s plus closes


def test_bursts_keep_the_mean_rate() -> None:
    profile = BurstProfile(every_s=40, length_s=6, factor=3)
    mean = sum(profile.intensity(t / 10) for t in range(400)) / 400
    assert mean == pytest.approx(1.0, abs=0.05)
    with pytest.raises(ValueError, match="positive"):
        ArrivalProcess(0, 0.0, __import__("random").Random(0))


def test_demo_puts_47_on_one_agent_and_8_on_the_other() -> None:
    demo = DemoWorkload(DemoConfig(), start=0.0)
    events = demo.pop_due(1.0)
    tickets = [e for e in events if isinstance(e, TicketCreated)]
    assert len(tickets) == 55
    # the router first spreads them evenly; the lead moves them to the uneven split
    updates = []
    for i, ticket in enumerate(tickets):
        demo.on_assigned("demo", ticket.ticket_id, "ana" if i % 2 else "ben", 2.0)
        updates += [e for e in demo.pop_due(2.0) if isinstance(e, TicketUpdated)]
    assert demo.depths("demo") == {"ana": 47, "ben": 8}
    assert all(u.change.kind == "reassigned" for u in updates)
    assert len(updates) == 27 + 1  # every ticket placed where the router did not put it
    demo.pop_due(3.5)
    assert demo.backlog_ready_at is not None
    assert demo.warnings == []


def test_demo_without_a_worker_says_so() -> None:
    demo = DemoWorkload(DemoConfig(preload_timeout_s=5), start=0.0)
    demo.pop_due(1.0)
    demo.pop_due(10.0)
    assert demo.warnings
    assert "ticket-router worker" in demo.warnings[0]


def test_produce_rejects_a_bad_rate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["produce", "--rate", "0"]) == 2
    assert "--rate" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--count", "0"], "--count must be at least 1"),
        (["--tenant", " "], "--tenant must not be empty"),
        (["--duration", "-1"], "--duration must be positive"),
    ],
)
def test_produce_rejects_bad_bounds(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["produce", *argv]) == 2
    assert message in capsys.readouterr().err


def test_produce_says_what_to_do_when_kafka_does_not_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)  # the failed producer is closed
        code = main(["produce", "--bootstrap", f"127.0.0.1:{port}", "--count", "1"])
    assert code == 3
    err = capsys.readouterr().err
    assert "is not reachable" in err
    assert "ticket-router dev up" in err
