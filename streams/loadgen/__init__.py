"""Load generator for ticket-router: realistic helpdesk traffic into the input topics.

The generation is pure and deterministic for a seed and a start time (``Workload`` with
its ``pop_due(now)`` / ``on_assigned(...)`` protocol); only :mod:`streams.loadgen.runner`
talks to Kafka (a plain aiokafka producer, plus a consumer of ``ticket-assigned`` and
``router-events`` so tickets are closed by the agent they were assigned to).

Modules, one concept each:

- :mod:`~streams.loadgen.texts` – subjects and bodies per triage category;
- :mod:`~streams.loadgen.population` – agents (skills, proficiency, capacity, speed) and customers;
- :mod:`~streams.loadgen.tickets` – ticket factory (tier, SLA policy, priority, channel);
- :mod:`~streams.loadgen.desks` – how agents work through their open tickets (closes);
- :mod:`~streams.loadgen.schedule` – due-event queue and the bursty arrival process;
- :mod:`~streams.loadgen.workload` – the realistic mix (``MixWorkload``);
- :mod:`~streams.loadgen.demo` – the 47-vs-8 demo scenario (``DemoWorkload``);
- :mod:`~streams.loadgen.runner` – the Kafka side, pacing and progress.
"""

from __future__ import annotations

from streams.loadgen.demo import DemoConfig, DemoWorkload
from streams.loadgen.mix import MixConfig, MixWorkload
from streams.loadgen.workload import Workload

__all__ = ["DemoConfig", "DemoWorkload", "MixConfig", "MixWorkload", "Workload"]
