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


def _first_chars(items: object) -> tuple[set[str], bool]:
    """(characters a match of ``items`` can start with, whether it can be empty)."""
    import re._constants as c

    chars: set[str] = set()
    for op, av in items:  # type: ignore[attr-defined]
        if op is c.LITERAL:
            return chars | {chr(av)}, False
        if op is c.IN:
            for kind, value in av:
                if kind is c.LITERAL:
                    chars.add(chr(value))
                elif kind is c.RANGE:
                    chars |= {chr(value[0]), chr(value[1])}
                elif kind is c.CATEGORY and value is c.CATEGORY_WORD:
                    chars.add("a")
                else:
                    chars.add("\x00")  # anything else: reported as not a word character
            return chars, False
        if op is c.SUBPATTERN:
            inner, empty = _first_chars(av[3])
        elif op is c.BRANCH:
            parts = [_first_chars(branch) for branch in av[1]]
            inner = set().union(*(p[0] for p in parts))
            empty = any(p[1] for p in parts)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            inner, empty = _first_chars(av[2])
            empty = empty or av[0] == 0
        else:
            return chars | {"\x00"}, False
        chars |= inner
        if not empty:
            return chars, False
    return chars, True


def _boundary_then_word(items: list[object]) -> bool:
    """Whether every match of ``items`` starts at ``\\b`` followed by a word character."""
    import re
    import re._constants as c

    if not items:
        return False
    op, av = items[0]  # type: ignore[misc]
    if op is c.AT and av is c.AT_BOUNDARY:
        first, empty = _first_chars(items[1:])
        return not empty and all(re.match(r"\w", ch) for ch in first)
    if op is c.BRANCH:
        return all(_boundary_then_word([*branch, *items[1:]]) for branch in av[1])
    if op is c.SUBPATTERN:
        return _boundary_then_word([*av[3], *items[1:]])
    return False


def test_every_rule_starts_at_a_word_boundary_before_a_word_character() -> None:
    """What the any-rule gate's leading ``\\b(?=\\w)`` relies on."""
    import re._parser as parser

    for rule_set in (rules._URGENCY_RULES, rules._SENTIMENT_RULES):
        for name, _, pattern in rule_set:
            assert _boundary_then_word(list(parser.parse(pattern.pattern))), name
    assert _boundary_then_word(list(parser.parse(r"\b(is )?down|\bx")))
    assert not _boundary_then_word(list(parser.parse(r"\b(-?x)")))
    assert not _boundary_then_word(list(parser.parse(r"\bx|y")))
    assert not _boundary_then_word(list(parser.parse(r"\b\.net")))
    assert not _boundary_then_word(list(parser.parse(r"down\b")))


def test_any_rule_gate_fires_exactly_where_a_rule_does() -> None:
    import random
    import re

    words = [
        "production",
        "prod",
        "is",
        "down",
        "the",
        "site",
        "unreachable",
        "losing",
        "revenue",
        "can't",
        "cannot",
        "take",
        "orders",
        "third",
        "time",
        "still",
        "not",
        "working",
        "asap",
        "sev1",
        "p1",
        "breach",
        "lawyer",
        "refund",
        "now",
        "fed",
        "up",
        "système",
        "en",
        "panne",
        "caído",
        "no",
        "one",
        "answered",
        "3rd",
        "email",
        "switching",
        "to",
        "another",
        "frustrated",
        "by",
        "end",
        "of",
        "day",
        "whole",
        "team",
        "blocked",
    ]
    glue = [" ", "  ", ", ", ".", "!", "-", "'", "\n", "_", "(", ")", "1"]
    rng = random.Random(5)
    texts = [
        "".join(rng.choice(words) + rng.choice(glue) for _ in range(rng.randrange(1, 12)))
        for _ in range(20_000)
    ]
    fired = 0
    for rule_set, gate in (
        (rules._URGENCY_RULES, rules._URGENCY_ANY),
        (rules._SENTIMENT_RULES, rules._SENTIMENT_ANY),
    ):
        plain = re.compile("|".join(f"(?:{p.pattern})" for _, _, p in rule_set))
        for text in texts:
            expected = plain.search(text) is not None
            assert (gate.search(text) is not None) == expected, text
            fired += expected
    assert 2_000 < fired < 38_000  # both outcomes are exercised
