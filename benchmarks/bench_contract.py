"""Codec throughput: median microseconds to encode and decode each example event.

Run: ``.venv/bin/python benchmarks/bench_contract.py``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import time

from models import EVENT_MODELS, decode, encode
from models.examples import examples

ROUNDS = 7
LOOPS = 2_000


def _median_us(fn: object) -> float:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(LOOPS):
            fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) / LOOPS * 1e6)
    return statistics.median(samples)


def main() -> None:
    print(f"{'event':<18} {'bytes':>6} {'encode µs':>10} {'decode µs':>10}")
    for name, event in examples().items():
        raw = encode(event)
        model = EVENT_MODELS[name]
        enc = _median_us(lambda event=event: encode(event))
        dec = _median_us(lambda raw=raw, model=model: decode(model, raw))
        print(f"{name:<18} {len(raw):>6} {enc:>10.1f} {dec:>10.1f}")


if __name__ == "__main__":
    main()
