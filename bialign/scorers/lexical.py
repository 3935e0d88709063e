"""Word-level cross-lingual overlap, from the multilingual encoder's word vectors.

Sentence vectors dilute a shared fact when one side adds other content; comparing
words does not. Each content word of both sentences (a word of three letters or
more that is not a function word of ``resources/lexical_stopwords.toml``) gets a
vector from the multilingual encoder, which puts a word and its translation
close (الصين and China, تعزيز and strengthen); a pair of sentences scores the
F-measure of the soft word matches, as BERTScore does within one language:
recall is the mean, over the Arabic words, of each word's best cosine with an
English word, precision the same the other way.

The word vectors come from the pass that encodes the sentence
(`bialign.scorers.embedding.EmbeddingScorer.encode`): the encoder's head applied
to the features of the word's own tokens, which saw their neighbours in the
sentence. No word is encoded on its own, so the signal costs no extra encoding.
The encoder's tokenizer splits words at spaces: a content word is a
space-delimited word with its punctuation (``China,``), whose letters make
one or more words that `is_content_word` accepts.
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

__all__ = ["LexicalScorer", "WordOverlap", "content_words", "is_content_word", "soft_f1"]

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


@functools.cache
def _stopwords() -> tuple[frozenset[str], frozenset[str]]:
    data = read_toml(resource_path("lexical_stopwords.toml"))
    return frozenset(data["ar"]["words"]), frozenset(w.lower() for w in data["en"]["words"])


def is_content_word(word: str) -> bool:
    """Whether the lexical signal compares ``word``: three letters or more, not a function word.

    The function words of both languages are left out, whatever the text's language.

    Examples:
        >>> [is_content_word(w) for w in ("China", "the", "على", "الصين", "of")]
        [True, False, False, True, False]
    """
    ar_stop, en_stop = _stopwords()
    return len(word) > 2 and word not in ar_stop and word.lower() not in en_stop


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
        if not arabic or not english:
            return np.zeros((len(arabic), len(english)))
        words = self.encoder.words  # type: ignore[attr-defined]
        return check_matrix(soft_f1(words(arabic), words(english)), self.name)


def soft_f1(arabic: Sequence[np.ndarray], english: Sequence[np.ndarray]) -> np.ndarray:
    """Soft word-overlap F-measure of spans given as their word vectors.

    Each item is a ``(k, d)`` array of L2-normalised word vectors (k may be 0: the
    span then scores 0 with everything). Returns ``(len(arabic), len(english))``.
    """
    n, m = len(arabic), len(english)
    if n == 0 or m == 0:
        return np.zeros((n, m))
    ca = np.array([len(w) for w in arabic], dtype=np.float64)
    ce = np.array([len(w) for w in english], dtype=np.float64)
    dim = next((w.shape[1] for w in (*arabic, *english) if w.ndim == 2), 1)
    # A span without content words gets a placeholder row, scored 0 below.
    pad = np.zeros((1, dim), dtype=np.float32)
    xa = np.concatenate([w if len(w) else pad for w in arabic])
    xe = np.concatenate([w if len(w) else pad for w in english])
    cos = np.clip(xa @ xe.T, 0.0, 1.0)
    sa = np.cumsum([0, *(max(1, len(w)) for w in arabic)])[:-1]
    se = np.cumsum([0, *(max(1, len(w)) for w in english)])[:-1]
    da, de = np.maximum(ca, 1.0), np.maximum(ce, 1.0)
    # Each Arabic word's best match in each English span, averaged per Arabic span.
    recall = np.add.reduceat(np.maximum.reduceat(cos, se, axis=1), sa, axis=0) / da[:, None]
    precision = np.add.reduceat(np.maximum.reduceat(cos, sa, axis=0), se, axis=1) / de[None, :]
    f = 2 * recall * precision / np.maximum(recall + precision, 1e-9)
    return np.where((ca > 0)[:, None] & (ce > 0)[None, :], f, 0.0).astype(np.float64)


def _group_best(best: np.ndarray, groups: Sequence[tuple[int, ...]]) -> np.ndarray:
    """Columns of ``best`` (one per sentence) maxed over the members of each group."""
    out = best[:, [g[0] for g in groups]]
    for k in range(1, max((len(g) for g in groups), default=1)):
        cols = [g[k] if len(g) > k else g[0] for g in groups]
        np.maximum(out, best[:, cols], out=out)
    return out


def _group_sum(per_sentence: np.ndarray, groups: Sequence[tuple[int, ...]]) -> np.ndarray:
    """Rows of ``per_sentence`` (one per sentence) summed over the members of each group."""
    out = per_sentence[[g[0] for g in groups]].copy()
    for k in range(1, max((len(g) for g in groups), default=1)):
        rows = [i for i, g in enumerate(groups) if len(g) > k]
        out[rows] += per_sentence[[groups[i][k] for i in rows]]
    return out


class WordOverlap:
    """`soft_f1` of any spans of two documents, from one product of all their words.

    Built once per document pair from each sentence's word vectors: every
    Arabic word's best cosine with each English sentence's words, and every
    English word's best with each Arabic sentence's. The soft F-measure of
    spans (groups of sentences, adjacent or not) then needs only maxima over
    the members of the other side and sums over the words of this side: the
    same value as `soft_f1` of the spans' concatenated words, without
    multiplying any word vectors again.

    Args:
        arabic: Each Arabic sentence's ``(k, d)`` L2-normalised word vectors.
        english: Each English sentence's.
    """

    def __init__(self, arabic: Sequence[np.ndarray], english: Sequence[np.ndarray]) -> None:
        self.ar_counts = np.array([len(w) for w in arabic], dtype=np.float64)
        self.en_counts = np.array([len(w) for w in english], dtype=np.float64)
        n, m = len(arabic), len(english)
        xa = [w for w in arabic if len(w)]
        xe = [w for w in english if len(w)]
        wa, we = int(self.ar_counts.sum()), int(self.en_counts.sum())
        # ar_best[w, j]: Arabic word w's best cosine among English sentence j's words.
        self.ar_best = np.zeros((wa, m), dtype=np.float32)
        self.en_best = np.zeros((we, n), dtype=np.float32)
        self._ar_starts = self._starts(self.ar_counts)
        self._en_starts = self._starts(self.en_counts)
        if xa and xe:
            cos = np.clip(np.concatenate(xa) @ np.concatenate(xe).T, 0.0, 1.0)
            ja = np.flatnonzero(self.ar_counts)
            je = np.flatnonzero(self.en_counts)
            self.ar_best[:, je] = np.maximum.reduceat(cos, self._en_starts[je], axis=1)
            self.en_best[:, ja] = np.maximum.reduceat(cos, self._ar_starts[ja], axis=0).T

    @staticmethod
    def _starts(counts: np.ndarray) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)

    @staticmethod
    def _per_sentence(word_rows: np.ndarray, counts: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Sum the rows of each sentence's words (0 for a sentence without words)."""
        out = np.zeros((len(counts), word_rows.shape[1]), dtype=np.float64)
        nz = np.flatnonzero(counts)
        if len(nz) and word_rows.shape[0]:
            out[nz] = np.add.reduceat(word_rows.astype(np.float64), starts[nz], axis=0)
        return out

    def _mean_best(
        self,
        best: np.ndarray,
        counts: np.ndarray,
        starts: np.ndarray,
        own: Sequence[tuple[int, ...]],
        own_words: np.ndarray,
        other: Sequence[tuple[int, ...]],
    ) -> np.ndarray:
        """Per (own group, other group): the mean over the own group's ``own_words``
        words of each word's best match in the other group (recall seen from one side)."""
        sums = _group_sum(self._per_sentence(_group_best(best, other), counts, starts), own)
        return sums / np.maximum(own_words, 1.0)[:, None]

    def f1(
        self, a_groups: Sequence[tuple[int, ...]], e_groups: Sequence[tuple[int, ...]]
    ) -> np.ndarray:
        """The soft F-measure of every (Arabic group, English group) pair, ``float64``."""
        if not a_groups or not e_groups:
            return np.zeros((len(a_groups), len(e_groups)))
        ca = _group_sum(self.ar_counts[:, None], a_groups)[:, 0]
        ce = _group_sum(self.en_counts[:, None], e_groups)[:, 0]
        recall = self._mean_best(
            self.ar_best, self.ar_counts, self._ar_starts, a_groups, ca, e_groups
        )
        precision = self._mean_best(
            self.en_best, self.en_counts, self._en_starts, e_groups, ce, a_groups
        ).T
        f = 2 * recall * precision / np.maximum(recall + precision, 1e-9)
        return np.where((ca > 0)[:, None] & (ce > 0)[None, :], f, 0.0)
