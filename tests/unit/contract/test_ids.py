"""Deterministic identifiers: same inputs, same id, in every process."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import assignment_id, derived_event_id

Parts = tuple[str, str, str]
names = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1)


def test_assignment_id_is_pinned() -> None:
    # A change here breaks connectors' de-duplication across versions: bump "assignment/v1".
    assert assignment_id("acme", "ZD-48213", "agent-042", 1) == ("bb4b6a2856020f2235cffd032cd07eb5")


def test_assignment_id_is_stable_across_processes() -> None:
    code = "from models import assignment_id; print(assignment_id('acme', 'T1', 'a1', 2))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == assignment_id("acme", "T1", "a1", 2)


@given(names, names, names, st.integers(1, 10**6))
def test_assignment_id_shape_and_determinism(tenant: str, ticket: str, agent: str, n: int) -> None:
    first = assignment_id(tenant, ticket, agent, n)
    assert first == assignment_id(tenant, ticket, agent, n)
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert first != assignment_id(tenant, ticket, agent, n + 1)


@given(st.tuples(names, names, names), st.tuples(names, names, names))
def test_different_parts_give_different_ids(
    a: tuple[str, str, str], b: tuple[str, str, str]
) -> None:
    if a != b:
        assert assignment_id(*a, 1) != assignment_id(*b, 1)


def test_attempt_starts_at_one() -> None:
    with pytest.raises(ValueError, match="attempt must be >= 1"):
        assignment_id("acme", "T1", "a1", 0)


def test_derived_event_id_depends_on_every_part() -> None:
    base = derived_event_id("assigned", "evt-1")
    assert base == derived_event_id("assigned", "evt-1")
    assert base != derived_event_id("queued", "evt-1")
    assert base != derived_event_id("assigned", "evt-2")
    assert base != assignment_id("assigned", "evt-1", "x", 1)
