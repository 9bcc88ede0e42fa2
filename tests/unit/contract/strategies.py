"""Hypothesis strategies producing valid events of every type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from models import (
    AgentStatus,
    AgentStatusChanged,
    Channel,
    Customer,
    CustomerReplied,
    CustomerTier,
    DeadLetter,
    Explanation,
    HelpdeskPriority,
    PriorityChanged,
    Proficiency,
    Reassigned,
    Reopened,
    Resolution,
    RouterEvent,
    RouterEventKind,
    RouterTick,
    SkillConfidence,
    SlaPolicy,
    TicketAssigned,
    TicketClosed,
    TicketCreated,
    TicketTriaged,
    TicketUpdated,
    TierChanged,
    TriageDetails,
    TriageSummary,
    assignment_id,
)

__all__ = ["any_event", "events_by_type"]

tenants = st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,40}\Z")
ids = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)
skills = st.from_regex(r"\A[a-z0-9][a-z0-9_.-]{0,20}\Z")
languages = st.sampled_from(["en", "de", "fr", "pt-BR", "es", "ja", "zh-Hant"])
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: UTC if minutes == 0 else _tz(minutes)
)
instants = st.builds(
    lambda seconds, micros, tz: (
        datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=micros)
    ).astimezone(tz),
    st.integers(min_value=0, max_value=20 * 365 * 86_400),
    st.integers(min_value=0, max_value=999_999),
    offsets,
)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)


def _tz(minutes: int) -> object:
    from datetime import timezone

    return timezone(timedelta(minutes=minutes))


def _envelope() -> dict[str, object]:
    return {"tenant": tenants, "occurred_at": instants, "event_id": ids}


customers = st.builds(
    Customer, id=ids, tier=st.sampled_from(CustomerTier), language=st.none() | languages
)
slas = st.none() | st.builds(
    SlaPolicy,
    name=ids,
    first_response_seconds=st.none() | st.integers(1, 10**7),
    due_at=st.none() | instants,
)
created = st.builds(
    TicketCreated,
    ticket_id=ids,
    channel=st.sampled_from(Channel),
    subject=texts,
    body=texts,
    customer=customers,
    sla=slas,
    helpdesk_priority=st.sampled_from(HelpdeskPriority),
    tags=st.lists(ids, max_size=5).map(tuple),
    created_at=instants,
    **_envelope(),
)
changes = st.one_of(
    st.just(Reopened()),
    st.builds(Reassigned, agent_id=ids, by=st.none() | ids),
    st.builds(PriorityChanged, helpdesk_priority=st.sampled_from(HelpdeskPriority)),
    st.builds(TierChanged, tier=st.sampled_from(CustomerTier)),
    st.just(CustomerReplied()),
)
updated = st.builds(TicketUpdated, ticket_id=ids, change=changes, **_envelope())
closed = st.builds(
    TicketClosed,
    ticket_id=ids,
    resolved_by=st.none() | ids,
    resolution=st.sampled_from(Resolution),
    closed_at=instants,
    final_category=st.none() | skills,
    **_envelope(),
)
agents = st.builds(
    AgentStatusChanged,
    agent_id=ids,
    status=st.sampled_from(AgentStatus),
    capacity=st.integers(0, 1000),
    skills=st.dictionaries(skills, st.sampled_from(Proficiency), max_size=6),
    languages=st.lists(languages, max_size=3).map(tuple),
    automated=st.booleans(),
    version=st.integers(0, 2**62),
    **_envelope(),
)
details = st.builds(
    TriageDetails,
    category=st.none() | skills,
    confidence=unit,
    uncertain=st.booleans(),
    skills=st.lists(st.builds(SkillConfidence, skill=skills, confidence=unit), max_size=4).map(
        tuple
    ),
    urgency=st.floats(min_value=0.0, max_value=10.0),
    sentiment=finite,
    language=languages,
    priority=st.integers(1, 4),
    priority_points=finite,
    priority_components=st.dictionaries(skills, finite, max_size=4),
    effort=st.floats(min_value=0.01, max_value=100.0),
    model_version=st.integers(0, 1000),
)
triaged = created.flatmap(
    lambda ticket: st.builds(
        TicketTriaged,
        tenant=st.just(ticket.tenant),
        occurred_at=instants,
        event_id=ids,
        ticket=st.just(ticket),
        triage=details,
    )
)
ticks = st.builds(RouterTick, tick_at=instants, **_envelope())
assigned = st.builds(
    lambda tenant, ticket, agent, attempt, **kw: TicketAssigned(
        tenant=tenant,
        ticket_id=ticket,
        agent_id=agent,
        attempt=attempt,
        assignment_id=assignment_id(tenant, ticket, agent, attempt),
        **kw,
    ),
    tenants,
    ids,
    ids,
    st.integers(1, 50),
    occurred_at=instants,
    event_id=ids,
    policy=st.sampled_from(["round_robin", "least_loaded", "skills", "balanced"]),
    step=st.sampled_from(["strict", "any_language", "any_skill"]),
    explanation=st.builds(
        Explanation,
        candidates=st.lists(ids, max_size=4).map(tuple),
        excluded=st.dictionaries(ids, st.sampled_from(["capacity", "offline"]), max_size=3),
        score=st.dictionaries(skills, finite, max_size=3),
    ),
    triage=st.none() | details.map(TriageSummary.of),
    waited_ms=st.integers(0, 10**9),
)
json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | finite | texts
router_events = st.builds(
    RouterEvent,
    kind=st.sampled_from(RouterEventKind),
    ticket_id=st.none() | ids,
    agent_id=st.none() | ids,
    reason=st.none() | st.text(max_size=100),
    details=st.dictionaries(skills, json_scalars | st.lists(json_scalars, max_size=3), max_size=4),
    **_envelope(),
)
dead_letters = st.builds(
    lambda value, key, partition, offset, when, error: DeadLetter.for_message(
        value=value,
        key=key,
        topic="ticket-created",
        partition=partition,
        offset=offset,
        error=error,
        occurred_at=when,
    ),
    st.binary(max_size=2000),
    st.none() | st.binary(max_size=40),
    st.integers(0, 1000),
    st.integers(0, 2**62),
    instants,
    st.text(max_size=200),
)

events_by_type = {
    "ticket-created": created,
    "ticket-updated": updated,
    "ticket-closed": closed,
    "agent-status": agents,
    "ticket-triaged": triaged,
    "router-tick": ticks,
    "ticket-assigned": assigned,
    "router-event": router_events,
    "dead-letter": dead_letters,
}
any_event = st.one_of(*events_by_type.values())
