"""The discrete-event loop: arrivals, assignments, work, closes and shifts.

One heap of ``(time, kind, seq, index)`` events over virtual time. An agent works on
at most ``concurrency`` tickets at once and takes their own assigned tickets in
priority order (then arrival); assigned but unstarted tickets wait in that personal
queue, so assigning "at once" to a busy agent still means waiting. Work begun before
a shift ends is finished (overtime, counted as available time); unstarted tickets of
an offline agent wait for their next shift unless the policy moves them.

Clock ticks (every ``SimInput.tick_every_s``) reach the dispatcher only while some
ticket waits unassigned or sits unstarted with an offline agent: time-driven routing
(relaxation, escalation, offline re-routes) has nothing to act on otherwise, and
skipping those ticks keeps long runs fast.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from itertools import count

from router.simulation.dispatcher import Assignment, Dispatcher
from router.simulation.metrics import RunRecord
from router.simulation.model import SimInput

__all__ = ["run"]

_ARRIVE, _FINISH, _ON, _OFF, _TICK, _SNAP = 0, 1, 2, 3, 4, 5
_NEVER = -1.0
_DRAIN_S = 60 * 86400.0


def run(
    sim: SimInput,
    dispatcher: Dispatcher,
    *,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
    max_time: float | None = None,
) -> RunRecord:
    """Run ``dispatcher`` over ``sim`` until every ticket is closed (or ``max_time``).

    ``progress(closed)`` is called every ``progress_every`` closed tickets and once at
    the end. Without ``max_time`` the run stops 60 days after the last arrival.
    """
    tickets, agents = sim.tickets, sim.agents
    n, m = len(tickets), len(agents)
    arrival = [t.arrival for t in tickets]
    prio = [t.priority for t in tickets]
    work = [t.work for t in tickets]
    cat = [t.category for t in tickets]
    speed = [a.speed for a in agents]
    conc = [a.concurrency for a in agents]
    skills = [a.skills for a in agents]
    # the ideal pooled queue assumes everyone can do everything (no mismatch penalty)
    mismatch = 1.0 if getattr(dispatcher, "skill_blind", False) else sim.mismatch_factor

    assigned_at = [_NEVER] * n
    started_at = [_NEVER] * n
    closed_at = [_NEVER] * n
    owner = [-1] * n
    worker = [-1] * n
    reassigned = [0] * n
    busy = [0] * m
    open_count = [0] * m
    online = [False] * m
    mark = [0.0] * m  # start of the current on-shift (or overtime) stretch
    online_time = [0.0] * m
    busy_time = [0.0] * m
    personal: list[list[tuple[int, float, int]]] = [[] for _ in range(m)]
    snap_t: list[float] = []
    depth_std: list[float] = []
    depth_max: list[int] = []
    waiting: list[int] = []
    in_personal: list[int] = []
    arrived = started = closed = 0
    unassigned = 0  # arrived, not started, with no agent
    stranded = 0  # assigned to an offline agent, not started

    events: list[tuple[float, int, int, int]] = []
    seq = count()
    push = heapq.heappush
    pop = heapq.heappop
    for i, t in enumerate(tickets):
        events.append((t.arrival, _ARRIVE, next(seq), i))
    last_arrival = max(arrival, default=0.0)
    for a, agent in enumerate(agents):
        for on, off in agent.shifts:
            events.append((on, _ON, next(seq), a))
            events.append((off, _OFF, next(seq), a))
    heapq.heapify(events)
    if sim.tick_every_s > 0:
        push(events, (sim.tick_every_s, _TICK, next(seq), 0))
    if sim.snapshot_every_s > 0:
        push(events, (sim.snapshot_every_s, _SNAP, next(seq), 0))
    limit = max_time if max_time is not None else last_arrival + _DRAIN_S

    def start_work(a: int, now: float) -> list[Assignment]:
        nonlocal started
        out: list[Assignment] = []
        queue = personal[a]
        while busy[a] < conc[a] and queue:
            i = pop(queue)[2]
            if owner[i] != a or started_at[i] >= 0:
                continue
            started_at[i] = now
            started += 1
            worker[i] = a
            busy[a] += 1
            c = cat[i]
            service = work[i] / speed[a]
            if c is not None and c not in skills[a]:
                service *= mismatch
            push(events, (now + service, _FINISH, next(seq), i))
            out.extend(dispatcher.ticket_started(i, a, now))
        return out

    def apply(assignments: list[Assignment], now: float) -> None:
        nonlocal unassigned, stranded
        while assignments:
            touched: list[Assignment] = []
            for i, a in assignments:
                if started_at[i] >= 0 or owner[i] == a:
                    continue
                old = owner[i]
                if old >= 0:
                    open_count[old] -= 1
                    reassigned[i] += 1
                    if not online[old]:
                        stranded -= 1
                else:
                    unassigned -= 1
                owner[i] = a
                if a < 0:
                    unassigned += 1
                    continue
                if not online[a]:
                    stranded += 1
                if assigned_at[i] < 0:
                    assigned_at[i] = now
                open_count[a] += 1
                push(personal[a], (prio[i], arrival[i], i))
                if online[a]:
                    touched.extend(start_work(a, now))
            assignments = touched

    now = 0.0
    while events and closed < n:
        now, kind, _, x = pop(events)
        if now > limit:
            now = limit
            break
        if kind == _FINISH:
            a = worker[x]
            closed_at[x] = now
            closed += 1
            busy[a] -= 1
            open_count[a] -= 1
            busy_time[a] += now - started_at[x]
            if not online[a]:  # overtime after the shift ended
                online_time[a] += now - mark[a]
                mark[a] = now
            apply(dispatcher.ticket_closed(x, a, now), now)
            if online[a]:
                apply(start_work(a, now), now)
            if progress is not None and closed % progress_every == 0:
                progress(closed)
        elif kind == _ARRIVE:
            arrived += 1
            unassigned += 1
            apply(dispatcher.ticket_arrived(x, now), now)
        elif kind == _ON:
            if not online[x]:
                online[x] = True
                stranded -= open_count[x] - busy[x]
                mark[x] = now
                apply(dispatcher.agent_online(x, now), now)
                apply(start_work(x, now), now)
        elif kind == _OFF:
            if online[x]:
                online[x] = False
                stranded += open_count[x] - busy[x]
                online_time[x] += now - mark[x]
                mark[x] = now
                apply(dispatcher.agent_offline(x, now), now)
        elif kind == _TICK:
            if unassigned or stranded:
                apply(dispatcher.tick(now), now)
            push(events, (now + sim.tick_every_s, _TICK, next(seq), 0))
        else:
            if now <= last_arrival:
                mean = sum(open_count) / m if m else 0.0
                var = sum((d - mean) ** 2 for d in open_count) / m if m else 0.0
                snap_t.append(now)
                depth_std.append(var**0.5)
                depth_max.append(max(open_count, default=0))
                waiting.append(arrived - started)
                in_personal.append(sum(open_count) - sum(busy))
            push(events, (now + sim.snapshot_every_s, _SNAP, next(seq), 0))
    for a in range(m):
        if online[a] or busy[a]:  # on shift, or in overtime
            online_time[a] += now - mark[a]
    for i in range(n):  # work still in progress when the run stopped
        if started_at[i] >= 0 and closed_at[i] < 0:
            busy_time[worker[i]] += now - started_at[i]
    if progress is not None:
        progress(closed)
    return RunRecord(
        policy=dispatcher.name,
        arrival=arrival,
        assigned_at=assigned_at,
        started_at=started_at,
        closed_at=closed_at,
        worker=worker,
        reassigned=reassigned,
        busy_time=busy_time,
        online_time=online_time,
        snapshot_t=snap_t,
        depth_std=depth_std,
        depth_max=depth_max,
        waiting=waiting,
        waiting_personal=in_personal,
        end=now,
    )
