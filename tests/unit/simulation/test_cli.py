"""``ticket-router simulate``: JSON keys, table, HTML report and operator errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.cli.main import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sim"


def test_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--policies", "pooled", "--tickets", "300", "--json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pooled_mean_wait_s"] == data["policies"]["pooled"]["mean_wait_s"]
    pooled = data["policies"]["pooled"]
    for key in (
        "mean_wait_s",
        "p90_wait_s",
        "mean_assign_s",
        "jain_utilisation",
        "skill_match_rate",
        "sla_attainment",
    ):
        assert isinstance(pooled[key], float), key
    assert pooled["wait_vs_pooled"] == 1.0
    assert data["input"]["tickets"] == 300
    assert data["input"]["seed"] == 0


def test_seed_makes_runs_reproducible(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--policies", "pooled", "--tickets", "300", "--json", "--quiet"]
    outputs = []
    for seed in ("1", "1", "2"):
        assert main([*argv, "--seed", seed]) == 0
        data = json.loads(capsys.readouterr().out)["policies"]["pooled"]
        outputs.append((data["mean_wait_s"], data["p90_wait_s"]))
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]


def test_table_and_self_contained_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = tmp_path / "report.html"
    argv = ["simulate", "--policies", "pooled", "--tickets", "300", "--html", str(html), "--quiet"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "mean wait" in out
    assert "pooled bound (mean wait)" in out
    page = html.read_text(encoding="utf-8")
    assert page.count("<svg") >= 6
    assert "<script" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page


def test_replay_through_the_preset(capsys: pytest.CaptureFixture[str]) -> None:
    log = FIXTURES / "servicenow_small.csv"
    argv = ["simulate", "--replay", str(log), "--policies", "pooled", "--json", "--quiet"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["input"]["kind"] == "replay"
    assert data["input"]["tickets"] == 4
    assert data["policies"]["pooled"]["mean_wait_s"] == 0.0


def test_progress_of_policies_running_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--policies", "round_robin,pooled", "--tickets", "2000", "--progress"]
    assert main([*argv, "--jobs", "2"]) == 0
    err = capsys.readouterr().err
    finals = [line for line in err.splitlines() if "2,000/2,000 tickets" in line]
    assert sorted(line.split()[0] for line in finals) == ["pooled", "round_robin"]


def test_progress_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--policies", "pooled", "--tickets", "2000", "--progress"]) == 0
    err = capsys.readouterr().err
    assert "pooled" in err
    assert "2,000/2,000 tickets" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--policies", "fifo"], "--policies: unknown fifo"),
        (["--tickets", "0"], "--tickets must be >= 1"),
        (["--scenario", "missing.yaml"], "not found"),
        (["--replay", "missing.csv"], "not found"),
        (["--replay", "x.csv", "--mapping", "nope"], "neither a file nor a preset"),
        (["--config", "missing.yaml"], "--config: cannot read"),
        (["--html", "/nonexistent-dir/r.html"], "--html: folder"),
        (["--html", "."], "--html: . is a folder; name the file"),
        (["--jobs", "0"], "--jobs: must be 1 or more"),
    ],
)
def test_operator_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--quiet", *argv]) == 1
    assert message in capsys.readouterr().err


def test_skilled_pooled_reference_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--policies", "pooled,pooled_skills", "--tickets", "500", "--json"]
    assert main([*argv, "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    skilled = data["policies"]["pooled_skills"]
    assert skilled["skill_match_rate"] == 1.0
    assert skilled["mean_wait_s"] >= data["pooled_mean_wait_s"]


def test_zero_pooled_bound_gives_no_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    # nobody waits in the pooled queue of the fixture replay; round-robin's pushes may
    log = FIXTURES / "servicenow_small.csv"
    argv = ["simulate", "--replay", str(log), "--json", "--quiet"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pooled_mean_wait_s"] == 0.0
    for entry in data["policies"].values():
        assert entry["wait_vs_pooled"] in (None, 1.0)


def test_replay_says_which_time_format_it_recognised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "zendesk.yaml"
    mapping.write_text(
        "columns: {case_id: Id, opened_at: Created at, group: Group, priority: Priority,\n"
        "          assignee: Assignee, resolved_at: Solved at}\n"
    )
    log = FIXTURES / "zendesk_small.csv"
    argv = ["simulate", "--replay", str(log), "--mapping", str(mapping), "--json"]
    assert main([*argv, "--policies", "pooled"]) == 0
    out, err = capsys.readouterr()
    assert "times read as 'iso' (time_format: auto)" in err
    assert json.loads(out)["input"]["time_format"] == "iso"


def test_replay_notes_groups_where_nobody_reached_intermediate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = FIXTURES / "zendesk_mapping.yaml"
    argv = ["simulate", "--replay", str(FIXTURES / "zendesk_small.csv"), "--json"]
    assert main([*argv, "--mapping", str(mapping), "--policies", "balanced"]) == 0
    out, err = capsys.readouterr()
    assert "note: 2 of 2 groups (3 tickets) have no agent with 5 or more cases" in err
    data = json.loads(out)
    assert data["input"]["groups_below_intermediate"] == 2
    assert data["policies"]["balanced"]["mean_wait_s"] == 120.0  # the lower_proficiency step
    lowered = tmp_path / "m.yaml"
    lowered.write_text(mapping.read_text() + "levels: {advanced: 2, intermediate: 1}\n")
    assert main([*argv, "--mapping", str(lowered), "--policies", "balanced"]) == 0
    out, err = capsys.readouterr()
    assert "note:" not in err
    data = json.loads(out)
    assert data["input"]["groups_below_intermediate"] == 0
    assert data["policies"]["balanced"]["mean_wait_s"] == 0.0
    assert main([*argv, "--mapping", str(mapping), "--quiet"]) == 0
    assert "note:" not in capsys.readouterr().err
