"""Precision and recall of `bialign.differences` on two annotated article pairs.

Pairs (both share the Anadolu Arabic article ``seeds/002_f2c150e3c700ff1f.txt``):

- **seed** (tuning): English Anadolu ``seeds/000_9b6c93be4bbc7b4e.txt``; gold
  ``tests/data/seed_differences_gold.json``, clauses inside the hand links of
  ``tests/data/anadolu_seed_gold.json``. `bialign.differences.CLAUSE_THRESHOLD`,
  `~bialign.differences.CLAUSE_WEIGHT` and the cue words of ``resources/clause_cues.toml``
  were chosen on this pair.
- **aljazeera** (held out, never used for tuning): Al Jazeera English
  ``seeds/001_99910efe81c56d20.txt``; gold ``tests/data/aljazeera_differences_gold.json``,
  clauses inside the hand links of ``tests/data/aljazeera_seed_gold.json``.

Annotation guidelines
---------------------
- Scope: every segment except the category tags and the outlet's boilerplate (the
  same scope as the code). Spans are character offsets into the file's text, with
  the text copied verbatim.
- **Names**: people, places, organisations, agencies, peoples. One item per entity
  (its first mention; further mentions may be listed under ``mentions``). One-sided
  when the other article never mentions the entity, in any spelling (al-Shaibani /
  الشيباني are one). Nationality adjectives (Syrian, الصينية) are not names, unless they
  stand for a people the other article never mentions (the Uyghur fighters). An entity
  named only by a common noun on the other side ("a foreign ministry source") counts as
  shared.
- **Numbers and dates**: digits, number words above two, years, months, weekdays,
  full dates. One-sided when the other article has no equal value (a month named on one
  side and inside a full date on the other is shared). "two sides" is not a number.
- **Clauses**: inside the sentences of the hand alignment's links, the parts of one
  side that none of the sentences linked to it on the other side render. Attributions
  ("وفق المصدر", "he said", "according to the statement"), headers, captions and
  boilerplate are not annotated.

Scores
------
- Names, numbers, dates: a predicted one-sided item is right when one of its spans
  overlaps a span of a gold one-sided item of the same side; a gold item is found when
  a predicted item overlaps one of its spans. F1 over the three kinds together, and per
  kind.
- Clauses: character overlap between predicted clauses in body segments (those of
  links and those of partly shared one-sided sentences, `bialign.differences.PARTIAL_THRESHOLD`)
  and gold clauses (precision: share of predicted characters inside gold clauses; recall:
  share of gold characters inside predicted clauses). Scored twice: on the aligner's links
  (what a user gets) and on the **oracle** links, the connected components of the hand
  alignment turned into an `Alignment` (what the clause step does when the sentence
  links are right). On the aligner's links, gold clause characters in sentences the
  aligner left unlinked cannot be found; the share is printed. A threshold sweep on the
  tuning pair shows how `CLAUSE_THRESHOLD` was chosen.

Run: ``python benchmarks/bench_differences.py`` (about 10 s; ``--pair seed`` for the
tuning pair only).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bialign  # noqa: E402
from bialign.differences import (  # noqa: E402
    CLAUSE_THRESHOLD,
    DifferenceItem,
    Differences,
    differences,
)
from bialign.result import AlignedPair, Alignment  # noqa: E402

DATA = ROOT / "tests" / "data"
ENTITY_KINDS = ("name", "number", "date")
SWEEP = (0.3, 0.33, 0.36, 0.4, 0.45, 0.5)


@dataclass(frozen=True)
class Pair:
    name: str
    gold: Path
    links: Path
    held_out: bool


PAIRS = (
    Pair(
        "seed",
        DATA / "seed_differences_gold.json",
        DATA / "anadolu_seed_gold.json",
        held_out=False,
    ),
    Pair(
        "aljazeera",
        DATA / "aljazeera_differences_gold.json",
        DATA / "aljazeera_seed_gold.json",
        held_out=True,
    ),
)


def gold_spans(item: dict) -> list[tuple[int, int]]:
    """A gold item's first span and its further ``mentions``."""
    return [tuple(item["span"]), *(tuple(m) for m in item.get("mentions", []))]  # type: ignore[misc]


