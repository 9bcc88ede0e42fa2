"""Triage throughput and latency, as ratios to raw batched ``model.encode`` in the same run.

    python benchmarks/bench_triage.py [--csv PATH] [--n 1000] [--backends torch,onnx,onnx-int8]
                                      [--seq-lens 128,256] [--single 200]

Texts: a sample of --n tickets from --csv (columns --text-cols), or the shipped catalogue
examples when no path is given. For each backend and max sequence length it prints
tickets/s of raw batched encode, tickets/s of the full triage stage (clean, embed,
classify, rules, language, priority; the LRU cache is off so nothing is reused), their
ratio, and p50/p99 single-ticket latency of both. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from router.triage import clean_text, join_fields  # noqa: E402
from streams.triage.catalogue import load_catalogue  # noqa: E402
from streams.triage.embedding import EmbedderConfig, SentenceTransformerEmbedder  # noqa: E402
from streams.triage.service import TriageInput, TriageService, TriageSettings  # noqa: E402


def _texts(args: argparse.Namespace) -> list[str]:
    if not args.csv:
        catalogue = load_catalogue()
        return [text for items in catalogue.examples.values() for text in items]
    columns = args.text_cols.split(",")
    with open(args.csv, encoding="utf-8", errors="replace", newline="") as handle:
        rows = [join_fields(*(row.get(c) or "" for c in columns)) for row in csv.DictReader(handle)]
    random.Random(args.seed).shuffle(rows)
    return rows[: args.n]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _bench(
    backend: str, seq_len: int, texts: list[str], args: argparse.Namespace
) -> tuple[float, str]:
    config = EmbedderConfig(
        backend=backend, max_seq_length=seq_len, batch_size=args.batch_size, cache_size=0
    )
    embedder = SentenceTransformerEmbedder(config)
    service = TriageService(embedder, TriageSettings(), catalogue=load_catalogue())
    cleaned = [clean_text(t).text for t in texts]
    inputs = [TriageInput(ticket_id=str(i), subject="", body=t) for i, t in enumerate(texts)]
    embedder.encode_raw(cleaned[: args.batch_size])  # warm-up
    service.triage_inputs(inputs[: args.batch_size])

    started = time.perf_counter()
    embedder.encode_raw(cleaned)
    raw_rate = len(cleaned) / (time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(0, len(inputs), args.batch_size):
        service.triage_inputs(inputs[start : start + args.batch_size])
    triage_rate = len(inputs) / (time.perf_counter() - started)

    raw_single: list[float] = []
    triage_single: list[float] = []
    for text, item in list(zip(cleaned, inputs, strict=True))[: args.single]:
        started = time.perf_counter()
        embedder.encode_raw([text])
        raw_single.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        service.triage_inputs([item])
        triage_single.append((time.perf_counter() - started) * 1000)
    line = (
        f"{backend:10} seq={seq_len:<4} raw {raw_rate:7.1f}/s  triage {triage_rate:7.1f}/s  "
        f"ratio {triage_rate / raw_rate:5.2f}  single p50/p99 ms: raw "
        f"{statistics.median(raw_single):6.1f}/{_pct(raw_single, 0.99):6.1f}  triage "
        f"{statistics.median(triage_single):6.1f}/{_pct(triage_single, 0.99):6.1f}"
    )
    return raw_rate, line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", help="labelled ticket CSV to sample texts from")
    parser.add_argument("--text-cols", default="short_description,description")
    parser.add_argument("--n", type=int, default=1000, help="tickets to sample (bounded)")
    parser.add_argument("--single", type=int, default=200, help="single-ticket calls timed")
    parser.add_argument("--backends", default="torch", help="comma-separated backends")
    parser.add_argument("--seq-lens", default="128", help="comma-separated max sequence lengths")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    texts = _texts(args)
    median_chars = statistics.median(len(t) for t in texts)
    print(f"{len(texts)} tickets, median {median_chars:.0f} chars", flush=True)
    torch_raw: dict[int, float] = {}
    for backend in args.backends.split(","):
        for seq_len in (int(s) for s in args.seq_lens.split(",")):
            raw_rate, line = _bench(backend, seq_len, texts, args)
            if backend == "torch":
                torch_raw[seq_len] = raw_rate
            versus = (
                f"  raw vs torch raw {raw_rate / torch_raw[seq_len]:4.2f}x"
                if seq_len in torch_raw
                else ""
            )
            print(line + versus, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
