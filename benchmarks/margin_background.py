"""Measure `Weights.knn_background`: what a missing neighbour counts as in the margin.

A link's margin divides its similarity by the mean of the ``knn`` highest
similarities of its row (and of its column): the counterpart itself and the
``knn - 1`` most similar sentences that are not. A sentence of an article with
fewer than ``knn`` sentences on the other side has too few neighbours, and a
one-sentence article's only sentence would be its own only neighbour (a margin
of 1, which the link model, fitted on longer articles, reads as "no
counterpart"). Those missing neighbours count as the *background*: the
similarity such a neighbour usually has.

This script measures it on the NTREX development cases (read from
``../shared/data/ntrex-comparable-dev``): for every row and every column of
each case's sentence similarity (the encoder's, and the word signal's), the
mean of its 2nd to ``knn``-th highest values; the background is the median of
those means. Its output goes into ``resources/weights.json``
(``knn_background``). It changes nothing for articles of ``knn`` sentences or
more (every case of the fitting mix), so the link model need not be refitted.

Usage::

    python benchmarks/margin_background.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bialign.aligner import prepare  # noqa: E402
from bialign.evaluate import load_gold  # noqa: E402

NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"


def neighbour_means(matrix: np.ndarray, k: int) -> list[float]:
    """For each row and each column: the mean of its 2nd to ``k``-th highest values."""
    out: list[float] = []
    for x in (matrix, matrix.T):
        ranked = -np.sort(-x, axis=1)
        out += ranked[:, 1:k].mean(axis=1).tolist()
    return out


def measure(ntrex: Path = NTREX) -> tuple[float, float, int]:
    """(sentence background, word background, number of cases)."""
    sims: list[float] = []
    words: list[float] = []
    cases = sorted(ntrex.glob("*.json"))
    for f in cases:
        g = load_gold(f)
        ctx = prepare(list(g.arabic), list(g.english))
        k = ctx.weights.knn
        a = tuple((i,) for i in range(len(g.arabic)))
        e = tuple((j,) for j in range(len(g.english)))
        raw, _ = ctx.sim(a, e)
        sims += neighbour_means(raw, k)
        if ctx.lexical is not None:
            words += neighbour_means(ctx.lexical_sim(a, e, raw), k)
    return float(np.median(sims)), float(np.median(words)), len(cases)


def main() -> int:
    if not NTREX.is_dir():
        print(f"no NTREX data at {NTREX}", file=sys.stderr)
        return 1
    sim, words, n = measure()
    print(f"knn_background over {n} NTREX cases: [{sim:.3f}, {words:.3f}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
