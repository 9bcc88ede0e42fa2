"""Property-based tests: random event sequences keep the decision core's invariants.

- an agent is only assigned a ticket while online, within capacity, with the skill
  (and level and language) the step requires: anything looser names its relaxation step;
- every ticket is exactly one of pending, assigned or closed;
- queue depth equals open assignments;
- the pending queue is in order and work-conserving (no agent with room could take a
  waiting ticket);
- replaying a sequence, or restoring mid-way from the exported state, gives identical
  decisions.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.enums import AgentStatus, Proficiency
from router import AgentUpdate, Assigned, GroupConfig, Outcome, RoutingGroup, TicketRequest

AGENTS = [f"a{i}" for i in range(4)]
TICKETS = [f"t{i}" for i in range(14)]
SKILLS = ["billing", "api", "access"]
STATUS = [AgentStatus.ONLINE, AgentStatus.ONLINE, AgentStatus.AWAY, AgentStatus.OFFLINE]
LEVELS = list(Proficiency)

agent_ops = st.tuples(
    st.just("status"),
    st.sampled_from(AGENTS),
    st.sampled_from(STATUS),
    st.sampled_from([0, 1, 2, 3, 3]),
    st.dictionaries(st.sampled_from(SKILLS), st.sampled_from(LEVELS), min_size=1, max_size=2),
    st.sampled_from([("en",), ("en",), ("de",), ("en", "de")]),
)
ticket_ops = st.tuples(
    st.just("arrive"),
    st.sampled_from(TICKETS),
    st.sampled_from([*SKILLS, None]),
    st.integers(1, 4),
    st.sampled_from(["en", "en", "de"]),
    st.sampled_from([None, 60.0, 600.0]),
)
other_ops = st.one_of(
    st.tuples(st.just("close"), st.sampled_from(TICKETS)),
    st.tuples(st.just("start"), st.sampled_from(TICKETS)),
    st.tuples(st.just("reopen"), st.sampled_from(TICKETS)),
    st.tuples(st.just("reassign"), st.sampled_from(TICKETS), st.sampled_from(AGENTS)),
    st.tuples(st.just("capacity"), st.sampled_from(AGENTS), st.integers(0, 4)),
    st.tuples(st.just("tick"), st.floats(1.0, 700.0)),
)
sequences = st.lists(
    st.one_of(agent_ops, ticket_ops, ticket_ops, other_ops), min_size=20, max_size=80
)
policies = st.sampled_from(["round_robin", "least_loaded", "skills", "balanced"])

ADJACENT = {"billing": ["access"]}


def _config(policy: str, backlog: int | None, order: bool = False) -> GroupConfig:
    return GroupConfig.from_dict(
        {
            "policy": policy,
            "max_backlog": backlog,
            "in_skill_first": order,
            "shortest_first": order,
            "adjacent_skills": ADJACENT,
            "offline_reroute_grace_s": 30,
            "escalate_after_s": 500,
        }
    )


def _apply(
    g: RoutingGroup, op: tuple[Any, ...], now: float, versions: dict[str, int]
) -> list[Outcome]:
    kind = op[0]
    if kind == "status":
        _, agent_id, status, capacity, skills, languages = op
        versions[agent_id] = versions.get(agent_id, 0) + 1
        update = AgentUpdate(
            agent_id, status, capacity, skills, frozenset(languages), version=versions[agent_id]
        )
        return g.agent_status(update, now)
    if kind == "arrive":
        _, tid, category, priority, language, sla = op
        request = TicketRequest(
            tid,
            "g",
            now,
            category,
            language=language,
            priority=priority,
            sla_deadline=None if sla is None else now + sla,
        )
        return g.ticket_arrived(request, now)
    if kind == "close":
        return g.ticket_closed(op[1], now)
    if kind == "start":
        return g.ticket_started(op[1], now)
    if kind == "reopen":
        return g.ticket_reopened(op[1], now)
    if kind == "reassign":
        return g.ticket_reassigned(op[1], op[2], now)
    if kind == "capacity":
        return g.capacity_changed(op[1], op[2], now)
    return g.tick(now)


def _run(
    policy: str,
    backlog: int | None,
    ops: list[tuple[Any, ...]],
    restore_at: int | None = None,
    order: bool = False,
) -> tuple[list[Outcome], RoutingGroup]:
    g = RoutingGroup("g", _config(policy, backlog, order))
    versions: dict[str, int] = {}
    now = 0.0
    out: list[Outcome] = []
    for index, op in enumerate(ops):
        if restore_at == index:
            g = RoutingGroup.restore("g", g.config, g.export_entities())
        now += op[1] if op[0] == "tick" else 1.0
        out.extend(_apply(g, op, now, versions))
    return out, g


def _allowed(g: RoutingGroup, a: Assigned) -> bool:
    """Whether the assigned agent meets what the assignment's step requires."""
    agent = g.agents()[a.agent_id]
    record = g.assignments.get(a.ticket_id, None)
    request = record.request if record is not None else None
    if request is None or not g.rules.skill_based or a.step in ("any_agent", "reopen_previous"):
        return True
    if request.language not in agent.languages:
        return False
    if request.category is None:
        return True
    level = agent.skills.get(request.category, 0)
    if a.step == "strict":
        return level >= Proficiency.INTERMEDIATE.level
    if a.step == "lower_proficiency":
        return level >= 1
    if a.step == "adjacent_skills":
        return level >= 1 or any(
            agent.skills.get(o, 0) for o in g.config.adjacent_skills.get(request.category, ())
        )
    return False


