"""Priority scoring: every component visible, monotone in urgency, tier and SLA."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from models.enums import CustomerTier, HelpdeskPriority
from router.triage import score_priority


def _score(**overrides: object) -> object:
    kwargs: dict[str, object] = {
        "urgency": 0.0,
        "sentiment": 0.0,
        "tier": CustomerTier.STANDARD,
        "helpdesk_priority": HelpdeskPriority.NORMAL,
        "sla_deadline": None,
        "now": 1_000.0,
    }
    kwargs.update(overrides)
    return score_priority(**kwargs)  # type: ignore[arg-type]


def test_components_are_visible_and_sum_to_points() -> None:
    result = score_priority(
        urgency=1.0,
        sentiment=0.5,
        tier=CustomerTier.ENTERPRISE,
        helpdesk_priority=HelpdeskPriority.HIGH,
        sla_deadline=1_000.0 + 1_800,
        now=1_000.0,
    )
    assert result.components == {
        "urgency": 3.0,
        "sentiment": 0.25,
        "tier": 1.5,
        "helpdesk_priority": 2.0,
        "sla": 2.0,
    }
    assert result.points == 8.75
    assert result.priority == 1


def test_quiet_trial_ticket_is_lowest() -> None:
    result = _score(tier=CustomerTier.TRIAL, helpdesk_priority=HelpdeskPriority.LOW)
    assert result.priority == 4  # type: ignore[attr-defined]


def test_breached_sla_counts_as_most_pressing() -> None:
    result = _score(sla_deadline=500.0)
    assert result.components["sla"] == 2.0  # type: ignore[attr-defined]


@given(
    st.floats(0, 1),
    st.floats(0, 1),
    st.sampled_from(list(CustomerTier)),
    st.sampled_from(list(HelpdeskPriority)),
)
def test_more_urgency_never_lowers_priority(
    low: float, high: float, tier: CustomerTier, helpdesk: HelpdeskPriority
) -> None:
    low, high = sorted((low, high))
    a = _score(urgency=low, tier=tier, helpdesk_priority=helpdesk)
    b = _score(urgency=high, tier=tier, helpdesk_priority=helpdesk)
    assert b.priority <= a.priority  # type: ignore[attr-defined]
    assert 1 <= b.priority <= 4  # type: ignore[attr-defined]
