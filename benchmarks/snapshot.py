"""Behaviour snapshot: the full output of the aligner on benchmark cases, to compare.

A refactoring must leave every alignment as it was. This script aligns the
cases of some robust-benchmark slices (``benchmarks/robust.py``) and writes
what a user sees of each result (pairs with scores and evidence, candidates,
one-sided sentences, document judgment, signature minus the version) as JSON;
``--check`` compares a new run with a saved one and lists the cases that differ.

Usage::

    python benchmarks/snapshot.py --out before.json            # ntrex + seed slices
    python benchmarks/snapshot.py --check before.json          # exit 1 on a difference
    python benchmarks/snapshot.py --slices ntrex,moved3 --out s.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from robust import SLICES, build_cases, default_align  # noqa: E402

DEFAULT = ("ntrex", "seed_counterpart", "seed_moved3", "seed_other_outlet", "seed_unrelated")


def _result(res: Any, digits: int) -> dict[str, Any]:
    def pair(p: Any) -> dict[str, Any]:
        ev = p.evidence
        return {
            "ar": list(p.arabic),
            "en": list(p.english),
            "score": round(p.score, digits),
            "signals": {k: round(v, digits) for k, v in sorted(ev.signals.items())},
            "names": [[n.arabic, n.english] for n in ev.names],
            "numbers": [str(x) for x in ev.numbers],
        }

    sig = "|".join(x for x in res.signature.split("|") if not x.startswith("version:"))
    doc = res.document
    return {
        "pairs": [pair(p) for p in res.pairs],
        "candidates": [pair(p) for p in res.candidates],
        "arabic_only": [s.index for s in res.arabic_only],
        "english_only": [s.index for s in res.english_only],
        "document": None if doc is None else [doc.verdict, round(doc.probability, digits)],
        "signature": sig,
    }


def snapshot(slices: tuple[str, ...], digits: int = 3) -> dict[str, Any]:
    cases = build_cases()
    out: dict[str, Any] = {}
    for name in slices:
        for case in cases.get(name, []):
            out[f"{name}/{case.name}"] = _result(default_align(case), digits)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slices", default=",".join(DEFAULT), help=f"from {','.join(SLICES)}")
    ap.add_argument("--digits", type=int, default=3, help="rounding of scores and signals")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--check", type=Path, help="compare with this saved snapshot")
    args = ap.parse_args(argv)
    snap = snapshot(tuple(s for s in args.slices.split(",") if s), args.digits)
    if args.out:
        args.out.write_text(json.dumps(snap, ensure_ascii=False, indent=0), encoding="utf-8")
        print(f"{len(snap)} cases written to {args.out}")
    if args.check:
        old = json.loads(args.check.read_text(encoding="utf-8"))
        differ = [k for k in sorted(set(old) | set(snap)) if old.get(k) != snap.get(k)]
        for k in differ[:20]:
            print(f"differs: {k}")
        print(f"{len(snap)} cases, {len(differ)} differ from {args.check}")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
