"""Fit bialign's document model, link model and search settings on a realistic mix.

Writes ``resources/document_model.json`` and ``resources/weights.json``. The data
is every slice of ``benchmarks/robust.py``: the NTREX comparable development
cases (read from ``../shared/data/ntrex-comparable-dev``, never copied), their
reordered variants (blocks of 3, blocks of 2-5, swapped halves, reversed
blocks), unrelated pairs (the Arabic of one case with the English of another),
and the seeds: 002 ↔ 000 (counterparts, hand gold), its reordered variant,
002 ↔ 001 (the same event told by Al Jazeera, hand gold), 002 ↔ 003 and
002 ↔ 004 (other stories).

Steps, on the training documents:

1. **Document model**: a logistic regression over `bialign.document`'s
   features, predicting whether two articles are counterparts (every NTREX
   case and reordered variant, the seed counterpart pair) or not (unrelated
   pairs, another outlet's story, other stories); classes weighted equally.
2. **Link model**: a logistic regression over every candidate link (1-1, 2-1,
   1-2) of every document, positive when it is exactly a sure gold link;
   slices weighted so that the reordered variants together count as much as
   the original cases.
3. **Search settings**: a coordinate search over `GRID` for the best objective:
   the weighted mean of link F1 and one-sided F1 over the related slices, less
   a cost for the unrelated documents that get any link.
4. **Calibration**: a Platt scaling of the links the search keeps (their
   model probability against whether they are right), then the candidate
   threshold ``min_score`` from the grid.

``--folds K`` reports K-fold cross-validation by document (every variant of one
NTREX document in one fold; an unrelated pair is held out only when both its
documents are, and no training pair shares a document with a held-out one):
held-out figures per slice and the reliability table of held-out links. Every
fit starts from fixed settings (`starting_point`), never from the shipped ones,
and the link model learns the ``doc`` feature from document probabilities of
models fitted without the document (`out_of_fold_documents`). One leak remains
that the data imposes: the NTREX cases carry 1–2 distractor sentences copied
from other documents, which may sit in a training fold.

Usage::

    python benchmarks/fit_weights.py --folds 4   # cross-validate, then fit and write
    python benchmarks/fit_weights.py --dry-run   # fit and report, write nothing
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import robust  # noqa: E402

from bialign.aligner import (  # noqa: E402
    FEATURES,
    AlignOptions,
    ScoredPair,
    Weights,
    load_weights,
    prepare,
    select,
)
from bialign.document import (  # noqa: E402
    DOCUMENT_FEATURES,
    DocumentModel,
)
from bialign.evaluate import Scores, score_alignment, sum_scores  # noqa: E402

#: Slices whose two articles are counterparts (label 1 of the document model).
COUNTERPART_SLICES = frozenset(
    {"ntrex", "moved3", "moved2to5", "halves", "reversed", "seed_counterpart", "seed_moved3"}
)
#: Slices with no link to find: every link there is invented (cost in the objective).
UNRELATED_SLICES = frozenset({"unrelated", "seed_unrelated", "seed_other_meeting"})
#: Weight of each slice's link and one-sided F1 in the objective.
OBJECTIVE_WEIGHTS = {
    "ntrex": 2.0,
    "moved3": 0.5,
    "moved2to5": 0.5,
    "halves": 0.5,
    "reversed": 0.5,
    "seed_counterpart": 2.0,
    "seed_moved3": 0.5,
    "seed_other_outlet": 0.5,
}
#: Weight of each slice's candidates in the link model's fit.
SAMPLE_WEIGHTS = {
    "ntrex": 1.0,
    "moved3": 0.3,
    "moved2to5": 0.3,
    "halves": 0.2,
    "reversed": 0.2,
    "unrelated": 0.5,
    "seed_counterpart": 3.0,
    "seed_moved3": 1.0,
    "seed_other_outlet": 2.0,
    "seed_unrelated": 2.0,
    "seed_other_meeting": 1.0,
}
#: Objective cost of the share of unrelated documents that get any link.
UNRELATED_DOC_COST = 0.5
#: Objective cost of each link invented on the seed's other stories (003, 004).
SEED_INVENTED_COST = 0.02

GRID = {
    "link_threshold": (0.3, 0.4, 0.5, 0.6, 0.7),
    "extend_threshold": (0.3, 0.4, 0.5, 0.6),
    "merge_tolerance": (0.0, 0.1, 0.2, 0.35),
    "gap_threshold": (0.05, 0.1, 0.2, 0.4, 1.0),
    "max_fill": (1, 2, 3, 5, 8),
    "dp_threshold": (0.05, 0.1, 0.2, 0.3, 1.0),
    "dp_min_coverage": (0.0, 0.2, 0.4, 0.6),
}
DOC_GRID = {
    "threshold": (0.2, 0.3, 0.5, 0.7),
    "related_link_threshold": (0.7, 0.8, 0.9, 0.95, 0.99, 1.0),
}
MIN_SCORE_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def starting_point() -> tuple[Weights, DocumentModel]:
    """Fixed settings every fit starts from (never the shipped, already fitted ones)."""
    shipped = load_weights()
    base = replace(
        shipped,
        version="start",
        coef=(0.0,) * len(FEATURES),
        intercept=0.0,
        **{name: values[0] for name, values in GRID.items()},
        knn=4,
        max_merge=3,
        max_gap=3,
        calibration=(1.0, 0.0),
        min_score=0.0,
        note="",
    )
    doc = DocumentModel(
        version="start", coef=(0.0,) * len(DOCUMENT_FEATURES), intercept=0.0, note=""
    )
    return base, doc


@dataclass
class Item:
    case: robust.Case
    ctx: ScoredPair


#: The bilingual dictionary the link model is fitted with (``--dictionary``); None: none.
DICTIONARY: str | None = None


def prepared(cases: list[robust.Case], weights: Weights) -> list[Item]:
    options = AlignOptions(weights=weights, dictionary=DICTIONARY)
    return [Item(c, prepare(c.arabic, c.english, options)) for c in cases]


# --------------------------------------------------------------------------- fitting


def fit_logistic(x, y, w, l2: float = 1e-2, iters: int = 50):
    """Weighted L2-regularised logistic regression by Newton's method."""
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mu) / sd])
    beta = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -40, 40)))
        grad = z.T @ (w * (p - y)) + reg * beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(reg)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = beta[1:] / sd
    intercept = beta[0] - float((beta[1:] * mu / sd).sum())
    return tuple(float(c) for c in coef), float(intercept)


