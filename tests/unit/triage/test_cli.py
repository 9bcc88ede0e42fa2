"""CLI: argument errors say what to do; the fake embedder runs triage and triage-eval fast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.cli.main import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["triage-eval"], "either --csv PATH or both"),
        (["triage-eval", "--csv", "a.csv", "--train", "b.csv"], "either --csv PATH or both"),
        (["triage-eval", "--train", "b.csv"], "--train and --test go together"),
        (["triage-eval", "--csv", "a.csv", "--folds", "1"], "--folds must be"),
        (["triage-eval", "--csv", "a.csv", "--test-size", "1.5"], "--test-size"),
        (["triage-eval", "--csv", "missing.csv", "--fake-embedder"], "no such file"),
        (["triage-eval", "--csv", ".", "--fake-embedder"], "it is a folder"),
        (["triage-eval", "--csv", "a.csv", "--limit", "-3"], "--limit must be 0"),
        (["triage", "x", "--threshold", "2"], "--threshold"),
        (["triage", "x", "--sla-minutes", "nan"], "--sla-minutes must be a number"),
        (["triage", "x", "--catalogue", "missing.yaml", "--fake-embedder"], "cannot read"),
    ],
)
def test_operator_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_missing_columns_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_text("subject,group\nhello,a\n", encoding="utf-8")
    assert main(["triage-eval", "--csv", str(path), "--fake-embedder"]) == 1
    assert "--text-cols and --label-col" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        (["vpn down,network", "vpn slow,network"], [], "at least two categories; found 1"),
        (["vpn down,network", "invoice,billing"], [], "the split has no test tickets"),
        (
            ["vpn down,network", "vpn slow,network", "invoice,billing", "refund,billing"],
            ["--folds", "5"],
            "split 5 of 5 has no test tickets",
        ),
    ],
)
def test_too_little_labelled_data_is_a_clear_error(
    rows: list[str],
    extra: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "t.csv"
    path.write_text("\n".join(["text,team", *rows]) + "\n", encoding="utf-8")
    argv = ["triage-eval", "--csv", str(path), "--text-cols", "text", "--label-col", "team"]
    assert main([*argv, "--fake-embedder", *extra]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert "loading the embedding model" not in err  # refused before any work


def test_triage_json_with_fake_embedder(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["triage", "We were charged twice for the invoice", "--fake-embedder", "--json"]
    assert main([*argv, "--tier", "vip", "--threshold", "0.1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["category"] == "billing"
    assert data["priority_components"]["tier"] == 2.0


def test_triage_eval_json_with_fake_embedder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKET_ROUTER_CACHE_DIR", str(tmp_path / "cache"))
    rows = ["title,body,team"]
    words = {"billing": "invoice refund charge", "access": "password login locked"}
    for i in range(30):
        for team, vocab in words.items():
            rows.append(f"{vocab} {i},ticket number {i},{team}")
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    argv = ["triage-eval", "--csv", str(path), "--text-cols", "title,body", "--label-col", "team"]
    assert main([*argv, "--fake-embedder", "--json", "--folds", "3"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["accuracy"] == 1.0
    assert set(data["accuracy_at_coverage"]) == {"50%", "70%", "90%"}
    assert 0.0 <= data["calibration_error"] <= 1.0
    assert data["baseline"]["n"] == data["n"] == 60
    intervals = data["intervals"]
    assert intervals["triage"]["accuracy"] == [1.0, 1.0]
    assert set(intervals["lead_over_baseline"]["accuracy_at_coverage"]) == {"50%", "70%", "90%"}
    assert "fold 3/3" in captured.err
    assert main([*argv, "--fake-embedder"]) == 0
    assert "embeddings read from the cache" in capsys.readouterr().err


def test_calibration_error() -> None:
    import numpy as np

    from streams.triage.evaluation import calibration_error

    correct = np.array([True, True, False, False])
    assert calibration_error(correct, [0.5, 0.5, 0.5, 0.5]) == 0.0
    assert calibration_error(correct, [1.0, 1.0, 1.0, 1.0]) == 0.5
    assert calibration_error(np.array([], dtype=bool), []) == 0.0
