"""chrF and BLEU matrices: sacrebleu's sentence scores for every hypothesis–reference pair.

`chrf_matrix` and `bleu_matrix` give exactly sacrebleu's sentence-level chrF and
BLEU (divided by 100) for every pair of a hypothesis list and a reference list,
while extracting each text's n-grams only once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from ._checks import _check_texts

__all__ = ["Metric", "bleu_matrix", "chrf_matrix"]

#: Metrics accepted by `TranslationScorer`.
Metric = Literal["chrf", "bleu", "chrf+bleu"]

_CHRF_ORDER = 6  # sacrebleu CHRF defaults: char_order=6, word_order=0, beta=2,
_CHRF_BETA = 2  # whitespace removed, case kept, effective-order averaging
_BLEU_ORDER = 4


@dataclass(frozen=True)
class _CharNgrams:
    counts: tuple[dict[str, int], ...]  # one Counter per order 1..6
    totals: tuple[int, ...]  # number of n-grams per order


@dataclass(frozen=True)
class _WordNgrams:
    counts: tuple[dict[tuple[str, ...], int], ...]  # one Counter per order 1..4
    length: int  # tokens


def _char_ngrams(text: str) -> _CharNgrams:
    """sacrebleu's chrF n-grams: whitespace removed, orders 1..6."""
    line = "".join(text.split())
    counts = tuple(
        Counter(line[i : i + n] for i in range(len(line) - n + 1))
        for n in range(1, _CHRF_ORDER + 1)
    )
    return _CharNgrams(counts, tuple(sum(c.values()) for c in counts))


@lru_cache(maxsize=1)
def _intl_tokenizer() -> Callable[[str], str]:
    from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International

    return TokenizerV14International()


def _word_ngrams(text: str) -> _WordNgrams:
    """sacrebleu's BLEU n-grams with ``tokenize="intl"``: orders 1..4."""
    tokens = _intl_tokenizer()(text.rstrip()).split()
    counts = tuple(
        Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        for n in range(1, _BLEU_ORDER + 1)
    )
    return _WordNgrams(counts, len(tokens))


def _match_counts(hyp: Sequence[dict[Any, int]], ref: Sequence[dict[Any, int]]) -> np.ndarray:
    """Clipped n-gram matches: ``out[i, j] = sum(min(hyp[i][g], ref[j][g]))``.

    One C-level key intersection per pair; the Python work is proportional to the
    shared n-grams only.
    """
    values: list[int] = []
    append = values.append
    for a in hyp:
        a_keys, a_get = a.keys(), a.__getitem__
        for b in ref:
            common = a_keys & b.keys()
            append(sum(map(min, map(a_get, common), map(b.__getitem__, common))) if common else 0)
    return np.asarray(values, dtype=np.float64).reshape(len(hyp), len(ref))


def _chrf_from_features(hyps: Sequence[_CharNgrams], refs: Sequence[_CharNgrams]) -> np.ndarray:
    n, m = len(hyps), len(refs)
    factor = _CHRF_BETA**2
    avg_prec = np.zeros((n, m))
    avg_rec = np.zeros((n, m))
    effective = np.zeros((n, m))
    for order in range(_CHRF_ORDER):
        match = _match_counts([h.counts[order] for h in hyps], [r.counts[order] for r in refs])
        n_ref = np.array([r.totals[order] for r in refs], dtype=np.float64)[None, :]
        n_hyp = np.array([h.totals[order] for h in hyps], dtype=np.float64)[:, None]
        n_hyp = np.where(n_ref > 0, n_hyp, 0.0)  # sacrebleu: no hits without reference n-grams
        valid = (n_hyp > 0) & (n_ref > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            prec = np.where(valid, match / n_hyp, 0.0)
            rec = np.where(valid, match / n_ref, 0.0)
        avg_prec += prec
        avg_rec += rec
        effective += valid
    with np.errstate(divide="ignore", invalid="ignore"):
        avg_prec = np.where(effective > 0, avg_prec / effective, 0.0)
        avg_rec = np.where(effective > 0, avg_rec / effective, 0.0)
        score = (1 + factor) * avg_prec * avg_rec
        score = score / ((factor * avg_prec) + avg_rec)
    score = np.where(avg_prec + avg_rec != 0, 100 * score, 0.0)
    return score / 100


def _bleu_from_features(hyps: Sequence[_WordNgrams], refs: Sequence[_WordNgrams]) -> np.ndarray:
    from sacrebleu.metrics import BLEU

    matches = [
        _match_counts([h.counts[k] for h in hyps], [r.counts[k] for r in refs]).astype(np.int64)
        for k in range(_BLEU_ORDER)
    ]
    out = np.zeros((len(hyps), len(refs)))
    for i, hyp in enumerate(hyps):
        total = [max(0, hyp.length - k) for k in range(_BLEU_ORDER)]
        for j, ref in enumerate(refs):
            correct = [int(matches[k][i, j]) for k in range(_BLEU_ORDER)]
            out[i, j] = (
                BLEU.compute_bleu(
                    correct,
                    list(total),
                    hyp.length,
                    ref.length,
                    smooth_method="exp",
                    effective_order=True,
                    max_ngram_order=_BLEU_ORDER,
                ).score
                / 100
            )
    return out


def chrf_matrix(hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
    """Sentence-level chrF of every hypothesis against every reference, in [0, 1].

    Equal to ``sacrebleu.metrics.CHRF().sentence_score(h, [r]).score / 100``
    (character n-grams 1–6, beta 2, whitespace removed, case kept), but each
    text's n-grams are extracted once, so a matrix costs one n-gram intersection
    per pair.

    Examples:
        >>> chrf_matrix(["the talks were constructive"], ["constructive talks", "rain"]).round(3)
        array([[0.795, 0.125]])

    Args:
        hypotheses: Translations.
        references: Reference texts.

    Returns:
        A float array of shape ``(len(hypotheses), len(references))``.

    Raises:
        InputTypeError: An argument is not a list of str.
    """
    hyps = _check_texts(hypotheses, "hypotheses")
    refs = _check_texts(references, "references")
    return _chrf_from_features([_char_ngrams(h) for h in hyps], [_char_ngrams(r) for r in refs])


def bleu_matrix(hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
    """Sentence-level BLEU of every hypothesis against every reference, in [0, 1].

    Equal to ``sacrebleu.metrics.BLEU(tokenize="intl", effective_order=True)
    .sentence_score(h, [r]).score / 100``, with each text tokenized once.

    Args:
        hypotheses: Translations.
        references: Reference texts.

    Returns:
        A float array of shape ``(len(hypotheses), len(references))``.

    Raises:
        InputTypeError: An argument is not a list of str.
    """
    hyps = _check_texts(hypotheses, "hypotheses")
    refs = _check_texts(references, "references")
    return _bleu_from_features([_word_ngrams(h) for h in hyps], [_word_ngrams(r) for r in refs])