def fit_document(items: list[Item], base: DocumentModel) -> DocumentModel:
    x = np.array([[it.ctx.document_features[f] for f in DOCUMENT_FEATURES] for it in items])
    y = np.array([1.0 if it.case.slice in COUNTERPART_SLICES else 0.0 for it in items])
    pos = max(y.sum(), 1.0)
    neg = max(len(y) - y.sum(), 1.0)
    w = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))
    coef, intercept = fit_logistic(x, y, w, l2=1.0)
    return replace(base, coef=coef, intercept=intercept)


def design(items: list[Item]):
    """Every candidate link of every shape, labelled by the gold.

    A candidate is positive when it is exactly a gold link (all its index pairs
    are sure, and no sure pair joins one of its sentences to a sentence outside
    it); it is left out when it only overlaps a gold link partially (its pairs
    are possible) and negative otherwise.
    """
    xs, ys, ws = [], [], []
    for it in items:
        g = it.case.gold
        sw = SAMPLE_WEIGHTS.get(it.case.slice, 1.0)
        design = it.ctx.design_matrix()
        for row, a_group, e_group in zip(
            design.features, design.arabic, design.english, strict=True
        ):
            ga, he = set(a_group), set(e_group)
            pairs = {(i, j) for i in ga for j in he}
            outside = {(i, j) for (i, j) in g.sure if (i in ga) != (j in he)}
            if pairs <= g.sure and not outside:
                label = 1.0
            elif pairs <= g.sure:
                label = 0.0
            elif pairs <= g.possible:
                continue
            else:
                label = 0.0
            xs.append(row)
            ys.append(label)
            ws.append(sw)
    return np.array(xs), np.array(ys), np.array(ws)


