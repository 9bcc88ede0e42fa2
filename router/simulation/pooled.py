"""The ideal pooled queue: one central queue, everyone can do everything.

The next ticket (priority, then arrival) goes to the first agent with a free slot,
longest idle first. Nothing waits in a personal queue, and no skill is required, so
its mean wait is the lower bound the real policies are measured against.
"""

from __future__ import annotations

import heapq
from collections import deque

from router.simulation.dispatcher import Assignment
from router.simulation.model import SimInput

__all__ = ["PooledQueue"]


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
