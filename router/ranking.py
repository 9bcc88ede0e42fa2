"""Ranked candidates without a scan: per (skill, language, level) heaps of agents with room.

With thousands of agents, ranking every agent with room for each ticket costs
milliseconds. The skill-based policies' ranking key of an agent for a skill depends only
on that agent (its level, speed, load, last assignment), so it is computed when the
agent changes and kept in a heap per (skill, language, level); a ticket's best agent
is the smallest valid head among the levels it accepts. Entries are invalidated lazily
by a per-agent version. Velocity is read when the agent last changed (estimates only
fade after weeks without a close, so the difference is nil in practice).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

from router.agents import AgentState

__all__ = ["RankIndex"]

KeyFn = Callable[[AgentState, "str | None", float], tuple[Any, ...]]

GENERALIST = ""
"""Heap name for tickets triage could not place (any skill, fit as a generalist)."""


class RankIndex:
    """Heaps of ``(key, version, agent_id)`` by (skill, language, level)."""

    def __init__(self, key: KeyFn, *, by_language: bool) -> None:
        self._key = key
        self._by_language = by_language
        self._heaps: dict[tuple[str, str, int], list[tuple[tuple[Any, ...], int, str]]] = {}
        self._version: dict[str, int] = {}
        self._entries = 0

    def update(self, agent: AgentState, has_room: bool, now: float) -> None:
        """Re-rank ``agent`` after any change (drops it when it has no room)."""
        version = self._version.get(agent.agent_id, 0) + 1
        self._version[agent.agent_id] = version
        if not has_room or agent.automated:
            return
        languages = sorted(agent.languages) if self._by_language else ["*"]
        for language in languages:
            for skill, level in agent.skills.items():
                entry = (self._key(agent, skill, now), version, agent.agent_id)
                heapq.heappush(self._heaps.setdefault((skill, language, level), []), entry)
            entry = (self._key(agent, None, now), version, agent.agent_id)
            heapq.heappush(self._heaps.setdefault((GENERALIST, language, 0), []), entry)
            self._entries += len(agent.skills) + 1

    def best(
        self,
        skill: str | None,
        language: str,
        min_level: int,
        accept: Callable[[str], bool],
    ) -> tuple[str | None, list[str], list[str]]:
        """``(winner, runners_up, rejected)`` for a ticket needing ``skill`` at ``min_level``.

        ``accept`` is asked about each head in rank order (the fairness cap); rejected
        agents are put back afterwards. ``skill=None`` ranks the generalist heap.
        """
        language = language if self._by_language else "*"
        if skill is None:
            names = [(GENERALIST, language, 0)]
        else:
            names = [(skill, language, level) for level in range(max(1, min_level), 4)]
        heaps = [self._heaps.get(name) for name in names]
        held: list[tuple[int, tuple[tuple[Any, ...], int, str]]] = []
        rejected: list[str] = []
        winner: str | None = None
        while True:
            top: tuple[int, tuple[tuple[Any, ...], int, str]] | None = None
            for index, heap in enumerate(heaps):
                if not heap:
                    continue
                while heap and self._version.get(heap[0][2]) != heap[0][1]:
                    heapq.heappop(heap)
                    self._entries -= 1
                if heap and (top is None or heap[0] < top[1]):
                    top = (index, heap[0])
            if top is None:
                break
            index, entry = top
            heap = heaps[index]
            assert heap is not None
            heapq.heappop(heap)
            held.append(top)
            if accept(entry[2]):
                winner = entry[2]
                break
            rejected.append(entry[2])
        runners = []
        for heap in heaps:
            if heap and self._version.get(heap[0][2]) == heap[0][1] and heap[0][2] != winner:
                runners.append(heap[0][2])
        for index, entry in held:
            heap = heaps[index]
            assert heap is not None
            heapq.heappush(heap, entry)
        return winner, runners, rejected

    def compact(self, agents: int) -> None:
        """Drop stale entries once they far outnumber live ones."""
        if self._entries <= 16 * max(agents, 1) + 1024:
            return
        total = 0
        for name, heap in list(self._heaps.items()):
            live = [e for e in heap if self._version.get(e[2]) == e[1]]
            if live:
                heapq.heapify(live)
                self._heaps[name] = live
                total += len(live)
            else:
                del self._heaps[name]
        self._entries = total
