"""``ticket-router triage`` and ``ticket-router triage-eval``.

``triage "text"`` prints the category with confidence, urgency, sentiment, language and
priority with its components and reasons (``--json`` for one JSON object).
``triage-eval`` measures the classifier against a TF-IDF + logistic-regression baseline
on a labelled CSV. Heavy imports (torch, sklearn) happen inside the handlers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from streams.cli.errors import CliError

__all__ = ["register"]

_TIERS = ("trial", "standard", "enterprise", "vip")
_PRIORITIES = ("low", "normal", "high", "urgent")


def register(subparsers: Any) -> None:
    """Add ``triage`` and ``triage-eval``."""
    triage = subparsers.add_parser(
        "triage",
        help="triage one ticket text and show the result with its reasons",
        description=(
            "Classify a ticket text into a skill/category (trained from the shipped catalogue, "
            "or --catalogue / --history), and show urgency, sentiment, language and a "
            "priority 1..4 with every component. Uses the packaged all-MiniLM-L6-v2 offline."
        ),
    )
    triage.add_argument("text", help="ticket text (subject and body); '-' reads stdin")
    triage.add_argument("--subject", default="", help="optional subject line")
    triage.add_argument("--tier", choices=_TIERS, default="standard", help="customer tier")
    triage.add_argument(
        "--helpdesk-priority", choices=_PRIORITIES, default="normal", help="helpdesk priority"
    )
    triage.add_argument(
        "--sla-minutes",
        type=float,
        default=None,
        help="minutes left until the SLA deadline (negative: already breached)",
    )
    triage.add_argument("--catalogue", help="skill catalogue YAML (default: the shipped one)")
    triage.add_argument("--history", help="labelled CSV to train from as well")
    _add_csv_columns(triage)
    triage.add_argument("--threshold", type=float, default=0.5, help="uncertain below this")
    triage.add_argument("--json", action="store_true", help="print one JSON object")
    _add_model_options(triage)
    triage.set_defaults(handler=_triage)

    evaluate = subparsers.add_parser(
        "triage-eval",
        help="evaluate the triage classifier against a TF-IDF + LR baseline",
        description=(
            "Train and test on a labelled CSV (--csv with a stratified hold-out or --folds K, "
            "or --train/--test) and print accuracy, macro-F1, accuracy at 50/70/90 %% coverage "
            "(most confident first) and the top confusions, next to a TF-IDF + logistic-"
            "regression baseline computed in the same run. Embeddings are cached under "
            ".local/cache/triage. Progress goes to stderr."
        ),
    )
    evaluate.add_argument("--csv", help="one labelled CSV, split stratified")
    evaluate.add_argument("--train", help="training CSV (with --test)")
    evaluate.add_argument("--test", help="test CSV (with --train)")
    evaluate.add_argument("--folds", type=int, default=0, help="k-fold instead of a hold-out")
    evaluate.add_argument("--test-size", type=float, default=0.2, help="hold-out share")
    evaluate.add_argument("--seed", type=int, default=0, help="split seed")
    evaluate.add_argument(
        "--limit", type=int, default=0, help="use only the first N rows (default 0: all)"
    )
    _add_csv_columns(evaluate)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--no-cache", action="store_true", help="do not use the vector cache")
    _add_model_options(evaluate)
    evaluate.set_defaults(handler=_triage_eval)


def _add_csv_columns(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--text-cols",
        default="short_description,description",
        help="comma-separated text columns (default: short_description,description)",
    )
    parser.add_argument(
        "--label-col", default="assignment_group", help="label column (default: assignment_group)"
    )


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model-path", help="sentence-transformers model directory")
    parser.add_argument("--device", default="cpu", help="torch device (default: cpu)")
    parser.add_argument(
        "--backend",
        # streams.triage.embedding.BACKEND_CHOICES, written out: importing it (numpy)
        # would slow every command's start
        choices=("auto", "torch", "onnx", "onnx-int8"),
        default="auto",
        help="encoder backend (default auto: onnx-int8 on a CPU when the 'onnx' extra is "
        "installed, else torch; the worker's default too)",
    )
    parser.add_argument("--max-seq-length", type=int, default=128, help="tokens per text")
    parser.add_argument(
        "--batch-size", type=int, default=8, help="texts per encode pass (sorted by length)"
    )
    parser.add_argument(
        "--fake-embedder",
        action="store_true",
        help="use the deterministic hashing embedder instead of MiniLM (tests, demos)",
    )


def _columns(args: argparse.Namespace) -> list[str]:
    columns = [c.strip() for c in args.text_cols.split(",") if c.strip()]
    if not columns:
        raise CliError("--text-cols is empty; pass e.g. --text-cols subject,body")
    return columns


def _embedder(args: argparse.Namespace) -> Any:
    if args.max_seq_length < 8 or args.batch_size < 1:
        raise CliError("--max-seq-length must be >= 8 and --batch-size >= 1")
    if args.fake_embedder:
        from router.triage import HashingEmbedder

        return HashingEmbedder(384)
    from streams.triage.embedding import EmbedderConfig, SentenceTransformerEmbedder

    try:
        return SentenceTransformerEmbedder(
            EmbedderConfig(
                model_path=args.model_path,
                device=args.device,
                backend=args.backend,
                max_seq_length=args.max_seq_length,
                batch_size=args.batch_size,
            )
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise CliError(f"cannot load the triage model: {exc}") from exc


def _triage(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    if not 0.0 <= args.threshold <= 1.0:
        raise CliError("--threshold must be between 0 and 1")
    if args.sla_minutes is not None and not math.isfinite(args.sla_minutes):
        raise CliError("--sla-minutes must be a number of minutes (negative: already breached)")
    from models.enums import CustomerTier, HelpdeskPriority
    from router.triage import join_fields
    from streams.triage.catalogue import load_catalogue, read_labelled_csv
    from streams.triage.service import TriageService, TriageSettings

    try:
        catalogue = load_catalogue(Path(args.catalogue) if args.catalogue else None)
        history = (
            read_labelled_csv(args.history, _columns(args), args.label_col)
            if args.history
            else None
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    service = TriageService(_embedder(args), TriageSettings(threshold=args.threshold), catalogue)
    if history is not None:
        service.add_examples([join_fields(*f) for f in history.fields], history.labels, now=0.0)
        service.refit(now=0.0)
    result = service.triage_text(
        join_fields(args.subject, text),
        tier=CustomerTier(args.tier),
        helpdesk_priority=HelpdeskPriority(args.helpdesk_priority),
        sla_deadline=None if args.sla_minutes is None else args.sla_minutes * 60.0,
        now=0.0,
    )
    data = result.to_dict()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    category = data["category"] or "uncertain (generalist pool)"
    print(f"category:   {category}")
    print(f"confidence: {result.confidence:.2f} (uncertain below {args.threshold:.2f})")
    print("skills:     " + ", ".join(f"{s.skill} {s.confidence:.2f}" for s in result.skills))
    print(f"urgency:    {result.urgency:.2f}")
    print(f"sentiment:  {result.sentiment:.2f}")
    print(f"language:   {result.language}")
    components = ", ".join(f"{k}={v:g}" for k, v in result.priority.components.items())
    print(
        f"priority:   {result.priority.priority} ({result.priority.points:g} points: {components})"
    )
    print(f"flags:      {', '.join(sorted(result.flags)) or '-'}")
    print(f"reasons:    {', '.join(result.reasons) or '-'}")
    return 0


def _triage_eval(args: argparse.Namespace) -> int:
    if bool(args.csv) == bool(args.train or args.test):
        raise CliError("pass either --csv PATH or both --train PATH and --test PATH")
    if not args.csv and not (args.train and args.test):
        raise CliError("--train and --test go together; pass both")
    if not 0.0 < args.test_size < 1.0:
        raise CliError("--test-size must be between 0 and 1 (e.g. 0.2)")
    if args.folds == 1 or args.folds < 0:
        raise CliError("--folds must be 0 (hold-out) or at least 2")
    if args.limit < 0:
        raise CliError("--limit must be 0 (every row) or a number of rows")
    columns = _columns(args)
    import numpy as np

    from router.triage import clean_text, join_fields
    from streams.triage.catalogue import read_labelled_csv
    from streams.triage.evaluation import (
        Split,
        check_splits,
        evaluate,
        holdout_split,
        kfold_splits,
    )
    from streams.triage.vector_cache import cached_embeddings

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        if args.csv:
            rows = read_labelled_csv(args.csv, columns, args.label_col)
            fields, labels = rows.fields, rows.labels
            if args.limit:
                fields, labels = fields[: args.limit], labels[: args.limit]
            splits = (
                kfold_splits(labels, args.folds, args.seed)
                if args.folds
                else holdout_split(labels, args.test_size, args.seed)
            )
        else:
            train = read_labelled_csv(args.train, columns, args.label_col)
            test = read_labelled_csv(args.test, columns, args.label_col)
            fields, labels = train.fields + test.fields, train.labels + test.labels
            n = len(train.labels)
            splits = [Split(np.arange(n), np.arange(n, len(labels)))]
        check_splits(labels, splits)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    texts = [clean_text(join_fields(*f)).text for f in fields]
    say(f"{len(texts)} tickets, {len(set(labels))} labels; loading the embedding model")
    embedder = _embedder(args)
    model_id = getattr(getattr(embedder, "config", None), "model_id", "hashing-384")

    def encode(batch: Any) -> Any:
        say(f"encoding {len(batch)} tickets ({model_id}); cached for later runs")
        if hasattr(embedder, "encode_raw"):
            return embedder.encode_raw(batch, show_progress=sys.stderr.isatty())
        return np.asarray(embedder.embed(batch), dtype=np.float32)

    if args.no_cache:
        vectors = encode(texts)
    else:
        vectors, cached = cached_embeddings(model_id, texts, encode)
        if cached:
            say("embeddings read from the cache")
    result = evaluate(texts, vectors, labels, splits, progress=say)
    result["model"] = model_id
    if args.json:
        print(json.dumps(result))
        return 0
    _print_eval(result)
    return 0


def _print_eval(result: dict[str, Any]) -> None:
    base = result["baseline"]
    spans = result["intervals"]
    percent = f"{spans['level'] * 100:g} %"
    print(f"tickets tested: {result['n']} ({result['folds']} split(s)), model {result['model']}")
    print(f"{'':24}{'triage':>10}  {percent + ' interval':<16}{'baseline':>9}  triage - baseline")
    rows = [("accuracy", "accuracy", None), ("macro-F1", "macro_f1", None)]
    rows += [
        (f"accuracy @ {key} coverage", "accuracy_at_coverage", key)
        for key in result["accuracy_at_coverage"]
    ]
    for label, name, key in rows:
        ours, theirs = result[name], base[name]
        span, lead = spans["triage"][name], spans["lead_over_baseline"][name]
        if key is not None:
            ours, theirs, span, lead = ours[key], theirs[key], span[key], lead[key]
        low, high = lead["interval"]
        print(
            f"{label:24}{ours:>10.4f}  {span[0]:.4f}-{span[1]:.4f}   {theirs:>9.4f}  "
            f"{lead['value']:+.4f} ({low:+.4f} to {high:+.4f})"
        )
    label = "calibration error (ECE)"
    print(f"{label:24}{result['calibration_error']:>10.4f}{'':18}{base['calibration_error']:>9.4f}")
    print("top confusions (true -> predicted: count):")
    for item in result["top_confusions"]:
        print(f"  {item['true']} -> {item['predicted']}: {item['count']}")
    if not result["top_confusions"]:
        print("  none: every test ticket was classified right")
    print(
        f"intervals: {percent}, paired bootstrap over the tested tickets "
        f"({spans['resamples']} resamples)"
    )
    timings = result["timings"]
    print(
        f"training time: classifier {timings['train_s']:.1f} s, "
        f"baseline {timings['baseline_train_s']:.1f} s (all splits)"
    )
