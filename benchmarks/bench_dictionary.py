"""How well a bilingual dictionary tells counterpart sentences apart, against the encoder.

For every Arabic × English sentence pair of the seed pair (002 ↔ 000, hand gold)
and of the NTREX development cases, the ROC AUC of gold sure one-to-one links
against every other pair, by:

* the encoder's cosine (`bialign.EmbeddingScorer`);
* the dictionary score (`bialign.DictionaryScorer`);
* their sum with the dictionary weighted 0.5.

Also on the *hard* pairs alone, those whose cosine lies between 0.25 and 0.6,
where the encoder is unsure. What the link model makes of it is measured by
``fit_weights.py --folds 4 --dictionary buckwalter`` (held out, per slice).

Usage::

    python benchmarks/bench_dictionary.py                      # the Buckwalter lexicon
    python benchmarks/bench_dictionary.py --dictionary terms.tsv
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.stats import rankdata

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import robust  # noqa: E402

from bialign import DictionaryScorer, EmbeddingScorer, load_dictionary  # noqa: E402

HARD = (0.25, 0.6)


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC by ranks (ties share their rank); nan without both classes."""
    pos = int(y.sum())
    neg = len(y) - pos
    if not pos or not neg:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def cases() -> dict[str, list[tuple[list[str], list[str], set[tuple[int, int]]]]]:
    seed = robust.seed_cases()["seed_counterpart"][0]
    out = {
        "seed 002-000": [
            (
                list(robust.sentences_of(seed.arabic)),
                list(robust.sentences_of(seed.english)),
                set(seed.gold.sure),
            )
        ]
    }
    ntrex = []
    for f in sorted(robust.NTREX.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        links = {(x["ar"], x["en"]) for x in d["links"] if x.get("kind", "S") == "S"}
        ntrex.append((d["arabic"], d["english"], links))
    out["NTREX"] = ntrex
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dictionary", default="buckwalter", help="as align(dictionary=...)")
    args = ap.parse_args(argv)
    encoder = EmbeddingScorer()
    scorer = DictionaryScorer(load_dictionary(args.dictionary))
    print(f"{'set':14} {'pairs':>7} {'gold':>5} | AUC encoder  dictionary  sum | hard pairs: "
          f"{'pairs':>6} {'gold':>4} encoder  dictionary  sum")  # fmt: skip
    for name, group in cases().items():
        ys, es, ds = [], [], []
        for ar, en, links in group:
            e = encoder.score(ar, en)
            d = scorer.score(ar, en)
            y = np.zeros(e.shape, dtype=bool)
            for i, j in links:
                y[i, j] = True
            ys.append(y.ravel())
            es.append(e.ravel())
            ds.append(d.ravel())
        y, e, d = np.concatenate(ys), np.concatenate(es), np.concatenate(ds)
        hard = (e > HARD[0]) & (e < HARD[1])
        row = [auc(y, e), auc(y, d), auc(y, e + 0.5 * d)]
        row_h = [auc(y[hard], e[hard]), auc(y[hard], d[hard]), auc(y[hard], (e + 0.5 * d)[hard])]
        print(
            f"{name:14} {len(y):7} {int(y.sum()):5} | "
            + "  ".join(f"{x:.3f}" for x in row)
            + f" | {int(hard.sum()):6} {int(y[hard].sum()):4} "
            + "  ".join(f"{x:.3f}" for x in row_h)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
