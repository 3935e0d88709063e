"""How well the link score reads as a probability: share of right links per score band.

An *in-sample* check. The primary, held-out table is ``resources/reliability.json``
(4-fold cross-validation by document, written by ``benchmarks/fit_weights.py``); this
script aligns, with the default settings and the shipped weights, cases those weights
were fitted on (benchmarks/fit_weights.py fits them on the mix of benchmarks/robust.py,
which holds these cases), so its figures flatter the score somewhat:

* the 61 NTREX comparable dev cases (``../shared/data/ntrex-comparable-dev``) and the
  hand-aligned Anadolu seed pair (Arabic 002 ↔ English 000): the *related* slice;
* the Arabic of NTREX case *i* with the English of case *i + 1*, for the first 20
  cases: the *unrelated* slice, where every predicted link is wrong (the document
  judgment normally leaves these pairs without links).

For each score band it prints the number of predicted links and the share that are
right, counted two ways:

* ``exact``: the link's Arabic and English index sets are exactly one gold link
  (a connected group of gold index pairs, sure or possible);
* ``within``: every (Arabic, English) sentence pair the link covers is a gold pair
  (sure or possible); a 1-1 link inside a gold 2-1 link counts as right.

``within`` is the measure of ``resources/reliability.json``. The ``TMX_MIN_SCORE`` of
``bialign.export`` comes from that held-out table (the lowest tenth from which every band
is at least 95 % right), not from this script; the last lines here give the same edge
in-sample, by either measure.

Usage::

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 python benchmarks/calibration.py
    python benchmarks/calibration.py --unrelated 20 --json calibration.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_align import NTREX, seed_case  # noqa: E402

from bialign import align  # noqa: E402
from bialign.evaluate import Gold, load_gold  # noqa: E402
from bialign.result import Alignment  # noqa: E402

#: Band edges; a band holds the scores in [low, high) (the last one includes 1.0).
EDGES: tuple[float, ...] = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0)


@dataclass
class Band:
    """Counts of one score band."""

    low: float
    high: float
    related: int = 0
    exact: int = 0
    within: int = 0
    unrelated: int = 0

    def share(self, right: int, *, with_unrelated: bool) -> float | None:
        total = self.related + (self.unrelated if with_unrelated else 0)
        return right / total if total else None


def gold_groups(gold: Gold) -> set[tuple[frozenset[int], frozenset[int]]]:
    """The gold links as groups: connected components of the gold index pairs."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, e in gold.possible:
        parent[find(("ar", a))] = find(("en", e))
    groups: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
    for node in list(parent):
        ar, en = groups.setdefault(find(node), (set(), set()))
        (ar if node[0] == "ar" else en).add(node[1])
    return {(frozenset(a), frozenset(e)) for a, e in groups.values()}


def band_of(bands: Sequence[Band], score: float) -> Band:
    for b in bands:
        if score < b.high:
            return b
    return bands[-1]


def count(bands: Sequence[Band], res: Alignment, gold: Gold | None) -> None:
    """Add the links of ``res`` to ``bands``; ``gold=None`` means every link is wrong."""
    groups = gold_groups(gold) if gold is not None else set()
    for p in res.pairs:
        b = band_of(bands, p.score)
        if gold is None:
            b.unrelated += 1
            continue
        b.related += 1
        if (frozenset(p.arabic), frozenset(p.english)) in groups:
            b.exact += 1
        if all(ij in gold.possible for ij in p.index_pairs):
            b.within += 1


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f} %"


