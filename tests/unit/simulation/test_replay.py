"""Replay of small fixture logs through the ServiceNow preset and a custom mapping."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest

from router.simulation import PooledQueue, run, summarise
from streams.simulation.replay import (
    ReplayError,
    detect_time_format,
    load_mapping,
    load_replay,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sim"
LOG = FIXTURES / "servicenow_small.csv"


def test_servicenow_preset_collapses_cases_into_tickets() -> None:
    sim = load_replay(LOG, load_mapping("servicenow"))
    # INC3 never had an assignee, INC5 was resolved before it was opened: both skipped
    assert [t.ticket_id for t in sim.tickets] == [
        "INC0000001",
        "INC0000002",
        "INC0000004",
        "INC0000006",
    ]
    assert [t.arrival for t in sim.tickets] == [0, 1800, 4500, 86400]
    # work is opened -> resolved, or -> closed when never resolved
    assert [t.work for t in sim.tickets] == [3600, 7200, 86400, 1200]
    assert [t.priority for t in sim.tickets] == [3, 1, 4, 2]
    assert [t.category for t in sim.tickets] == ["Group 1", "Group 2", "Group 2", "Group 1"]
    assert [t.sla_s for t in sim.tickets] == [24 * 3600, 3600, 72 * 3600, 4 * 3600]
    assert sim.meta["cases"] == 6
    assert sim.meta["skipped"] == 2


def test_agents_come_from_history() -> None:
    sim = load_replay(LOG, load_mapping("servicenow"))
    agents = {a.agent_id: a for a in sim.agents}
    assert set(agents) == {"Resolver 1", "Resolver 2"}
    assert agents["Resolver 1"].skills == {"Group 1": 1}
    assert agents["Resolver 2"].skills == {"Group 2": 1}
    # Little's law over the replay span (1 day): 4,800 s and 93,600 s of work at load 0.9
    assert agents["Resolver 1"].concurrency == 1
    assert agents["Resolver 2"].concurrency == 2
    assert agents["Resolver 2"].capacity == 6  # capacity_factor 3


def test_replayed_history_runs_through_the_simulator() -> None:
    sim = load_replay(LOG, load_mapping("servicenow"))
    metrics = summarise(sim, run(sim, PooledQueue(sim)))
    assert metrics.closed == 4
    assert metrics.mean_wait_s == 0.0  # three slots, never more than three open cases


def test_gzipped_log_and_limit(tmp_path: Path) -> None:
    packed = tmp_path / "log.csv.gz"
    with LOG.open("rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    sim = load_replay(packed, load_mapping("servicenow"), limit=2)
    assert [t.ticket_id for t in sim.tickets] == ["INC0000001", "INC0000002"]


def test_custom_mapping_with_named_priorities() -> None:
    sim = load_replay(
        FIXTURES / "zendesk_small.csv", load_mapping(str(FIXTURES / "zendesk_mapping.yaml"))
    )
    assert [t.ticket_id for t in sim.tickets] == ["101", "102", "103"]  # 104 is unsolved
    assert [t.priority for t in sim.tickets] == [3, 1, 4]
    assert [t.work for t in sim.tickets] == [2700, 10800, 86400]
    assert sorted(a.agent_id for a in sim.agents) == ["Ana", "Ben"]


def test_levels_come_from_case_counts_the_mapping_can_lower(tmp_path: Path) -> None:
    explicit = FIXTURES / "zendesk_mapping.yaml"
    sim = load_replay(FIXTURES / "zendesk_small.csv", load_mapping(str(explicit)))
    # two cases at most per agent and group: basic everywhere by default (20 / 5), so
    # no group has anyone at intermediate
    assert {a.agent_id: a.skills for a in sim.agents} == {
        "Ana": {"Billing": 1},
        "Ben": {"Technical": 1},
    }
    assert sim.meta["groups_below_intermediate"] == ["Billing", "Technical"]
    assert sim.meta["tickets_below_intermediate"] == 3
    lowered = tmp_path / "m.yaml"
    lowered.write_text(explicit.read_text() + "levels: {advanced: 2, intermediate: 1}\n")
    sim = load_replay(FIXTURES / "zendesk_small.csv", load_mapping(str(lowered)))
    assert {a.agent_id: a.skills for a in sim.agents} == {
        "Ana": {"Billing": 3},
        "Ben": {"Technical": 2},
    }
    assert sim.meta["groups_below_intermediate"] == []


def test_iso_and_epoch_times(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "id,opened,team,who,done\n1,2024-01-01T10:00:00+01:00,a,x,2024-01-01T10:30:00Z\n"
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns: {case_id: id, opened_at: opened, group: team, assignee: who, resolved_at: done}\n"
        "time_format: iso\n"
    )
    sim = load_replay(log, load_mapping(str(mapping)))
    assert sim.tickets[0].work == 5400  # 09:00Z -> 10:30Z
    log.write_text("id,opened,team,who,done\n1,1000,a,x,1600\n")
    mapping.write_text(mapping.read_text().replace("iso", "epoch"))
    assert load_replay(log, load_mapping(str(mapping))).tickets[0].work == 600


_COLUMNS = (
    "columns: {case_id: a, opened_at: b, group: c, assignee: d, resolved_at: e}\ntime_format: x\n"
)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("columns: {case_id: number}\ntime_format: x\n", "lacks columns.opened_at"),
        ("columns: {}\n", "lacks columns.case_id"),
        ("time_format: x\n", "needs a 'columns' mapping"),
        (
            "columns: {case_id: a, opened_at: b, group: c, assignee: d, resolved_at: e, tier: f}\n"
            "time_format: x\n",
            "unknown columns.tier",
        ),
        (
            "columns: {case_id: a, opened_at: b, group: c, assignee: d, resolved_at: e}\n"
            "time_format: x\npriorities: {urgent: 0}\n",
            "priorities.urgent must be 1..4",
        ),
        *(
            (_COLUMNS + extra, message)
            for extra, message in (
                ("target_load: 0\n", "target_load: must be more than 0"),
                ("target_load: 2\n", "target_load 2 is out of range"),
                ("capacity_factor: 0\n", "capacity_factor: must be at least 1"),
                ("capacity_factor: 2.5\n", "capacity_factor: expected a whole number"),
                ("max_work_hours: -1\n", "max_work_hours: must be more than 0"),
                ("sla_hours: {1: soon}\n", "sla_hours.1: expected a number, got 'soon'"),
                ("sla_hours: {9: 1}\n", "sla_hours.9: priorities are 1..4"),
                ("missing: '?'\n", "missing must be a list"),
                ("levels: {expert: 50}\n", "levels takes advanced and intermediate"),
                ("levels: [20, 5]\n", "levels takes advanced and intermediate"),
                ("levels: {intermediate: 0}\n", "levels.intermediate: must be at least 1"),
                ("levels: {advanced: 2.5}\n", "levels.advanced: expected a whole number"),
                ("levels: {advanced: 3}\n", r"levels.intermediate \(5\) is more than"),
            )
        ),
    ],
)
def test_mapping_errors(tmp_path: Path, mapping: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(mapping)
    with pytest.raises(ReplayError, match=message):
        load_mapping(str(path))


def test_unknown_preset_or_file() -> None:
    with pytest.raises(ReplayError, match="neither a file nor a preset"):
        load_mapping("zendesk-does-not-exist")


def test_log_errors_say_what_to_fix(tmp_path: Path) -> None:
    mapping = load_mapping("servicenow")
    with pytest.raises(ReplayError, match="not found"):
        load_replay(tmp_path / "missing.csv", mapping)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,when\n1,2\n")
    with pytest.raises(ReplayError, match="columns number, opened_at"):
        load_replay(wrong, mapping)
    bad_time = tmp_path / "bad.csv"
    bad_time.write_text(LOG.read_text().replace("1/3/2016 09:00", "2016-03-01 09:00"))
    with pytest.raises(ReplayError, match="does not match time_format"):
        load_replay(bad_time, mapping)


def test_unreadable_logs_are_errors_not_tracebacks(tmp_path: Path) -> None:
    mapping = load_mapping("servicenow")
    cut = tmp_path / "cut.csv.gz"  # a download that stopped half-way
    cut.write_bytes(gzip.compress(LOG.read_bytes() * 50)[:400])
    with pytest.raises(ReplayError, match=r"as a gzipped UTF-8 CSV after \d+ rows"):
        load_replay(cut, mapping)
    latin = tmp_path / "latin1.csv"  # an export in another encoding
    latin.write_bytes(LOG.read_text().replace("INC0000001", "INCé0001").encode("latin-1"))
    with pytest.raises(ReplayError, match="as a UTF-8 CSV after 0 rows: 'utf-8' codec"):
        load_replay(latin, mapping)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-05-06 09:00:00", "2024-05-06T10:00:00Z", "2024-05-07 08:00:00 +0000"], "iso"),
        (["1/3/2016 09:00", "29/2/2016 01:16"], "%d/%m/%Y %H:%M"),  # ServiceNow's log
        (["1/3/2016 09:00", "2/29/2016 01:16"], "%m/%d/%Y %H:%M"),
        (["3/14/2024 2:05 PM", "3/15/2024 9:00 AM"], "%m/%d/%Y %I:%M %p"),
        (["05/Jan/24 2:32 PM", "17/Feb/24 11:02 AM"], "%d/%b/%y %I:%M %p"),  # Jira
        (["14.03.2024 09:30", "01.04.2024 17:00"], "%d.%m.%Y %H:%M"),
        (["2024/03/14 09:30:00"], "%Y/%m/%d %H:%M:%S"),
        (["1462060800", "1462064400"], "epoch"),
    ],
)
def test_time_format_is_recognised(values: list[str], expected: str) -> None:
    assert detect_time_format(values) == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["1/3/2016 09:00", "2/3/2016 10:00"], "read both as '%d/%m/%Y %H:%M' and as '%m/%d/%Y"),
        (["1462060800000"], "cannot tell the time format"),  # milliseconds
        (["yesterday", "today"], "values such as 'yesterday', 'today'"),
        (["2024-05-06 09:00:00", "06/05/2024 09:00"], "cannot tell"),  # mixed forms
        ([], "no times to read"),
    ],
)
def test_time_format_that_cannot_be_told_is_an_error(values: list[str], message: str) -> None:
    with pytest.raises(ReplayError, match=re.escape(message)):
        detect_time_format(values)


def test_auto_time_format_is_the_default_and_reads_the_log(tmp_path: Path) -> None:
    explicit = load_mapping(str(FIXTURES / "zendesk_mapping.yaml"))
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "\n".join(
            line
            for line in (FIXTURES / "zendesk_mapping.yaml").read_text().splitlines()
            if not line.startswith("time_format")
        )
    )
    auto = load_mapping(str(mapping))
    assert auto.time_format == "auto"
    mapping.write_text(mapping.read_text() + "\ntime_format:\n")  # left blank: auto too
    assert load_mapping(str(mapping)).time_format == "auto"
    log = FIXTURES / "zendesk_small.csv"
    sim, reference = load_replay(log, auto), load_replay(log, explicit)
    assert sim.meta["time_format"] == "iso"
    assert [(t.arrival, t.work) for t in sim.tickets] == [
        (t.arrival, t.work) for t in reference.tickets
    ]
    # the ServiceNow fixture's days are all <= 12: auto refuses to guess
    snow = tmp_path / "snow.yaml"
    snow.write_text(
        "columns: {case_id: number, opened_at: opened_at, group: assignment_group,\n"
        "          assignee: assigned_to, resolved_at: resolved_at, closed_at: closed_at}\n"
        "missing: ['?', '']\n"
    )
    with pytest.raises(ReplayError, match="set time_format in the mapping"):
        load_replay(LOG, load_mapping(str(snow)))