def _check_invariants(g: RoutingGroup, new: list[Outcome]) -> None:
    pending = set(g.queue.tickets)
    assigned = {t for t, r in g.assignments.items() if r.state == "assigned"}
    assert not pending & set(g.assignments), "a ticket is both pending and assigned/closed"
    for agent in g.agents().values():
        holds = {t for t in assigned if g.assignments[t].agent_id == agent.agent_id}
        assert set(agent.open) == holds, "queue depth differs from open assignments"
    got: dict[str, int] = {}
    for outcome in new:
        if isinstance(outcome, Assigned) and g.ticket_state(outcome.ticket_id) == "assigned":
            agent = g.agents()[outcome.agent_id]
            got[agent.agent_id] = got.get(agent.agent_id, 0) + 1
            if g.assignment_of(outcome.ticket_id) == outcome.agent_id:
                assert agent.status is AgentStatus.ONLINE, "assigned to an agent not online"
                assert _allowed(g, outcome), f"skill rule broken at step {outcome.step}"
    for agent_id in got:
        agent = g.agents()[agent_id]
        assert agent.depth <= max(agent.capacity, 0) or agent.depth == 0, "over capacity"
    keys = [t.key for t in g.pending()]
    assert keys == sorted(keys)
    # work-conserving: no agent with room may take a waiting ticket
    for agent in g.agents().values():
        if not g.book.has_room(agent):
            continue
        for ticket in g.queue.tickets.values():
            _, candidate = g.rules.check(agent, g._needs(ticket), fair=False)
            assert candidate is None, f"{agent.agent_id} could take waiting {ticket.ticket_id}"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    policy=policies,
    backlog=st.sampled_from([None, 1, 2]),
    order=st.booleans(),
    ops=sequences,
)
def test_invariants_hold_after_every_event(
    policy: str, backlog: int | None, order: bool, ops: list[tuple[Any, ...]]
) -> None:
    g = RoutingGroup("g", _config(policy, backlog, order))
    versions: dict[str, int] = {}
    now = 0.0
    for op in ops:
        now += op[1] if op[0] == "tick" else 1.0
        new = _apply(g, op, now, versions)
        _check_invariants(g, new)


@settings(max_examples=100, deadline=None)
@given(
    policy=policies,
    backlog=st.sampled_from([None, 1]),
    order=st.booleans(),
    ops=sequences,
    data=st.data(),
)
def test_replay_and_restore_give_identical_decisions(
    policy: str,
    backlog: int | None,
    order: bool,
    ops: list[tuple[Any, ...]],
    data: st.DataObject,
) -> None:
    first, g1 = _run(policy, backlog, ops, order=order)
    second, _ = _run(policy, backlog, ops, order=order)
    assert first == second
    restore_at = data.draw(st.integers(0, len(ops) - 1))
    third, g3 = _run(policy, backlog, ops, restore_at, order)
    assert [type(o).__name__ for o in third] == [type(o).__name__ for o in first]
    assert [getattr(o, "agent_id", None) for o in third] == [
        getattr(o, "agent_id", None) for o in first
    ]
    assert g3.export_entities() == g1.export_entities()


def _decisions(outcomes: list[Outcome]) -> list[tuple[str, str | None, str | None]]:
    return [
        (type(o).__name__, getattr(o, "ticket_id", None), getattr(o, "agent_id", None))
        for o in outcomes
    ]


@settings(max_examples=150, deadline=None)
@given(
    policy=st.sampled_from(["skills", "balanced"]),
    backlog=st.sampled_from([None, 2]),
    ops=sequences,
)
def test_rank_index_chooses_like_a_full_scan(
    policy: str, backlog: int | None, ops: list[tuple[Any, ...]]
) -> None:
    indexed = RoutingGroup("g", _config(policy, backlog))
    scanned = RoutingGroup("g", _config(policy, backlog))
    scanned.ranking = None
    scanned.book.on_change = None
    versions_a: dict[str, int] = {}
    versions_b: dict[str, int] = {}
    now = 0.0
    for op in ops:
        now += op[1] if op[0] == "tick" else 1.0
        a = _apply(indexed, op, now, versions_a)
        b = _apply(scanned, op, now, versions_b)
        assert _decisions(a) == _decisions(b)
