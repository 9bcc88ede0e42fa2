"""Urgency/sentiment phrase rules and the language heuristic."""

from __future__ import annotations

import pytest

from router.triage import UNKNOWN, detect_language, rules, sentiment_signals, urgency_signals


def test_outage_and_revenue_are_urgent() -> None:
    signal = urgency_signals("Production is down and we are losing revenue!")
    assert {"outage", "revenue_impact"} <= set(signal.reasons)
    assert signal.score >= 0.9


def test_calm_question_is_not_urgent() -> None:
    signal = urgency_signals("How do I change the colour of my dashboard?")
    assert signal.score == 0.0
    assert signal.reasons == ()


def test_repeat_contact_and_shouting_raise_frustration() -> None:
    signal = sentiment_signals("THIS IS THE THIRD TIME I WRITE AND NOBODY ANSWERS!!!")
    assert {"repeat_contact", "shouting", "exclamation_burst"} <= set(signal.reasons)
    assert 0.0 < signal.score <= 1.0


def test_churn_threat_is_negative_sentiment() -> None:
    assert "churn_threat" in sentiment_signals("We will cancel our subscription.").reasons


def test_rules_ignore_case_in_every_language() -> None:
    assert "outage" in urgency_signals("SYSTÈME EN PANNE depuis ce matin").reasons
    assert "outage" in urgency_signals("Komplett Ausgefallen").reasons
    assert "frustration_phrase" in sentiment_signals("Das ist UNVERSCHÄMT").reasons
    assert "deadline" in urgency_signals("Sev1: please look Right Now").reasons


def test_rule_patterns_must_be_lower_case() -> None:
    with pytest.raises(ValueError, match="lower-cased"):
        rules._rx(r"\bProduction\b")
    with pytest.raises(ValueError, match="lower-cased"):
        rules._rx(r"\Bdown")  # an upper-case escape would change meaning once lowered


def test_scores_are_capped() -> None:
    text = "URGENT!!! PRODUCTION IS DOWN, LOSING REVENUE, BREACH, BLOCKED, THIRD TIME!!!"
    assert urgency_signals(text).score == 1.0


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I cannot log in to my account since this morning, please help", "en"),
        ("Ich kann mich seit heute nicht mehr anmelden, bitte helfen Sie mir", "de"),
        ("Je ne peux pas me connecter depuis ce matin, merci de nous aider", "fr"),
        ("No puedo entrar en mi cuenta desde ayer, gracias por la ayuda", "es"),
        ("Não consigo entrar na minha conta desde ontem, obrigado", "pt"),
        ("Non riesco ad accedere al mio account da ieri, grazie per l'aiuto", "it"),
        ("Ik kan sinds vanochtend niet inloggen op mijn account, graag hulp", "nl"),
    ],
)
def test_language_detection(text: str, language: str) -> None:
    assert detect_language(text).language == language


@pytest.mark.parametrize("text", ["", "ok", "12345 67890", "登录失败 无法使用 系统"])
def test_unknown_language(text: str) -> None:
    guess = detect_language(text)
    assert guess.language == UNKNOWN
    assert guess.confidence == 0.0
