"""Compare bialign with re-implemented classic sentence aligners.

Methods (see ``benchmarks/baselines.py``): mutual best USE matches, a
Vecalign-style monotone search with a fixed or a percentile deletion penalty,
Gale–Church, and ``bialign.align`` with its default settings.

Data:

* the 61 NTREX comparable dev cases (``../shared/data/ntrex-comparable-dev``),
  micro-averaged;
* the hand-aligned Anadolu seed pair (Arabic 002 ↔ English 000);
* the seed Arabic against the Al Jazeera article (001): few real links, so the
  count of predicted index pairs not in the gold (invented links) matters.

Each baseline's parameter is chosen by a grid on the NTREX dev set, the same
data its NTREX figures are reported on ("tuned"); a 2-fold cross-validation of
that choice (odd/even cases) is printed as well. bialign's shipped weights were
fitted on the same NTREX set and the seed pair (``benchmarks/fit_weights.py``).

All baselines share one :class:`~bialign.scorers.embedding.EmbeddingScorer`,
filled once before they run, so their times exclude embedding. ``bialign.align``
uses its own module-level encoder cache: it is emptied first, and bialign is
timed twice, with and without embedding.

Usage::

    python benchmarks/compare.py
    python benchmarks/compare.py --markdown out/comparison.md --json out/comparison.json
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import baselines as bl  # noqa: E402

from bialign import Article, align, read_article  # noqa: E402
from bialign.evaluate import Gold, Scores, load_gold, score_alignment, sum_scores  # noqa: E402
from bialign.scorers.embedding import EmbeddingScorer, load_encoder  # noqa: E402

NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data"
SEED_AR = "002_f2c150e3c700ff1f.txt"

Pairs = set[tuple[int, int]]
Method = Callable[[list[str], list[str]], Pairs]

#: Parameter grids searched on the NTREX dev set.
GRIDS: dict[str, tuple[float, ...]] = {
    "mutual_best": tuple(round(0.05 * k, 2) for k in range(17)),  # 0.00 .. 0.80
    "monotone_dp": (0.1, 0.2, 0.25, 0.3, 0.325, 0.35, 0.375, 0.4, 0.425, 0.45, 0.5, 0.6, 0.8, 1.0),
    "monotone_dp_percentile": (0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5, 10, 20),
}


@dataclass
class Row:
    """One method's figures."""

    method: str
    setting: str
    ntrex: Scores
    seconds: str
    seed: Scores
    aljazeera: Scores
    invented: int
    predicted: int
    cv: Scores | None = None
    grid: list[tuple[float, Scores]] = field(default_factory=list)


def objective(s: Scores) -> float:
    """What the grids maximise: the mean of link F1 and one-sided F1."""
    return (s.link_f1 + s.one_f1) / 2


def run(method: Method, golds: Sequence[Gold]) -> Scores:
    """Micro-averaged scores of a baseline over gold cases."""
    return sum_scores(score_alignment(method(list(g.arabic), list(g.english)), g) for g in golds)


def tune(
    make: Callable[[float], Method], grid: Sequence[float], golds: Sequence[Gold]
) -> tuple[float, list[tuple[float, Scores]]]:
    """The grid value with the best objective (the smallest on a tie), and every value's scores."""
    rows = [(p, run(make(p), golds)) for p in grid]
    best = max(rows, key=lambda r: (objective(r[1]), -r[0]))[0]
    return best, rows


def two_fold(make: Callable[[float], Method], grid: Sequence[float], golds: Sequence[Gold]):
    """Tune on the even-numbered cases and score on the odd ones, and the other way round."""
    halves = [list(golds[0::2]), list(golds[1::2])]
    scores = []
    for k in (0, 1):
        p, _ = tune(make, grid, halves[k])
        scores.append(run(make(p), halves[1 - k]))
    return sum_scores(scores)


