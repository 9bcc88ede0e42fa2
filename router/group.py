"""A routing group (tenant): agents, pending queue, assignments, and every operation.

Each operation takes the clock as ``now`` (epoch seconds) and returns the outcomes it
produced, in order. Nothing reads wall time or a random generator, so the same events
give the same decisions. State changes are tracked per entity for
:meth:`RoutingGroup.drain_changes` (see :mod:`router.persistence`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import replace
from itertools import islice
from typing import Any

from models.enums import AgentStatus, HelpdeskPriority
from models.ids import assignment_id
from router.agents import AgentBook, AgentState
from router.config import GroupConfig
from router.explain import MAX_LISTED, Explanation
from router.fairness import FairnessWindow, explores
from router.outcomes import (
    Assigned,
    Escalated,
    Ignored,
    Outcome,
    Queued,
    Rejected,
    Relaxed,
    Rerouted,
    SlaWarning,
)
from router.pending import PendingQueue, PendingTicket
from router.policies import Balanced, Candidate, Context, Needs, Rules, Skills, policy_for
from router.policies.base import FIT_GENERALIST, FIT_SKILL
from router.ranking import RankIndex
from router.registry import Assignment
from router.relaxation import Ladder
from router.requests import AgentUpdate, TicketRequest
from router.timers import TimerHeap
from router.velocity import VelocityBook

__all__ = ["MAX_PENDING", "RoutingGroup"]

MAX_PENDING = 200_000
"""A group refuses new tickets (``Rejected``) beyond this many waiting."""
PULL_SCAN = 64
"""A freed agent looks this far into each bucket for a ticket it may take."""
_HELPDESK_PRIORITY = {
    HelpdeskPriority.URGENT: 1,
    HelpdeskPriority.HIGH: 2,
    HelpdeskPriority.NORMAL: 3,
    HelpdeskPriority.LOW: 4,
}


class RoutingGroup:
    """The decision core of one routing group."""

    def __init__(self, group_id: str, config: GroupConfig | None = None) -> None:
        self.group_id = group_id
        self.config = config or GroupConfig()
        self.book = AgentBook(self.config.max_backlog)
        self.queue = PendingQueue()
        self.assignments: dict[str, Assignment] = {}
        self.velocity_book = VelocityBook(self.config.velocity, team=self.config.shortest_first)
        self.fairness = FairnessWindow(self.config.fairness)
        self.ladder = Ladder(self.config)
        self.rules = Rules(self.config, self.book, self.fairness)
        self.policy = policy_for(self.config, self.velocity_book)
        self.ranking: RankIndex | None = None
        if isinstance(self.policy, Balanced | Skills):
            self.ranking = _rank_index(self.policy, self.config.require_language)
            self.book.on_change = self._ranked
        self.timers = TimerHeap()
        self.cursor: str | None = None
        self.customers: dict[str, tuple[str, float]] = {}
        self._customer_times: deque[tuple[float, str]] = deque()
        self.dirty: dict[str, dict[str, None]] = {
            k: {} for k in ("agents", "assignments", "pending", "velocity", "meta")
        }

    # ---------------------------------------------------------------- queries

    def agents(self) -> Mapping[str, AgentState]:
        """Every known agent by id."""
        return self.book.agents

    def queue_depth(self, agent_id: str) -> int:
        """Open tickets assigned to ``agent_id`` (0 if unknown)."""
        agent = self.book.get(agent_id)
        return agent.depth if agent is not None else 0

    def velocity(self, agent_id: str, category: str | None = None, now: float = 0.0) -> float:
        """Expected handling seconds of ``agent_id`` (for ``category``, if given)."""
        return self.velocity_book.estimate(agent_id, category, now)

    def pending(self) -> list[PendingTicket]:
        """Waiting tickets in queue order."""
        return list(self.queue.ordered())

    def assignment_of(self, ticket_id: str) -> str | None:
        """The agent holding an open ticket, else ``None``."""
        record = self.assignments.get(ticket_id)
        return record.agent_id if record is not None and record.state == "assigned" else None

    def ticket_state(self, ticket_id: str) -> str | None:
        """``pending``, ``assigned``, ``closed`` or ``None`` (unknown)."""
        if ticket_id in self.queue:
            return "pending"
        record = self.assignments.get(ticket_id)
        return None if record is None else record.state

    # ---------------------------------------------------------------- tickets

    def ticket_arrived(self, request: TicketRequest, now: float) -> list[Outcome]:
        """A triaged ticket: assign it now or queue it."""
        tid = request.ticket_id
        record = self.assignments.get(tid)
        if record is not None:
            reason = "already_closed" if record.state == "closed" else "duplicate"
            return [Ignored(tid, None, reason)]
        if tid in self.queue:
            return [Ignored(tid, None, "duplicate")]
        if len(self.queue) >= MAX_PENDING:
            return [Rejected(tid, f"the pending queue is full ({MAX_PENDING} tickets)")]
        ticket = PendingTicket(request, queued_at=now)
        ticket.held = self.ladder.holds(ticket)
        return self._route(ticket, now)

    def ticket_started(self, ticket_id: str, now: float) -> list[Outcome]:
        """The agent started work (a started ticket is never re-routed)."""
        record = self.assignments.get(ticket_id)
        if record is None or record.state != "assigned":
            return [Ignored(ticket_id, None, "not_assigned")]
        if record.started_at is None:
            record.started_at = now
            self._touch("assignments", ticket_id)
        return []

    def ticket_closed(
        self,
        ticket_id: str,
        now: float,
        *,
        resolved_by: str | None = None,
        final_category: str | None = None,
    ) -> list[Outcome]:
        """Close: free the agent, learn its velocity, let it pull the next ticket."""
        record = self.assignments.get(ticket_id)
        if record is None:
            waiting = self.queue.get(ticket_id)
            self._forget_pending(ticket_id)
            request = waiting.request if waiting is not None else None
            attempt = waiting.attempt if waiting is not None else 0
            self._record_closed(Assignment(ticket_id, None, None, "none", attempt, request), now)
            return (
                [] if waiting is not None else [Ignored(ticket_id, None, "closed_before_created")]
            )
        if record.state == "closed":
            return [Ignored(ticket_id, record.agent_id, "duplicate")]
        holder = self.book.get(record.agent_id) if record.agent_id else None
        if holder is not None and record.assigned_at is not None:
            start = record.started_at if record.started_at is not None else record.assigned_at
            learner = resolved_by if resolved_by in self.book.agents else holder.agent_id
            category = final_category or (record.request.category if record.request else None)
            self.velocity_book.observe(learner, category, now - start, now)
            self._touch("velocity", learner)
            if self.config.shortest_first:  # stored only where it orders the queue
                self._touch("meta", "team_velocity")
            if learner != holder.agent_id:
                self.book.refresh(self.book.agents[learner])  # re-rank with its new speed
        agent = self._release(record, now)
        self._record_closed(record, now)
        return self._fill(agent, now) if agent is not None else []

    def ticket_reopened(self, ticket_id: str, now: float) -> list[Outcome]:
        """Reopen: back to the previous agent if they can take it within the window."""
        record = self.assignments.get(ticket_id)
        if record is None or record.request is None:
            return [Ignored(ticket_id, None, "unknown_ticket")]
        if record.state != "closed":
            return [Ignored(ticket_id, record.agent_id, "not_closed")]
        del self.assignments[ticket_id]
        self.timers.forget("c:" + ticket_id)
        self._touch("assignments", ticket_id)
        ticket = PendingTicket(
            record.request,
            queued_at=now,
            attempt=record.attempt + 1,
            previous_agent_id=record.agent_id,
        )
        previous = self.book.get(record.agent_id) if record.agent_id else None
        closed_at = record.closed_at if record.closed_at is not None else now
        if (
            previous is not None
            and now - closed_at <= self.config.reopen_window_s
            and self.book.room_reason(previous) is None
        ):
            explanation = Explanation(
                policy=self.policy.name,
                step="reopen_previous",
                candidates=(previous.agent_id,),
                reasons=("reopened: back to the agent who closed it",),
                considered=1,
            )
            return [self._assign(ticket, Candidate(previous, 1.0, 0, "reopen"), now, explanation)]
        return self._route(ticket, now)

    def ticket_reassigned(self, ticket_id: str, agent_id: str, now: float) -> list[Outcome]:
        """A human moved the ticket to ``agent_id``: record it, move the depth."""
        record = self.assignments.get(ticket_id)
        waiting = self.queue.get(ticket_id)
        if waiting is None and (record is None or record.request is None):
            return [Ignored(ticket_id, agent_id, "unknown_ticket")]
        if record is not None and record.state == "closed":
            return [Ignored(ticket_id, agent_id, "already_closed")]
        target = self.book.get(agent_id) or self.book.placeholder(agent_id)
        self._touch("agents", agent_id)
        if waiting is not None:
            self._forget_pending(ticket_id)
            new = Assignment(ticket_id, agent_id, now, "manual", waiting.attempt, waiting.request)
            self._hold(target, new, now)
            return [Rerouted(ticket_id, None, "manual", to_agent_id=agent_id)]
        assert record is not None
        if record.agent_id == agent_id:
            return [Ignored(ticket_id, agent_id, "no_change")]
        source = self._release(record, now)
        record.agent_id, record.assigned_at, record.step = agent_id, now, "manual"
        record.attempt += 1
        record.reassignments += 1
        record.started_at = None
        self._hold(target, record, now)
        out: list[Outcome] = [
            Rerouted(ticket_id, source.agent_id if source else None, "manual", agent_id)
        ]
        if source is not None:
            out.extend(self._fill(source, now))
        return out

    def ticket_priority_changed(self, ticket_id: str, change: Any, now: float) -> list[Outcome]:
        """The helpdesk changed the priority: a waiting ticket moves in the queue."""
        ticket = self.queue.get(ticket_id)
        if ticket is None:
            return [Ignored(ticket_id, None, "not_pending")]
        if not ticket.escalated:
            ticket.priority = _HELPDESK_PRIORITY[HelpdeskPriority(change.helpdesk_priority)]
        return self._retry(ticket, now)

    def ticket_tier_changed(self, ticket_id: str, change: Any, now: float) -> list[Outcome]:
        """The customer's tier changed: a waiting ticket may now be held for an expert."""
        ticket = self.queue.get(ticket_id)
        if ticket is None:
            return [Ignored(ticket_id, None, "not_pending")]
        ticket.request = replace(ticket.request, tier=change.tier)
        ticket.held = self.ladder.holds(ticket) and now < self.ladder.hold_ends(ticket)
        return self._retry(ticket, now)

    def ticket_customer_replied(self, ticket_id: str, change: Any, now: float) -> list[Outcome]:
        """A customer reply does not change routing."""
        return [Ignored(ticket_id, None, "no_routing_effect")]

    # ----------------------------------------------------------------- agents

    def agent_status(self, update: AgentUpdate, now: float) -> list[Outcome]:
        """An agent's state (latest version wins); coming online pulls pending work."""
        agent = self.book.get(update.agent_id)
        was = None
        if agent is not None:
            if update.version < agent.version:
                return [Ignored(None, update.agent_id, "stale_agent_status")]
            if update.version == agent.version and _same(agent, update):
                return [Ignored(None, update.agent_id, "duplicate")]
            was = agent.status
            agent.mark(now)
        agent = self.book.apply(update)
        agent.mark(now)
        self._touch("agents", agent.agent_id)
        out: list[Outcome] = []
        if update.status is AgentStatus.OFFLINE:
            if was is not AgentStatus.OFFLINE:
                grace = self.config.offline_reroute_grace_s
                if grace is not None:
                    if grace <= 0:
                        out.extend(self._reroute_from(agent, now))
                    else:
                        agent.reroute_at = now + grace
                        self.timers.add(agent.reroute_at, "offline", "a:" + agent.agent_id)
        else:
            agent.reroute_at = None
        out.extend(self._fill(agent, now))
        return out

    def capacity_changed(self, agent_id: str, capacity: int, now: float) -> list[Outcome]:
        """New capacity (no preemption when it drops below the open tickets)."""
        agent = self.book.get(agent_id)
        if agent is None:
            return [Ignored(None, agent_id, "unknown_agent")]
        agent.mark(now)
        agent.capacity = max(0, capacity)
        self.book.refresh(agent)
        self._touch("agents", agent_id)
        return self._fill(agent, now)

    # ------------------------------------------------------------------- time

    def tick(self, now: float) -> list[Outcome]:
        """Relaxation, expert holds, SLA warnings, escalation, offline re-routes, pruning."""
        out: list[Outcome] = []
        for _, kind, subject in self.timers.due(now):
            key = subject[2:]
            if kind == "offline":
                agent = self.book.get(key)
                if (
                    agent is not None
                    and agent.status is AgentStatus.OFFLINE
                    and agent.reroute_at is not None
                    and agent.reroute_at <= now
                ):
                    agent.reroute_at = None
                    self._touch("agents", key)
                    out.extend(self._reroute_from(agent, now))
            elif kind == "prune":
                record = self.assignments.get(key)
                if record is not None and record.state == "closed":
                    del self.assignments[key]
                    self._touch("assignments", key)
            else:
                ticket = self.queue.get(key)
                if ticket is not None:
                    out.extend(self._timed(kind, ticket, now))
        if self.fairness.prune(now):
            self._touch("meta", "fairness")
        self._prune_customers(now)
        self.timers.compact()
        if self.ranking is not None:
            self.ranking.compact(len(self.book))
        return out

    def _timed(self, kind: str, ticket: PendingTicket, now: float) -> list[Outcome]:
        tid = ticket.ticket_id
        before = self._needs(ticket)
        out: list[Outcome] = []
        if kind == "hold":
            ticket.held = False
            out.append(Relaxed(tid, "expert_hold_ended", "no expert took it in time"))
        elif kind == "relax":
            while (due := self.ladder.next_due(ticket)) is not None and due <= now:
                ticket.step += 1
                name = self.ladder.at(ticket.step).name
                out.append(Relaxed(tid, name, f"waited {now - ticket.queued_at:.0f}s"))
        elif kind == "warn" and not ticket.warned:
            ticket.warned = True
            deadline = ticket.request.sla_deadline or now
            out.append(SlaWarning(tid, "sla_near", deadline, deadline - now, breached=False))
            self._touch("pending", tid)
            return out
        elif kind == "breach" and not ticket.breached:
            ticket.breached = True
            deadline = ticket.request.sla_deadline or now
            out.append(SlaWarning(tid, "sla_breached", deadline, deadline - now, breached=True))
            if not ticket.escalated:
                out.extend(self._escalate(ticket, "SLA breached while waiting"))
        elif kind == "escalate" and not ticket.escalated:
            out.extend(self._escalate(ticket, f"waited {now - ticket.queued_at:.0f}s"))
        else:
            return out
        if self._needs(ticket) == before:
            # nobody with room could take it before (the queue is work-conserving) and
            # its needs did not change: re-file it (its priority may have) and move on
            self._enqueue(ticket, now)
        else:
            out.extend(self._retry(ticket, now))
        return out

    def _escalate(self, ticket: PendingTicket, reason: str) -> list[Outcome]:
        ticket.escalated = True
        ticket.held = False
        ticket.priority = 1
        return [Escalated(ticket.ticket_id, reason)]

    # ------------------------------------------------------------- decisions

    def _needs(self, ticket: PendingTicket) -> Needs:
        held = ticket.held
        request = ticket.request
        cached = ticket.needs_cache
        if (
            cached is not None
            and cached[0] == ticket.step
            and cached[1] == held
            and cached[2] is request
        ):
            needs: Needs = cached[3]
            return needs
        rules = self.ladder.at(ticket.step)
        needs = Needs(
            category=request.category,
            language=request.language,
            min_level=self.ladder.required_level(ticket),
            held=held,
            adjacent=rules.adjacent and not held,
            any_agent=rules.any_agent and not held,
            high_effort=request.effort >= self.config.fairness.high_effort,
            step="expert_hold" if held else rules.name,
        )
        ticket.needs_cache = (ticket.step, held, request, needs)
        return needs

    def _route(self, ticket: PendingTicket, now: float) -> list[Outcome]:
        """Assign ``ticket`` now if anyone can take it, else queue it."""
        assigned = self._try_assign(ticket, now)
        if isinstance(assigned, Assigned):
            return [assigned]
        self._enqueue(ticket, now)
        return [Queued(ticket.ticket_id, _queue_reason(assigned), assigned)]

    def _retry(self, ticket: PendingTicket, now: float) -> list[Outcome]:
        """After a waiting ticket's needs changed: assign it, or re-file it."""
        assigned = self._try_assign(ticket, now)
        if isinstance(assigned, Assigned):
            return [assigned]
        self._enqueue(ticket, now)
        return []

    def _try_assign(self, ticket: PendingTicket, now: float) -> Assigned | Explanation:
        needs = self._needs(ticket)
        automated = self._automated(ticket, needs, now)
        if automated is not None:
            return automated
        sticky = self._sticky(ticket, needs, now)
        if sticky is not None:
            return sticky
        return self._select(ticket, needs, now)

    def _ranked(self, agent: AgentState, room: bool) -> None:
        assert self.ranking is not None
        self.ranking.update(agent, room, agent.marked_at or 0.0)

    def _select(self, ticket: PendingTicket, needs: Needs, now: float) -> Assigned | Explanation:
        exploring = explores(self.group_id, ticket.ticket_id, self.config.fairness.exploration_rate)
        if (
            self.ranking is not None
            and not needs.adjacent
            and not needs.any_agent
            and not (exploring and self.config.policy == "balanced")
        ):
            return self._select_ranked(ticket, needs, now)
        return self._select_scan(ticket, needs, now, exploring=exploring)

    def _select_ranked(
        self, ticket: PendingTicket, needs: Needs, now: float
    ) -> Assigned | Explanation:
        """The winner from the rank index (no scan); same choice as the scan."""
        assert self.ranking is not None
        book = self.book
        fairness = self.fairness

        def accept(agent_id: str) -> bool:
            return not (needs.high_effort and fairness.over_cap(agent_id))

        level = needs.min_level if needs.category is not None else 0
        winner, runners, rejected = self.ranking.best(needs.category, needs.language, level, accept)
        reasons: list[str] = []
        if winner is None and rejected:
            winner = rejected.pop(0)
            reasons.append("fairness cap waived: every eligible agent is at its high-effort share")
            rejected = []
        pool = (
            book.available
            if needs.category is None
            else book.available_by_skill.get(needs.category, {})
        )
        excluded = dict.fromkeys(rejected[:MAX_LISTED], "fairness_cap")
        examined = 0
        for agent_id in pool:  # agents with room the rules exclude (the first few only)
            if examined >= 2 * MAX_LISTED or len(excluded) >= MAX_LISTED:
                break
            if agent_id != winner and agent_id not in excluded:
                examined += 1
                why, _ = self.rules.check(book.agents[agent_id], needs)
                if why is not None:
                    excluded[agent_id] = why
        self._unavailable(needs, pool, excluded)
        if winner is None:
            return Explanation(
                policy=self.policy.name,
                step=needs.step,
                excluded=excluded,
                reasons=(_no_agent_reason(needs, len(book)),),
                considered=len(pool),
                excluded_count=len(excluded),
            )
        agent = book.agents[winner]
        _, candidate = self.rules.check(agent, needs, fair=False)
        if candidate is None:  # the index and the rules disagree: never expected
            return self._select_scan(ticket, needs, now, exploring=False)
        ctx = Context(
            now,
            needs.category,
            self.velocity_book,
            self.config.fairness.utilisation_band,
            self.cursor,
        )
        score = self.policy.components(candidate, ctx)  # type: ignore[attr-defined]
        reasons.insert(0, _win_reason(self.policy.name, candidate, needs))
        explanation = Explanation(
            policy=self.policy.name,
            step=needs.step,
            candidates=(winner, *runners),
            excluded=excluded,
            score=score,
            reasons=tuple(reasons),
            considered=len(pool),
            excluded_count=len(rejected),
        )
        return self._assign(ticket, candidate, now, explanation)

    def _unavailable(
        self, needs: Needs, pool: Mapping[str, None], excluded: dict[str, str]
    ) -> None:
        """List (up to the limit) agents with the skill who cannot take tickets now."""
        if needs.category is None or not self.rules.skill_based:
            return
        book = self.book
        for seen, agent_id in enumerate(book.by_skill.get(needs.category, {})):
            if len(excluded) >= MAX_LISTED or seen >= 3 * MAX_LISTED:
                break
            if agent_id not in pool:
                why = book.room_reason(book.agents[agent_id])
                if why is not None:
                    excluded[agent_id] = why

    def _select_scan(
        self, ticket: PendingTicket, needs: Needs, now: float, *, exploring: bool
    ) -> Assigned | Explanation:
        """Rank every agent with room (baselines, relaxed steps, exploration)."""
        book = self.book
        pool: Mapping[str, None]
        if not self.rules.skill_based or needs.any_agent or needs.category is None:
            pool = book.available
        else:
            pool = book.available_by_skill.get(needs.category, {})
            if needs.adjacent:
                merged = dict(pool)
                for other in self.config.adjacent_skills.get(needs.category, ()):
                    merged.update(book.available_by_skill.get(other, {}))
                pool = merged
        eligible: list[Candidate] = []
        excluded: dict[str, str] = {}
        excluded_count = 0
        for agent_id in pool:
            reason, candidate = self.rules.check(book.agents[agent_id], needs)
            if candidate is not None:
                eligible.append(candidate)
            else:
                excluded_count += 1
                if len(excluded) < MAX_LISTED and reason is not None:
                    excluded[agent_id] = reason
        self._unavailable(needs, pool, excluded)
        if not eligible and "fairness_cap" in excluded.values():
            for agent_id in pool:
                _, candidate = self.rules.check(book.agents[agent_id], needs, fair=False)
                if candidate is not None:
                    eligible.append(candidate)
            waived = "fairness cap waived: every eligible agent is at its high-effort share"
            excluded = {k: v for k, v in excluded.items() if v != "fairness_cap"}
            excluded_count -= len(eligible)
        else:
            waived = ""
        if not eligible:
            return Explanation(
                policy=self.policy.name,
                step=needs.step,
                excluded=excluded,
                reasons=(_no_agent_reason(needs, len(book)),),
                considered=len(pool),
                excluded_count=excluded_count,
            )
        ctx = Context(
            now,
            needs.category,
            self.velocity_book,
            self.config.fairness.utilisation_band,
            self.cursor,
        )
        reasons: list[str] = [waived] if waived else []
        if len(eligible) > 1 and self.config.policy == "balanced" and exploring:
            low = min(c.fit for c in eligible)
            if low < max(c.fit for c in eligible):
                eligible = [c for c in eligible if c.fit == low]
                reasons.append("exploration: a less practised agent builds the skill")
        winner, score = self.policy.best(eligible, ctx)
        ranked = sorted(eligible, key=lambda c: (-c.fit, c.agent.load, c.agent.agent_id))
        names = [winner.agent.agent_id] + [
            c.agent.agent_id for c in ranked[:MAX_LISTED] if c is not winner
        ]
        reasons.insert(0, _win_reason(self.policy.name, winner, needs))
        explanation = Explanation(
            policy=self.policy.name,
            step=needs.step,
            candidates=tuple(names[:MAX_LISTED]),
            excluded=excluded,
            score=score,
            reasons=tuple(reasons),
            considered=len(pool),
            excluded_count=excluded_count,
        )
        return self._assign(ticket, winner, now, explanation)

    def _automated(self, ticket: PendingTicket, needs: Needs, now: float) -> Assigned | None:
        auto = self.config.automation
        request = ticket.request
        if (
            not auto.enabled
            or not self.book.automated
            or ticket.escalated
            or ticket.attempt > 1
            or request.category is None
            or request.category not in auto.categories
            or request.confidence < auto.min_confidence
            or request.urgency > auto.max_urgency
            or ticket.priority <= auto.max_priority
        ):
            return None
        best: AgentState | None = None
        for agent_id in self.book.automated:
            agent = self.book.agents[agent_id]
            if self.book.room_reason(agent) is not None:
                continue
            if agent.skills and request.category not in agent.skills:
                continue
            if best is None or (agent.load, agent.agent_id) < (best.load, best.agent_id):
                best = agent
        if best is None:
            return None
        explanation = Explanation(
            policy=self.policy.name,
            step="automated",
            candidates=(best.agent_id,),
            score={"confidence": request.confidence, "urgency": request.urgency},
            reasons=(
                f"routine {request.category} ticket with confident triage: automated resolver",
            ),
            considered=len(self.book.automated),
        )
        return self._assign(ticket, Candidate(best, 1.0, 0, "automated"), now, explanation)

    def _sticky(self, ticket: PendingTicket, needs: Needs, now: float) -> Assigned | None:
        customer = ticket.request.customer_id
        if customer is None or self.config.sticky_window_s <= 0:
            return None
        last = self.customers.get(customer)
        if last is None or now - last[1] > self.config.sticky_window_s:
            return None
        agent = self.book.get(last[0])
        if agent is None or agent.load >= self.config.sticky_max_load:
            return None
        _, candidate = self.rules.check(agent, needs)
        if candidate is None:
            return None
        lead = self._lead_over_choice(agent, needs)
        if lead > self.config.sticky_max_lead:
            return None
        explanation = Explanation(
            policy=self.policy.name,
            step=needs.step,
            candidates=(agent.agent_id,),
            score={"skill_fit": candidate.fit, "open_tickets_over_choice": lead},
            reasons=("sticky: the customer's agent from earlier today can take it",),
            considered=1,
        )
        return self._assign(ticket, candidate, now, explanation)

    def _lead_over_choice(self, agent: AgentState, needs: Needs) -> int:
        """Open tickets ``agent`` holds beyond the agent the policy would otherwise pick.

        With a rank index (skills, balanced) that is its winner; the scanning policies
        compare with the least-loaded agent who could take the ticket. 0 or less: the
        customer's agent is no busier.
        """
        mine = len(agent.open)
        book = self.book
        if self.ranking is not None and not needs.adjacent and not needs.any_agent:
            level = needs.min_level if needs.category is not None else 0
            winner, _, _ = self.ranking.best(needs.category, needs.language, level, _anyone)
            return 0 if winner is None else mine - len(book.agents[winner].open)
        if not self.rules.skill_based or needs.any_agent or needs.category is None:
            pool: Mapping[str, None] = book.available
        else:
            pool = book.available_by_skill.get(needs.category, {})
        fewest = mine
        for agent_id in pool:
            other = book.agents[agent_id]
            if len(other.open) < fewest and self.rules.check(other, needs)[1] is not None:
                fewest = len(other.open)
        return mine - fewest

    def _fill(self, agent: AgentState, now: float) -> list[Outcome]:
        """Let ``agent`` pull the best waiting tickets it may take while it has room."""
        out: list[Outcome] = []
        if agent.automated:
            return out
        while len(self.queue) and self.book.has_room(agent):
            found = self._best_for(agent)
            if found is None:
                break
            ticket, candidate, needs = found
            explanation = Explanation(
                policy=self.policy.name,
                step=needs.step,
                candidates=(agent.agent_id,),
                score={"skill_fit": candidate.fit, "waited_s": now - ticket.queued_at},
                reasons=(
                    f"pulled: {agent.agent_id} freed up and this is the first waiting ticket "
                    "it may take (priority, then SLA deadline, then arrival)",
                ),
                considered=1,
            )
            out.append(self._assign(ticket, candidate, now, explanation))
        return out

    def _best_for(self, agent: AgentState) -> tuple[PendingTicket, Candidate, Needs] | None:
        """The waiting ticket ``agent`` should take next.

        Order: priority class, then work in the agent's own skills (or unplaced
        tickets) before adjacent-skill work before anything else, then SLA deadline,
        arrival and id. So a freed agent never takes an out-of-skill ticket while one it
        is skilled for waits in the same priority class. With ``in_skill_first``,
        out-of-skill work (other than priority 1) ranks after every priority class of
        the agent's own. The fairness cap is waived when it is the only thing stopping
        the agent.
        """
        best: tuple[PendingTicket, Candidate, Needs] | None = None
        capped: tuple[PendingTicket, Candidate, Needs] | None = None
        best_rank: tuple[Any, ...] | None = None
        capped_rank: tuple[Any, ...] | None = None
        tickets = self.queue.tickets
        skill_based = self.rules.skill_based
        own_first = skill_based and self.config.in_skill_first
        for bucket in self.rules.agent_buckets(agent):
            for key in islice(self.queue.bucket(bucket), PULL_SCAN):
                if best_rank is not None and best_rank[0] == 0 and key[0] > best_rank[1]:
                    break  # a lower priority class can never win
                ticket = tickets[key[-1]]
                tier = self._tier(agent, ticket) if skill_based else 0
                later = own_first and tier == 2 and ticket.request.priority > 1
                rank = (int(later), key[0], tier, *key[1:])
                if best_rank is not None and rank >= best_rank:
                    if tier == 0:
                        break
                    continue
                needs = self._needs(ticket)
                reason, candidate = self.rules.check(agent, needs)
                if candidate is not None:
                    best, best_rank = (ticket, candidate, needs), rank
                    if tier == 0:
                        break  # later keys of this bucket rank lower
                elif reason == "fairness_cap" and (capped_rank is None or rank < capped_rank):
                    _, waived = self.rules.check(agent, needs, fair=False)
                    if waived is not None:
                        capped, capped_rank = (ticket, waived, needs), rank
        return best if best is not None else capped

    def _tier(self, agent: AgentState, ticket: PendingTicket) -> int:
        """0: the agent's own skill (or an unplaced ticket), 1: adjacent skill, 2: other."""
        category = ticket.request.category
        if category is None or category in agent.skills:
            return 0
        if self.rules.adjacent_level(agent, category):
            return 1
        return 2

    # ------------------------------------------------------------ bookkeeping

    def _assign(
        self, ticket: PendingTicket, candidate: Candidate, now: float, explanation: Explanation
    ) -> Assigned:
        agent = candidate.agent
        tid = ticket.ticket_id
        self._forget_pending(tid)
        record = Assignment(
            tid, agent.agent_id, now, explanation.step, ticket.attempt, ticket.request
        )
        agent.last_assigned_at = now
        self._hold(agent, record, now)
        if ticket.request.effort >= self.config.fairness.high_effort:
            self.fairness.record(agent.agent_id, now)
            self._touch("meta", "fairness")
        customer = ticket.request.customer_id
        if customer is not None and not agent.automated:
            self.customers[customer] = (agent.agent_id, now)
            self._customer_times.append((now, customer))
            self._touch("meta", "customer:" + customer)
        self.cursor = agent.agent_id
        self._touch("meta", "cursor")
        since = ticket.request.arrived_at if ticket.attempt == 1 else ticket.queued_at
        return Assigned(
            ticket_id=tid,
            agent_id=agent.agent_id,
            assignment_id=assignment_id(self.group_id, tid, agent.agent_id, ticket.attempt),
            policy=self.policy.name,
            step=explanation.step,
            attempt=ticket.attempt,
            waited_s=max(0.0, now - since),
            automated=agent.automated,
            explanation=explanation,
            previous_agent_id=ticket.previous_agent_id,
        )

    def _hold(self, agent: AgentState, record: Assignment, now: float) -> None:
        """``agent`` now holds the ticket of ``record``."""
        agent.mark(now)
        agent.open[record.ticket_id] = None
        self.book.refresh(agent)
        self.assignments[record.ticket_id] = record
        self._touch("assignments", record.ticket_id)
        self._touch("agents", agent.agent_id)

    def _release(self, record: Assignment, now: float) -> AgentState | None:
        """Take the ticket of ``record`` off its agent; the agent."""
        agent = self.book.get(record.agent_id) if record.agent_id else None
        if agent is not None:
            agent.mark(now)
            agent.open.pop(record.ticket_id, None)
            self.book.refresh(agent)
            self._touch("agents", agent.agent_id)
        return agent

    def _record_closed(self, record: Assignment, now: float) -> None:
        record.state = "closed"
        record.closed_at = now
        self.assignments[record.ticket_id] = record
        self._touch("assignments", record.ticket_id)
        self.timers.bump("c:" + record.ticket_id)
        self.timers.add(now + self.config.closed_retention_s, "prune", "c:" + record.ticket_id)

    def _reroute_from(self, agent: AgentState, now: float) -> list[Outcome]:
        """Re-route an offline agent's tickets that nobody started."""
        out: list[Outcome] = []
        for tid in list(agent.open):
            record = self.assignments[tid]
            if record.started_at is not None or record.request is None:
                continue
            self._release(record, now)
            del self.assignments[tid]
            out.append(Rerouted(tid, agent.agent_id, "agent_offline"))
            ticket = PendingTicket(
                record.request,
                queued_at=now,
                attempt=record.attempt + 1,
                previous_agent_id=agent.agent_id,
            )
            ticket.held = self.ladder.holds(ticket)
            out.extend(self._route(ticket, now))
        return out

    def _enqueue(self, ticket: PendingTicket, now: float) -> None:
        """File a waiting ticket and schedule its timers."""
        tid = ticket.ticket_id
        if not self.config.shortest_first:
            ticket.expected_s = 0.0  # e.g. restored from a time the setting was on
        elif not ticket.expected_s:
            ticket.expected_s = self.velocity_book.team_estimate(ticket.request.category, now)
        self.queue.add(ticket, self.rules.ticket_bucket(self._needs(ticket)))
        self._touch("pending", tid)
        subject = "t:" + tid
        self.timers.bump(subject)
        if ticket.held:
            self.timers.add(self.ladder.hold_ends(ticket), "hold", subject)
        elif self.rules.skill_based:
            due = self.ladder.next_due(ticket)
            if due is not None:
                self.timers.add(due, "relax", subject)
        deadline = ticket.request.sla_deadline
        if deadline is not None:
            if not ticket.warned:
                start = ticket.request.arrived_at
                warn_at = start + self.config.sla_warning_fraction * max(0.0, deadline - start)
                self.timers.add(warn_at, "warn", subject)
            if not ticket.breached:
                self.timers.add(deadline, "breach", subject)
        if not ticket.escalated:
            self.timers.add(ticket.queued_at + self.config.escalate_after_s, "escalate", subject)

    def _forget_pending(self, ticket_id: str) -> None:
        if self.queue.remove(ticket_id) is not None:
            self.timers.forget("t:" + ticket_id)
            self._touch("pending", ticket_id)

    def _prune_customers(self, now: float) -> None:
        cutoff = now - self.config.sticky_window_s
        times = self._customer_times
        while times and times[0][0] < cutoff:
            at, customer = times.popleft()
            last = self.customers.get(customer)
            if last is not None and last[1] <= at:
                del self.customers[customer]
                self._touch("meta", "customer:" + customer)

    def _touch(self, kind: str, key: str) -> None:
        self.dirty[kind][key] = None

    # ----------------------------------------------------------- persistence

    def drain_changes(self) -> dict[str, dict[str, Any]]:
        """Entities changed since the last call (value ``None``: deleted)."""
        from router.persistence import drain

        return drain(self)

    def export_entities(self) -> dict[str, dict[str, Any]]:
        """The whole state as plain data, by kind and key."""
        from router.persistence import export

        return export(self)

    @classmethod
    def restore(
        cls, group_id: str, config: GroupConfig, entities: Mapping[str, Mapping[str, Any]]
    ) -> RoutingGroup:
        """Rebuild a group from :meth:`export_entities` output."""
        from router.persistence import restore

        group = cls(group_id, config)
        restore(group, entities)
        return group


