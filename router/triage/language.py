"""Stdlib language heuristic: stopword overlap plus a few characteristic characters.

Covers en, de, fr, es, pt, it, nl; returns ``"und"`` (BCP-47 for undetermined, the
"unknown" case) when the text is too short or no language clearly wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LANGUAGES", "UNKNOWN", "LanguageGuess", "detect_language"]

UNKNOWN = "und"  # BCP-47 "undetermined" (the contract's LanguageCode has no "unknown")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and is are was to of in it that this for with not you we my our have has "
        "can cannot please when from on be been but there what why how since"
    ),
    "de": _words(
        "der die das und ist nicht ich wir sie mit für auf ein eine einen bei kann "
        "können bitte seit wenn auch noch mein unser haben hat sich zu den dem"
    ),
    "fr": _words(
        "le la les et est pas je nous vous avec pour sur un une des du dans ne que qui "
        "mon notre depuis merci il elle au aux ce cette"
    ),
    "es": _words(
        "el la los las y es no yo nosotros con para en un una del que se por mi nuestro "
        "desde gracias pero está están hay al lo"
    ),
    "pt": _words(
        "o a os as e é não eu nós com para em um uma do da dos das que se por meu nosso "
        "desde obrigado mas está estão há ao"
    ),
    "it": _words(
        "il lo la gli le e è non io noi con per in un una del della che si mio nostro "
        "da grazie ma sono ho al alla"
    ),
    "nl": _words(
        "de het een en is niet ik wij we met voor op van dat die kan kunnen graag sinds "
        "mijn ons onze heeft hebben maar er ook"
    ),
}
_CHAR_HINTS: dict[str, str] = {"de": "äöüß", "fr": "çèêàùœ", "es": "ñ¿¡", "pt": "ãõç", "it": "ì"}
LANGUAGES: tuple[str, ...] = tuple(_STOPWORDS)
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {
    word: tuple(language for language in LANGUAGES if word in _STOPWORDS[language])
    for word in frozenset().union(*_STOPWORDS.values())
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The detected language code (or ``"unknown"``) and a confidence in [0, 1]."""

    language: str
    confidence: float


def detect_language(text: str, min_words: int = 3) -> LanguageGuess:
    """Guess the language of ``text`` from stopwords and characteristic characters."""
    head = text[:5000]
    lowered = head.lower()
    plain = head.isascii()  # then lower-casing maps letter to letter: find words once
    words = _WORD.findall(lowered) if plain else [w.lower() for w in _WORD.findall(head)]
    if len(words) < min_words:
        return LanguageGuess(UNKNOWN, 0.0)
    hits = dict.fromkeys(LANGUAGES, 0)
    languages_of = _LANGUAGES_OF.get
    for word in words:
        for language in languages_of(word, ()):
            hits[language] += 1
    scores = {  # the hint characters are all non-ASCII
        language: hits[language]
        + (0.0 if plain else 0.5 * sum(lowered.count(c) for c in _CHAR_HINTS.get(language, "")))
        for language in LANGUAGES
    }
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, best_score), (_, second_score) = ranked[0], ranked[1]
    if best_score < 1.5 or best_score <= second_score * 1.2:
        return LanguageGuess(UNKNOWN, 0.0)
    confidence = min(1.0, (best_score - second_score) / max(best_score, 1.0) + 0.3)
    return LanguageGuess(best, round(confidence, 3))
