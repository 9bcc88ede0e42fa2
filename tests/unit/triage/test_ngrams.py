"""The fast TF-IDF transforms give exactly the matrix scikit-learn's transform does."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from streams.triage import ngrams
from streams.triage.ngrams import FastTfidf, supported

_TRAIN = [
    "Cannot log in to the portal since this morning",
    "Password reset link expired, please resend",
    "Invoice INV-2041 charged twice for March",
    "API returns 500 on POST /v2/orders",
    "Export to CSV is empty for last month's report",
    "VPN disconnects every few minutes – urgent!!",
    "Straße und Größe: Umlaute im Export kaputt",
    "l'écran reste noir après la mise à jour",
    "a b c I x",
]


def _fitted(**overrides: object) -> TfidfVectorizer:
    params: dict[str, object] = {
        "analyzer": "char_wb",
        "ngram_range": (2, 5),
        "sublinear_tf": True,
        "min_df": 1,
    }
    params.update(overrides)
    return TfidfVectorizer(**params).fit(_TRAIN)  # type: ignore[arg-type]


def _assert_same(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> None:
    expected = vectorizer.transform(texts).tocsr()
    expected.sort_indices()
    got = FastTfidf(vectorizer).transform(texts)
    assert got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)  # bit for bit, not approximately


def test_matches_sklearn_on_tickets_and_odd_text() -> None:
    texts = [
        *_TRAIN,
        "",
        "   \t\n ",
        "I",
        "LOGIN   Fails\tAGAIN\u00a0today\u2003ok",
        "x" * 3000,
        "portal portal portal login login",
        "日本語 テキスト ÄÖÜ ß İ ﬁ",
        "\x1cword\x1dother\x1e",
        "unknownzzz qqq",
    ]
    _assert_same(_fitted(), texts)
    _assert_same(_fitted(), np.asarray(texts, dtype=object))  # as the classifier passes them
    _assert_same(_fitted(sublinear_tf=False, ngram_range=(1, 3)), texts)
    for ngram_range in ((1, 1), (1, 2), (2, 3)):  # the word analyzer, as the classifier uses it
        _assert_same(_fitted(analyzer="word", ngram_range=ngram_range), texts)
    # a token pattern other than the default is used as given (one-letter words count here)
    _assert_same(_fitted(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b"), texts)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=6))
def test_matches_sklearn_on_any_text(texts: list[str]) -> None:
    _assert_same(_fitted(), texts)
    _assert_same(_fitted(analyzer="word", ngram_range=(1, 2)), texts)
    _assert_same(_fitted(analyzer="word", token_pattern=r"(?u)\b\w+\b"), texts)


def test_no_texts_give_an_empty_matrix() -> None:
    vectorizer = _fitted()
    assert FastTfidf(vectorizer).transform([]).shape == (0, len(vectorizer.idf_))


def test_word_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ngrams, "_MAX_CACHED_WORDS", 3)
    transform = FastTfidf(_fitted())
    first = transform.transform(["alpha beta gamma delta epsilon login portal"])
    assert len(transform._words) <= 3
    again = transform.transform(["alpha beta gamma delta epsilon login portal"])
    assert np.array_equal(first.toarray(), again.toarray())
    transform.transform(["x" * 41])  # too long to repeat: computed, not kept
    assert "x" * 41 not in transform._words


def test_other_vectorizers_are_refused() -> None:
    stop_words = TfidfVectorizer(stop_words=["the", "to"]).fit(_TRAIN)
    assert not supported(stop_words)
    assert not supported(TfidfVectorizer(analyzer="char_wb"))  # not fitted
    assert not supported(_fitted(strip_accents="unicode"))
    assert not supported(_fitted(analyzer="char"))
    assert not supported(_fitted(analyzer="word", token_pattern=r"(\w+)"))
    with pytest.raises(ValueError, match="char_wb"):
        FastTfidf(stop_words)
