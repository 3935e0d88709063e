"""Precision@1 and speed of each scorer and of the combined link model.

For every Arabic sentence that has a gold counterpart, a scorer is right at 1
when its highest-scoring English sentence is one of the gold counterparts.
Data: the NTREX comparable dev cases and the hand-aligned Anadolu seed pair.
Ties (for example two sentences without any name, both scoring 0 on names)
count as wrong unless every tied sentence is a gold counterpart. The combined
link model is judged by its best candidate of any shape (1-1, 2-1, 1-2) that
holds the Arabic sentence: right when its English side holds a counterpart.

Usage::

    python benchmarks/bench_scorers.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bialign import read_article  # noqa: E402
from bialign.aligner import prepare  # noqa: E402
from bialign.evaluate import load_gold  # noqa: E402
from bialign.names import NameScorer  # noqa: E402
from bialign.scorers.anchors import AnchorScorer  # noqa: E402
from bialign.scorers.embedding import EmbeddingScorer  # noqa: E402

NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"


def hits(matrix: np.ndarray, gold_pairs: set[tuple[int, int]]) -> tuple[int, int]:
    right = total = 0
    for i in sorted({i for i, _ in gold_pairs}):
        row = matrix[i]
        top = set(np.flatnonzero(row >= row.max() - 1e-12).tolist())
        total += 1
        right += int(top <= {j for a, j in gold_pairs if a == i})
    return right, total


def combined_hits(ctx, gold_pairs: set[tuple[int, int]]) -> tuple[int, int]:
    """The link model's best candidate of any shape (1-1, 2-1, 1-2) holding Arabic i:
    right when its English side holds a gold counterpart of i."""
    right = total = 0
    design = ctx.design_matrix()
    for i in sorted({i for i, _ in gold_pairs}):
        best_p, best_en = -1.0, ()
        for p, ga, he in zip(design.probability, design.arabic, design.english, strict=True):
            if i in ga and p > best_p:
                best_p, best_en = float(p), he
        total += 1
        right += int(any((i, j) in gold_pairs for j in best_en))
    return right, total


def cases(ntrex: Path):
    for f in sorted(ntrex.glob("*.json")):
        g = load_gold(f)
        yield "ntrex", list(g.arabic), list(g.english), g
    g = load_gold(ROOT / "tests" / "data" / "anadolu_seed_gold.json")
    ar = read_article((ROOT / "seeds" / "002_f2c150e3c700ff1f.txt").read_text(encoding="utf-8"))
    en = read_article((ROOT / "seeds" / "000_9b6c93be4bbc7b4e.txt").read_text(encoding="utf-8"))
    yield "seed", ar, en, g


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ntrex", type=Path, default=NTREX)
    args = ap.parse_args(argv)
    scorers = {"embedding": EmbeddingScorer(), "names": NameScorer(), "anchors": AnchorScorer()}
    tally: dict[tuple[str, str], list[int]] = {}
    timing: dict[str, list[float]] = {name: [0.0, 0] for name in scorers}
    for kind, ar, en, g in cases(args.ntrex):
        ctx = prepare(ar, en)
        a_txt, e_txt = list(ctx.ar.sentences), list(ctx.en.sentences)
        mats = {}
        for name, scorer in scorers.items():
            t0 = time.perf_counter()
            mats[name] = scorer.score(a_txt, e_txt)
            timing[name][0] += time.perf_counter() - t0
            timing[name][1] += len(a_txt) * len(e_txt)
        results = {name: hits(m, set(g.sure)) for name, m in mats.items()}
        results["combined (link model)"] = combined_hits(ctx, set(g.sure))
        for name, (r, t) in results.items():
            acc = tally.setdefault((kind, name), [0, 0])
            acc[0] += r
            acc[1] += t
    print(f"{'scorer':<28} {'NTREX P@1':>10} {'seed P@1':>9}")
    for name in [*scorers, "combined (link model)"]:
        cells = []
        for kind in ("ntrex", "seed"):
            r, t = tally.get((kind, name), [0, 0])
            cells.append(f"{r / t:.3f}" if t else "-")
        print(f"{name:<28} {cells[0]:>10} {cells[1]:>9}")
    print("\ntime per 1,000 sentence pairs scored (second pass: embeddings cached):")
    warm = {}
    for name, scorer in scorers.items():
        t0 = time.perf_counter()
        pairs = 0
        for _, ar, en, _ in cases(args.ntrex):
            a = list(ar) if isinstance(ar, list) else list(ar.sentences)
            e = list(en) if isinstance(en, list) else list(en.sentences)
            scorer.score(a, e)
            pairs += len(a) * len(e)
        warm[name] = (time.perf_counter() - t0) / pairs * 1000
    for name, (secs, pairs) in timing.items():
        print(
            f"  {name:<12} first pass {secs / pairs * 1000 * 1000:8.2f} ms, "
            f"warm {warm[name] * 1000:8.3f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
