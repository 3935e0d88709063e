"""Word-level cross-lingual overlap, from the multilingual encoder's word vectors.

Sentence vectors dilute a shared fact when one side adds other content; comparing
words does not. Each content word of both sentences (function words from
``resources/lexical_stopwords.toml`` and words of two letters or fewer left out)
is embedded on its own by the multilingual encoder, which puts a word and its
translation close (الصين and China, تعزيز and strengthen); a pair of sentences
scores the F-measure of the soft word matches, as BERTScore does within one
language: recall is the mean, over the Arabic words, of each word's best cosine
with an English word, precision the same the other way.

Words are embedded once per process (cached by the encoder scorer), so the
cost is the number of distinct words, not of sentence pairs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import regex

from .._resources import read_toml, resource_path
from ..errors import InputTypeError
from ..normalize import normalize_for_encoder
from .base import check_matrix

__all__ = ["LexicalScorer", "content_words"]

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


@functools.cache
def _stopwords() -> tuple[frozenset[str], frozenset[str]]:
    data = read_toml(resource_path("lexical_stopwords.toml"))
    return frozenset(data["ar"]["words"]), frozenset(w.lower() for w in data["en"]["words"])


def content_words(text: str, lang: str) -> list[str]:
    """The words of ``text`` that the lexical scorer compares, in order.

    Examples:
        >>> content_words("Syria and China agreed on Monday to deepen ties.", "en")
        ['syria', 'china', 'agreed', 'monday', 'deepen', 'ties']
    """
    ar_stop, en_stop = _stopwords()
    # Harakat, tatweel, presentation forms and zero-width characters removed first, so a
    # vocalised word matches its stop word and embeds like its plain spelling.
    words = _WORD.findall(normalize_for_encoder(text))
    if lang == "en":
        return [w.lower() for w in words if len(w) > 2 and w.lower() not in en_stop]
    return [w for w in words if len(w) > 2 and w not in ar_stop]


class LexicalScorer:
    """Soft word-overlap F-measure of Arabic and English spans.

    Args:
        encoder: The `EmbeddingScorer` whose
            ``embed`` gives word vectors (a new one by default; pass the one
            already in use to share its cache).

    Examples:
        >>> s = LexicalScorer()
        >>> m = s.score(["اتفقت سوريا والصين على تعزيز التعاون"],
        ...             ["Syria and China agreed to deepen cooperation", "It rained all day."])
        >>> bool(m[0, 0] > m[0, 1])
        True
    """

    name = "lexical"

    def __init__(self, encoder: object | None = None) -> None:
        if encoder is None:
            from .embedding import EmbeddingScorer

            encoder = EmbeddingScorer()
        self.encoder = encoder

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        """F-measure matrix in [0, 1], shape ``(len(arabic), len(english))``."""
        for t in (*arabic, *english):
            if not isinstance(t, str):
                raise InputTypeError(f"expected str, got {type(t).__name__}", t)
        n, m = len(arabic), len(english)
        if n == 0 or m == 0:
            return np.zeros((n, m))
        wa = [content_words(t, "ar") for t in arabic]
        we = [content_words(t, "en") for t in english]
        has_a = np.array([bool(w) for w in wa])
        has_e = np.array([bool(w) for w in we])
        # A span without content words gets a placeholder row, scored 0 below.
        wa = [w or ["."] for w in wa]
        we = [w or ["."] for w in we]
        xa = self.encoder.embed([w for ws in wa for w in ws])  # type: ignore[attr-defined]
        xe = self.encoder.embed([w for ws in we for w in ws])  # type: ignore[attr-defined]
        cos = np.clip(xa @ xe.T, 0.0, 1.0)
        sa = np.cumsum([0, *(len(w) for w in wa)])[:-1]
        se = np.cumsum([0, *(len(w) for w in we)])[:-1]
        ca = np.array([len(w) for w in wa], dtype=np.float64)
        ce = np.array([len(w) for w in we], dtype=np.float64)
        # Each Arabic word's best match in each English span, averaged per Arabic span.
        recall = np.add.reduceat(np.maximum.reduceat(cos, se, axis=1), sa, axis=0) / ca[:, None]
        precision = np.add.reduceat(np.maximum.reduceat(cos, sa, axis=0), se, axis=1) / ce[None, :]
        f = 2 * recall * precision / np.maximum(recall + precision, 1e-9)
        f = np.where(has_a[:, None] & has_e[None, :], f, 0.0)
        return check_matrix(f.astype(np.float64), self.name)
