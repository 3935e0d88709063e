"""Precision and recall of `bialign.differences` on the annotated seed pair.

Gold: ``tests/data/seed_differences_gold.json`` (Anadolu, Arabic
``seeds/002_f2c150e3c700ff1f.txt`` ↔ English ``seeds/000_9b6c93be4bbc7b4e.txt``).

Annotation guidelines
---------------------
- Scope: every segment except the category tags and the outlet's boilerplate (the
  same scope as the code). Spans are character offsets into the file's text, with
  the text copied verbatim.
- **Names**: people, places, organisations, agencies, peoples. One item per entity
  (its first mention). One-sided when the other article never mentions the entity,
  in any spelling (al-Shaibani / الشيباني are one). Nationality adjectives (Syrian,
  الصينية) are not names, unless they stand for a people the other article never
  mentions (the Uyghur fighters). An entity named only by a common noun on the other
  side ("a foreign ministry source") counts as shared.
- **Numbers and dates**: digits, number words above two, years, months, weekdays,
  full dates. One-sided when the other article has no equal value (a month named on one
  side and inside a full date on the other is shared). "two sides" is not a number.
- **Clauses**: inside the sentences of the hand alignment's links
  (``tests/data/anadolu_seed_gold.json``), the parts of one side that the linked
  sentences of the other side do not render. Attributions ("وفق المصدر", "he said",
  "according to the statement"), headers, captions and boilerplate are not annotated.

Scores
------
- Names, numbers, dates: a predicted one-sided item is right when one of its spans
  overlaps a gold one-sided item of the same side; a gold item is found when a
  predicted item overlaps it. F1 over the three kinds together, and per kind.
- Clauses: character overlap between predicted clauses in body segments and gold
  clauses (precision: share of predicted characters inside gold clauses; recall: share
  of gold characters inside predicted clauses). A threshold sweep shows how
  `bialign.differences.CLAUSE_THRESHOLD` was chosen.

Run: ``python benchmarks/bench_differences.py`` (about 10 s).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bialign  # noqa: E402
from bialign.differences import CLAUSE_THRESHOLD, DifferenceItem, differences  # noqa: E402

GOLD = ROOT / "tests" / "data" / "seed_differences_gold.json"
ENTITY_KINDS = ("name", "number", "date")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def entity_scores(
    pred: list[DifferenceItem], gold: list[dict], kinds: tuple[str, ...] = ENTITY_KINDS
) -> dict[str, float]:
    """Item-level precision, recall and F1 of one-sided names/numbers/dates (one side)."""
    p = [i for i in pred if i.kind in kinds]
    g = [i for i in gold if i["kind"] in kinds]
    tp_p = sum(any(_overlap(s, tuple(x["span"])) for s in i.spans for x in g) for i in p)
    tp_g = sum(any(_overlap(s, tuple(x["span"])) for i in p for s in i.spans) for x in g)
    return {"tp_pred": tp_p, "pred": len(p), "tp_gold": tp_g, "gold": len(g)}


def clause_scores(pred: list[DifferenceItem], gold: list[dict]) -> dict[str, float]:
    g = [tuple(x["span"]) for x in gold if x["kind"] == "clause"]
    p = [(i.start, i.end) for i in pred if i.kind == "clause"]
    inside = sum(sum(_overlap(s, x) for x in g) for s in p)
    covered = sum(sum(_overlap(s, x) for s in p) for x in g)
    return {
        "tp_pred": inside,
        "pred": sum(e - s for s, e in p),
        "tp_gold": covered,
        "gold": sum(e - s for s, e in g),
    }


def prf(counts: list[dict[str, float]]) -> tuple[float, float, float]:
    tp_p = sum(c["tp_pred"] for c in counts)
    n_p = sum(c["pred"] for c in counts)
    tp_g = sum(c["tp_gold"] for c in counts)
    n_g = sum(c["gold"] for c in counts)
    prec = tp_p / n_p if n_p else 1.0
    rec = tp_g / n_g if n_g else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def main() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    ar = (ROOT / gold["arabic_file"]).read_text(encoding="utf-8")
    en = (ROOT / gold["english_file"]).read_text(encoding="utf-8")
    res = bialign.align(ar, en)
    d = differences(res)
    print("Names, numbers, dates (item level)")
    for kinds in (ENTITY_KINDS, ("name",), ("number", "date")):
        counts = [
            entity_scores(list(d.arabic_only), gold["arabic_only"], kinds),
            entity_scores(list(d.english_only), gold["english_only"], kinds),
        ]
        p, r, f = prf(counts)
        print(f"  {'+'.join(kinds):18} P {p:.2f}  R {r:.2f}  F1 {f:.2f}")
    print("  errors:")
    for side, lang in (("arabic_only", "ar"), ("english_only", "en")):
        items = d.arabic_only if lang == "ar" else d.english_only
        g = [x for x in gold[side] if x["kind"] in ENTITY_KINDS]
        for i in items:
            if i.kind in ENTITY_KINDS and not any(
                _overlap(s, tuple(x["span"])) for s in i.spans for x in g
            ):
                print(f"    false {lang} {i.kind}: {i.text!r}")
        for x in g:
            if not any(
                _overlap(s, tuple(x["span"]))
                for i in items
                if i.kind in ENTITY_KINDS
                for s in i.spans
            ):
                print(f"    missed {lang} {x['kind']}: {x['text']!r}")
    print("Clauses inside links (character overlap, body segments)")
    body = {
        "ar": {s.index for s in res.arabic.segments if s.role == "body"},
        "en": {s.index for s in res.english.segments if s.role == "body"},
    }
    everything = differences(res, clause_threshold=1.0)
    for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        counts = []
        for side, lang in (("arabic_only", "ar"), ("english_only", "en")):
            items = everything.arabic_only if lang == "ar" else everything.english_only
            pred = [
                i
                for i in items
                if i.kind == "clause" and i.segment in body[lang] and (i.score or 0) < t
            ]
            counts.append(clause_scores(pred, gold[side]))
        p, r, f = prf(counts)
        mark = "  <- CLAUSE_THRESHOLD" if abs(t - CLAUSE_THRESHOLD) < 1e-9 else ""
        print(f"  threshold {t:.2f}: P {p:.2f}  R {r:.2f}  F1 {f:.2f}{mark}")
    print("  reported at the default threshold:")
    for i in d.items("clause"):
        print(f"    {i.lang} pair {i.pair} ({i.score:.2f}): {i.text[:80]!r}")


if __name__ == "__main__":
    main()