def char_ratio(golds: Sequence[Gold]) -> float:
    """English characters per Arabic character over the linked sentences."""
    ar = sum(len(g.arabic[i]) for g in golds for i in {i for i, _ in g.possible})
    en = sum(len(g.english[j]) for g in golds for j in {j for _, j in g.possible})
    return en / ar


def parallel_check(golds: Sequence[Gold], method: Method) -> Scores:
    """Scores on the cases cut down to their linked sentences: a check of the implementation.

    With the one-sided sentences removed a case is (nearly) parallel text, what
    length-based and monotone aligners were designed for.
    """
    scores = []
    for g in golds:
        ai = sorted({i for i, _ in g.possible})
        ei = sorted({j for _, j in g.possible})
        ar_pos = {i: k for k, i in enumerate(ai)}
        en_pos = {j: k for k, j in enumerate(ei)}
        gold = Gold(
            arabic=tuple(g.arabic[i] for i in ai),
            english=tuple(g.english[j] for j in ei),
            sure=frozenset((ar_pos[i], en_pos[j]) for i, j in g.sure),
            possible=frozenset((ar_pos[i], en_pos[j]) for i, j in g.possible),
            arabic_only=frozenset(),
            english_only=frozenset(),
        )
        scores.append(score_alignment(method(list(gold.arabic), list(gold.english)), gold))
    return sum_scores(scores)


def seed_inputs(gold_name: str, english_file: str) -> tuple[Gold, Article, Article]:
    """A seed gold, and both articles as bialign reads them from the raw text.

    Should bialign's segmentation drift from the gold's, the gold sentences and
    roles are given to bialign instead (so that indices still match), with a note.
    """
    g = load_gold(DATA / gold_name)
    ar = read_article((SEEDS / SEED_AR).read_text(encoding="utf-8"))
    en = read_article((SEEDS / english_file).read_text(encoding="utf-8"))
    if ar.sentences != g.arabic or en.sentences != g.english:
        print(f"note: segmentation differs from {gold_name}; bialign gets the gold sentences")
        ar = Article.from_sentences(g.arabic, lang="ar", roles=g.arabic_roles)
        en = Article.from_sentences(g.english, lang="en", roles=g.english_roles)
    return g, ar, en


def predicted_pairs(res) -> Pairs:
    return {ij for p in res.pairs for ij in p.index_pairs}


def warm_up(scorer: EmbeddingScorer, golds: Sequence[Gold]) -> tuple[int, float]:
    """Embed every sentence and every join of two neighbours; (texts, seconds)."""
    texts: list[str] = []
    for g in golds:
        for side in (g.arabic, g.english):
            texts += list(side)
            texts += [f"{a} {b}" for a, b in itertools.pairwise(side)]
    unique = list(dict.fromkeys(texts))
    t0 = time.perf_counter()
    scorer.embed(unique)
    return len(unique), time.perf_counter() - t0


def baseline_rows(
    golds: Sequence[Gold], seed: Gold, aj: Gold, embed, ratio: float, cv: bool
) -> list[Row]:
    makers: dict[str, tuple[Callable[[float], Method], Callable[[float], str]]] = {
        "mutual_best": (
            lambda p: functools.partial(bl.mutual_best, threshold=p, embed=embed),
            lambda p: f"cosine ≥ {p:.2f}",
        ),
        "monotone_dp": (
            lambda p: functools.partial(bl.monotone_dp, deletion_penalty=p, embed=embed),
            lambda p: f"deletion penalty {p:g}",
        ),
        "monotone_dp_percentile": (
            lambda p: functools.partial(bl.monotone_dp_percentile, percentile=p, embed=embed),
            lambda p: f"deletion penalty: percentile {p:g} of the 1–1 costs",
        ),
    }
    rows = []
    tuned: dict[str, float] = {}
    for name, (make, label) in makers.items():
        tuned[name], grid = tune(make, GRIDS[name], golds)
        rows.append(_row(name, label(tuned[name]), make(tuned[name]), golds, seed, aj, grid))
        if cv:
            rows[-1].cv = two_fold(make, GRIDS[name], golds)
    # The 2-2 variant at the penalty tuned without it.
    p = tuned["monotone_dp"]
    m = functools.partial(bl.monotone_dp, deletion_penalty=p, beads=bl.BEADS_22, embed=embed)
    rows.append(_row("monotone_dp + 2–2 beads", f"deletion penalty {p:g}", m, golds, seed, aj))
    gc = functools.partial(bl.gale_church, ratio=ratio)
    rows.append(_row("gale_church", f"c = {ratio:.3f}, s² = 6.8", gc, golds, seed, aj))
    return rows


