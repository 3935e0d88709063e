"""Accuracy and speed of bialign's aligner.

Accuracy (link precision/recall/F1 with sure and possible links; one-sided
precision/recall/F1):

* the 61 NTREX comparable dev cases (``../shared/data/ntrex-comparable-dev``);
* the hand-aligned Anadolu seed pair (Arabic 002 ↔ English 000);
* the seed Arabic against the Al Jazeera article (001): few real links, and
  the aligner must not invent any.

Speed: the seed pair cold and warm, and a synthetic 2,000 × 2,000 sentence
pair built from the NTREX sentences (time and peak memory).

Usage::

    python benchmarks/bench_align.py            # everything
    python benchmarks/bench_align.py --no-scale # skip the 2,000 × 2,000 run
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bialign import align, read_article  # noqa: E402
from bialign.evaluate import load_gold, score_alignment, sum_scores  # noqa: E402

NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data"


def line(label: str, s) -> str:
    return (
        f"{label:<28} link P {s.link_precision:.3f} R {s.link_recall:.3f} F1 {s.link_f1:.3f} | "
        f"one-sided P {s.one_precision:.3f} R {s.one_recall:.3f} F1 {s.one_f1:.3f}"
    )


def seed_case(gold_name: str, english_file: str):
    g = load_gold(DATA / gold_name)
    ar = read_article((SEEDS / "002_f2c150e3c700ff1f.txt").read_text(encoding="utf-8"))
    en = read_article((SEEDS / english_file).read_text(encoding="utf-8"))
    assert ar.sentences == g.arabic and en.sentences == g.english, "segmentation drifted"
    return ar, en, g


def accuracy(ntrex: Path, results: dict) -> None:
    if ntrex.is_dir():
        t0 = time.perf_counter()
        scores = []
        for f in sorted(ntrex.glob("*.json")):
            g = load_gold(f)
            scores.append(score_alignment(align(list(g.arabic), list(g.english)), g))
        total = sum_scores(scores)
        results["ntrex"] = {**total.as_dict(), "seconds": time.perf_counter() - t0}
        print(line(f"NTREX dev ({len(scores)} cases)", total))
    else:
        print(f"(no NTREX data at {ntrex}; skipped)")
    ar, en, g = seed_case("anadolu_seed_gold.json", "000_9b6c93be4bbc7b4e.txt")
    res = align(ar, en)
    s = score_alignment(res, g)
    results["seed"] = s.as_dict()
    print(line("Anadolu seed 002-000", s))
    ar, en, g = seed_case("aljazeera_seed_gold.json", "001_99910efe81c56d20.txt")
    res = align(ar, en)
    s = score_alignment(res, g)
    pred = {ij for p in res.pairs for ij in p.index_pairs}
    invented = sorted(pred - g.possible)
    results["aljazeera"] = {**s.as_dict(), "pairs": len(pred), "invented": len(invented)}
    print(line("Seed vs Al Jazeera 002-001", s))
    print(f"{'':<28} predicted index pairs {len(pred)}, not in gold (invented) {len(invented)}")


def speed(ntrex: Path, results: dict, scale: bool) -> None:
    ar_text = (SEEDS / "002_f2c150e3c700ff1f.txt").read_text(encoding="utf-8")
    en_text = (SEEDS / "000_9b6c93be4bbc7b4e.txt").read_text(encoding="utf-8")
    t0 = time.perf_counter()
    align(ar_text, en_text)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(5):
        t0 = time.perf_counter()
        align(ar_text, en_text)
        warm.append(time.perf_counter() - t0)
    results["seed_seconds"] = {"first_call": cold, "warm_median": sorted(warm)[2]}
    print(f"seed pair: first call {cold:.2f} s (loads models), warm median {sorted(warm)[2]:.3f} s")
    if not scale or not ntrex.is_dir():
        return
    ar_s: list[str] = []
    en_s: list[str] = []
    for f in sorted(ntrex.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        ar_s += d["arabic"]
        en_s += d["english"]
    # Unique sentences (a copy number appended), and a fresh encoder cache, so that
    # every one of the 4,000 sentences is really embedded.
    ar_s = [f"{s} ({k // len(ar_s) + 1})" for k, s in enumerate(ar_s * 3)][:2000]
    en_s = [f"{s} ({k // len(en_s) + 1})" for k, s in enumerate(en_s * 3)][:2000]
    import bialign

    bialign.clear_caches()
    t0 = time.perf_counter()
    res = align(ar_s, en_s)
    took = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["scale_2000"] = {"seconds": took, "peak_rss_mb": peak_mb, "pairs": len(res.pairs)}
    print(
        f"2,000 x 2,000 sentences: {took:.1f} s, peak RSS {peak_mb:.0f} MB, {len(res.pairs)} pairs"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="bialign alignment accuracy and speed")
    ap.add_argument("--ntrex", type=Path, default=NTREX)
    ap.add_argument("--no-scale", action="store_true", help="skip the 2,000 x 2,000 run")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    results: dict = {}
    accuracy(args.ntrex, results)
    speed(args.ntrex, results, not args.no_scale)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
