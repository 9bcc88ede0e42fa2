"""Text cleaning for triage: HTML, mail quotes, headers, signatures, whitespace, truncation.

Every step is recorded as a flag so a result can say what was removed. The cleaner never
raises on any ``str`` input: empty, huge, HTML-heavy or mail-quoted text is cleaned and
flagged instead.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

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
    "CleanedText",
    "clean_text",
    "join_fields",
]

DEFAULT_MAX_CHARS = 2_000
HUGE_INPUT_CHARS = 64 * 1024

FLAG_EMPTY = "empty"
FLAG_HTML = "html"
FLAG_QUOTED = "quoted"
FLAG_HEADERS = "headers"
FLAG_SIGNATURE = "signature"
FLAG_TRUNCATED = "truncated"
FLAG_HUGE = "huge"
FLAG_INVALID_UNICODE = "invalid_unicode"

_HTML_TAG = re.compile(r"<[a-zA-Z/!][^>]{0,2000}>")
_HTML_BLOCK_OPEN = re.compile(r"<(script|style|head)\b[^>]{0,2000}>", re.IGNORECASE)
_HTML_BLOCK_CLOSE = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style", "head")
}
_HTML_BREAK = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.IGNORECASE)
_HTML_HINT = re.compile(r"</?(html|body|div|p|br|span|table|td|tr|a|b|i|font|li|ul)\b", re.I)
_HEADER_LINE = re.compile(
    r"^\s*(from|to|cc|bcc|sent|date|subject|received|reply-to|von|an|gesendet|betreff|"
    r"de|envoyé|objet|para|enviado|asunto)\s*:\s.*$",
    re.IGNORECASE,
)
_QUOTE_INTRO = re.compile(
    r"^\s*(on .{0,200} wrote:|am .{0,200} schrieb .{0,100}:|le .{0,200} a écrit\s*:|"
    r"-{2,}\s*original message\s*-{2,}|-{2,}\s*ursprüngliche nachricht\s*-{2,}|"
    r"_{5,})\s*$",
    re.IGNORECASE,
)
_SIGNATURE_START = re.compile(
    r"^\s*(--\s*|best regards,?|kind regards,?|regards,?|thanks,?|thank you,?|cheers,?|"
    r"mit freundlichen grüßen,?|viele grüße,?|cordialement,?|saludos,?|sent from my \w+.*)\s*$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\u00a0\u200b\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class CleanedText:
    """Cleaned ticket text and the flags describing what the cleaner did."""

    text: str
    flags: frozenset[str]
    original_chars: int


def join_fields(*fields: str | None) -> str:
    """Join subject/description fields, skipping empty ones and an exact repeat of the subject."""
    parts: list[str] = []
    for field in fields:
        value = (field or "").strip()
        if value and value not in parts:
            parts.append(value)
    return "\n".join(parts)


def clean_text(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> CleanedText:
    """Clean one ticket text; never raises for any ``str`` input.

    Huge inputs (> 64 KB) are cut before the regular expressions run so cleaning stays
    linear and bounded; the result is truncated to ``max_chars`` on a word boundary.
    """
    flags: set[str] = set()
    original_chars = len(text)
    if original_chars > HUGE_INPUT_CHARS:
        flags.add(FLAG_HUGE)
        text = text[:HUGE_INPUT_CHARS]
    if _SURROGATE.search(text):
        # Lone surrogates (e.g. from a JSON "\\ud800" escape) cannot be encoded as UTF-8,
        # which tokenizers and hashing need; replace them instead of failing later.
        flags.add(FLAG_INVALID_UNICODE)
        text = _SURROGATE.sub("\ufffd", text)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    if _HTML_HINT.search(text) or "&nbsp;" in text or "&amp;" in text:
        flags.add(FLAG_HTML)
        text = _strip_html(text)
    text, removed = _strip_mail(text)
    flags |= removed
    text = _normalise_space(text)
    if len(text) > max_chars:
        flags.add(FLAG_TRUNCATED)
        text = _truncate(text, max_chars)
    if not text:
        flags.add(FLAG_EMPTY)
    return CleanedText(text=text, flags=frozenset(flags), original_chars=original_chars)


def _strip_html(text: str) -> str:
    text = _drop_blocks(text)
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_TAG.sub(" ", text)
    return html.unescape(text)


def _drop_blocks(text: str) -> str:
    """Remove ``<script>``/``<style>``/``<head>`` blocks in one linear pass.

    A lazy ``<script>.*?</script>`` regex is quadratic on many unclosed openers (seconds
    for 64 KB); here each closing tag is searched at most once per name: when a search
    fails, no later opener of that name can be closed either, so only its tag is dropped.
    """
    out: list[str] = []
    position = 0
    unclosed: set[str] = set()
    while (opener := _HTML_BLOCK_OPEN.search(text, position)) is not None:
        out.append(text[position : opener.start()])
        out.append(" ")
        name = opener.group(1).lower()
        closer = None if name in unclosed else _HTML_BLOCK_CLOSE[name].search(text, opener.end())
        if closer is None:
            unclosed.add(name)
            position = opener.end()
        else:
            position = closer.end()
    out.append(text[position:])
    return "".join(out)


def _strip_mail(text: str) -> tuple[str, set[str]]:
    """Drop quoted replies (``>`` lines and everything after a quote intro), headers, signatures."""
    flags: set[str] = set()
    kept: list[str] = []
    for line in text.split("\n"):
        if _QUOTE_INTRO.match(line):
            flags.add(FLAG_QUOTED)
            break
        if line.lstrip().startswith(">"):
            flags.add(FLAG_QUOTED)
            continue
        if _HEADER_LINE.match(line):
            flags.add(FLAG_HEADERS)
            continue
        if kept and _SIGNATURE_START.match(line) and _looks_like_signature_tail(kept):
            flags.add(FLAG_SIGNATURE)
            break
        kept.append(line)
    return "\n".join(kept), flags


def _looks_like_signature_tail(kept: list[str]) -> bool:
    """A sign-off only counts once some content precedes it."""
    return sum(len(line.strip()) for line in kept) >= 10


def _normalise_space(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _truncate(text: str, max_chars: int) -> str:
    cut = text[:max_chars]
    space = cut.rfind(" ")
    if space > max_chars * 0.8:
        cut = cut[:space]
    return cut.rstrip()