def table(bands: Sequence[Band]) -> str:
    rows = [
        "| score band | related links | exact right | within gold | unrelated links "
        "| exact right, with unrelated | within gold, with unrelated "
        "| scoring ≥ band's low edge: exact right, with unrelated |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k, b in enumerate(bands):
        high = "1.0" if b.high >= 1.0 else f"{b.high:.1f}"
        above = bands[k:]
        total = sum(x.related + x.unrelated for x in above)
        rows.append(
            f"| {b.low:.1f} – {high} | {b.related} | {pct(b.share(b.exact, with_unrelated=False))} "
            f"| {pct(b.share(b.within, with_unrelated=False))} | {b.unrelated} "
            f"| {pct(b.share(b.exact, with_unrelated=True))} "
            f"| {pct(b.share(b.within, with_unrelated=True))} "
            f"| {pct(sum(x.exact for x in above) / total if total else None)} |"
        )
    return "\n".join(rows)


def pooled(bands: Sequence[Band], low: float, high: float) -> str:
    """Exact-right and within-gold shares of the links scoring in [low, high), with unrelated."""
    sel = [b for b in bands if low <= b.low and b.high <= high]
    total = sum(b.related + b.unrelated for b in sel)
    if not total:
        return "no links"
    exact = sum(b.exact for b in sel) / total
    within = sum(b.within for b in sel) / total
    return f"{total} links, exact right {pct(exact)}, within gold {pct(within)}"


def lowest_trusted_edge(
    bands: Sequence[Band], target: float, measure: str = "exact"
) -> float | None:
    """The lowest band edge whose links, and those of every band above it, are ``target`` right.

    Right means ``measure`` (``"exact"`` or ``"within"``), counting the unrelated slice;
    ``None`` if even the top band falls short.
    """
    edge = None
    for b in reversed(bands):
        share = b.share(getattr(b, measure), with_unrelated=True)
        if share is not None and share < target:
            break
        edge = b.low
    return edge


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--ntrex", type=Path, default=NTREX)
    ap.add_argument("--unrelated", type=int, default=20, help="unrelated pairs (case i, i+1)")
    ap.add_argument("--target", type=float, default=0.95)
    ap.add_argument("--json", type=Path, help="also write the counts here")
    args = ap.parse_args()

    bands = [Band(lo, hi) for lo, hi in itertools.pairwise(EDGES)]
    t0 = time.perf_counter()
    files = sorted(args.ntrex.glob("*.json"))
    golds = [load_gold(f) for f in files]
    for g in golds:
        count(bands, align(list(g.arabic), list(g.english)), g)
    ar, en, g = seed_case("anadolu_seed_gold.json", "000_9b6c93be4bbc7b4e.txt")
    count(bands, align(ar, en), g)
    related_cases = len(golds) + 1
    n_unrelated = min(args.unrelated, max(len(golds) - 1, 0))
    for i in range(n_unrelated):
        count(bands, align(list(golds[i].arabic), list(golds[i + 1].english)), None)
    seconds = time.perf_counter() - t0

    print(
        f"{related_cases} related cases ({len(golds)} NTREX dev + the Anadolu seed pair), "
        f"{n_unrelated} unrelated pairs (Arabic of NTREX case i, English of case i+1); "
        f"{seconds:.0f} s"
    )
    print()
    print(table(bands))
    print()
    related = sum(b.related for b in bands)
    exact = sum(b.exact for b in bands)
    within = sum(b.within for b in bands)
    print(
        f"all related links: {related}, exact right {pct(exact / related if related else None)}, "
        f"within gold {pct(within / related if related else None)}; "
        f"unrelated links: {sum(b.unrelated for b in bands)}"
    )
    # The bands of the HTML report (bialign.export), then wider ranges.
    for low, high in ((0.0, 0.7), (0.7, 0.9), (0.9, 1.0), (0.8, 1.0), (0.7, 1.0)):
        print(f"pooled {low:.1f} – {high:.1f}: {pooled(bands, low, high)}")
    edges = {m: lowest_trusted_edge(bands, args.target, m) for m in ("exact", "within")}
    for measure, edge in edges.items():
        print(
            f"lowest band edge with every band above it >= {args.target:.0%} "
            f"{'exact right' if measure == 'exact' else 'within gold'}: {edge}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "edges": EDGES,
                    "bands": [vars(b) for b in bands],
                    "lowest_trusted_edge": edges["exact"],
                    "lowest_trusted_edge_within": edges["within"],
                },
                indent=2,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
