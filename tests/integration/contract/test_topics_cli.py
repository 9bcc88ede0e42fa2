"""``ticket-router topics create|list|delete`` against a real broker: idempotent,
reports, warns; delete lists first and removes only what starts with the prefix."""

from __future__ import annotations

import re
import time

import pytest

from streams.cli.main import main
from streams.topics import TOPICS


def _actions(out: str) -> dict[str, str]:
    found = {}
    for line in out.splitlines():
        match = re.match(r"^(created|exists)\s+(\S+) \((\d+) partitions\)$", line)
        if match:
            found[match.group(2)] = match.group(1)
    return found


def test_topics_create_twice_is_idempotent(
    kafka_bootstrap: str, topic_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["topics", "create", "--bootstrap", kafka_bootstrap, "--prefix", topic_prefix]
    names = {topic_prefix + spec.base_name for spec in TOPICS}

    assert main([*args, "--partitions", "2"]) == 0
    first = capsys.readouterr().out
    assert _actions(first) == dict.fromkeys(names, "created")
    assert "9 created, 0 already existed" in first

    assert main([*args, "--partitions", "2"]) == 0
    second = capsys.readouterr().out
    assert _actions(second) == dict.fromkeys(names, "exists")
    assert "0 created, 9 already existed" in second
    assert "warning" not in second

    assert main(["topics", "list", "--bootstrap", kafka_bootstrap, "--prefix", topic_prefix]) == 0
    listing = capsys.readouterr().out
    assert f"{topic_prefix}router-ticks" in listing
    assert listing.count("/ exists (2 partitions)") == 9


def test_partition_mismatch_is_reported(
    kafka_bootstrap: str, topic_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["topics", "create", "--bootstrap", kafka_bootstrap, "--prefix", topic_prefix]
    assert main([*args, "--partitions", "1"]) == 0
    capsys.readouterr()
    assert main([*args, "--partitions", "4"]) == 3
    out = capsys.readouterr().out
    assert out.count("warning: ") == 9
    assert f"{topic_prefix}ticket-created has 1 partitions, the catalogue wants 4" in out


def test_topics_delete_lists_without_yes_and_deletes_only_the_prefix(
    kafka_bootstrap: str, topic_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    other = topic_prefix.rstrip(".") + "-other."  # shares the prefix's start, not the prefix
    for prefix in (topic_prefix, other):
        args = ["topics", "create", "--bootstrap", kafka_bootstrap, "--prefix", prefix]
        assert main([*args, "--partitions", "1"]) == 0
    capsys.readouterr()
    delete = ["topics", "delete", "--bootstrap", kafka_bootstrap, "--prefix", topic_prefix]

    assert main(delete) == 0  # no --yes: a list only
    listed = capsys.readouterr().out
    assert listed.count("would delete  ") == 9
    assert other not in listed
    assert "9 topic(s) would be deleted (add --yes to delete them)" in listed

    assert main([*delete, "--yes"]) == 0
    assert "9 topic(s) deleted" in capsys.readouterr().out
    listing = ["topics", "list", "--bootstrap", kafka_bootstrap, "--prefix"]
    deadline = time.monotonic() + 20  # the broker deletes asynchronously
    while True:
        assert main([*listing, topic_prefix]) == 0
        missing = capsys.readouterr().out.count("/ missing")
        if missing == 9 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert missing == 9
    assert main([*listing, other]) == 0
    assert capsys.readouterr().out.count("/ exists (1 partitions)") == 9

    assert (
        main(["topics", "delete", "--bootstrap", kafka_bootstrap, "--prefix", other, "--yes"]) == 0
    )
    assert "9 topic(s) deleted" in capsys.readouterr().out
