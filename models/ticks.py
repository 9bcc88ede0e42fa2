"""``RouterTick``: a clock tick for one routing group (internal topic ``router-ticks``).

The worker's timer produces one tick per active group, keyed by tenant, into the same
partitioning as the inputs; time-based work (relaxation, SLA warnings) then runs in
order with the group's other events.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from models.envelope import Event
from models.fields import UtcDatetime

__all__ = ["RouterTick"]


class RouterTick(Event):
    """Time has advanced to ``tick_at`` for ``tenant``."""

    event_type: ClassVar[str] = "router-tick"

    tick_at: UtcDatetime = Field(description="The time the router should act upon.")
