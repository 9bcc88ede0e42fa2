"""Pure discrete-event simulator of the router over virtual time, and its metrics.

Stdlib (and ``models``/``router``) only. Edges (YAML scenarios, CSV replay, reports)
live in ``streams.simulation``.
"""

from __future__ import annotations

from router.simulation.dispatcher import Assignment, Dispatcher
from router.simulation.engine import run
from router.simulation.erlang import erlang_c_mean_wait, erlang_c_probability
from router.simulation.metrics import PolicyMetrics, RunRecord, jain, percentile, summarise
from router.simulation.model import SimAgent, SimInput, SimTicket
from router.simulation.pooled import PooledQueue
from router.simulation.synthetic import AgentSpec, ScenarioSpec, ShiftSpec, SpikeSpec, generate

__all__ = [
    "AgentSpec",
    "Assignment",
    "Dispatcher",
    "PolicyMetrics",
    "PooledQueue",
    "RunRecord",
    "ScenarioSpec",
    "ShiftSpec",
    "SimAgent",
    "SimInput",
    "SimTicket",
    "SpikeSpec",
    "erlang_c_mean_wait",
    "erlang_c_probability",
    "generate",
    "jain",
    "percentile",
    "run",
    "summarise",
]
