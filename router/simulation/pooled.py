"""The ideal pooled queue: one central queue, everyone can do everything.

The next ticket (priority, then arrival) goes to the first agent with a free slot,
longest idle first. Nothing waits in a personal queue, and no skill is required, so
its mean wait is the lower bound the real policies are measured against.

:class:`SkilledPooledQueue` is the same ideal restricted to skills: the gap between
the two is what skill silos cost, whatever the routing policy.
"""

from __future__ import annotations

import heapq
from collections import deque

from router.simulation.dispatcher import Assignment
from router.simulation.model import SimInput

__all__ = ["PooledQueue", "SkilledPooledQueue"]


class PooledQueue:
    """Central priority queue pulled by free agents."""

    name = "pooled"
    skill_blind = True

    def __init__(self, sim: SimInput) -> None:
        self._prio = [t.priority for t in sim.tickets]
        self._arrival = [t.arrival for t in sim.tickets]
        self._conc = [a.concurrency for a in sim.agents]
        self._online = [False] * len(sim.agents)
        self._slots = [0] * len(sim.agents)
        self._free: deque[int] = deque()
        self._queue: list[tuple[int, float, int]] = []

    def _dispatch(self) -> list[Assignment]:
        out: list[Assignment] = []
        free, queue, slots, online = self._free, self._queue, self._slots, self._online
        while queue and free:
            agent = free.popleft()
            if not online[agent] or slots[agent] <= 0:
                continue
            slots[agent] -= 1
            out.append((heapq.heappop(queue)[2], agent))
        return out

    def agent_online(self, agent: int, now: float) -> list[Assignment]:
        """Give the agent their free slots."""
        self._online[agent] = True
        self._slots[agent] = self._conc[agent]
        self._free.extend([agent] * self._conc[agent])
        return self._dispatch()

    def agent_offline(self, agent: int, now: float) -> list[Assignment]:
        """Stop pulling for this agent (tokens in the free list go stale)."""
        self._online[agent] = False
        self._slots[agent] = 0
        return []

    def ticket_arrived(self, ticket: int, now: float) -> list[Assignment]:
        """Queue the ticket, then dispatch."""
        heapq.heappush(self._queue, (self._prio[ticket], self._arrival[ticket], ticket))
        return self._dispatch() if self._free else []

    def ticket_started(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Nothing to do: assignment and start coincide."""
        return []

    def ticket_closed(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Free the slot (only while on shift) and dispatch."""
        if self._online[agent]:
            self._slots[agent] += 1
            self._free.append(agent)
            return self._dispatch()
        return []

    def tick(self, now: float) -> list[Assignment]:
        """No time-driven behaviour."""
        return []


class SkilledPooledQueue:
    """The ideal central queue *within skills*: what skill silos alone cost.

    One queue per category; an agent who frees up takes the first waiting ticket
    (priority, then arrival) among the categories they have at any level, and an
    arriving ticket goes to the longest-idle free agent with its skill. Tickets without
    a category may go to anyone. Nothing waits in a personal queue.
    """

    name = "pooled_skills"

    def __init__(self, sim: SimInput) -> None:
        self._key = [(t.priority, t.arrival) for t in sim.tickets]
        self._cat = [t.category for t in sim.tickets]
        self._skills = [(*a.skills, None) for a in sim.agents]
        self._conc = [a.concurrency for a in sim.agents]
        self._online = [False] * len(sim.agents)
        self._slots = [0] * len(sim.agents)
        self._idle_since = [0.0] * len(sim.agents)
        self._queues: dict[str | None, list[tuple[int, float, int]]] = {}

    def _pull(self, agent: int) -> list[Assignment]:
        out: list[Assignment] = []
        queues = self._queues
        while self._online[agent] and self._slots[agent] > 0:
            best: list[tuple[int, float, int]] | None = None
            for skill in self._skills[agent]:
                queue = queues.get(skill)
                if queue and (best is None or queue[0] < best[0]):
                    best = queue
            if best is None:
                break
            self._slots[agent] -= 1
            out.append((heapq.heappop(best)[2], agent))
        return out

    def agent_online(self, agent: int, now: float) -> list[Assignment]:
        """Open the agent's slots and let them pull."""
        self._online[agent] = True
        self._slots[agent] = self._conc[agent]
        self._idle_since[agent] = now
        return self._pull(agent)

    def agent_offline(self, agent: int, now: float) -> list[Assignment]:
        """Stop pulling for this agent."""
        self._online[agent] = False
        self._slots[agent] = 0
        return []

    def ticket_arrived(self, ticket: int, now: float) -> list[Assignment]:
        """Queue the ticket; the longest-idle free agent with its skill takes it."""
        cat = self._cat[ticket]
        heapq.heappush(self._queues.setdefault(cat, []), (*self._key[ticket], ticket))
        free = [
            a
            for a, skills in enumerate(self._skills)
            if self._slots[a] > 0 and (cat is None or cat in skills)
        ]
        if not free:
            return []
        return self._pull(min(free, key=self._idle_since.__getitem__))

    def ticket_started(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Nothing to do: assignment and start coincide."""
        return []

    def ticket_closed(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        """Free the slot (only while on shift) and pull."""
        if not self._online[agent]:
            return []
        self._slots[agent] += 1
        self._idle_since[agent] = now
        return self._pull(agent)

    def tick(self, now: float) -> list[Assignment]:
        """No time-driven behaviour."""
        return []