@dataclass
class Outcome:
    """What one setting did on one document."""

    scores: Scores
    links: list[tuple[float, bool, bool]]  # (score, right, invented)


def run(item: Item, weights: Weights, doc: DocumentModel) -> Outcome:
    ctx = item.ctx
    if ctx.document_model != doc:
        ctx.set_document_model(doc)
    ctx.reweight(weights)
    links, _candidates, _judgment = select(ctx)
    g = item.case.gold
    pairs = [tuple((i, j) for i in b.ar for j in b.en) for b in links]
    flat = {ij for p in pairs for ij in p}
    used_ar = {i for b in links for i in b.ar}
    used_en = {j for b in links for j in b.en}
    scores = score_alignment(
        flat,
        g,
        arabic_only=set(range(len(g.arabic))) - used_ar,
        english_only=set(range(len(g.english))) - used_en,
    )
    out = [
        (float(b.p), robust.link_right(p, g), robust.link_invented(p, g))
        for b, p in zip(links, pairs, strict=True)
    ]
    return Outcome(scores, out)


def outcomes(items: list[Item], weights: Weights, doc: DocumentModel) -> dict[str, list[Outcome]]:
    by: dict[str, list[Outcome]] = defaultdict(list)
    for it in items:
        by[it.case.slice].append(run(it, weights, doc))
    return by


def objective(by: dict[str, list[Outcome]]) -> float:
    total, weight = 0.0, 0.0
    for name, w in OBJECTIVE_WEIGHTS.items():
        if name not in by:
            continue
        s = sum_scores(o.scores for o in by[name])
        total += w * (s.link_f1 + s.one_f1) / 2
        weight += w
    val = total / weight if weight else 0.0
    if "unrelated" in by:
        docs = by["unrelated"]
        val -= UNRELATED_DOC_COST * sum(bool(o.links) for o in docs) / len(docs)
    for name in ("seed_unrelated", "seed_other_meeting"):
        val -= SEED_INVENTED_COST * sum(inv for o in by.get(name, []) for _, _, inv in o.links)
    return val


def platt(items: list[Item], weights: Weights, doc: DocumentModel) -> tuple[float, float]:
    """Slope and intercept mapping logit(model probability) to the share of links right."""
    raw = replace(weights, calibration=(1.0, 0.0), min_score=0.0)
    xs, ys = [], []
    for it in items:
        for p, right, _ in run(it, raw, doc).links:
            p = min(max(p, 1e-6), 1 - 1e-6)
            xs.append([math.log(p / (1 - p))])
            ys.append(1.0 if right else 0.0)
    if len(set(ys)) < 2:
        return 1.0, 0.0
    (a,), b = fit_logistic(np.array(xs), np.array(ys), np.ones(len(ys)), l2=1e-3)
    return (max(a, 1e-3), b)


#: Features left out of the link model (their coefficient fixed at 0): `--drop`.
DROPPED: set[str] = set()


def fit_link_model(x, y, w) -> tuple[tuple[float, ...], float]:
    keep = [k for k, f in enumerate(FEATURES) if f not in DROPPED]
    coef, intercept = fit_logistic(x[:, keep], y, w)
    full = [0.0] * len(FEATURES)
    for k, c in zip(keep, coef, strict=True):
        full[k] = c
    return tuple(full), intercept


#: Inner folds giving each training document a document probability from a model
#: fitted without it, so that the link model learns the `doc` feature on the scale it
#: meets on new documents (in-sample probabilities are too extreme).
INNER_FOLDS = 4


def out_of_fold_documents(items: list[Item], doc_base: DocumentModel) -> None:
    """Set each item's document model to one fitted on the other inner folds."""
    for test_docs in folds_of([it.case for it in items], INNER_FOLDS):
        train = [it for it in items if not _touches(it.case, test_docs)]
        model = fit_document(train, doc_base)
        for it in items:
            if it.case.doc in test_docs:
                it.ctx.set_document_model(model)


def _touches(case: robust.Case, docs: set[str]) -> bool:
    return case.doc in docs or (case.english_doc or case.doc) in docs


