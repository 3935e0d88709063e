"""Long documents: cut the pair into aligned sections before the dense scoring.

The aligner scores every candidate link of the two articles (`bialign.aligner`):
its memory and time grow with the product of their lengths. Above
`LONG_DOCUMENT_CELLS` sentence pairs, `bialign.align` first cuts both articles
into consecutive **section pairs** of at most `SECTION_SENTENCES` sentences a
side and aligns each pair with the ordinary machinery:

1. Every sentence is encoded once (as for any alignment). The similarity of
   the sentence vectors is read in blocks of `SCAN_ROWS` Arabic rows, so the
   whole Arabic × English matrix is never held: each row's and each column's
   best counterpart, and the means of their nearest neighbours (for the
   document judgment, made once for the whole pair).
2. **Anchors**: the mutual-best pairs (each the other's most similar sentence)
   of similarity at least `ANCHOR_MIN_SIM`, and among them the monotone chain
   of the largest total similarity (a longest increasing chain).
3. **Cuts**: from the start, the farthest anchor that keeps both sides of the
   section within `SECTION_SENTENCES`, preferring anchors inside a run of
   anchors (their chain neighbours within `STEADY_GAP` sentences on both
   sides); the anchor ends its section. With no anchor in reach, the cut
   follows the line between the anchors around it.

4. **Regroup**: what no section linked is aligned again where it may still
   have a counterpart: the Arabic sentences whose most similar sentence in
   the whole pair is a free English sentence that returns the compliment
   (mutual best), with those sentences and the free neighbours of both
   (`regroup`), in groups of at most a third of `SECTION_SENTENCES` (with
   their neighbours, at most a section's size a side). A link found there is
   kept when it holds such a mutual-best pair and each side is a run of
   neighbouring sentences. A passage moved across a cut (far from its place in
   the other article) is found this way.

With a translator alone (``embedding=False``), the encoder still reads every
sentence once, for the scan and the cuts only; the translation scores the
sections, and the signature names the encoder.

The cost: in a section, a link can only join sentences of that section pair;
a moved sentence that is not its counterpart's mutual best in the whole pair
is not found again by the regrouping, and stays one-sided.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .document import MARGIN_NEIGHBOURS, Reductions

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "ANCHOR_MIN_SIM",
    "LONG_DOCUMENT_CELLS",
    "SCAN_ROWS",
    "SECTION_SENTENCES",
    "STEADY_GAP",
    "Scan",
    "Section",
    "anchor_chain",
    "cut",
    "is_long",
    "regroup",
    "scan",
]

#: Sentence pairs (Arabic sentences × English sentences) above which an article pair is
#: cut into sections: as many as one section holds. The dense scoring takes about 0.5 KB
#: per sentence pair (0.64 GB at 1,000 × 1,000, 1.9 GB at 2,000 × 2,000, 7.2 GB at 4,000
#: × 4,000, measured) and more than linear time; every ordinary article stays below.
LONG_DOCUMENT_CELLS = 1_000 * 1_000
#: At most this many sentences a side in one section pair.
SECTION_SENTENCES = 1_000
#: Arabic rows of the similarity matrix held at once while scanning a long pair.
SCAN_ROWS = 512
#: An anchor is a mutual-best pair at least this similar (the encoder's cosine).
ANCHOR_MIN_SIM = 0.3
#: An anchor whose chain neighbours are at most this many sentences away on both sides
#: is in a steady run: a cut there is least likely to split a passage.
STEADY_GAP = 3


def is_long(n: int, m: int) -> bool:
    """Whether an ``n`` × ``m`` pair is aligned in sections (see `LONG_DOCUMENT_CELLS`)."""
    return n * m > LONG_DOCUMENT_CELLS


@dataclass(frozen=True)
class Section:
    """One section pair: Arabic sentences ``[a0, a1)`` and English sentences ``[e0, e1)``."""

    a0: int
    a1: int
    e0: int
    e1: int


@dataclass(frozen=True)
class Scan:
    """A long pair's similarity, reduced by rows and columns (see `scan`)."""

    reductions: Reductions
    anchors: tuple[np.ndarray, np.ndarray]


