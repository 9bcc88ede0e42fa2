"""Codec throughput: median microseconds to encode and decode each example event.

Run: ``.venv/bin/python benchmarks/bench_contract.py [--rounds 7] [--loops 2000]``. Prints
the median over rounds of the per-call time, per example event; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time

from models import EVENT_MODELS, decode, encode
from models.examples import examples


def _median_us(fn: object, rounds: int, loops: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(loops):
            fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) / loops * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (median)")
    parser.add_argument("--loops", type=int, default=2000, help="calls per round")
    args = parser.parse_args()
    if args.rounds < 1 or args.loops < 1:
        parser.error("--rounds and --loops must be at least 1")
    print(f"{'event':<18} {'bytes':>6} {'encode µs':>10} {'decode µs':>10}")
    for name, event in examples().items():
        raw = encode(event)
        model = EVENT_MODELS[name]
        enc = _median_us(lambda event=event: encode(event), args.rounds, args.loops)
        dec = _median_us(lambda raw=raw, model=model: decode(model, raw), args.rounds, args.loops)
        print(f"{name:<18} {len(raw):>6} {enc:>10.1f} {dec:>10.1f}")


if __name__ == "__main__":
    main()
