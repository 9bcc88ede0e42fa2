"""Urgency and sentiment phrase rules.

Each rule that fires contributes a weight and a reason (the rule's name, never the ticket
text), so a result can show why a ticket was judged urgent or frustrated. Embedding
similarity to urgent/frustrated prototypes is added at the edge; the score here is the
rule part only. Patterns are written in lower case and matched against the lower-cased
text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["RuleHit", "SignalScore", "sentiment_signals", "text_signals", "urgency_signals"]


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that fired: its name and weight."""

    name: str
    weight: float


@dataclass(frozen=True, slots=True)
class SignalScore:
    """A score in [0, 1] and the rules behind it."""

    score: float
    hits: tuple[RuleHit, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Names of the rules that fired."""
        return tuple(hit.name for hit in self.hits)


def _rx(*patterns: str) -> re.Pattern[str]:
    """One rule's patterns, matched against the lower-cased text (faster than IGNORECASE)."""
    joined = "|".join(f"(?:{p})" for p in patterns)
    if joined != joined.lower():
        raise ValueError(f"rule patterns are matched against lower-cased text: {joined!r}")
    return re.compile(joined)


def _any_of(rules: tuple[tuple[str, float, re.Pattern[str]], ...]) -> re.Pattern[str]:
    """Matches exactly where some rule does: most tickets fire no rule, one search says so.

    Every rule starts at a word boundary followed by a word character (a test checks
    each alternative), so that is asked first, before the alternatives are tried: the
    engine then skips word ends and spaces at once (1.2-1.6x faster on real tickets).
    """
    joined = "|".join(f"(?:{pattern.pattern})" for _, _, pattern in rules)
    return re.compile(rf"\b(?=\w)(?:{joined})")


_URGENCY_RULES: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    (
        "outage",
        0.6,
        _rx(
            r"\b(production|prod|live|site|system|service|server|platform|app)\b.{0,20}"
            r"\b(is |are |went )?(down|offline|unreachable|unavailable)\b",
            r"\b(outage|nothing works|complete(ly)? (down|broken)|all users)\b",
            r"\b(système|site|serveur)\b.{0,15}\b(en panne|hors service)\b",
            r"\b(ausfall|geht nichts mehr|komplett ausgefallen)\b",
            r"\b(caído|caida|no funciona nada)\b",
        ),
    ),
    (
        "revenue_impact",
        0.5,
        _rx(
            r"\b(losing|lose|lost) (revenue|money|sales|customers|orders)\b",
            r"\bcan(no|')?t (take|process) (orders|payments)\b",
            r"\b(umsatzverlust|verlieren (geld|umsatz))\b",
        ),
    ),
    (
        "blocking",
        0.35,
        _rx(
            r"\b(blocked|blocking|blocker|cannot work|can'?t work|unable to work|stuck)\b",
            r"\b(whole|entire) (team|company|department)\b",
        ),
    ),
    (
        "deadline",
        0.3,
        _rx(
            r"\b(asap|urgent(ly)?|immediately|right now|emergency|critical|sev ?1|p1)\b",
            r"\b(dringend|sofort|urgente|urgence|urgentissimo)\b",
            r"\b(by|before) (today|tonight|end of (day|business)|eod|tomorrow)\b",
        ),
    ),
    (
        "security_incident",
        0.5,
        _rx(
            r"\b(breach|hacked|compromised|data leak|ransomware|phishing|unauthori[sz]ed access)\b"
        ),
    ),
    (
        "repeat_contact",
        0.25,
        _rx(
            r"\b(third|3rd|fourth|4th|fifth|several|multiple) (time|request|email|ticket)s?\b",
            r"\b(still|again) (not|no) (working|fixed|resolved|answer|response|reply)\b",
            r"\bno (one|body) (has )?(answered|replied|responded)\b",
        ),
    ),
)

_SENTIMENT_RULES: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    (
        "frustration_phrase",
        0.4,
        _rx(
            r"\b(unacceptable|ridiculous|frustrat\w*|disappointed|fed up|terrible|awful|"
            r"useless|worst|joke|angry|furious|waste of time)\b",
            r"\b(inakzeptabel|unverschämt|inadmissible|inaceptable|inaccettabile)\b",
        ),
    ),
    (
        "churn_threat",
        0.45,
        _rx(
            r"\b(cancel (our|my|the) (subscription|contract|account)|switch(ing)? to another|"
            r"looking (at|for) alternatives|legal action|lawyer|refund now)\b"
        ),
    ),
    (
        "repeat_contact",
        0.3,
        _rx(
            r"\b(third|3rd|fourth|4th|fifth|several|multiple) (time|request|email|ticket)s?\b",
            r"\b(still|again) (not|no) (working|fixed|resolved|answer|response|reply)\b",
            r"\bno (one|body) (has )?(answered|replied|responded)\b",
        ),
    ),
)

_URGENCY_ANY = _any_of(_URGENCY_RULES)
_SENTIMENT_ANY = _any_of(_SENTIMENT_RULES)
_EXCLAMATION_BURST = re.compile(r"[!?]{3,}|!\s*!")
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")


def text_signals(text: str) -> tuple[SignalScore, SignalScore]:
    """``(urgency, sentiment)`` of one text, sharing the work the two scores have in common."""
    lowered = text.lower()
    shouting = _is_shouting(text)
    # a burst needs a "!" or three "?" in a row: most texts have neither
    burst = ("!" in text or "???" in text) and _EXCLAMATION_BURST.search(text) is not None
    return (
        _score(lowered, _URGENCY_RULES, _URGENCY_ANY, shouting=shouting, burst=burst, weight=0.1),
        _score(
            lowered, _SENTIMENT_RULES, _SENTIMENT_ANY, shouting=shouting, burst=burst, weight=0.3
        ),
    )


def urgency_signals(text: str) -> SignalScore:
    """Rule-based urgency in [0, 1] (weights add up, capped at 1)."""
    return text_signals(text)[0]


def sentiment_signals(text: str) -> SignalScore:
    """Rule-based frustration in [0, 1]: phrases, shouting, exclamation bursts."""
    return text_signals(text)[1]


def _score(
    lowered: str,
    rules: tuple[tuple[str, float, re.Pattern[str]], ...],
    any_rule: re.Pattern[str],
    *,
    shouting: bool,
    burst: bool,
    weight: float,
) -> SignalScore:
    """Rules on the lower-cased text; shouting and a burst add ``weight`` / 0.75 of it."""
    hits = (
        [RuleHit(name, points) for name, points, pattern in rules if pattern.search(lowered)]
        if any_rule.search(lowered)
        else []
    )
    if shouting:
        hits.append(RuleHit("shouting", weight))
    if burst:
        hits.append(RuleHit("exclamation_burst", weight * 0.75))
    return SignalScore(score=min(1.0, sum(hit.weight for hit in hits)), hits=tuple(hits))


def _is_shouting(text: str) -> bool:
    """At least 4 words and at least 60 % of them written in capitals."""
    words = _WORD.findall(text)
    if len(words) < 4:
        return False
    upper = sum(1 for word in words if word.isupper())
    return upper >= 4 and upper / len(words) >= 0.6
