"""Classic sentence aligners, re-implemented here to compare bialign with them.

Each method is a function ``(arabic, english) -> set[tuple[int, int]]``: the
predicted (Arabic index, English index) pairs, an n–m link given as its n×m
pairs. A sentence in no pair is predicted one-sided. These are our own
implementations written from the published descriptions, not the original
programs (which cannot be installed here):

* :func:`mutual_best`: link two sentences when each is the other's most
  similar (cosine of multilingual USE v3 embeddings) and the cosine reaches a
  threshold. No order, no merges.
* :func:`monotone_dp` and :func:`monotone_dp_percentile`: a Vecalign-style
  search (Thompson and Koehn 2019). One monotone path of beads 1–1, 1–0, 0–1,
  2–1, 1–2 (and optionally 2–2) through the two documents, of least total
  cost. A bead's cost is ``1 - cos`` of the embeddings of its two spans (each
  span's sentences joined and embedded as one text), times the number of
  sentences on each side, divided by how far each span is on average from
  the sentences of the other document. A deleted (one-sided) sentence costs
  a fixed penalty, either given or, as Vecalign does, a percentile of the
  document's own 1–1 costs.
* :func:`gale_church`: the length-based search of Gale and Church (1993):
  the same monotone path, a bead costing ``-log`` of its prior probability
  times the probability of its length difference under a normal model
  (mean ratio ``c``, variance ``s² = 6.8`` per character).

The pure search, :func:`monotone_search`, takes a table of bead costs, so it
can be tested without any model; the embedding methods take an ``embed``
function (texts to L2-normalised vectors) for the same reason.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bialign.scorers.embedding import EmbeddingScorer

__all__ = [
    "BEADS",
    "BEADS_22",
    "EN_PER_AR_CHARS",
    "GALE_CHURCH_PRIORS",
    "beads_to_pairs",
    "gale_church",
    "gale_church_costs",
    "monotone_dp",
    "monotone_dp_percentile",
    "monotone_search",
    "mutual_best",
    "vecalign_costs",
]

Pairs = set[tuple[int, int]]
#: Texts to L2-normalised vectors, one row per text.
Embed = Callable[[Sequence[str]], np.ndarray]
#: A bead shape: (Arabic sentences, English sentences).
Shape = tuple[int, int]
#: A bead of a path: the Arabic indices and the English indices it covers.
Bead = tuple[tuple[int, ...], tuple[int, ...]]
#: ``costs[(a, b)][i, j]``: cost of the bead covering ``arabic[i:i+a]`` and ``english[j:j+b]``.
CostTable = Mapping[Shape, np.ndarray]

#: Bead shapes of the Vecalign-style search (1–1 first: it wins ties).
BEADS: tuple[Shape, ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))
#: The same with 2–2 beads.
BEADS_22: tuple[Shape, ...] = (*BEADS, (2, 2))

#: Gale and Church's bead priors (their Table 5). They give 0.0099 for "1–0 or
#: 0–1" and 0.089 for "2–1 or 1–2"; each direction gets half here.
GALE_CHURCH_PRIORS: Mapping[Shape, float] = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
    (2, 2): 0.011,
}
#: Gale and Church's variance of the length difference, per character.
GALE_CHURCH_S2 = 6.8
#: English characters per Arabic character of linked sentences on the NTREX
#: comparable dev set (``benchmarks/compare.py`` measures it again and prints it).
EN_PER_AR_CHARS = 1.075

# Tuned on the NTREX comparable dev set by benchmarks/compare.py (the same data
# the comparison is reported on): see docs/comparison.md.
MUTUAL_BEST_THRESHOLD = 0.4
DELETION_PENALTY = 0.375
DELETION_PERCENTILE = 1.0


@functools.cache
def _shared_scorer() -> EmbeddingScorer:
    from bialign.scorers.embedding import EmbeddingScorer

    return EmbeddingScorer()


def _embed_fn(embed: Embed | None) -> Embed:
    return embed if embed is not None else _shared_scorer().embed


# --------------------------------------------------------------------------- search


def monotone_search(costs: CostTable, n_ar: int, n_en: int) -> list[Bead]:
    """Least-cost monotone path of beads through an ``n_ar`` × ``n_en`` grid.

    Args:
        costs: For each bead shape ``(a, b)``, an array of shape
            ``(n_ar - a + 1, n_en - b + 1)`` whose ``[i, j]`` is the cost of the
            bead covering Arabic ``i .. i+a-1`` and English ``j .. j+b-1``. Shapes
            are tried in the mapping's order; the first wins a tie.
        n_ar: Number of Arabic sentences.
        n_en: Number of English sentences.

    Returns:
        The beads of the path, in order; a 1–0 or 0–1 bead has an empty side.
    """
    shapes = [s for s in costs if s != (0, 0)]
    tables = {s: np.asarray(costs[s], dtype=np.float64).tolist() for s in shapes}
    inf = math.inf
    total = [[inf] * (n_en + 1) for _ in range(n_ar + 1)]
    back: list[list[Shape | None]] = [[None] * (n_en + 1) for _ in range(n_ar + 1)]
    total[0][0] = 0.0
    for i in range(n_ar + 1):
        row = total[i]
        for j in range(n_en + 1):
            if i == 0 and j == 0:
                continue
            best, arg = inf, None
            for a, b in shapes:
                if a <= i and b <= j:
                    c = total[i - a][j - b] + tables[(a, b)][i - a][j - b]
                    if c < best:
                        best, arg = c, (a, b)
            row[j] = best
            back[i][j] = arg
    path: list[Bead] = []
    i, j = n_ar, n_en
    while i or j:
        shape = back[i][j]
        if shape is None:  # only when no bead shape can reach (i, j)
            raise ValueError(f"no path: bead shapes {shapes} cannot reach ({i}, {j})")
        a, b = shape
        path.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
        i, j = i - a, j - b
    path.reverse()
    return path


def beads_to_pairs(beads: Sequence[Bead]) -> Pairs:
    """All (Arabic, English) index pairs of the beads (an n–m bead gives n×m pairs)."""
    return {(i, j) for ar, en in beads for i in ar for j in en}


# --------------------------------------------------------------------------- mutual best


def mutual_best(
    arabic: Sequence[str],
    english: Sequence[str],
    threshold: float = MUTUAL_BEST_THRESHOLD,
    *,
    embed: Embed | None = None,
) -> Pairs:
    """Link sentences that are each other's most similar, if their cosine reaches ``threshold``.

    Args:
        arabic: Arabic sentences.
        english: English sentences.
        threshold: Least cosine of a link.
        embed: Texts to L2-normalised vectors (default: the USE encoder).
    """
    if not arabic or not english:
        return set()
    f = _embed_fn(embed)
    cos = f(list(arabic)) @ f(list(english)).T
    row_best = cos.argmax(axis=1)
    col_best = cos.argmax(axis=0)
    return {
        (i, int(j)) for i, j in enumerate(row_best) if col_best[j] == i and cos[i, j] >= threshold
    }


# --------------------------------------------------------------------------- Vecalign-style


def _spans(texts: Sequence[str], size: int) -> list[str]:
    return [" ".join(texts[i : i + size]) for i in range(len(texts) - size + 1)]


def _span_vectors(
    texts: Sequence[str], sizes: Sequence[int], embed: Embed
) -> dict[int, np.ndarray]:
    """Vectors of every span of each size (1 always), all embedded in one call."""
    spans = {s: _spans(texts, s) for s in sorted({1, *sizes})}
    unique = list(dict.fromkeys(t for ts in spans.values() for t in ts))
    vecs = np.asarray(embed(unique), dtype=np.float64)
    row = {t: k for k, t in enumerate(unique)}
    return {
        s: vecs[[row[t] for t in ts]] if ts else np.zeros((0, vecs.shape[1]))
        for s, ts in spans.items()
    }


def vecalign_costs(
    arabic: Sequence[str],
    english: Sequence[str],
    *,
    beads: Sequence[Shape] = BEADS,
    embed: Embed | None = None,
) -> dict[Shape, np.ndarray]:
    """Normalised embedding costs of every non-deletion bead (deletions left out).

    ``cost = (1 - cos(x, y)) * a * b / norm(x, y)``, where ``x`` is the Arabic
    span of ``a`` sentences, ``y`` the English span of ``b`` sentences, each
    embedded as one joined text, and ``norm(x, y)`` the mean of ``1 - cos(x, e)``
    over the English sentences ``e`` and of ``1 - cos(r, y)`` over the Arabic
    sentences ``r``: how far a span is from an unrelated sentence of this
    document pair. A random pair costs about 1. (Vecalign samples the sentences
    of the normaliser at random; news articles are short enough to use all.)
    """
    f = _embed_fn(embed)
    sizes_ar = sorted({a for a, b in beads if a and b})
    sizes_en = sorted({b for a, b in beads if a and b})
    ar_span = _span_vectors(arabic, sizes_ar, f)
    en_span = _span_vectors(english, sizes_en, f)
    ar_single, en_single = ar_span[1], en_span[1]
    out: dict[Shape, np.ndarray] = {}
    for a, b in beads:
        if not (a and b):
            continue
        x, y = ar_span[a], en_span[b]
        if len(x) == 0 or len(y) == 0:
            out[(a, b)] = np.zeros((len(x), len(y)))
            continue
        norm_x = (1.0 - x @ en_single.T).mean(axis=1)
        norm_y = (1.0 - ar_single @ y.T).mean(axis=0)
        norm = np.maximum((norm_x[:, None] + norm_y[None, :]) / 2.0, 1e-6)
        out[(a, b)] = (1.0 - x @ y.T) * a * b / norm
    return out


def _with_deletions(
    costs: Mapping[Shape, np.ndarray],
    n_ar: int,
    n_en: int,
    penalty: float,
    beads: Sequence[Shape],
) -> dict[Shape, np.ndarray]:
    out: dict[Shape, np.ndarray] = {}
    for a, b in beads:
        if a and b:
            out[(a, b)] = costs[(a, b)]
        else:
            out[(a, b)] = np.full((n_ar - a + 1, n_en - b + 1), penalty)
    return out


def monotone_dp(
    arabic: Sequence[str],
    english: Sequence[str],
    deletion_penalty: float = DELETION_PENALTY,
    *,
    beads: Sequence[Shape] = BEADS,
    embed: Embed | None = None,
) -> Pairs:
    """Vecalign-style monotone alignment with a fixed cost per one-sided sentence.

    Args:
        arabic: Arabic sentences.
        english: English sentences.
        deletion_penalty: Cost of a 1–0 or 0–1 bead (a random 1–1 pair costs about 1).
        beads: Bead shapes; :data:`BEADS` or :data:`BEADS_22`. Must hold (1, 0) and (0, 1).
        embed: Texts to L2-normalised vectors (default: the USE encoder).
    """
    if not arabic or not english:
        return set()
    costs = vecalign_costs(arabic, english, beads=beads, embed=embed)
    table = _with_deletions(costs, len(arabic), len(english), deletion_penalty, beads)
    return beads_to_pairs(monotone_search(table, len(arabic), len(english)))


def monotone_dp_percentile(
    arabic: Sequence[str],
    english: Sequence[str],
    percentile: float = DELETION_PERCENTILE,
    *,
    beads: Sequence[Shape] = BEADS,
    embed: Embed | None = None,
) -> Pairs:
    """Like :func:`monotone_dp`, the deletion penalty taken from the document itself.

    The penalty is the ``percentile`` (0–100) of the document pair's 1–1 bead
    costs (all ``len(arabic) × len(english)`` of them), as Vecalign derives its
    deletion penalty from a percentile of sampled costs.
    """
    if not arabic or not english:
        return set()
    costs = vecalign_costs(arabic, english, beads=beads, embed=embed)
    penalty = float(np.percentile(costs[(1, 1)], percentile))
    table = _with_deletions(costs, len(arabic), len(english), penalty, beads)
    return beads_to_pairs(monotone_search(table, len(arabic), len(english)))


# --------------------------------------------------------------------------- Gale-Church


def _neg_log_two_tailed(z: float) -> float:
    """``-log P(|Z| >= |z|)`` for a standard normal ``Z``, without underflow."""
    x = abs(z) / math.sqrt(2.0)
    p = math.erfc(x)
    if p > 1e-300:
        return -math.log(p)
    # erfc(x) ~ exp(-x²) / (x √π) for large x
    return x * x + math.log(x * math.sqrt(math.pi))


def gale_church_costs(
    arabic: Sequence[str],
    english: Sequence[str],
    *,
    ratio: float = EN_PER_AR_CHARS,
    s2: float = GALE_CHURCH_S2,
    priors: Mapping[Shape, float] = GALE_CHURCH_PRIORS,
) -> dict[Shape, np.ndarray]:
    """Gale–Church cost of every bead: ``-log prior - log P(|δ| ≥ |observed δ|)``.

    ``δ = (l_en - c·l_ar) / sqrt(s² · m)`` with ``l`` the spans' lengths in
    characters, ``c = ratio`` and ``m = (l_ar + l_en / c) / 2`` (the mean of the
    two lengths in Arabic characters, which keeps 0–1 beads defined).
    """
    la = [len(t) for t in arabic]
    le = [len(t) for t in english]
    out: dict[Shape, np.ndarray] = {}
    for (a, b), prior in priors.items():
        rows, cols = len(la) - a + 1, len(le) - b + 1
        table = np.empty((max(rows, 0), max(cols, 0)))
        for i in range(rows):
            l_ar = sum(la[i : i + a])
            for j in range(cols):
                l_en = sum(le[j : j + b])
                mean = (l_ar + l_en / ratio) / 2.0
                delta = (l_en - ratio * l_ar) / math.sqrt(s2 * mean) if mean > 0 else 0.0
                table[i, j] = -math.log(prior) + _neg_log_two_tailed(delta)
        out[(a, b)] = table
    return out


def gale_church(
    arabic: Sequence[str],
    english: Sequence[str],
    *,
    ratio: float = EN_PER_AR_CHARS,
    s2: float = GALE_CHURCH_S2,
    priors: Mapping[Shape, float] = GALE_CHURCH_PRIORS,
) -> Pairs:
    """Gale and Church's (1993) length-based alignment, beads 1–1, 1–0, 0–1, 2–1, 1–2, 2–2.

    Args:
        arabic: Arabic sentences.
        english: English sentences.
        ratio: Expected English characters per Arabic character (Gale and
            Church use 1 for their language pairs; Arabic is shorter in characters).
        s2: Variance of the length difference per character.
        priors: Prior probability of each bead shape.
    """
    if not arabic or not english:
        return set()
    costs = gale_church_costs(arabic, english, ratio=ratio, s2=s2, priors=priors)
    return beads_to_pairs(monotone_search(costs, len(arabic), len(english)))
