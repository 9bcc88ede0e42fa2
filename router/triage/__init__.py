"""Pure triage parts: the ``Embedder`` protocol, text cleaning, urgency/sentiment rules,
language heuristic, priority scoring and result types. Standard library + models only.
"""

from router.triage.cleaning import (
    DEFAULT_MAX_CHARS,
    FLAG_EMPTY,
    FLAG_HEADERS,
    FLAG_HTML,
    FLAG_HUGE,
    FLAG_INVALID_UNICODE,
    FLAG_QUOTED,
    FLAG_SIGNATURE,
    FLAG_TRUNCATED,
    HUGE_INPUT_CHARS,
    CleanedText,
    clean_text,
    join_fields,
)
from router.triage.embedder import Embedder, HashingEmbedder
from router.triage.language import LANGUAGES, UNKNOWN, LanguageGuess, detect_language
from router.triage.priority import PriorityPolicy, PriorityScore, score_priority
from router.triage.result import SkillScore, TriageResult
from router.triage.rules import (
    RuleHit,
    SignalScore,
    sentiment_signals,
    text_signals,
    urgency_signals,
)

__all__ = [
    "DEFAULT_MAX_CHARS",
    "FLAG_EMPTY",
    "FLAG_HEADERS",
    "FLAG_HTML",
    "FLAG_HUGE",
    "FLAG_INVALID_UNICODE",
    "FLAG_QUOTED",
    "FLAG_SIGNATURE",
    "FLAG_TRUNCATED",
    "HUGE_INPUT_CHARS",
    "LANGUAGES",
    "UNKNOWN",
    "CleanedText",
    "Embedder",
    "HashingEmbedder",
    "LanguageGuess",
    "PriorityPolicy",
    "PriorityScore",
    "RuleHit",
    "SignalScore",
    "SkillScore",
    "TriageResult",
    "clean_text",
    "detect_language",
    "join_fields",
    "score_priority",
    "sentiment_signals",
    "text_signals",
    "urgency_signals",
]