def oracle_alignment(res: Alignment, links_file: Path) -> Alignment:
    """``res``'s articles linked as the hand alignment links them.

    Each connected component of the hand links (sure and possible) becomes one
    `AlignedPair`; the hand file's sentences must be ``res``'s segments.
    """
    gold = json.loads(links_file.read_text(encoding="utf-8"))
    for side, art in (("arabic", res.arabic), ("english", res.english)):
        if [x["text"] for x in gold[side]] != [s.text for s in art.segments]:
            raise ValueError(f"{links_file}: {side} sentences differ from the segmentation")
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(x: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for link in gold["links"]:
        parent[root(("ar", int(link["ar"])))] = root(("en", int(link["en"])))
    groups: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
    for link in gold["links"]:
        ar_set, en_set = groups.setdefault(root(("ar", int(link["ar"]))), (set(), set()))
        ar_set.add(int(link["ar"]))
        en_set.add(int(link["en"]))
    pairs = []
    for ar_set, en_set in sorted(groups.values(), key=lambda g: (min(g[1]), min(g[0]))):
        a, e = tuple(sorted(ar_set)), tuple(sorted(en_set))
        pairs.append(
            AlignedPair(
                a,
                e,
                " ".join(res.arabic.segments[i].text for i in a),
                " ".join(res.english.segments[i].text for i in e),
                1.0,
            )
        )
    linked_ar = {i for p in pairs for i in p.arabic}
    linked_en = {i for p in pairs for i in p.english}
    return Alignment(
        res.arabic,
        res.english,
        tuple(pairs),
        tuple(s for s in res.arabic.segments if s.index not in linked_ar),
        tuple(s for s in res.english.segments if s.index not in linked_en),
        "oracle links from " + links_file.name,
    )


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def entity_scores(
    pred: Sequence[DifferenceItem], gold: list[dict], kinds: tuple[str, ...] = ENTITY_KINDS
) -> dict[str, float]:
    """Item-level counts of one-sided names/numbers/dates (one side)."""
    p = [i for i in pred if i.kind in kinds]
    g = [gold_spans(x) for x in gold if x["kind"] in kinds]
    tp_p = sum(any(_overlap(s, x) for s in i.spans for xs in g for x in xs) for i in p)
    tp_g = sum(any(_overlap(s, x) for i in p for s in i.spans for x in xs) for xs in g)
    return {"tp_pred": tp_p, "pred": len(p), "tp_gold": tp_g, "gold": len(g)}


def clause_scores(pred: Sequence[DifferenceItem], gold: list[dict]) -> dict[str, float]:
    """Character-overlap counts of one-sided clauses (one side)."""
    g = [tuple(x["span"]) for x in gold if x["kind"] == "clause"]
    p = [(i.start, i.end) for i in pred if i.kind == "clause"]
    return {
        "tp_pred": sum(sum(_overlap(s, x) for x in g) for s in p),
        "pred": sum(e - s for s, e in p),
        "tp_gold": sum(sum(_overlap(s, x) for s in p) for x in g),
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


def body_clauses(res: Alignment, d: Differences, threshold: float) -> dict[str, list]:
    """The reported clauses in body segments, per side, under ``threshold``."""
    out: dict[str, list] = {}
    for lang, art, items in (
        ("ar", res.arabic, d.arabic_only),
        ("en", res.english, d.english_only),
    ):
        out[lang] = [
            i
            for i in items
            if i.kind == "clause"
            and art.segments[i.segment].role == "body"
            and (i.score or 0.0) < threshold
        ]
    return out


def clause_prf(res: Alignment, d: Differences, gold: dict, threshold: float) -> tuple:
    got = body_clauses(res, d, threshold)
    return prf(
        [
            clause_scores(got["ar"], gold["arabic_only"]),
            clause_scores(got["en"], gold["english_only"]),
        ]
    )


def unlinked_share(res: Alignment, gold: dict) -> float:
    """Share of gold clause characters in segments no link of ``res`` holds."""
    total = lost = 0
    for side, art, attr in (
        ("arabic_only", res.arabic, "arabic"),
        ("english_only", res.english, "english"),
    ):
        linked = {i for p in res.pairs for i in getattr(p, attr)}
        for x in gold[side]:
            if x["kind"] != "clause":
                continue
            n = x["span"][1] - x["span"][0]
            total += n
            seg = next(s for s in art.segments if s.start <= x["span"][0] < s.end)
            lost += n * (seg.index not in linked)
    return lost / total if total else 0.0


def entity_report(d: Differences, gold: dict) -> list[tuple[str, float, float, float]]:
    rows = []
    for kinds in (ENTITY_KINDS, ("name",), ("number", "date")):
        p, r, f = prf(
            [
                entity_scores(d.arabic_only, gold["arabic_only"], kinds),
                entity_scores(d.english_only, gold["english_only"], kinds),
            ]
        )
        rows.append(("+".join(kinds), p, r, f))
    return rows


def _print_entity_errors(d: Differences, gold: dict) -> None:
    for side, lang in (("arabic_only", "ar"), ("english_only", "en")):
        items = d.arabic_only if lang == "ar" else d.english_only
        g = [x for x in gold[side] if x["kind"] in ENTITY_KINDS]
        spans = [s for x in g for s in gold_spans(x)]
        for i in items:
            if i.kind in ENTITY_KINDS and not any(_overlap(s, x) for s in i.spans for x in spans):
                print(f"    false {lang} {i.kind}: {i.text!r}")
        for x in g:
            if not any(
                _overlap(s, y)
                for i in items
                if i.kind in ENTITY_KINDS
                for s in i.spans
                for y in gold_spans(x)
            ):
                print(f"    missed {lang} {x['kind']}: {x['text']!r}")


def _print_clause_errors(res: Alignment, d: Differences, gold: dict) -> None:
    got = body_clauses(res, d, d.clause_threshold)
    for side, lang in (("arabic_only", "ar"), ("english_only", "en")):
        g = [tuple(x["span"]) for x in gold[side] if x["kind"] == "clause"]
        for i in got[lang]:
            inside = sum(_overlap((i.start, i.end), x) for x in g) / (i.end - i.start)
            tag = "right" if inside > 0.5 else "false"
            print(f"    {tag} {lang} seg {i.segment} ({i.score:.2f}): {i.text[:70]!r}")
        for x in gold[side]:
            if x["kind"] != "clause":
                continue
            found = sum(_overlap((i.start, i.end), tuple(x["span"])) for i in got[lang])
            if found < 0.5 * (x["span"][1] - x["span"][0]):
                print(f"    missed {lang} ({x['note']}): {x['text'][:70]!r}")


def evaluate(pair: Pair, verbose: bool = True) -> dict[str, tuple]:
    """Scores of one pair: entities, clauses on the aligner's and on the oracle links."""
    gold = json.loads(pair.gold.read_text(encoding="utf-8"))
    ar = (ROOT / gold["arabic_file"]).read_text(encoding="utf-8")
    en = (ROOT / gold["english_file"]).read_text(encoding="utf-8")
    res = bialign.align(ar, en)
    oracle = oracle_alignment(res, pair.links)
    d = differences(res)
    d_oracle = differences(oracle)
    out: dict[str, tuple] = {
        "entities": entity_report(d, gold)[0][1:],
        "clauses_aligner": clause_prf(res, d, gold, CLAUSE_THRESHOLD),
        "clauses_oracle": clause_prf(oracle, d_oracle, gold, CLAUSE_THRESHOLD),
    }
    if not verbose:
        return out
    role = "HELD OUT, never used for tuning" if pair.held_out else "tuning pair"
    print(f"== {pair.name} ({gold['arabic_file']} ↔ {gold['english_file']}; {role})")
    print("Names, numbers, dates (item level)")
    for kinds, p, r, f in entity_report(d, gold):
        print(f"  {kinds:18} P {p:.2f}  R {r:.2f}  F1 {f:.2f}")
    print("  errors:")
    _print_entity_errors(d, gold)
    print(f"Clauses inside links (character overlap, body segments; threshold {CLAUSE_THRESHOLD})")
    print(
        f"  aligner's links ({len(res.pairs)} links; "
        f"{unlinked_share(res, gold):.0%} of gold clause characters in unlinked sentences)"
    )
    p, r, f = out["clauses_aligner"]
    print(f"    P {p:.2f}  R {r:.2f}  F1 {f:.2f}")
    p, r, f = out["clauses_oracle"]
    print(f"  oracle links ({len(oracle.pairs)} links from {pair.links.name})")
    print(f"    P {p:.2f}  R {r:.2f}  F1 {f:.2f}")
    if not pair.held_out:
        every = differences(res, clause_threshold=1.0)
        every_oracle = differences(oracle, clause_threshold=1.0)
        print("  threshold sweep (aligner's links | oracle links):")
        for t in SWEEP:
            a = clause_prf(res, every, gold, t)
            o = clause_prf(oracle, every_oracle, gold, t)
            mark = "  <- CLAUSE_THRESHOLD" if abs(t - CLAUSE_THRESHOLD) < 1e-9 else ""
            print(
                f"    {t:.2f}: P {a[0]:.2f} R {a[1]:.2f} F1 {a[2]:.2f} | "
                f"P {o[0]:.2f} R {o[1]:.2f} F1 {o[2]:.2f}{mark}"
            )
    print("  clauses reported on the aligner's links:")
    _print_clause_errors(res, d, gold)
    print("  clauses reported on the oracle links:")
    _print_clause_errors(oracle, d_oracle, gold)
    print()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--pair",
        choices=[p.name for p in PAIRS],
        action="append",
        help="score only this pair (repeatable; default: all)",
    )
    args = ap.parse_args(argv)
    for pair in PAIRS:
        if args.pair is None or pair.name in args.pair:
            evaluate(pair)


if __name__ == "__main__":
    main()
