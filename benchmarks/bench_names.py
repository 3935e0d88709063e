"""Benchmark of bialign.names: accuracy, false matches and speed.

Prints (or writes as JSON with ``--json``):

* top-1 accuracy on ``tests/data/names_eval.tsv``, overall and per category, with and
  without the gazetteer and with and without arabic-name-romanizer's dictionary: each
  Arabic name picks the best-scoring English name among its own accepted spellings and the
  first spelling of every other row; a tie with a wrong spelling counts as wrong;
* the false-match rate: the share of sentence pairs drawn from *different* NTREX documents
  (``../shared/data/ntrex-comparable-dev``) for which `match_names` finds any name;
* the time of `NameScorer.score` on the Anadolu seed pair and on a synthetic
  2,000 × 2,000 article built from NTREX sentences (cold: first call in the process).

Usage::

    python benchmarks/bench_names.py [--pairs 6000] [--seed 0] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# This checkout's bialign, not another one an editable install may point at.
sys.path.insert(0, str(ROOT))
EVAL = ROOT / "tests" / "data" / "names_eval.tsv"
SEED_GOLD = ROOT / "tests" / "data" / "anadolu_seed_gold.json"
NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"


def load_eval(path: Path = EVAL) -> list[tuple[str, list[str], str]]:
    """Rows (arabic, accepted spellings, category) of the evaluation list.

    The list is tab-separated with the header ``arabic english category``, the accepted
    spellings separated by ``|``; it is read with the reader of bialign's own data files
    (``#`` lines and blank lines skipped, an empty field is an error). The tests use this
    function too.
    """
    from bialign._resources import read_tsv

    rows = read_tsv(path, ("arabic", "english", "category"))
    return [(r["arabic"], r["english"].split("|"), r["category"]) for r in rows]


def top1(
    rows: list[tuple[str, list[str], str]], *, use_gazetteer: bool, use_romanizer: bool
) -> dict[str, Any]:
    """Top-1 accuracy overall and per category."""
    from bialign.names import name_similarity

    firsts = [spellings[0] for _, spellings, _ in rows]
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors = []
    start = time.perf_counter()
    for i, (arabic, spellings, category) in enumerate(rows):
        accepted = {s.casefold() for s in spellings}
        candidates = spellings + [f for k, f in enumerate(firsts) if k != i]
        scores = [
            name_similarity(arabic, c, use_gazetteer=use_gazetteer, use_romanizer=use_romanizer)
            for c in candidates
        ]
        best = max(scores)
        tied = [c for c, s in zip(candidates, scores, strict=True) if s == best]
        right = best > 0 and all(c.casefold() in accepted for c in tied)
        per[category][0] += right
        per[category][1] += 1
        if not right:
            errors.append({"arabic": arabic, "expected": spellings[0], "chosen": tied[0]})
    n_right = sum(v[0] for v in per.values())
    return {
        "use_gazetteer": use_gazetteer,
        "use_romanizer": use_romanizer,
        "accuracy": round(n_right / len(rows), 4),
        "n": len(rows),
        "per_category": {k: {"accuracy": round(v[0] / v[1], 4), "n": v[1]} for k, v in per.items()},
        "seconds": round(time.perf_counter() - start, 2),
        "errors": errors,
    }


def load_ntrex(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def false_matches(
    docs: list[dict[str, Any]], n_pairs: int, seed: int, *, use_romanizer: bool
) -> dict[str, Any]:
    """Share of cross-document sentence pairs with at least one name match."""
    from bialign.names import DEFAULT_THRESHOLD, match_names

    arabic = [(d, s) for d, doc in enumerate(docs) for s in doc["arabic"]]
    english = [(d, s) for d, doc in enumerate(docs) for s in doc["english"]]
    rng = random.Random(seed)
    pairs = []
    while len(pairs) < n_pairs:
        (da, a), (de, e) = rng.choice(arabic), rng.choice(english)
        if da != de:
            pairs.append((a, e))
    found: Counter[tuple[str, str, str]] = Counter()
    with_match = 0
    start = time.perf_counter()
    for a, e in pairs:
        matches = match_names(a, e, use_romanizer=use_romanizer)
        with_match += bool(matches)
        found.update((m.arabic, m.english, m.source) for m in matches)
    return {
        "use_romanizer": use_romanizer,
        "threshold": DEFAULT_THRESHOLD,
        "pairs": n_pairs,
        "pairs_with_a_match": with_match,
        "rate": round(with_match / n_pairs, 4),
        "seconds": round(time.perf_counter() - start, 2),
        "matches": [
            {"arabic": a, "english": e, "source": s, "count": c}
            for (a, e, s), c in found.most_common()
        ],
    }


THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def threshold_sweep(
    rows: list[tuple[str, list[str], str]],
    docs: list[dict[str, Any]] | None,
    n_pairs: int,
    seed: int,
) -> dict[str, Any]:
    """How the threshold trades found names for false matches.

    For each threshold: the share of evaluation names whose best accepted spelling scores at
    least that much (with and without the gazetteer), and the share of cross-document NTREX
    pairs whose best match scores at least that much.
    """
    from bialign.names import match_names, name_similarity

    out: dict[str, Any] = {"thresholds": list(THRESHOLDS)}
    for g in (True, False):
        best = [max(name_similarity(a, s, use_gazetteer=g) for s in sp) for a, sp, _ in rows]
        out[f"eval_found_gazetteer_{'on' if g else 'off'}"] = [
            round(sum(b >= t for b in best) / len(best), 4) for t in THRESHOLDS
        ]
    if docs:
        arabic = [(d, s) for d, doc in enumerate(docs) for s in doc["arabic"]]
        english = [(d, s) for d, doc in enumerate(docs) for s in doc["english"]]
        rng = random.Random(seed)
        top = []
        while len(top) < n_pairs:
            (da, a), (de, e) = rng.choice(arabic), rng.choice(english)
            if da != de:
                top.append(max((m.score for m in match_names(a, e, threshold=0.5)), default=0.0))
        out["ntrex_false_match_rate"] = [
            round(sum(s >= t for s in top) / len(top), 4) for t in THRESHOLDS
        ]
    return out


def linked_recall(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of gold-linked NTREX sentence pairs in which some name is matched (context)."""
    from bialign.names import match_names

    n = hit = 0
    for doc in docs:
        for link in doc["links"]:
            n += 1
            hit += bool(match_names(doc["arabic"][link["ar"]], doc["english"][link["en"]]))
    return {"linked_pairs": n, "with_a_match": hit, "share": round(hit / n, 4)}


def scorer_timing(docs: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Time NameScorer.score on the seed pair and on a 2,000 × 2,000 synthetic article."""
    from bialign.names import NameScorer

    out: dict[str, Any] = {}
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    arabic = [s["text"] for s in gold["arabic"]]
    english = [s["text"] for s in gold["english"]]
    start, cpu = time.perf_counter(), time.process_time()
    NameScorer().score(arabic, english)
    out["seed_pair"] = {
        "shape": [len(arabic), len(english)],
        "seconds_cold": round(time.perf_counter() - start, 3),
        "cpu_seconds_cold": round(time.process_time() - cpu, 3),
    }
    start = time.perf_counter()
    NameScorer().score(arabic, english)
    out["seed_pair"]["seconds_warm"] = round(time.perf_counter() - start, 3)
    if docs:
        ar_all = [s for doc in docs for s in doc["arabic"]]
        en_all = [s for doc in docs for s in doc["english"]]
        # Distinct texts (a running number), so that no sentence is parsed from the cache.
        big_ar = [f"{s} ({i})" for i, s in enumerate((ar_all * 3)[:2000])]
        big_en = [f"{s} ({i})" for i, s in enumerate((en_all * 3)[:2000])]
        start, cpu = time.perf_counter(), time.process_time()
        matrix = NameScorer().score(big_ar, big_en)
        cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        NameScorer().score(big_ar, big_en)
        out["synthetic_2000x2000"] = {
            "seconds_cold": round(cold, 3),
            "cpu_seconds_cold": round(cold_cpu, 3),
            "seconds_warm": round(time.perf_counter() - start, 3),
            "nonzero_share": round(float((matrix > 0).mean()), 5),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data = parser.add_argument_group("data")
    data.add_argument("--eval", type=Path, default=EVAL, help="names evaluation list (TSV)")
    data.add_argument("--ntrex", type=Path, default=NTREX, help="NTREX comparable dev folder")
    run = parser.add_argument_group("run")
    run.add_argument("--pairs", type=int, default=6000, help="cross-document pairs to draw")
    run.add_argument("--seed", type=int, default=0, help="random seed for the pairs")
    run.add_argument("--skip-timing", action="store_true", help="do not time the scorer")
    output = parser.add_argument_group("output")
    output.add_argument("--json", type=Path, help="also write all results to this JSON file")
    output.add_argument("--show", type=int, default=15, help="how many errors/matches to print")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {}
    start = time.perf_counter()
    from bialign.names import NameScorer  # noqa: F401  (import time, then resources)

    results["import_seconds"] = round(time.perf_counter() - start, 3)
    docs = load_ntrex(args.ntrex) if args.ntrex.is_dir() else None
    # Timing first, so that "cold" means a fresh process (resources loaded by the first call).
    if not args.skip_timing:
        results["timing"] = scorer_timing(docs)

    rows = load_eval(args.eval)
    results["top1"] = [
        top1(rows, use_gazetteer=g, use_romanizer=r) for g in (True, False) for r in (True, False)
    ]
    if docs:
        results["false_matches"] = [
            false_matches(docs, args.pairs, args.seed, use_romanizer=r) for r in (True, False)
        ]
        results["linked_pairs"] = linked_recall(docs)
    results["threshold_sweep"] = threshold_sweep(rows, docs, args.pairs, args.seed)

    print(f"import bialign.names: {results['import_seconds']} s")
    if "timing" in results:
        t = results["timing"]
        s = t["seed_pair"]
        print(
            f"NameScorer.score seed pair {s['shape'][0]}x{s['shape'][1]}: "
            f"{s['seconds_cold']} s cold ({s['cpu_seconds_cold']} s CPU; loads resources), "
            f"{s['seconds_warm']} s warm"
        )
        if "synthetic_2000x2000" in t:
            b = t["synthetic_2000x2000"]
            print(
                f"NameScorer.score 2000x2000 synthetic: {b['seconds_cold']} s cold "
                f"({b['cpu_seconds_cold']} s CPU), {b['seconds_warm']} s warm "
                f"(non-zero share {b['nonzero_share']})"
            )
    print(f"\ntop-1 accuracy on {args.eval.name} ({len(rows)} names):")
    for r in results["top1"]:
        cats = ", ".join(f"{k} {v['accuracy']:.3f}" for k, v in sorted(r["per_category"].items()))
        print(
            f"  gazetteer={'on ' if r['use_gazetteer'] else 'off'} "
            f"romanizer={'on ' if r['use_romanizer'] else 'off'}: {r['accuracy']:.4f}  "
            f"({cats}) [{r['seconds']} s]"
        )
    full = results["top1"][0]
    for err in full["errors"][: args.show]:
        print(f"    wrong: {err['arabic']} -> {err['chosen']} (expected {err['expected']})")
    if docs:
        for fm in results["false_matches"]:
            print(
                f"\nfalse-match rate, {fm['pairs']} cross-document NTREX pairs, romanizer "
                f"{'on' if fm['use_romanizer'] else 'off'}, threshold {fm['threshold']}: "
                f"{fm['rate']:.4f} ({fm['pairs_with_a_match']} pairs) [{fm['seconds']} s]"
            )
            shown = [m for m in fm["matches"] if m["source"] != "gazetteer"]
            n_gaz = sum(m["count"] for m in fm["matches"] if m["source"] == "gazetteer")
            print(f"    {n_gaz} matches through the gazetteer; the others:")
            for m in shown[: args.show]:
                print(f"    {m['count']:3d}  {m['arabic']} ~ {m['english']} ({m['source']})")
        lp = results["linked_pairs"]
        print(
            f"\ngold-linked NTREX pairs with a name match: "
            f"{lp['with_a_match']}/{lp['linked_pairs']} ({lp['share']:.3f})"
        )
    else:
        print(f"\n{args.ntrex} not found: no false-match rate, no 2000x2000 timing")
    sw = results["threshold_sweep"]
    print("\nthreshold sweep:  " + "  ".join(f"{t:>5}" for t in sw["thresholds"]))
    for key, values in sw.items():
        if key != "thresholds":
            print(f"  {key:32s}" + "  ".join(f"{v:5.3f}" for v in values))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