def fit(items: list[Item], base: Weights, doc_base: DocumentModel, log=print):
    """The document model, the link model, the search settings and the calibration."""
    t0 = time.perf_counter()
    out_of_fold_documents(items, doc_base)
    x, y, w = design(items)
    coef, intercept = fit_link_model(x, y, w)
    doc = fit_document(items, doc_base)
    for it in items:
        it.ctx.set_document_model(doc)
    best = replace(base, coef=coef, intercept=intercept, calibration=(1.0, 0.0), min_score=0.0)
    best_val = objective(outcomes(items, best, doc))
    log(f"  models fitted in {time.perf_counter() - t0:.0f} s; objective {best_val:.4f}")
    for _ in range(2):
        for name, values in GRID.items():
            for v in values:
                cand = replace(best, **{name: v})
                val = objective(outcomes(items, cand, doc))
                if val > best_val + 1e-9:
                    best, best_val = cand, val
        for name, values in DOC_GRID.items():
            for v in values:
                cand_doc = replace(doc, **{name: v})
                val = objective(outcomes(items, best, cand_doc))
                if val > best_val + 1e-9:
                    doc, best_val = cand_doc, val
    best = replace(best, calibration=platt(items, best, doc))
    best_val = objective(outcomes(items, best, doc))
    for v in MIN_SCORE_GRID:
        cand = replace(best, min_score=v)
        val = objective(outcomes(items, cand, doc))
        if val > best_val + 1e-9:
            best, best_val = cand, val
    log(f"  search settings fitted in {time.perf_counter() - t0:.0f} s; objective {best_val:.4f}")
    return best, doc


# --------------------------------------------------------------------------- reporting


def slice_line(name: str, outs: list[Outcome]) -> str:
    s = sum_scores(o.scores for o in outs)
    docs = len(outs)
    any_link = sum(bool(o.links) for o in outs)
    invented = sum(inv for o in outs for _, _, inv in o.links)
    inv05 = sum(inv and sc >= 0.5 for o in outs for sc, _, inv in o.links)
    return (
        f"{name:<20}{docs:>5} | link P {s.link_precision:.3f} R {s.link_recall:.3f} "
        f"F1 {s.link_f1:.3f} | one-sided P {s.one_precision:.3f} R {s.one_recall:.3f} "
        f"F1 {s.one_f1:.3f} | any link {any_link / docs:4.0%} | invented {invented:>3} "
        f"(>=0.5: {inv05})"
    )


def reliability(links: list[tuple[float, bool, bool]]) -> tuple[list[str], float]:
    bands: list[list[tuple[float, bool]]] = [[] for _ in range(10)]
    for score, right, _ in links:
        bands[min(int(score * 10), 9)].append((score, right))
    lines, ece, total = [], 0.0, sum(len(b) for b in bands)
    for k, band in enumerate(bands):
        if not band:
            continue
        mean = float(np.mean([s for s, _ in band]))
        share = float(np.mean([r for _, r in band]))
        ece += len(band) / total * abs(mean - share)
        lines.append(
            f"| {k / 10:.1f} – {(k + 1) / 10:.1f} | {len(band)} | {mean:.2f} | {share:.2f} |"
        )
    return lines, ece


def reliability_table(by: dict[str, list[Outcome]]) -> dict:
    """Held-out reliability of the reported scores, per tenth, pooled over every slice."""
    links = [x for outs in by.values() for o in outs for x in o.links]
    bands = []
    for k in range(10):
        low, high = k / 10, (k + 1) / 10
        band = [(s, r) for s, r, _ in links if low <= s < high or (k == 9 and s == 1.0)]
        bands.append(
            {
                "low": low,
                "high": high,
                "links": len(band),
                "mean_score": round(float(np.mean([s for s, _ in band])), 4) if band else None,
                "share_right": round(float(np.mean([r for _, r in band])), 4) if band else None,
            }
        )
    _, ece = reliability(links)
    slices = {}
    for name, outs in by.items():
        s = sum_scores(o.scores for o in outs)
        slices[name] = {
            "documents": len(outs),
            "link_precision": round(s.link_precision, 4),
            "link_recall": round(s.link_recall, 4),
            "link_f1": round(s.link_f1, 4),
            "one_sided_f1": round(s.one_f1, 4),
            "documents_with_links": sum(bool(o.links) for o in outs),
            "invented_links": sum(inv for o in outs for _, _, inv in o.links),
        }
    return {"links": len(links), "ece": round(ece, 4), "bands": bands, "slices": slices}