def _rank_index(policy: Balanced | Skills, by_language: bool) -> RankIndex:
    def key(agent: AgentState, skill: str | None, now: float) -> tuple[Any, ...]:
        fit = FIT_SKILL[agent.skills[skill]] if skill is not None else FIT_GENERALIST
        return policy.key(agent, fit, skill, now)

    return RankIndex(key, by_language=by_language)


def _anyone(_agent_id: str) -> bool:
    return True


def _same(agent: AgentState, update: AgentUpdate) -> bool:
    return (
        agent.status is update.status
        and agent.capacity == update.capacity
        and agent.languages == frozenset(update.languages)
        and agent.automated == update.automated
        and agent.skills == {k: v.level for k, v in update.skills.items()}
    )


def _queue_reason(explanation: Explanation) -> str:
    return explanation.reasons[0] if explanation.reasons else "no agent can take it now"


def _no_agent_reason(needs: Needs, agents: int) -> str:
    if agents == 0:
        return "no agents in this routing group yet"
    if needs.held:
        return "held for an advanced agent"
    if needs.category is None or needs.any_agent:
        return "no online agent with room"
    return f"no online agent with room and skill {needs.category!r} at the required level"


def _win_reason(policy: str, winner: Candidate, needs: Needs) -> str:
    agent = winner.agent
    what = {
        "skill": f"skill {needs.category} level {winner.level}",
        "adjacent": f"adjacent skill for {needs.category}",
        "any": "any agent with room",
        "generalist": "generalist (triage uncertain)",
    }.get(winner.via, winner.via)
    return f"{policy}: {agent.agent_id} ({what}, {agent.depth}/{agent.capacity} open)"