def _row(
    name: str,
    setting: str,
    method: Method,
    golds: Sequence[Gold],
    seed: Gold,
    aj: Gold,
    grid: list[tuple[float, Scores]] | None = None,
) -> Row:
    t0 = time.perf_counter()
    ntrex = run(method, golds)
    took = time.perf_counter() - t0
    aj_pred = method(list(aj.arabic), list(aj.english))
    return Row(
        method=name,
        setting=setting,
        ntrex=ntrex,
        seconds=f"{took:.3f} s",
        seed=run(method, [seed]),
        aljazeera=score_alignment(aj_pred, aj),
        invented=len(aj_pred - aj.possible),
        predicted=len(aj_pred),
        grid=grid or [],
    )


def bialign_row(golds: Sequence[Gold]) -> Row:
    import bialign
    from bialign.aligner import load_weights

    bialign.clear_caches()  # the first run embeds everything it needs
    t0 = time.perf_counter()
    scores = [score_alignment(align(list(g.arabic), list(g.english)), g) for g in golds]
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    for g in golds:
        align(list(g.arabic), list(g.english))
    warm = time.perf_counter() - t0
    seed, seed_ar, seed_en = seed_inputs("anadolu_seed_gold.json", "000_9b6c93be4bbc7b4e.txt")
    aj, aj_ar, aj_en = seed_inputs("aljazeera_seed_gold.json", "001_99910efe81c56d20.txt")
    aj_res = align(aj_ar, aj_en)
    aj_pred = predicted_pairs(aj_res)
    return Row(
        method="bialign.align",
        setting=f"defaults; weights {load_weights().version}, fitted on the robust.py mix",
        ntrex=sum_scores(scores),
        seconds=f"{cold:.1f} s with embedding, {warm:.2f} s without",
        seed=score_alignment(align(seed_ar, seed_en), seed),
        aljazeera=score_alignment(aj_res, aj),
        invented=len(aj_pred - aj.possible),
        predicted=len(aj_pred),
    )


def table(rows: Sequence[Row], n_cases: int) -> str:
    head = (
        f"| method | setting | NTREX link P | NTREX link R | NTREX link F1 | NTREX one-sided F1 "
        f"| seed link F1 | seed one-sided F1 | Al Jazeera invented / predicted pairs "
        f"| NTREX time ({n_cases} cases) |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        lines.append(
            f"| {r.method} | {r.setting} | {r.ntrex.link_precision:.3f} "
            f"| {r.ntrex.link_recall:.3f} | {r.ntrex.link_f1:.3f} | {r.ntrex.one_f1:.3f} "
            f"| {r.seed.link_f1:.3f} | {r.seed.one_f1:.3f} | {r.invented} / {r.predicted} "
            f"| {r.seconds} |"
        )
    return "\n".join(lines)


def cv_table(rows: Sequence[Row]) -> str:
    lines = [
        "| method | tuned in-sample: link F1 / one-sided F1 | 2-fold CV: link F1 / one-sided F1 |",
        "|---|---|---|",
    ]
    for r in rows:
        if r.cv is not None:
            lines.append(
                f"| {r.method} | {r.ntrex.link_f1:.3f} / {r.ntrex.one_f1:.3f} "
                f"| {r.cv.link_f1:.3f} / {r.cv.one_f1:.3f} |"
            )
    return "\n".join(lines)


