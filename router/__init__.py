"""The pure decision core: state, policies, explanations.

Imports only :mod:`models` and the standard library. The entry point is
:class:`RoutingGroup`: one per routing group (tenant), driven by operations that take
the clock as an argument and return :mod:`outcomes <router.outcomes>`.
"""

from router.agents import AgentState
from router.config import (
    POLICIES,
    AutomationConfig,
    ConfigError,
    FairnessConfig,
    GroupConfig,
    HoldForExpert,
    RelaxStep,
    VelocityConfig,
)
from router.explain import Explanation
from router.group import RoutingGroup
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
from router.pending import PendingTicket
from router.requests import AgentUpdate, TicketRequest

__all__ = [
    "POLICIES",
    "AgentState",
    "AgentUpdate",
    "Assigned",
    "AutomationConfig",
    "ConfigError",
    "Escalated",
    "Explanation",
    "FairnessConfig",
    "GroupConfig",
    "HoldForExpert",
    "Ignored",
    "Outcome",
    "PendingTicket",
    "Queued",
    "Rejected",
    "RelaxStep",
    "Relaxed",
    "Rerouted",
    "RoutingGroup",
    "SlaWarning",
    "TicketRequest",
    "VelocityConfig",
]
