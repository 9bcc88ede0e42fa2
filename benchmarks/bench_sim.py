"""Simulator throughput: the default scenario through all five policies.

Run: ``.venv/bin/python benchmarks/bench_sim.py [--tickets 100000] [--seed 0]``.
Prints seconds per policy run one after another (the core policies drive the real
decision core in process), tickets per second and the decision-core outcomes handled;
then the wall time of the same policies in ``--jobs`` worker processes, the way
``ticket-router simulate`` runs them, and that total against the 60 s target. Asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from router.simulation import (
    POLICIES,
    REFERENCES,
    build_dispatcher,
    generate,
    run,
    run_policies,
    summarise,
)
from streams.simulation.scenario import default_scenario_path, load_scenario

TARGET_S = 60.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--policies", default=",".join(POLICIES))
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes for the side-by-side run (default: CPUs; 1 = serial only)",
    )
    args = parser.parse_args(argv)
    policies = [p for p in args.policies.split(",") if p]
    if args.tickets < 1 or args.jobs < 1:
        parser.error("--tickets and --jobs must be at least 1")
    known = (*POLICIES, *REFERENCES)
    unknown = sorted(set(policies) - set(known))
    if unknown or not policies:
        parser.error(
            f"--policies: unknown {', '.join(unknown) or '(none)'}; use {', '.join(known)}"
        )

    began = time.perf_counter()
    sim = generate(load_scenario(default_scenario_path()), args.tickets, seed=args.seed)
    generated = time.perf_counter() - began
    days = sim.tickets[-1].arrival / 86400 if sim.tickets else 0.0
    print(
        f"default scenario: {len(sim.tickets):,} tickets over {days:.0f} days, "
        f"{len(sim.agents)} agents, seed {args.seed} (generated in {generated:.1f} s)"
    )
    print(
        f"{'policy':<13} {'run s':>7} {'tickets/s':>10} {'outcomes':>9} {'mean wait':>10} "
        f"{'reassign':>9}"
    )
    total = 0.0
    serial = {}
    for policy in policies:
        dispatcher = build_dispatcher(sim, policy)
        start = time.perf_counter()
        record = run(sim, dispatcher)
        elapsed = time.perf_counter() - start
        total += elapsed
        metrics = serial[policy] = summarise(sim, record)
        outcomes = sum(getattr(dispatcher, "outcomes", {}).values())
        print(
            f"{policy:<13} {elapsed:>7.1f} {len(sim.tickets) / elapsed:>10,.0f} "
            f"{outcomes:>9,} {metrics.mean_wait_s / 60:>9.1f}m {metrics.reassignments:>9,}",
            flush=True,
        )
    print(f"one after another: {total:.1f} s for {len(policies)} policies")
    if args.jobs > 1:
        start = time.perf_counter()
        result = run_policies(sim, policies, jobs=args.jobs)
        wall = time.perf_counter() - start
        same = all(result.metrics[p] == serial[p] for p in policies)
        print(
            f"{args.jobs} worker processes (as `ticket-router simulate` runs them): "
            f"{wall:.1f} s wall, {total / wall:.2f}x the serial run"
            + ("" if same else " (RESULTS DIFFER)")
        )
    else:
        wall = total
    verdict = "within" if wall <= TARGET_S else "over"
    print(
        f"total {wall:.1f} s for {len(policies)} policies ({verdict} the {TARGET_S:.0f} s target)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