def grid_table(r: Row) -> str:
    lines = [
        f"Grid for `{r.method}` (NTREX dev, micro-averaged; mean = what is maximised):",
        "",
        "| value | link F1 | one-sided F1 | mean |",
        "|---|---|---|---|",
    ]
    for p, s in r.grid:
        lines.append(f"| {p:g} | {s.link_f1:.3f} | {s.one_f1:.3f} | {objective(s):.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="bialign against re-implemented classic aligners")
    data = ap.add_argument_group("data")
    data.add_argument("--ntrex", type=Path, default=NTREX, help="NTREX comparable dev folder")
    out = ap.add_argument_group("output")
    out.add_argument("--markdown", type=Path, help="also write the Markdown report to this file")
    out.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    run_opts = ap.add_argument_group("what to run")
    run_opts.add_argument("--no-bialign", action="store_true", help="baselines only")
    run_opts.add_argument("--no-cv", action="store_true", help="skip the 2-fold cross-validation")
    args = ap.parse_args(argv)

    files = sorted(args.ntrex.glob("*.json")) if args.ntrex.is_dir() else []
    if not files:
        print(f"error: no NTREX cases in {args.ntrex}", file=sys.stderr)
        return 1
    golds = [load_gold(f) for f in files]
    seed, _, _ = seed_inputs("anadolu_seed_gold.json", "000_9b6c93be4bbc7b4e.txt")
    aj, _, _ = seed_inputs("aljazeera_seed_gold.json", "001_99910efe81c56d20.txt")

    t0 = time.perf_counter()
    load_encoder().encode(["."])  # type: ignore[attr-defined]  # the model loads on first use
    load_s = time.perf_counter() - t0
    scorer = EmbeddingScorer()
    n_texts, embed_s = warm_up(scorer, [*golds, seed, aj])
    ratio = char_ratio(golds)
    notes = [
        f"USE encoder loaded in {load_s:.1f} s (once per process; in no time below).",
        f"Baselines: {n_texts} texts (sentences and joins of two neighbours, NTREX and seeds) "
        f"embedded once in {embed_s:.1f} s; their NTREX times exclude it.",
        f"Gale–Church length ratio c measured on the NTREX dev links: {ratio:.3f} "
        "English characters per Arabic character.",
    ]
    rows = baseline_rows(golds, seed, aj, scorer.embed, ratio, cv=not args.no_cv)
    check = parallel_check(golds, functools.partial(bl.gale_church, ratio=ratio))
    notes.append(
        "Check of gale_church on the NTREX cases cut down to their linked sentences "
        f"(nearly parallel text): link P {check.link_precision:.3f}, R {check.link_recall:.3f}, "
        f"F1 {check.link_f1:.3f}."
    )
    if not args.no_bialign:
        rows.append(bialign_row(golds))
        notes.append(
            "bialign.align: timed first with an empty embedding cache (its time includes "
            "embedding its sentences and merged spans, not loading the model), then again "
            "with the cache full."
        )
    parts = [table(rows, len(golds)), "", *[f"- {n}" for n in notes]]
    if not args.no_cv:
        parts += ["", cv_table(rows)]
    parts += ["", *["\n" + grid_table(r) for r in rows if r.grid]]
    report = "\n".join(parts).strip() + "\n"
    print(report)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(report, encoding="utf-8")
    if args.json:
        figures = {
            r.method: {
                "setting": r.setting,
                "ntrex": r.ntrex.as_dict(),
                "seed": r.seed.as_dict(),
                "aljazeera": {
                    **r.aljazeera.as_dict(),
                    "invented": r.invented,
                    "predicted": r.predicted,
                },
                "time": r.seconds,
                "cv": r.cv.as_dict() if r.cv else None,
            }
            for r in rows
        }
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
