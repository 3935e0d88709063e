"""Benchmark of the translation scorer: speed of the metric, and an oracle accuracy bound.

Two measurements, both without any translation model:

1. **Speed** — time to score 1,000 (translation, English sentence) pairs with
   `bialign.TranslationScorer` (its own exact chrF / BLEU, n-grams extracted
   once per text) against calling sacrebleu's ``sentence_score`` for every pair.
2. **ORACLE precision@1** on the NTREX comparable dev cases — for each Arabic
   sentence with a gold link, is the top-scoring English sentence a gold
   counterpart? The "translator" is an oracle: it returns the English text of the
   sentence's gold counterpart(s), or the Arabic text itself (a deliberately poor
   translation) when it has none. This is an upper bound on what the metric can do
   with a perfect translator, NOT a machine-translation result.

Usage::

    python benchmarks/bench_translation.py [--cases DIR] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from sacrebleu.metrics import BLEU, CHRF  # noqa: E402

from bialign.translate import FunctionTranslator, TranslationScorer  # noqa: E402

DEFAULT_CASES = REPO.parent / "shared" / "data" / "ntrex-comparable-dev"
SEED_CASES = REPO / "tests" / "data"


def load_cases(folder: Path) -> list[dict]:
    """NTREX dev cases: dicts with ``arabic``, ``english`` (lists of str) and ``links``."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def load_seed_cases(folder: Path) -> list[dict]:
    """The hand-aligned seed pairs of tests/data, in the NTREX case layout."""
    cases = []
    for path in sorted(folder.glob("*_seed_gold.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        cases.append(
            {
                "name": path.stem,
                "arabic": [s["text"] for s in doc["arabic"]],
                "english": [s["text"] for s in doc["english"]],
                "links": [link for link in doc["links"] if link["kind"] == "S"],
            }
        )
    return cases


def oracle_table(case: dict) -> dict[str, str]:
    """Arabic sentence -> English of its gold counterpart(s), or the Arabic itself."""
    counterparts: dict[int, list[int]] = {}
    for link in case["links"]:
        counterparts.setdefault(link["ar"], []).append(link["en"])
    table = {}
    for i, arabic in enumerate(case["arabic"]):
        ens = sorted(set(counterparts.get(i, [])))
        table[arabic] = " ".join(case["english"][j] for j in ens) if ens else arabic
    return table


def oracle_translator(case: dict) -> FunctionTranslator:
    """The oracle of one case (per case: a distractor sentence is linked in its own case)."""
    return FunctionTranslator(oracle_table(case).__getitem__, name=f"oracle:{case['name']}")


# --------------------------------------------------------------------------- speed


def time_bialign(cases: Sequence[dict], metric: str, repeat: int) -> tuple[float, int]:
    """Best wall time of scoring every case's full matrix, each with a fresh scorer.

    The oracle translations are computed (and cached) beforehand: only the metric,
    including each text's n-gram extraction, is timed.
    """
    translators = [oracle_translator(case) for case in cases]
    for case, translator in zip(cases, translators, strict=True):
        translator.translate(case["arabic"])
    pairs = sum(len(c["arabic"]) * len(c["english"]) for c in cases)
    best = float("inf")
    for _ in range(repeat):
        scorers = [TranslationScorer(t, metric=metric) for t in translators]  # type: ignore[arg-type]
        start = time.perf_counter()
        for case, scorer in zip(cases, scorers, strict=True):
            scorer.score(case["arabic"], case["english"])
        best = min(best, time.perf_counter() - start)
    return best, pairs


def time_sacrebleu(cases: Sequence[dict], metric: str, max_pairs: int) -> tuple[float, int]:
    """Wall time of sacrebleu sentence_score over (up to ``max_pairs``) the same pairs."""
    scorers = {
        "chrf": [CHRF()],
        "bleu": [BLEU(tokenize="intl", effective_order=True)],
        "chrf+bleu": [CHRF(), BLEU(tokenize="intl", effective_order=True)],
    }[metric]
    tables = [oracle_table(case) for case in cases]
    done = 0
    start = time.perf_counter()
    for case, table in zip(cases, tables, strict=True):
        for arabic in case["arabic"]:
            hyp = table[arabic]
            for english in case["english"]:
                _ = sum(s.sentence_score(hyp, [english]).score for s in scorers) / len(scorers)
                done += 1
                if done >= max_pairs:
                    return time.perf_counter() - start, done
    return time.perf_counter() - start, done


# --------------------------------------------------------------------------- accuracy


def oracle_precision_at_1(cases: Sequence[dict], metric: str) -> tuple[float, int, int]:
    """Share of linked Arabic sentences whose best English sentence is a gold counterpart."""
    hits = total = 0
    for case in cases:
        scorer = TranslationScorer(oracle_translator(case), metric=metric)  # type: ignore[arg-type]
        gold = {(link["ar"], link["en"]) for link in case["links"]}
        linked = sorted({i for i, _ in gold})
        if not linked or not case["english"]:
            continue
        m = scorer.score(case["arabic"], case["english"])
        for i in linked:
            total += 1
            hits += (i, int(np.argmax(m[i]))) in gold
    return (hits / total if total else float("nan")), hits, total


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data = parser.add_argument_group("data")
    data.add_argument(
        "--cases",
        type=Path,
        default=DEFAULT_CASES,
        help="folder of NTREX comparable dev cases (default: %(default)s)",
    )
    timing = parser.add_argument_group("timing")
    timing.add_argument("--repeat", type=int, default=3, help="best of N runs (default: 3)")
    timing.add_argument(
        "--sacrebleu-pairs",
        type=int,
        default=20_000,
        help="pairs scored with sacrebleu for its timing (default: %(default)s)",
    )
    output = parser.add_argument_group("output")
    output.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    have_cases = args.cases.is_dir() and any(args.cases.glob("*.json"))
    if have_cases:
        cases = load_cases(args.cases)
        timing_source = f"{len(cases)} NTREX dev documents ({args.cases})"
    else:
        print(
            f"NTREX dev cases not found at {args.cases}: the oracle precision@1 is skipped "
            f"and timings use the seed pairs in {SEED_CASES}",
            file=sys.stderr,
        )
        cases = load_seed_cases(SEED_CASES)
        timing_source = f"{len(cases)} seed documents ({SEED_CASES})"

    results: dict[str, object] = {"timing_source": timing_source, "speed": [], "oracle": []}
    speed: list[dict] = []
    for metric in ("chrf", "bleu", "chrf+bleu"):
        ours, pairs = time_bialign(cases, metric, args.repeat)
        theirs, done = time_sacrebleu(cases, metric, args.sacrebleu_pairs)
        speed.append(
            {
                "metric": metric,
                "pairs": pairs,
                "bialign_ms_per_1000": 1000 * ours / pairs * 1000,
                "sacrebleu_pairs": done,
                "sacrebleu_ms_per_1000": 1000 * theirs / done * 1000,
            }
        )
    results["speed"] = speed

    oracle: list[dict] = []
    if have_cases:
        for metric in ("chrf", "bleu", "chrf+bleu"):
            p1, hits, total = oracle_precision_at_1(cases, metric)
            oracle.append({"metric": metric, "precision_at_1": p1, "hits": hits, "total": total})
    results["oracle"] = oracle

    if args.json:
        print(json.dumps(results, indent=2))
        return 0

    print(f"Speed: full Arabic x English matrices of {timing_source}")
    print(f"{'metric':<10} {'pairs':>7} {'bialign ms/1000':>16} {'sacrebleu ms/1000':>18} {'x':>6}")
    for row in speed:
        ratio = row["sacrebleu_ms_per_1000"] / row["bialign_ms_per_1000"]
        print(
            f"{row['metric']:<10} {row['pairs']:>7} {row['bialign_ms_per_1000']:>16.1f} "
            f"{row['sacrebleu_ms_per_1000']:>18.1f} {ratio:>6.1f}"
        )
    print("(sacrebleu timed on the first", speed[0]["sacrebleu_pairs"], "pairs)")
    if oracle:
        print()
        print("ORACLE upper bound, not a machine-translation result: the translator returns the")
        print("gold English counterpart(s) of each linked Arabic sentence, the Arabic text itself")
        print("otherwise. precision@1 over Arabic sentences with a gold link:")
        print(f"{'metric':<10} {'P@1':>7} {'hits':>6} {'linked':>7}")
        for row in oracle:
            print(
                f"{row['metric']:<10} {row['precision_at_1']:>7.3f} "
                f"{row['hits']:>6} {row['total']:>7}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
