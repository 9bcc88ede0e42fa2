"""Each policy's choice among agents with room, and the explanation it gives."""

from __future__ import annotations

from models.enums import AgentStatus
from router import Assigned
from tests.unit.router.helpers import agent, assigned_to, group, ticket


def test_round_robin_takes_turns_in_id_order_and_ignores_skills() -> None:
    g = group(policy="round_robin")
    for a in ("a3", "a1", "a2"):
        g.agent_status(agent(a, skills={"api": "adv"}), 0)
    got = [assigned_to(g.ticket_arrived(ticket(f"t{i}", i), i))[f"t{i}"] for i in range(5)]
    assert got == ["a1", "a2", "a3", "a1", "a2"]


def test_least_loaded_percent_and_absolute_differ() -> None:
    for mode, expected in (("percent", "big"), ("absolute", "small")):
        g = group(policy="least_loaded", least_loaded_mode=mode)
        g.agent_status(agent("big", 10), 0)
        g.agent_status(agent("small", 2), 0)
        g.ticket_arrived(ticket("t1"), 0)
        g.ticket_arrived(ticket("t2"), 0)
        g.ticket_arrived(ticket("t3"), 0)
        depths = {a: g.queue_depth(a) for a in ("big", "small")}
        out = g.ticket_arrived(ticket("t4"), 1)
        assert assigned_to(out)["t4"] == expected, (mode, depths)


def test_skills_prefers_the_most_proficient() -> None:
    g = group(policy="skills")
    g.agent_status(agent("a1", skills={"billing": "int"}), 0)
    g.agent_status(agent("a2", skills={"billing": "adv"}), 0)
    g.agent_status(agent("a3", skills={"api": "adv"}), 0)
    out = g.ticket_arrived(ticket("t1"), 0)
    assert assigned_to(out) == {"t1": "a2"}
    explanation = out[0].explanation.to_dict()  # type: ignore[union-attr]
    assert explanation["candidates"][0] == "a2"
    assert set(explanation["candidates"]) == {"a1", "a2"}


def test_skills_excludes_missing_skill_language_and_low_level_with_reasons() -> None:
    g = group(policy="skills")
    g.agent_status(agent("basic", skills={"billing": "basic"}), 0)
    g.agent_status(agent("french", skills={"billing": "adv"}, languages=("fr",)), 0)
    g.agent_status(agent("full", 1, skills={"billing": "adv"}), 0)
    g.agent_status(agent("ok", skills={"billing": "int"}), 0)
    g.ticket_arrived(ticket("t0"), 0)  # fills "full" (advanced wins)
    out = g.ticket_arrived(ticket("t1"), 1)
    assert assigned_to(out) == {"t1": "ok"}
    excluded = out[0].explanation.excluded  # type: ignore[union-attr]
    assert excluded == {"basic": "below_proficiency", "french": "language", "full": "at_capacity"}


def test_balanced_prefers_faster_agent() -> None:
    g = group(policy="balanced", velocity={"prior_s": 1000})
    g.agent_status(agent("slow", 10, skills={"billing": "adv"}), 0)
    g.agent_status(agent("fast", 10, skills={"billing": "adv"}), 0)
    g.ticket_arrived(ticket("v1"), 0)
    g.ticket_arrived(ticket("v2"), 0)
    spans = {"slow": 3000.0, "fast": 500.0}
    for tid in ("v1", "v2"):
        holder = g.assignment_of(tid)
        assert holder is not None
        g.ticket_closed(tid, spans[holder])
    out = g.ticket_arrived(ticket("t1", 4000), 4000)
    assert isinstance(out[0], Assigned)
    assert out[0].agent_id == "fast"
    score = out[0].explanation.score
    assert score["speed"] == 2.0
    assert set(score) >= {"score", "skill_fit", "speed", "headroom"}
    assert g.velocity("slow", "billing") == 3000.0


def test_balanced_evens_out_queue_depths() -> None:
    """The DOMAIN situation: equal skills, 47 vs 8 open tickets -> new work evens them out."""
    g = group(policy="balanced")
    g.agent_status(agent("busy", 80, skills={"billing": "adv"}), 0)
    g.agent_status(agent("calm", 80, skills={"billing": "adv"}, status=AgentStatus.AWAY), 0)
    for i in range(47):
        g.ticket_arrived(ticket(f"x{i}"), 0)
    g.agent_status(agent("calm", 80, skills={"billing": "adv"}), 0)
    g.agent_status(agent("busy", 80, skills={"billing": "adv"}, status=AgentStatus.AWAY), 0)
    for i in range(8):
        g.ticket_arrived(ticket(f"y{i}"), 0)
    g.agent_status(agent("busy", 80, skills={"billing": "adv"}), 1)
    assert (g.queue_depth("busy"), g.queue_depth("calm")) == (47, 8)
    got = [assigned_to(g.ticket_arrived(ticket(f"n{i}", 2), 2))[f"n{i}"] for i in range(45)]
    assert got[:39] == ["calm"] * 39
    assert abs(g.queue_depth("busy") - g.queue_depth("calm")) <= 1


def test_balanced_ties_go_to_the_agent_idle_longest() -> None:
    g = group(policy="balanced")
    g.agent_status(agent("a1", 10, skills={"billing": "adv"}), 0)
    g.agent_status(agent("a2", 10, skills={"billing": "adv"}), 0)
    assert assigned_to(g.ticket_arrived(ticket("t1"), 0)) == {"t1": "a1"}
    assert assigned_to(g.ticket_arrived(ticket("t2", 1), 1)) == {"t2": "a2"}
    # equal load and speed: a1 has waited longest since its last ticket
    assert assigned_to(g.ticket_arrived(ticket("t3", 2), 2)) == {"t3": "a1"}


def test_utilisation_band_puts_loaded_agents_last() -> None:
    g = group(policy="balanced", fairness={"utilisation_band": 0.2})
    g.agent_status(agent("expert", 10, skills={"billing": "adv"}), 0)
    g.agent_status(agent("novice", 10, skills={"billing": "int"}), 0)
    got = [assigned_to(g.ticket_arrived(ticket(f"t{i}", i), i))[f"t{i}"] for i in range(3)]
    # the expert wins until its load reaches the band (2 of 10), then the novice wins
    assert got == ["expert", "expert", "novice"]
