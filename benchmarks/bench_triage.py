"""Triage throughput and latency, as ratios to raw batched ``model.encode`` in the same run.

    python benchmarks/bench_triage.py [--csv PATH] [--n 500] [--train 2000]
                                      [--backends torch,onnx,onnx-int8] [--seq-lens 128,256]
                                      [--single 200] [--batch-size 8] [--stage-batch N]
                                      [--cache 0] [--same-process]

Texts: a sample of --n tickets from --csv (columns --text-cols), or the shipped catalogue
examples when no path is given. With --csv the classifier is trained on --train other rows
of the file (catalogue + history, so the confidence model and the neighbour search run as
in production), otherwise on the catalogue alone; training is deterministic, so every
backend gets the same classifier.

For each backend and max sequence length it prints: tickets/s of raw batched encode (one
``encode`` call over all texts, batch --batch-size, sorted by length: its best case; in
brackets the same encode called on the stage's batches), tickets/s of the full triage
stage (clean, embed, classify, rules, language, priority; --stage-batch tickets per call in
arrival order, as the worker batches them: by default the worker's batch for the backend,
torch 64, onnx 128, onnx-int8 256; the LRU cache is off so nothing is reused,
unless --cache gives it a size: it is then emptied before every round, so a round reuses
only the repeats within the sample) and the two ratios, over --repeat interleaved rounds:
throughput is the median over rounds, each ratio the median of the per-round ratios (the
CPUs may be shared). Then p50/p99 single-ticket latency of raw encode and of the triage
stage with the p99 ratio, and raw encode versus raw torch at the same sequence length.
Each backend and length runs in a fresh process (--same-process: all in this one): an
encoder that ran before, torch's especially, slows the next one's raw encode by up to a
fifth. Prints figures (progress on stderr); asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from router.triage import clean_text, join_fields  # noqa: E402
from streams.app.settings import TRIAGE_BATCH_BY_BACKEND  # noqa: E402
from streams.triage.catalogue import load_catalogue  # noqa: E402
from streams.triage.embedding import (  # noqa: E402
    BACKENDS,
    EmbedderConfig,
    SentenceTransformerEmbedder,
)
from streams.triage.service import TriageInput, TriageService, TriageSettings  # noqa: E402
from streams.triage.vector_cache import cached_embeddings  # noqa: E402


def _rows(args: argparse.Namespace) -> tuple[list[str], list[tuple[str, str]]]:
    """(benchmark texts, (text, label) training rows disjoint from them)."""
    if not args.csv:
        catalogue = load_catalogue()
        return [text for items in catalogue.examples.values() for text in items], []
    columns = args.text_cols.split(",")
    with open(args.csv, encoding="utf-8", errors="replace", newline="") as handle:
        rows = [
            (join_fields(*(row.get(c) or "" for c in columns)), row.get(args.label_col) or "")
            for row in csv.DictReader(handle)
        ]
    random.Random(args.seed).shuffle(rows)
    texts = [text for text, _ in rows[: args.n]]
    train = [(text, label) for text, label in rows[args.n : args.n + args.train] if label]
    return texts, train


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _trained_service(train: list[tuple[str, str]], args: argparse.Namespace) -> TriageService:
    """One service (torch, max_seq_length 128) trained on the catalogue plus ``train``."""
    embedder = SentenceTransformerEmbedder(EmbedderConfig(batch_size=args.batch_size))
    service = TriageService(embedder, TriageSettings(), catalogue=load_catalogue())
    if train:
        started = time.perf_counter()
        texts = [clean_text(text).text for text, _ in train]
        vectors, _ = cached_embeddings(embedder.config.model_id, texts, embedder.encode_raw)
        service.add_vectors(texts, vectors, [label for _, label in train], now=0.0)
        service.refit(now=0.0)
        print(
            f"classifier trained on {len(service.store)} examples "
            f"in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return service


def _bench(
    service: TriageService, backend: str, seq_len: int, texts: list[str], args: argparse.Namespace
) -> tuple[float, str]:
    config = EmbedderConfig(
        backend=backend, max_seq_length=seq_len, batch_size=args.batch_size, cache_size=args.cache
    )
    embedder = SentenceTransformerEmbedder(config)
    service.embedder = embedder  # the classifier is shared; only the encoder changes
    batch = args.stage_batch or TRIAGE_BATCH_BY_BACKEND[backend]
    cleaned = [clean_text(t).text for t in texts]
    inputs = [TriageInput(ticket_id=str(i), subject="", body=t) for i, t in enumerate(texts)]
    embedder.encode_raw(cleaned[: args.batch_size])  # warm-up
    service.triage_inputs(inputs[: args.batch_size])

    raw_all: list[float] = []
    raw_batches: list[float] = []
    stage: list[float] = []
    for _ in range(args.repeat):  # interleaved, so every round sees the same machine state
        started = time.perf_counter()
        embedder.encode_raw(cleaned)  # one call: encode sorts all texts by length (best case)
        raw_all.append(len(cleaned) / (time.perf_counter() - started))
        started = time.perf_counter()
        for start in range(0, len(cleaned), batch):
            embedder.encode_raw(cleaned[start : start + batch])
        raw_batches.append(len(cleaned) / (time.perf_counter() - started))
        embedder.clear_cache()  # each round sees only the repeats within the sample
        started = time.perf_counter()
        for start in range(0, len(inputs), batch):
            service.triage_inputs(inputs[start : start + batch])
        stage.append(len(inputs) / (time.perf_counter() - started))
    median = statistics.median
    raw_rate, batch_rate, triage_rate = median(raw_all), median(raw_batches), median(stage)
    ratio = median(t / r for t, r in zip(stage, raw_all, strict=True))
    ratio_batches = median(t / r for t, r in zip(stage, raw_batches, strict=True))

    raw_single: list[float] = []
    triage_single: list[float] = []
    embedder.clear_cache()
    for text, item in list(zip(cleaned, inputs, strict=True))[: args.single]:
        started = time.perf_counter()
        embedder.encode_raw([text])
        raw_single.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        service.triage_inputs([item])
        triage_single.append((time.perf_counter() - started) * 1000)
    raw_p99, triage_p99 = _pct(raw_single, 0.99), _pct(triage_single, 0.99)
    line = (
        f"{backend:9} seq={seq_len:<4} raw {raw_rate:6.1f}/s (same batches {batch_rate:6.1f}/s)"
        f"  triage {triage_rate:6.1f}/s (batch {batch})  ratio {ratio:4.2f} ({ratio_batches:4.2f})"
        + (f"  cache on, {len(cleaned) - len(set(cleaned))} repeats" if args.cache else "")
        + f"  single p50/p99 ms: raw "
        f"{statistics.median(raw_single):5.1f}/{raw_p99:5.1f}  triage "
        f"{statistics.median(triage_single):5.1f}/{triage_p99:5.1f}  "
        f"p99 ratio {triage_p99 / raw_p99:4.2f}"
    )
    return raw_rate, line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", help="labelled ticket CSV to sample texts from")
    parser.add_argument("--text-cols", default="short_description,description")
    parser.add_argument("--label-col", default="assignment_group")
    parser.add_argument("--n", type=int, default=500, help="tickets to time (bounded)")
    parser.add_argument("--train", type=int, default=2000, help="other CSV rows to train on")
    parser.add_argument("--single", type=int, default=200, help="single-ticket calls timed")
    parser.add_argument("--backends", default="torch", help="comma-separated backends")
    parser.add_argument("--seq-lens", default="128", help="comma-separated max sequence lengths")
    parser.add_argument("--batch-size", type=int, default=8, help="texts per encode pass")
    parser.add_argument(
        "--stage-batch",
        type=int,
        default=None,
        help="tickets per triage call (default: the worker's batch for the backend, "
        + ", ".join(f"{b} {n}" for b, n in TRIAGE_BATCH_BY_BACKEND.items())
        + ")",
    )
    parser.add_argument(
        "--cache",
        type=int,
        default=0,
        help="LRU size of the stage's vector cache (default 0: off, no text is reused; the "
        "worker's default is 10000); emptied before every round",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (medians)")
    parser.add_argument(
        "--same-process",
        action="store_true",
        help="run every backend and length in this process (by default each runs in a fresh "
        "one: a backend that ran before, torch especially, slows the next one's encoder)",
    )
    parser.add_argument("--result-line", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for name in ("n", "repeat", "batch_size", "stage_batch", "single"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    unknown = set(args.backends.split(",")) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(sorted(unknown))}; use {', '.join(BACKENDS)}")
    combos = [(b, int(s)) for b in args.backends.split(",") for s in args.seq_lens.split(",")]
    texts, train = _rows(args)
    if not args.result_line:
        median_chars = statistics.median(len(t) for t in texts)
        print(f"{len(texts)} tickets timed, median {median_chars:.0f} chars", flush=True)
    fresh = len(combos) > 1 and not args.same_process
    service = None if fresh else _trained_service(train, args)
    torch_raw: dict[int, float] = {}
    for backend, seq_len in combos:
        if service is None:
            raw_rate, line = _in_fresh_process(backend, seq_len)
        else:
            raw_rate, line = _bench(service, backend, seq_len, texts, args)
        if args.result_line:
            print(_RESULT + json.dumps({"raw_rate": raw_rate, "line": line}), flush=True)
            continue
        if backend == "torch":
            torch_raw[seq_len] = raw_rate
        versus = (
            f"  raw vs torch raw {raw_rate / torch_raw[seq_len]:4.2f}x"
            if seq_len in torch_raw
            else ""
        )
        print(line + versus, flush=True)
    return 0


_RESULT = "bench-triage-result "


def _in_fresh_process(backend: str, seq_len: int) -> tuple[float, str]:
    """Run one backend and length in a new interpreter (same arguments otherwise)."""
    argv = [a for a in sys.argv[1:] if a != "--same-process"]
    for flag in ("--backends", "--seq-lens"):  # drop the lists; this run names one of each
        argv = [a for a in argv if not a.startswith(flag + "=")]
        while flag in argv:
            at = argv.index(flag)
            del argv[at : at + 2]
    argv += ["--backends", backend, "--seq-lens", str(seq_len), "--result-line"]
    done = subprocess.run(
        [sys.executable, __file__, *argv], stdout=subprocess.PIPE, text=True, check=False
    )
    results = [x for x in done.stdout.splitlines() if x.startswith(_RESULT)]
    if done.returncode != 0 or not results:
        raise SystemExit(f"bench_triage: the {backend} run at {seq_len} tokens failed")
    result = json.loads(results[-1][len(_RESULT) :])
    return float(result["raw_rate"]), str(result["line"])


if __name__ == "__main__":
    sys.exit(main())