def scan(
    va: np.ndarray,
    ve: np.ndarray,
    kinds: tuple[np.ndarray, np.ndarray] | None = None,
    rows: int | None = None,
) -> Scan:
    """Read ``clip(va @ ve.T, 0, 1)`` in blocks of ``rows`` rows: best pairs, anchors.

    Args:
        va, ve: The Arabic and English sentence vectors (L2-normalised).
        kinds: Each sentence's role kind, by side, when roles keep pairs apart
            (a pair is allowed when the kinds are equal); ``None``: all pairs allowed.
        rows: Rows per block (`SCAN_ROWS` by default).

    Returns:
        The row and column reductions the document judgment reads (`Reductions`,
        as `bialign.document.document_features` computes them on the whole
        matrix) and the anchor chain (`anchor_chain`).
    """
    n, m = len(va), len(ve)
    rows = SCAN_ROWS if rows is None else rows
    k = max(1, min(MARGIN_NEIGHBOURS, m))
    kc = max(1, min(MARGIN_NEIGHBOURS, n))
    row = np.zeros(n, dtype=np.int64)
    row_max = np.zeros(n, dtype=np.float32)
    row_knn = np.zeros(n, dtype=np.float32)
    col = np.zeros(m, dtype=np.int64)
    col_max = np.full(m, -np.inf, dtype=np.float32)
    col_top = np.full((0, m), -np.inf, dtype=np.float32)  # each column's best so far
    for r0 in range(0, n, rows):
        r1 = min(n, r0 + rows)
        sim = np.clip(va[r0:r1] @ ve.T, 0.0, 1.0).astype(np.float32, copy=False)
        top = -np.partition(-sim, k - 1, axis=1)[:, :k]
        row_knn[r0:r1] = top.mean(axis=1)
        both = np.concatenate([col_top, sim], axis=0)
        if len(both) > kc:
            both = -np.partition(-both, kc - 1, axis=0)[:kc]
        col_top = both
        if kinds is not None:
            sim = np.where(kinds[0][r0:r1, None] == kinds[1][None, :], sim, np.float32(-1.0))
        row[r0:r1] = sim.argmax(axis=1)
        row_max[r0:r1] = sim.max(axis=1)
        best = sim.max(axis=0)
        better = best > col_max  # strictly: on ties the first row stays, as argmax
        col_max[better] = best[better]
        col[better] = sim.argmax(axis=0)[better] + r0
        del sim, both
    col_knn = col_top.mean(axis=0) if n else np.zeros(m, dtype=np.float32)
    reductions = Reductions(row, col, row_max, col_max, row_knn, col_knn)
    mutual = (col[row] == np.arange(n)) & (row_max >= ANCHOR_MIN_SIM)
    ai = np.flatnonzero(mutual).astype(np.int64)
    aj = row[ai]
    return Scan(reductions, anchor_chain(ai, aj, row_max[ai], m))


def anchor_chain(
    ai: np.ndarray, aj: np.ndarray, weight: np.ndarray, m: int
) -> tuple[np.ndarray, np.ndarray]:
    """The chain of pairs increasing on both sides with the largest total weight.

    ``ai`` increasing, each ``aj`` used once (mutual-best pairs); a Fenwick tree
    over the English index gives the best chain ending before each pair, so the
    cost is ``P log m`` for ``P`` pairs.
    """
    p = len(ai)
    tree_val = np.zeros(m + 1)
    tree_arg = np.full(m + 1, -1, dtype=np.int64)
    best = np.zeros(p)
    prev = np.full(p, -1, dtype=np.int64)
    for k in range(p):
        # The best chain ending at an English index below aj[k] (tree positions 1..aj[k]).
        q, v, arg = int(aj[k]), 0.0, -1
        while q > 0:
            if tree_val[q] > v:
                v, arg = float(tree_val[q]), int(tree_arg[q])
            q -= q & -q
        best[k], prev[k] = v + float(weight[k]), arg
        q = int(aj[k]) + 1
        while q <= m:
            if best[k] > tree_val[q]:
                tree_val[q], tree_arg[q] = best[k], k
            q += q & -q
    chain: list[int] = []
    k = int(np.argmax(best)) if p else -1
    while k >= 0:
        chain.append(k)
        k = int(prev[k])
    chain.reverse()
    return ai[chain], aj[chain]


