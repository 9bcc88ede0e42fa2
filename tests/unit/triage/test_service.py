"""TriageService with the hashing embedder: batch triage, robustness, online learning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.enums import Channel, CustomerTier, HelpdeskPriority
from models.tickets import Customer, SlaPolicy, TicketCreated
from router.triage import (
    FLAG_HTML,
    FLAG_HUGE,
    FLAG_INVALID_UNICODE,
    FLAG_QUOTED,
    FLAG_TRUNCATED,
    UNKNOWN,
    TriageResult,
)
from streams.triage.service import TriageService

_T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _ticket(ticket_id: str, subject: str, body: str = "", **kwargs: object) -> TicketCreated:
    return TicketCreated(
        tenant="acme",
        occurred_at=_T0,
        created_at=_T0,
        ticket_id=ticket_id,
        channel=Channel.EMAIL,
        subject=subject,
        body=body,
        customer=kwargs.pop("customer", Customer(id="c1")),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def test_triage_batch_returns_one_result_per_ticket(service: TriageService) -> None:
    tickets = [
        _ticket("t1", "Charged twice", "We were charged twice for the invoice, refund please"),
        _ticket(
            "t2",
            "PRODUCTION IS DOWN",
            "Production is down and we are losing revenue!!! Third time I write.",
            customer=Customer(id="c2", tier=CustomerTier.ENTERPRISE),
            helpdesk_priority=HelpdeskPriority.HIGH,
            sla=SlaPolicy(name="gold", due_at=_T0 + timedelta(minutes=30)),
        ),
    ]
    first, second = service.triage_batch(tickets)
    assert first.ticket_id == "t1"
    assert first.skills[0].skill == "billing"
    assert first.category == "billing"
    assert second.urgency >= 0.9
    assert second.sentiment < 0
    assert second.priority.priority == 1
    assert second.priority.components["sla"] == 2.0
    assert second.priority.components["tier"] == 1.5
    assert "urgency:outage" in second.reasons
    assert second.language == "en"


def test_result_matches_the_wire_contract(service: TriageService) -> None:
    from models.triage import TriageDetails

    result = service.triage_text("How do I create a recurring task?")
    details = TriageDetails.model_validate(result.to_dict())
    assert details.priority == result.priority.priority
    assert details.category == result.category


def test_uncertain_below_threshold(service: TriageService) -> None:
    result = service.triage_text("zzz qqq")
    high = service.settings.threshold
    assert result.uncertain == (result.confidence < high)
    if result.uncertain:
        assert result.category is None


def test_robust_inputs_never_crash_and_are_flagged(service: TriageService) -> None:
    html = "<html><body>" + "<div><b>Login</b> fails&nbsp;</div>" * 50 + "</body></html>"
    quoted = "Invoice still wrong.\n> old\nOn Mon, Bob wrote:\nquoted text"
    results = service.triage_batch(
        [
            _ticket("empty", ""),
            _ticket("huge", "x", "word " * 20_000),
            _ticket("html", "", html),
            _ticket("quoted", "", quoted),
            _ticket("multi", "登录失败", "Bonjour, ich kann nicht einloggen, no puedo entrar 🙁"),
        ]
    )
    by_id = {r.ticket_id: r for r in results}
    assert "empty" in by_id["empty"].flags
    assert by_id["empty"].uncertain
    assert by_id["empty"].category is None
    assert "uncertain:no_text" in by_id["empty"].reasons
    assert by_id["empty"].language == UNKNOWN
    assert {FLAG_HUGE, FLAG_TRUNCATED} <= by_id["huge"].flags
    assert FLAG_HTML in by_id["html"].flags
    assert FLAG_QUOTED in by_id["quoted"].flags
    assert all(1 <= r.priority.priority <= 4 for r in results)


def test_ticket_text_is_never_logged(service: TriageService, caplog: object) -> None:
    import logging

    secret = "supersecretcustomerphrase"
    with caplog.at_level(logging.DEBUG):  # type: ignore[attr-defined]
        tickets = [_ticket(f"s{i}", secret, secret) for i in range(6)]
        service.triage_batch(tickets)
        for i in range(6):
            service.learn_closed(f"s{i}", now=1.0, final_category="howto")
    assert secret not in caplog.text  # type: ignore[attr-defined]


def test_closed_tickets_update_the_model_without_restart(service: TriageService) -> None:
    text = "the flux capacitor module rejects quantum widgets"
    before = service.triage_text(text, ticket_id="probe")
    version = service.model_version
    for i in range(5):
        service.triage_batch([_ticket(f"n{i}", text, f"variant {i}")])
        assert service.learn_closed(f"n{i}", now=100.0, final_category="bug", resolved_by="a1")
    assert service.model_version == version + 1
    after = service.triage_text(text, ticket_id="probe2")
    assert after.skills[0].skill == "bug"
    assert after.model_version == service.model_version
    assert before.model_version == version


def test_learn_closed_unknown_ticket_is_ignored(service: TriageService) -> None:
    assert not service.learn_closed("never-seen", now=1.0, final_category="bug")


def test_reassignment_is_a_negative_signal(service: TriageService) -> None:
    ticket = _ticket("r1", "Charged twice", "We were charged twice for the invoice")
    (first,) = service.triage_batch([ticket])
    assert first.category == "billing"
    billing_before = first.confidence
    assert service.learn_reassigned("r1", now=5.0, new_category="enterprise")
    (again,) = service.triage_batch([_ticket("r2", ticket.subject, ticket.body)])
    billing_after = next(s.confidence for s in again.skills if s.skill == "billing")
    assert billing_after < billing_before
    assert not service.learn_reassigned("unknown", now=5.0)


def test_odd_text_through_the_whole_stage(service: TriageService) -> None:
    from models.triage import TriageDetails

    texts = {
        "surrogate": "login fails \ud800 since today",
        "control": "vpn\x00down\x1b[31m now\x7f",
        "one-token": "x" * 100_000,  # > 64 KB without a single space
        "scripts": "<p>" + "<script>" * 9_000,
        "only-quote": "> everything quoted\n> nothing else",
        "emoji-cjk": "🔥🔥🔥 系统崩溃 !!!! ПОМОГИТЕ",
        "whitespace": " \n\t\u00a0\u200b ",
    }
    results = service.triage_batch([_ticket(k, "", v) for k, v in texts.items()])
    by_id = {r.ticket_id: r for r in results}
    assert FLAG_INVALID_UNICODE in by_id["surrogate"].flags
    assert {FLAG_HUGE, FLAG_TRUNCATED} <= by_id["one-token"].flags
    assert "empty" in by_id["whitespace"].flags
    for result in results:
        assert 0.0 <= result.confidence <= 1.0
        assert result.uncertain == (result.confidence < service.settings.threshold)
        TriageDetails.model_validate(result.to_dict())  # fits the wire contract


def test_confidence_is_the_top_confidence_when_set() -> None:
    from router.triage import PriorityScore, SkillScore

    skills = (SkillScore("billing", 0.6), SkillScore("api", 0.3))
    priority = PriorityScore(priority=3, points=0.0, components={})
    result = TriageResult("t", skills, False, 0.0, 0.0, "en", priority, top_confidence=0.42)
    assert result.confidence == 0.42
    assert result.to_dict()["confidence"] == 0.42
    assert TriageResult("t", skills, False, 0.0, 0.0, "en", priority).confidence == 0.6
    assert TriageResult("t", (), True, 0.0, 0.0, "en", priority, top_confidence=0.9).confidence == 0


def test_negatives_shrink_the_confidence() -> None:
    import numpy as np

    from streams.triage.service import _after_negatives

    raw = np.array([[0.7, 0.2, 0.1], [0.5, 0.4, 0.1]])
    damped = np.array(
        [[0.35 / 0.65, 0.2 / 0.65, 0.1 / 0.65], [0.25 / 0.75, 0.4 / 0.75, 0.1 / 0.75]]
    )
    confidence = _after_negatives(raw, damped, np.array([0.9, 0.8]))
    assert confidence[0] < 0.9  # same top, damped: scaled down
    assert confidence[1] == damped[1].max()  # the top changed: its probability stands in
    assert _after_negatives(raw, raw, np.array([0.9, 0.8])).tolist() == [0.9, 0.8]


def test_background_refit_swaps_the_model_in(catalogue: object) -> None:
    from router.triage import HashingEmbedder
    from streams.triage.service import TriageSettings

    settings = TriageSettings(threshold=0.2, refit_every=3, background_refit=True)
    service = TriageService(HashingEmbedder(256), settings, catalogue=catalogue)  # type: ignore[arg-type]
    version = service.model_version
    for i in range(3):
        service.triage_batch([_ticket(f"b{i}", "quantum widget rejected", f"case {i}")])
        service.learn_closed(f"b{i}", now=10.0, final_category="bug")
    assert service.wait_for_refit(timeout=60)
    assert service.model_version == version + 1
    assert service.triage_text("quantum widget rejected").model_version == version + 1


def test_failed_refit_keeps_the_old_model(
    service: TriageService, monkeypatch: object, caplog: object
) -> None:
    import logging

    from streams.triage.classifier import SkillClassifier

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(SkillClassifier, "fit", broken)  # type: ignore[attr-defined]
    version = service.model_version
    with caplog.at_level(logging.ERROR):  # type: ignore[attr-defined]
        assert service.refit(now=1.0)
    assert service.model_version == version
    assert "refit failed" in caplog.text  # type: ignore[attr-defined]
    assert service.triage_text("invoice refund").skills


def test_add_vectors_trains_from_precomputed_vectors(service: TriageService) -> None:
    import numpy as np
    import pytest

    texts = [f"gizmo sprocket {i}" for i in range(6)]
    vectors = np.asarray(service.embedder.embed(texts), dtype=np.float32)
    service.add_vectors(texts, vectors, ["bug"] * 6, now=0.0)
    service.refit(now=0.0)
    assert service.triage_text("gizmo sprocket").skills[0].skill == "bug"
    with pytest.raises(ValueError, match="same length"):
        service.add_vectors(texts, vectors[:2], ["bug"] * 6, now=0.0)
