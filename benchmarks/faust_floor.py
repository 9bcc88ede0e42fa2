"""Faust's own per-event floor on this machine: the fastest a Faust processor can be.

Consumes ``--count`` pre-loaded records of ``--topic`` with one Faust agent (concurrency
1, RocksDB store via rocksdict, acks and commits as the router's worker) that does
nothing with them - or, with ``--table``, writes one key of a changelogged table per
event (the least a stateful routing step does). Prints ``events/s N`` measured from the
first event to the last, then exits. ``benchmarks/bench_streaming.py`` runs it next to
the router's own routing stage so (b) can be read against what Faust itself reaches.
Run: ``.venv/bin/python benchmarks/faust_floor.py --topic T --count N [--table]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from typing import Any


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:19092", help="Kafka host:port")
    parser.add_argument("--topic", required=True, help="topic holding the records")
    parser.add_argument("--partitions", type=int, default=6, help="its partition count")
    parser.add_argument("--count", type=int, required=True, help="records to consume")
    parser.add_argument("--table", action="store_true", help="one table write per event")
    parser.add_argument(
        "--app-id", help="Faust app id (default faust-floor-<random>); its topics are deleted"
    )
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")

    import faust

    from streams.topic_admin import delete_topics

    data_dir = tempfile.mkdtemp(prefix="faust-floor-")
    app_id = args.app_id or f"faust-floor-{uuid.uuid4().hex[:6]}"
    app = faust.App(
        app_id,
        broker=f"kafka://{args.bootstrap}",
        store="rocksdb://",
        datadir=data_dir,
        autodiscover=False,
        topic_partitions=args.partitions,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_linger=0.001,
        web_enabled=False,
        logging_config=None,
    )
    source = app.topic(args.topic, key_serializer="raw", value_serializer="raw")
    table: Any = None
    if args.table:
        table = app.Table(
            "floor",
            default=None,
            partitions=args.partitions,
            options={"driver": "rocksdict"},
        )
    seen = {"n": 0, "t0": 0.0}

    async def consume(stream: Any) -> None:
        async for event in stream.events():
            if seen["n"] == 0:
                seen["t0"] = time.perf_counter()
            if table is not None:
                table[event.message.key.decode()] = seen["n"]
            seen["n"] += 1
            if seen["n"] == args.count:
                rate = (args.count - 1) / max(time.perf_counter() - seen["t0"], 1e-9)
                print(f"events/s {rate:.0f}", flush=True)
                await delete_topics(args.bootstrap, [f"{app_id}-"])  # changelog, assignor
                os._exit(0)  # measured; no need to wait for a clean Faust shutdown

    app.agent(source, name="floor", concurrency=1, sink=None)(consume)
    worker = faust.Worker(app, loglevel="warning", quiet=True)
    worker.execute_from_commandline()


if __name__ == "__main__":
    main(sys.argv[1:])