def cut(
    n: int, m: int, anchors: tuple[np.ndarray, np.ndarray], size: int | None = None
) -> list[Section]:
    """Cut an ``n`` × ``m`` pair at anchors into section pairs of at most ``size`` a side.

    ``size`` defaults to `SECTION_SENTENCES`. The sections follow each other on
    both sides and cover every sentence.
    """
    size = SECTION_SENTENCES if size is None else size
    ci, cj = (np.asarray(x, dtype=np.int64) for x in anchors)
    steady = np.zeros(len(ci), dtype=bool)
    if len(ci) > 2:
        di, dj = np.diff(ci), np.diff(cj)
        near = (di <= STEADY_GAP) & (dj <= STEADY_GAP)
        steady[1:-1] = near[:-1] & near[1:]
    # The line through the anchors, with virtual anchors before the start and at the end.
    line_i = np.concatenate([[-1], ci, [n]]).astype(np.float64)
    line_j = np.concatenate([[-1], cj, [m]]).astype(np.float64)
    out: list[Section] = []
    a0 = e0 = 0
    while n - a0 > size or m - e0 > size:
        reach = (ci >= a0) & (ci < a0 + size) & (cj >= e0) & (cj < e0 + size)
        pick = np.flatnonzero(reach & steady)
        if not len(pick):
            pick = np.flatnonzero(reach)
        if len(pick):
            k = int(pick[-1])  # the farthest: anchors increase on both sides
            a1, e1 = int(ci[k]) + 1, int(cj[k]) + 1
        else:
            a1 = min(n, a0 + size)
            e1 = int(np.clip(round(float(np.interp(a1, line_i, line_j))), e0, min(m, e0 + size)))
            if e1 == min(m, e0 + size):  # English moves faster here: cut where it is full
                a1 = int(np.clip(round(float(np.interp(e1, line_j, line_i))), a0, a1))
            if a1 == a0 and e1 == e0:  # no progress on the line: a full step on both sides
                a1, e1 = min(n, a0 + size), min(m, e0 + size)
        out.append(Section(a0, a1, e0, e1))
        a0, e0 = a1, e1
    out.append(Section(a0, n, e0, m))
    return out


def vectors(encoded: Sequence[Any]) -> np.ndarray:
    """The sentence vectors of one side's encodings, as one float32 matrix."""
    if not encoded:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([np.asarray(e.vector, dtype=np.float32) for e in encoded])


def regroup(
    reductions: Reductions, free_ar: np.ndarray, free_en: np.ndarray, size: int | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Groups of the sentences no section linked that may still have a counterpart.

    A sentence whose passage was moved across a cut has no counterpart in its
    section, but its most similar sentence in the whole pair (the `scan`) is
    still its counterpart. So: every Arabic sentence no section linked whose
    mutual best (each is the other's most similar sentence) is an English
    sentence no section linked, with that sentence; and with each of them its
    free neighbours on both sides (a counterpart may be two sentences). In
    document order, in groups of at most ``size`` seeds (by default a third of
    `SECTION_SENTENCES`, read when called), each with the English sentences of
    its pairs.

    Args:
        reductions: The whole pair's scan (`Scan.reductions`).
        free_ar, free_en: Boolean masks of the sentences no section linked.
        size: Arabic sentences per group.

    Returns:
        ``(arabic indices, english indices)`` per group, each increasing.
    """
    size = max(1, SECTION_SENTENCES // 3) if size is None else max(1, size)
    n, m = len(free_ar), len(free_en)
    row, col = np.asarray(reductions.row), np.asarray(reductions.col)
    if n == 0 or m == 0:
        return []
    seeds = np.flatnonzero(free_ar & (col[row] == np.arange(n)))
    seeds = seeds[free_en[row[seeds]]]
    groups = []
    for k in range(0, len(seeds), size):
        a, e = seeds[k : k + size], row[seeds[k : k + size]]
        groups.append((_with_free_neighbours(a, free_ar), _with_free_neighbours(e, free_en)))
    return groups


def _with_free_neighbours(idx: np.ndarray, free: np.ndarray) -> np.ndarray:
    """``idx`` with each index's free neighbours (one before, one after), increasing."""
    near = np.concatenate([idx - 1, idx, idx + 1])
    near = near[(near >= 0) & (near < len(free))]
    near = near[free[near]]
    return np.unique(near).astype(np.int64)
