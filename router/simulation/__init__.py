"""Pure discrete-event simulator of the router over virtual time, and its metrics.

Stdlib (and ``models``/``router``) only. Edges (YAML scenarios, CSV replay, reports,
the ``ticket-router simulate`` command) live in ``streams.simulation``.
"""

from __future__ import annotations

from router.simulation.compare import (
    GOALS,
    POLICIES,
    REFERENCES,
    Comparison,
    Goal,
    build_dispatcher,
    check_goals,
    run_policies,
)
from router.simulation.core_adapter import CORE_POLICIES, CoreDispatcher
from router.simulation.dispatcher import UNASSIGNED, Assignment, Dispatcher
from router.simulation.engine import run
from router.simulation.erlang import erlang_c_mean_wait, erlang_c_probability
from router.simulation.metrics import (
    WAIT_EDGES,
    PolicyMetrics,
    RunRecord,
    histogram,
    jain,
    percentile,
    summarise,
)
from router.simulation.model import SimAgent, SimInput, SimTicket
from router.simulation.pooled import PooledQueue, SkilledPooledQueue
from router.simulation.synthetic import (
    AgentSpec,
    ScenarioSpec,
    ShiftSpec,
    SpikeSpec,
    generate,
    poisson_input,
)

__all__ = [
    "CORE_POLICIES",
    "GOALS",
    "POLICIES",
    "REFERENCES",
    "UNASSIGNED",
    "WAIT_EDGES",
    "AgentSpec",
    "Assignment",
    "Comparison",
    "CoreDispatcher",
    "Dispatcher",
    "Goal",
    "PolicyMetrics",
    "PooledQueue",
    "RunRecord",
    "ScenarioSpec",
    "ShiftSpec",
    "SimAgent",
    "SimInput",
    "SimTicket",
    "SkilledPooledQueue",
    "SpikeSpec",
    "build_dispatcher",
    "check_goals",
    "erlang_c_mean_wait",
    "erlang_c_probability",
    "generate",
    "histogram",
    "jain",
    "percentile",
    "poisson_input",
    "run",
    "run_policies",
    "summarise",
]
