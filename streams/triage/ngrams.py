"""Fast ``transform`` for the classifier's fitted ``TfidfVectorizer`` s.

scikit-learn builds every n-gram of every text in Python, looks each one up in the
vocabulary and counts it in a dict: for a ticket of ~200 characters that is ~600 lookups
and the largest cost of the triage stage after the encoder. Here:

* ``char_wb`` n-grams never cross a word boundary, so a text's features are the
  concatenation of its words' features; words repeat from ticket to ticket, so each
  word's feature indices are computed once and cached (bounded);
* word n-grams are tokenised with the vectorizer's own pattern and looked up once each;
* feature indices go into a machine-integer buffer (``array``), which numpy reads
  without a per-element conversion; counting, TF-IDF weighting and normalisation run
  over the whole batch in numpy.

The result is the vectorizer's own matrix, value for value (tests compare them bit for
bit on tickets and on generated text). Vectorizers with other settings are refused
(:func:`supported`); the classifier only builds supported ones.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

__all__ = ["FastTfidf", "supported"]

# The char_wb word cache: at most this many words (it restarts when full), and only words
# short enough to repeat (long ones are hashes, URLs, pasted logs): ~10 MB for real text,
# ~50 MB at worst.
_MAX_CACHED_WORDS = 50_000
_MAX_CACHED_WORD_CHARS = 40


class FastTfidf:
    """``transform`` of a fitted ``TfidfVectorizer`` (``word`` or ``char_wb`` analyzer)."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if not supported(vectorizer):
            raise ValueError(
                "needs a fitted TfidfVectorizer with analyzer 'word' or 'char_wb', "
                "lowercase, l2 norm, idf and no custom preprocessing"
            )
        # vocabulary index + 1: 0 never occurs, so ``filter(None, map(get, grams))`` keeps
        # exactly the known n-grams, in C
        self._position: dict[str, int] = {
            gram: index + 1 for gram, index in vectorizer.vocabulary_.items()
        }
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._sublinear = bool(vectorizer.sublinear_tf)
        self._low, self._high = vectorizer.ngram_range
        self._char = vectorizer.analyzer == "char_wb"
        pattern = vectorizer.token_pattern
        if pattern == r"(?u)\b\w\w+\b":  # the default; a maximal run of two or more word
            pattern = r"\w\w+"  # characters is already bounded by \b: same tokens, faster
        self._tokens = re.compile(pattern).findall
        self._words: dict[str, array[int]] = {}

    @property
    def width(self) -> int:
        """Number of features (columns)."""
        return len(self._idf)

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """The TF-IDF matrix ``vectorizer.transform(texts)`` would give."""
        width = self.width
        if len(texts) == 0:
            return csr_matrix((0, width), dtype=np.float64)
        ends = np.zeros(len(texts) + 1, dtype=np.int64)
        if self._char:  # each word's positions are cached as an array: extend copies memory
            features = array("q")
            for row, text in enumerate(texts):
                self._char_features(text.lower(), features)
                ends[row + 1] = len(features)
        else:  # a list extends faster from an iterator; converted once
            found: list[int] = []
            for row, text in enumerate(texts):
                self._word_features(text.lower(), found)
                ends[row + 1] = len(found)
            features = array("q", found)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(ends))
        indices = np.frombuffer(features, dtype=np.int64) - 1  # no per-item conversion
        keys, counts = np.unique(rows * width + indices, return_counts=True)
        columns = (keys % width).astype(np.int32)
        indptr = np.searchsorted(keys // width, np.arange(len(texts) + 1)).astype(np.int32)
        data = counts.astype(np.float64)
        if self._sublinear:
            np.log(data, data)
            data += 1
        data *= self._idf[columns]
        matrix = csr_matrix((data, columns, indptr), shape=(len(texts), width))
        inplace_csr_row_normalize_l2(matrix)  # what normalize() runs, without its checks
        return matrix

    def _word_features(self, text: str, out: list[int]) -> None:
        """Word n-grams as scikit-learn's ``_word_ngrams`` builds them (no stop words)."""
        tokens = self._tokens(text)
        position = self._position.get
        for n in range(self._low, min(self._high, len(tokens)) + 1):
            grams = (
                tokens
                if n == 1
                else map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False))
            )
            out.extend(filter(None, map(position, grams)))

    def _char_features(self, text: str, out: array[int]) -> None:
        words = self._words
        for word in text.split():
            known = words.get(word)
            if known is None:
                known = self._one_word(word)
                if len(word) <= _MAX_CACHED_WORD_CHARS:
                    if len(words) >= _MAX_CACHED_WORDS:
                        words.clear()
                    words[word] = known
            out.extend(known)

    def _one_word(self, word: str) -> array[int]:
        """Positions of the padded word's n-grams, as ``char_wb`` generates them."""
        padded = f" {word} "
        size = len(padded)
        position = self._position.get
        out = array("q")
        for n in range(self._low, self._high + 1):
            if size <= n:  # a short word counts once, whole
                out.extend(filter(None, (position(padded),)))
                break
            out.extend(
                filter(None, map(position, [padded[i : i + n] for i in range(size - n + 1)]))
            )
        return out


def supported(vectorizer: TfidfVectorizer) -> bool:
    """Whether :class:`FastTfidf` reproduces this fitted vectorizer exactly."""
    if not (hasattr(vectorizer, "vocabulary_") and hasattr(vectorizer, "idf_")):
        return False
    common = (
        vectorizer.input == "content"
        and vectorizer.lowercase
        and vectorizer.strip_accents is None
        and vectorizer.preprocessor is None
        and not vectorizer.binary
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and vectorizer.dtype == np.float64
    )
    if vectorizer.analyzer == "char_wb":
        return common
    return (
        common
        and vectorizer.analyzer == "word"
        and vectorizer.tokenizer is None
        and vectorizer.stop_words is None
        and re.compile(vectorizer.token_pattern).groups == 0
    )
