"""Tiny dispatchers with hand-checkable behaviour for engine tests."""

from __future__ import annotations

from router.simulation import UNASSIGNED, Assignment


class PushRoundRobin:
    """Assigns every arriving ticket at once to the next agent in turn (never waits)."""

    name = "push"

    def __init__(self, agents: int) -> None:
        self._agents = agents
        self._next = 0
        self.started: list[tuple[int, int, float]] = []
        self.closed: list[tuple[int, int, float]] = []

    def agent_online(self, agent: int, now: float) -> list[Assignment]:
        return []

    def agent_offline(self, agent: int, now: float) -> list[Assignment]:
        return []

    def ticket_arrived(self, ticket: int, now: float) -> list[Assignment]:
        agent = self._next
        self._next = (self._next + 1) % self._agents
        return [(ticket, agent)]

    def ticket_started(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        self.started.append((ticket, agent, now))
        return []

    def ticket_closed(self, ticket: int, agent: int, now: float) -> list[Assignment]:
        self.closed.append((ticket, agent, now))
        return []

    def tick(self, now: float) -> list[Assignment]:
        return []


class Scripted(PushRoundRobin):
    """PushRoundRobin plus scripted moves returned at given ticks: {time: [(t, a)]}."""

    name = "scripted"

    def __init__(self, agents: int, moves: dict[float, list[Assignment]]) -> None:
        super().__init__(agents)
        self._moves = moves

    def tick(self, now: float) -> list[Assignment]:
        return self._moves.get(now, [])


__all__ = ["UNASSIGNED", "PushRoundRobin", "Scripted"]