DOCS_PAGE = ROOT / "docs" / "concepts" / "alignment.md"


def docs_tables(table: dict) -> dict[str, list[str]]:
    """The Markdown rows of the reliability and per-slice tables, from a reliability table."""
    reliability_rows = ["| score band | links | mean score | share right |", "|---|---:|---:|---:|"]
    for b in table["bands"]:
        if b["links"]:
            reliability_rows.append(
                f"| {b['low']:.1f} – {b['high']:.1f} | {b['links']} | {b['mean_score']:.2f} "
                f"| {b['share_right']:.2f} |"
            )
    reliability_rows.append(
        f"| all | {table['links']} | | expected calibration error {table['ece']:.3f} |"
    )
    slice_rows = [
        "| slice | documents | link P | link R | link F1 | one-sided F1 | any link |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in table["slices"].items():
        slice_rows.append(
            f"| `{name}` | {s['documents']} | {s['link_precision']:.3f} | {s['link_recall']:.3f} "
            f"| {s['link_f1']:.3f} | {s['one_sided_f1']:.3f} "
            f"| {s['documents_with_links'] / s['documents']:.0%} |"
        )
    return {"reliability-table": reliability_rows, "slice-table": slice_rows}


def update_docs(table: dict, page: Path = DOCS_PAGE) -> None:
    """Write the tables between their ``<!-- name -->`` and ``<!-- /name -->`` markers."""
    text = page.read_text(encoding="utf-8")
    for name, rows in docs_tables(table).items():
        start, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
        a = text.index(start) + len(start)
        b = text.index(end, a)
        text = text[:a] + "\n".join(rows) + "\n" + text[b:]
    page.write_text(text, encoding="utf-8")


def report(label: str, by: dict[str, list[Outcome]]) -> None:
    print(f"{label}:")
    for name in robust.SLICES:
        if name in by:
            print("  " + slice_line(name, by[name]))
    lines, ece = reliability([x for outs in by.values() for o in outs for x in o.links])
    print("  | score band | links | mean score | share right |")
    print("  |---|---:|---:|---:|")
    for line in lines:
        print("  " + line)
    print(f"  ECE {ece:.3f}")


def folds_of(cases: list[robust.Case], k: int) -> list[set[str]]:
    docs = sorted({c.doc for c in cases})
    rng = np.random.default_rng(20261130)
    rng.shuffle(docs)
    return [set(docs[i::k]) for i in range(k)]


def cross_validate(items: list[Item], base, doc_base, k: int) -> dict[str, list[Outcome]]:
    held: dict[str, list[Outcome]] = defaultdict(list)
    fold_docs = {it.case.doc for it in items}
    for f, test_docs in enumerate(folds_of([it.case for it in items], k)):
        # A held-out pair has both its documents held out (an English article that is in
        # no fold, like the seeds' English pages, goes with its Arabic one); no training
        # pair touches a held-out document.
        test = [
            it
            for it in items
            if it.case.doc in test_docs
            and ((ed := it.case.english_doc or it.case.doc) in test_docs or ed not in fold_docs)
        ]
        train = [it for it in items if not _touches(it.case, test_docs)]
        print(f"fold {f + 1}/{k}: {len(train)} training, {len(test)} held-out documents")
        weights, doc = fit(train, base, doc_base, log=print)
        for it in test:
            it.ctx.set_document_model(doc)
        for name, outs in outcomes(test, weights, doc).items():
            held[name] += outs
    return held


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=0, help="cross-validate first (0: no)")
    ap.add_argument("--dry-run", action="store_true", help="write nothing")
    ap.add_argument("--drop", default="", help="features to leave out, comma-separated")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "weights.json")
    ap.add_argument("--doc-out", type=Path, default=ROOT / "resources" / "document_model.json")
    ap.add_argument("--reliability-out", type=Path, default=ROOT / "resources" / "reliability.json")
    ap.add_argument(
        "--dictionary",
        help="fit the link model with this bilingual dictionary (as align(dictionary=...)): "
        "writes resources/weights_dictionary.json and its reliability table, and leaves the "
        "document model and the docs' tables alone",
    )
    args = ap.parse_args(argv)
    DROPPED.update(f for f in args.drop.split(",") if f)
    global DICTIONARY
    DICTIONARY = args.dictionary
    if DICTIONARY is None:
        DROPPED.add("dictionary")  # always 0 without one
    elif args.out == ap.get_default("out"):
        args.out = ROOT / "resources" / "weights_dictionary.json"
        args.reliability_out = ROOT / "resources" / "reliability_dictionary.json"
    unknown = DROPPED - set(FEATURES)
    if unknown:
        print(f"unknown features: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if not robust.NTREX.is_dir():
        print(f"no development data at {robust.NTREX}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    base, doc_base = starting_point()
    cases = [c for group in robust.build_cases().values() for c in group]
    items = prepared(cases, base)
    print(f"scored {len(items)} documents in {time.perf_counter() - t0:.1f} s")
    cv_note = ""
    held = None
    if args.folds > 1:
        held = cross_validate(items, base, doc_base, args.folds)
        report(f"{args.folds}-fold cross-validation by document (held out)", held)
        s = sum_scores(o.scores for o in held["ntrex"])
        cv_note = (
            f" {args.folds}-fold CV on NTREX: link F1 {s.link_f1:.3f}, one-sided F1 {s.one_f1:.3f}."
        )
    weights, doc = fit(items, base, doc_base)
    in_sample = outcomes(items, weights, doc)
    report("in-sample", in_sample)
    print(
        ", ".join(f"{f}={c:+.3f}" for f, c in zip(FEATURES, weights.coef, strict=True))
        + f", intercept={weights.intercept:+.3f}"
    )
    print(
        "document model: "
        + ", ".join(f"{f}={c:+.3f}" for f, c in zip(DOCUMENT_FEATURES, doc.coef, strict=True))
        + f", intercept={doc.intercept:+.3f}, related links >= {doc.related_link_threshold}"
    )
    s = sum_scores(o.scores for o in in_sample["ntrex"])
    note = (
        f"Fitted {dt.date.today().isoformat()} by benchmarks/fit_weights.py on every slice of "
        f"benchmarks/robust.py (NTREX dev cases, their reordered variants, unrelated pairs, the "
        f"seeds). In-sample NTREX link F1 {s.link_f1:.3f}, one-sided F1 {s.one_f1:.3f}.{cv_note}"
    )
    doc = replace(doc, version="x", note=note)
    doc = replace(doc, version="doc-" + hashlib.sha256(doc.to_json().encode()).hexdigest()[:8])
    weights = replace(weights, version="x", note=note)
    digest = hashlib.sha256(weights.to_json().encode("utf-8")).hexdigest()[:8]
    weights = replace(weights, version=f"fit-{dt.date.today().isoformat()}-{digest}")
    if not args.dry_run:
        args.out.write_text(weights.to_json() + "\n", encoding="utf-8")
        if DICTIONARY is None:
            args.doc_out.write_text(doc.to_json() + "\n", encoding="utf-8")
        print(f"wrote {args.out}" + ("" if DICTIONARY else f" and {args.doc_out}"))
        if held is not None:
            table = {
                "weights": weights.version,
                "document_model": doc.version,
                "how": f"{args.folds}-fold cross-validation by document over every slice of "
                "benchmarks/robust.py; a link is right when every index pair it covers is a "
                "gold pair (sure or possible)",
                **reliability_table(held),
            }
            args.reliability_out.write_text(
                json.dumps(table, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            if DICTIONARY is None:
                update_docs(table)
            print(
                f"wrote {args.reliability_out}"
                + ("" if DICTIONARY else f" and its tables in {DOCS_PAGE.name}")
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
