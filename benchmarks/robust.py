"""Robustness benchmark: the aligner on realistic mixes, per slice.

The aligner was fitted on the NTREX comparable dev cases, where the Arabic is a
translation of the English in nearly the same order. Users bring separately
written articles: paragraphs in another order, another outlet's story of the
same event, unrelated articles side by side. This benchmark builds all of these
from the NTREX cases (read from ``../shared/data/ntrex-comparable-dev``), the
seeds (``seeds/``) and the hand golds (``tests/data/*.json``), and scores them
slice by slice.

Slices (see `build_cases`):

* ``ntrex``: the 61 NTREX cases as given;
* ``moved3``, ``moved2to5``, ``halves``, ``reversed``: the NTREX English cut
  into blocks and the blocks reordered, gold remapped;
* ``unrelated``: the Arabic of NTREX case i with the English of case i+1 and
  i+7 (mod 61); sentences that really share an origin (a distractor sentence of
  one case that is a sentence of the other's document) are sure links;
* ``seed_counterpart`` (002 ↔ 000, hand gold), ``seed_moved3`` (000's body
  blocks of 3 permuted), ``seed_other_outlet`` (002 ↔ Al Jazeera 001, hand
  gold), ``seed_unrelated`` (002 ↔ 003, another story), ``seed_other_meeting``
  (002 ↔ 004, a meeting two years earlier; no gold links, its predicted links
  are listed for inspection).

Metrics per slice (see `evaluate`): micro link and one-sided P/R/F1, documents
with a wrong link, invented links (none of whose index pairs is in the gold)
per 100 documents, share of documents with any link, time, and the count of
each document verdict when the result carries one; over all predicted links a
reliability table of the link scores and its expected calibration error.

Usage::

    python benchmarks/robust.py                          # every slice
    python benchmarks/robust.py --slices ntrex,moved3 --limit 10 --json out.json
    python benchmarks/robust.py --oracle-translator 0.5   # an idealised translator (see
                                                          # oracle_translator)

All slices run in one process: the encoder's embedding cache is per process and
the moved variants reuse the same sentences.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bialign.evaluate import Gold, Scores, load_gold, score_alignment, sum_scores  # noqa: E402
from bialign.segmentation import Article, read_article  # noqa: E402

if TYPE_CHECKING:
    from bialign.result import Alignment

NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data"
SEED_AR = "002_f2c150e3c700ff1f.txt"
SEED_EN = "000_9b6c93be4bbc7b4e.txt"
SEED_ALJAZEERA = "001_99910efe81c56d20.txt"
SEED_UNRELATED = "003_360714d64b266035.txt"
SEED_OTHER_MEETING = "004_6764a29bb713b2ea.txt"
SEED_DOC = "seed:002"

NTREX_SLICES = ("ntrex", "moved3", "moved2to5", "halves", "reversed", "unrelated")
SEED_SLICES = (
    "seed_counterpart",
    "seed_moved3",
    "seed_other_outlet",
    "seed_unrelated",
    "seed_other_meeting",
)
SLICES = NTREX_SLICES + SEED_SLICES
UNRELATED_SHIFTS = (1, 7)

#: The document verdict a slice should get (None: no single right answer).
EXPECTED_VERDICT: dict[str, str | None] = {
    "ntrex": "counterpart",
    "moved3": "counterpart",
    "moved2to5": "counterpart",
    "halves": "counterpart",
    "reversed": "counterpart",
    "unrelated": "unrelated",
    "seed_counterpart": "counterpart",
    "seed_moved3": "counterpart",
    "seed_other_outlet": "same event",
    "seed_unrelated": "unrelated",
    "seed_other_meeting": None,
}

Side = tuple[str, ...] | Article


@dataclass(frozen=True)
class Case:
    """One document pair of the benchmark.

    Attributes:
        name: Unique name (``"<ntrex case> moved3"`` …).
        slice: The slice it belongs to.
        arabic: The Arabic sentences, or an `Article` (seeds: page roles matter).
        english: The English sentences, or an `Article`.
        gold: The gold alignment (its ``arabic``/``english`` equal the sides' sentences).
        doc: The NTREX document id of the Arabic side (``"seed:002"`` for the seeds);
            every variant of one NTREX document shares it (cross-validation folds).
        english_doc: The document the English side comes from (differs from ``doc``
            only in the ``unrelated`` slices); a strict fold holds a pair out only
            when both documents are held out.
        meta: Extra facts (the permutation of a moved case, shared origins …).
    """

    name: str
    slice: str
    arabic: Side
    english: Side
    gold: Gold
    doc: str
    english_doc: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


def sentences_of(side: Side) -> tuple[str, ...]:
    return side.sentences if isinstance(side, Article) else tuple(side)


def default_align(case: Case) -> Alignment:
    from bialign import align

    return align(case.arabic, case.english)


# --------------------------------------------------------------------------- building


def _load_ntrex(ntrex: Path) -> list[tuple[Gold, dict[str, Any]]]:
    out = []
    for f in sorted(ntrex.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        out.append((load_gold(f), d["meta"]))
    return out


def origin_units(meta: Mapping[str, Any], side: str) -> list[frozenset[tuple[str, int]]]:
    """For each sentence of one side (``"ar"``/``"en"``) of an NTREX case, the
    (document id, original sentence index) units it is made of."""
    out = []
    for o in meta[f"{side}_origin"]:
        if isinstance(o, str):
            doc, k = o.rsplit("#", 1)
            out.append(frozenset({(doc, int(k))}))
        else:
            out.append(frozenset((meta["doc_id"], int(k)) for k in o))
    return out


def shared_origin_pairs(ar_meta: Mapping[str, Any], en_meta: Mapping[str, Any]) -> set:
    """(arabic, english) index pairs whose sentences share an original sentence."""
    a = origin_units(ar_meta, "ar")
    e = origin_units(en_meta, "en")
    return {(i, j) for i, ua in enumerate(a) for j, ue in enumerate(e) if ua & ue}


def permute_english(gold: Gold, order: Sequence[int], name: str | None = None) -> Gold:
    """The gold with its English reordered: new English k is old English ``order[k]``."""
    n = len(gold.english)
    if sorted(order) != list(range(n)):
        raise ValueError("order is not a permutation of the English indices")
    pos = {old: new for new, old in enumerate(order)}
    return replace(
        gold,
        english=tuple(gold.english[j] for j in order),
        sure=frozenset((i, pos[j]) for i, j in gold.sure),
        possible=frozenset((i, pos[j]) for i, j in gold.possible),
        english_only=frozenset(pos[j] for j in gold.english_only),
        english_roles=(tuple(gold.english_roles[j] for j in order) if gold.english_roles else None),
        name=gold.name if name is None else name,
    )


def _cut(n: int, sizes: Callable[[], int]) -> list[list[int]]:
    blocks, i = [], 0
    while i < n:
        k = sizes()
        blocks.append(list(range(i, min(n, i + k))))
        i += k
    return blocks


def _shuffled_blocks(blocks: list[list[int]], rng: random.Random) -> list[list[int]]:
    if len(blocks) < 2:
        return blocks
    while True:
        out = blocks[:]
        rng.shuffle(out)
        if out != blocks:
            return out


def block_order(n: int, how: str, rng: random.Random) -> list[int]:
    """A new order of ``n`` sentences: ``order[k]`` is the old index placed at k.

    ``how``: ``moved3`` (blocks of 3 permuted), ``moved2to5`` (blocks of 2–5
    permuted), ``halves`` (the two halves swapped; the second half is the longer
    one when ``n`` is odd), ``reversed`` (blocks of 2–3 in reverse order). A
    permutation that keeps the order is redrawn (a cut into one block is cut
    again, blocks are shuffled again); only a text too short for two blocks
    (``moved3``: 3 sentences or fewer; others: 2 or fewer) keeps its order.
    """
    if how == "moved3":
        blocks = _shuffled_blocks(_cut(n, lambda: 3), rng)
    elif how == "moved2to5":
        blocks = _cut(n, lambda: rng.randint(2, 5))
        while len(blocks) < 2 and n >= 3:
            blocks = _cut(n, lambda: rng.randint(2, 5))
        blocks = _shuffled_blocks(blocks, rng)
    elif how == "halves":
        h = n // 2
        blocks = [list(range(h, n)), list(range(h))]
    elif how == "reversed":
        blocks = _cut(n, lambda: rng.randint(2, 3))
        while len(blocks) < 2 and n >= 3:
            blocks = _cut(n, lambda: rng.randint(2, 3))
        blocks = blocks[::-1]
    else:
        raise ValueError(f"unknown reordering {how!r}")
    return [j for b in blocks for j in b]


def _rng(seed: int, slice_name: str, case_name: str) -> random.Random:
    return random.Random(f"{seed}:{slice_name}:{case_name}")


def ntrex_cases(ntrex: Path = NTREX, seed: int = 0) -> dict[str, list[Case]]:
    """The NTREX slices (empty dict when the data folder is absent)."""
    if not ntrex.is_dir():
        return {}
    docs = _load_ntrex(ntrex)
    out: dict[str, list[Case]] = {s: [] for s in NTREX_SLICES}
    for g, meta in docs:
        doc = meta["doc_id"]
        out["ntrex"].append(Case(g.name, "ntrex", g.arabic, g.english, g, doc, doc))
        for how in ("moved3", "moved2to5", "halves", "reversed"):
            order = block_order(len(g.english), how, _rng(seed, how, g.name))
            name = f"{g.name} {how}"
            mg = permute_english(g, order, name)
            out[how].append(Case(name, how, g.arabic, mg.english, mg, doc, doc, {"order": order}))
    n = len(docs)
    for s in UNRELATED_SHIFTS:
        for i, (ga, ma) in enumerate(docs):
            ge, me = docs[(i + s) % n]
            sure = frozenset(shared_origin_pairs(ma, me))
            name = f"{ga.name} x {ge.name}"
            gold = Gold(
                arabic=ga.arabic,
                english=ge.english,
                sure=sure,
                possible=sure,
                arabic_only=frozenset(range(len(ga.arabic))) - {i for i, _ in sure},
                english_only=frozenset(range(len(ge.english))) - {j for _, j in sure},
                name=name,
            )
            out["unrelated"].append(
                Case(
                    name,
                    "unrelated",
                    ga.arabic,
                    ge.english,
                    gold,
                    ma["doc_id"],
                    me["doc_id"],
                    {"shift": s, "shared_origin_links": sorted(sure)},
                )
            )
    return out


def _read_seed(file: str) -> Article:
    return read_article((SEEDS / file).read_text(encoding="utf-8"))


def _checked(article: Article, sentences: tuple[str, ...], what: str) -> Article:
    if article.sentences != sentences:
        raise RuntimeError(f"the segmentation of {what} no longer matches its gold file")
    return article


def no_link_gold(ar: Article, en: Article, name: str) -> Gold:
    """A gold for two articles with no counterpart at all: every sentence one-sided."""
    return Gold(
        arabic=ar.sentences,
        english=en.sentences,
        sure=frozenset(),
        possible=frozenset(),
        arabic_only=frozenset(range(len(ar))),
        english_only=frozenset(range(len(en))),
        arabic_roles=tuple(s.role for s in ar),
        english_roles=tuple(s.role for s in en),
        name=name,
    )


def body_block_order(roles: Sequence[str], rng: random.Random, size: int = 3) -> list[int]:
    """Permute blocks of ``size`` consecutive body sentences; every other role keeps its place."""
    body = [k for k, r in enumerate(roles) if r == "body"]
    blocks = _shuffled_blocks([body[i : i + size] for i in range(0, len(body), size)], rng)
    new_body = [j for b in blocks for j in b]
    order = list(range(len(roles)))
    for slot, j in zip(body, new_body, strict=True):
        order[slot] = j
    return order


def seed_cases(seed: int = 0) -> dict[str, list[Case]]:
    """The seed slices, one case each."""
    ar = _read_seed(SEED_AR)
    g = load_gold(DATA / "anadolu_seed_gold.json")
    ar = _checked(ar, g.arabic, f"seeds/{SEED_AR}")
    en = _checked(_read_seed(SEED_EN), g.english, f"seeds/{SEED_EN}")
    out: dict[str, list[Case]] = {}
    out["seed_counterpart"] = [
        Case("seed 002-000", "seed_counterpart", ar, en, g, SEED_DOC, "seed:000")
    ]
    roles = [s.role for s in en]
    order = body_block_order(roles, _rng(seed, "seed_moved3", "seed 002-000"))
    mg = permute_english(g, order, "seed 002-000 moved3")
    men = Article.from_sentences(
        mg.english, lang="en", roles=[roles[j] for j in order], source=f"{SEED_EN} moved3"
    )
    out["seed_moved3"] = [
        Case(mg.name, "seed_moved3", ar, men, mg, SEED_DOC, "seed:000", {"order": order})
    ]
    ga = load_gold(DATA / "aljazeera_seed_gold.json")
    _checked(ar, ga.arabic, f"seeds/{SEED_AR}")
    aj = _checked(_read_seed(SEED_ALJAZEERA), ga.english, f"seeds/{SEED_ALJAZEERA}")
    out["seed_other_outlet"] = [
        Case("seed 002-001", "seed_other_outlet", ar, aj, ga, SEED_DOC, "seed:001")
    ]
    un = _read_seed(SEED_UNRELATED)
    out["seed_unrelated"] = [
        Case(
            "seed 002-003",
            "seed_unrelated",
            ar,
            un,
            no_link_gold(ar, un, "seed 002-003"),
            SEED_DOC,
            "seed:003",
        )
    ]
    om = _read_seed(SEED_OTHER_MEETING)
    out["seed_other_meeting"] = [
        Case(
            "seed 002-004",
            "seed_other_meeting",
            ar,
            om,
            no_link_gold(ar, om, "seed 002-004"),
            SEED_DOC,
            "seed:004",
            {"note": "no gold links; at most a background sentence may really overlap"},
        )
    ]
    return out


def build_cases(seed: int = 0, ntrex: Path = NTREX) -> dict[str, list[Case]]:
    """Every slice, in `SLICES` order (the NTREX ones only when the data is there)."""
    found = {**ntrex_cases(ntrex, seed), **seed_cases(seed)}
    return {s: found[s] for s in SLICES if s in found}


# --------------------------------------------------------------------------- evaluating

BANDS = 10


def link_right(link_pairs: Iterable[tuple[int, int]], gold: Gold) -> bool:
    """A link is right when every index pair it covers is a (sure or possible) gold pair."""
    return all(ij in gold.possible for ij in link_pairs)


def link_invented(link_pairs: Iterable[tuple[int, int]], gold: Gold) -> bool:
    """A link is invented when none of its index pairs is a gold pair."""
    return not any(ij in gold.possible for ij in link_pairs)


def document_verdict(res: Any) -> tuple[str | None, float | None]:
    """(verdict, probability) of a result's document-level judgment, if it has one."""
    doc = getattr(res, "document", None)
    verdict = getattr(doc, "verdict", None) if doc is not None else None
    prob = getattr(doc, "probability", None) if doc is not None else None
    if verdict is None:
        verdict = getattr(res, "verdict", None)
        prob = getattr(res, "probability", prob)
    return (None if verdict is None else str(verdict)), (None if prob is None else float(prob))


@dataclass
class CaseResult:
    name: str
    slice: str
    doc: str
    scores: Scores | None
    links: list[tuple[tuple[tuple[int, int], ...], float, bool, bool]]
    seconds: float
    verdict: str | None = None
    probability: float | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        s = self.scores
        return {
            "name": self.name,
            "slice": self.slice,
            "doc": self.doc,
            "counts": None
            if s is None
            else {f: getattr(s, f) for f in Scores.__dataclass_fields__},
            "links": [
                {"pairs": [list(p) for p in pairs], "score": sc, "right": r, "invented": inv}
                for pairs, sc, r, inv in self.links
            ],
            "seconds": self.seconds,
            "verdict": self.verdict,
            "probability": self.probability,
            "error": self.error,
        }


@dataclass
class SliceReport:
    """The figures of one slice."""

    slice: str
    documents: int
    scores: Scores
    links: int
    docs_with_wrong_link: int
    invented: int
    invented_05: int
    invented_07: int
    docs_with_link: int
    seconds: float
    errors: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    verdict_accuracy: float | None = None
    inspect: list[dict[str, Any]] = field(default_factory=list)
    mean_link_score: float = 0.0
    share_links_right: float = 0.0
    ece: float = 0.0

    def per100(self, n: int) -> float:
        return 100.0 * n / self.documents if self.documents else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "slice": self.slice,
            "documents": self.documents,
            **self.scores.as_dict(),
            "counts": {f: getattr(self.scores, f) for f in Scores.__dataclass_fields__},
            "links": self.links,
            "docs_with_wrong_link": self.docs_with_wrong_link,
            "invented": self.invented,
            "invented_per100": self.per100(self.invented),
            "invented_ge05_per100": self.per100(self.invented_05),
            "invented_ge07_per100": self.per100(self.invented_07),
            "share_docs_with_link": self.docs_with_link / self.documents if self.documents else 0,
            "seconds": self.seconds,
            "seconds_per_doc": self.seconds / self.documents if self.documents else 0,
            "errors": self.errors,
            "verdicts": self.verdicts,
            "verdict_accuracy": self.verdict_accuracy,
            "mean_link_score": self.mean_link_score,
            "share_links_right": self.share_links_right,
            "ece": self.ece,
            "inspect": self.inspect,
        }


@dataclass
class Band:
    low: float
    high: float
    count: int
    mean_score: float
    share_right: float


@dataclass
class Report:
    """What `evaluate` returns."""

    slices: dict[str, SliceReport]
    reliability: list[Band]
    ece: float
    cases: list[CaseResult]

    def to_dict(self) -> dict[str, Any]:
        return {
            "slices": {k: v.to_dict() for k, v in self.slices.items()},
            "reliability": [b.__dict__ for b in self.reliability],
            "ece": self.ece,
            "cases": [c.to_dict() for c in self.cases],
        }

    def format(self, table: bool = True) -> str:
        """The per-slice table (unless ``table`` is false), the reliability table,
        the document verdicts and the links listed for inspection."""
        lines = [HEADER, *(slice_line(r) for r in self.slices.values()), ""] if table else []
        lines.append(format_reliability(self.reliability, self.ece))
        lines.append("")
        lines.append(
            f"{'per slice':<19}{'links':>6}{'mean score':>12}{'share right':>13}{'ECE':>7}"
        )
        for r in self.slices.values():
            lines.append(
                f"{r.slice:<19}{r.links:>6}{r.mean_link_score:>12.3f}"
                f"{r.share_links_right:>13.3f}{r.ece:>7.3f}"
            )
        verdicts = [r for r in self.slices.values() if r.verdicts]
        if verdicts:
            lines.append("")
            lines.append("document verdicts:")
            for r in verdicts:
                acc = "" if r.verdict_accuracy is None else f"  (right {r.verdict_accuracy:.0%})"
                lines.append(
                    f"  {r.slice:<19} "
                    + ", ".join(f"{k}: {v}" for k, v in sorted(r.verdicts.items()))
                    + acc
                )
        for r in self.slices.values():
            if r.inspect:
                lines.append("")
                lines.append(f"predicted links in {r.slice} (for inspection):")
                for x in r.inspect:
                    lines.append(f"  ar {x['arabic']} en {x['english']} score {x['score']:.3f}")
                    lines.append(f"    AR: {x['arabic_text'][:160]}")
                    lines.append(f"    EN: {x['english_text'][:160]}")
        return "\n".join(lines)


HEADER = (
    f"{'slice':<19}{'docs':>5} | {'link P':>6} {'R':>5} {'F1':>5} | {'1-sd P':>6} {'R':>5} "
    f"{'F1':>5} | {'wrongdoc':>8} {'inv/100':>7} {'>=.5':>6} {'>=.7':>6} {'anylink':>7} | "
    f"{'s/doc':>6}"
)


def slice_line(r: SliceReport) -> str:
    s = r.scores
    err = f"  ({r.errors} errors)" if r.errors else ""
    share = r.docs_with_link / r.documents if r.documents else 0.0
    return (
        f"{r.slice:<19}{r.documents:>5} | {s.link_precision:>6.3f} {s.link_recall:>5.3f} "
        f"{s.link_f1:>5.3f} | {s.one_precision:>6.3f} {s.one_recall:>5.3f} {s.one_f1:>5.3f} | "
        f"{r.docs_with_wrong_link:>8} {r.per100(r.invented):>7.1f} {r.per100(r.invented_05):>6.1f} "
        f"{r.per100(r.invented_07):>6.1f} {share:>7.0%} | "
        f"{r.seconds / max(r.documents, 1):>6.2f}{err}"
    )


def format_reliability(bands: list[Band], ece: float) -> str:
    lines = [f"{'score band':<12}{'links':>7}{'mean score':>12}{'share right':>13}"]
    for b in bands:
        mean = f"{b.mean_score:.3f}" if b.count else "-"
        right = f"{b.share_right:.3f}" if b.count else "-"
        lines.append(f"{b.low:.1f}-{b.high:.1f}     {b.count:>7}{mean:>12}{right:>13}")
    lines.append(f"ECE {ece:.4f} over {sum(b.count for b in bands)} links")
    return "\n".join(lines)


def reliability(
    scored: Iterable[tuple[float, bool]], bands: int = BANDS
) -> tuple[list[Band], float]:
    """Reliability table over (score, right) and the expected calibration error."""
    groups: list[list[tuple[float, bool]]] = [[] for _ in range(bands)]
    for score, right in scored:
        groups[min(bands - 1, max(0, int(score * bands)))].append((score, right))
    total = sum(len(g) for g in groups)
    out, ece = [], 0.0
    for k, g in enumerate(groups):
        mean = sum(s for s, _ in g) / len(g) if g else 0.0
        right = sum(r for _, r in g) / len(g) if g else 0.0
        out.append(Band(k / bands, (k + 1) / bands, len(g), mean, right))
        if g:
            ece += len(g) / total * abs(mean - right)
    return out, ece


INSPECT_SLICES = ("seed_other_meeting", "seed_unrelated")


def run_case(align_fn: Callable[[Case], Any], case: Case) -> CaseResult:
    t0 = time.perf_counter()
    try:
        res = align_fn(case)
    except Exception as exc:  # a benchmark run must not die on one document
        return CaseResult(
            case.name, case.slice, case.doc, None, [], time.perf_counter() - t0,
            error=f"{type(exc).__name__}: {exc}",
        )  # fmt: skip
    took = time.perf_counter() - t0
    links = []
    for p in res.pairs:
        pairs = tuple(p.index_pairs)
        links.append(
            (pairs, float(p.score), link_right(pairs, case.gold), link_invented(pairs, case.gold))
        )
    verdict, prob = document_verdict(res)
    return CaseResult(
        case.name,
        case.slice,
        case.doc,
        score_alignment(res, case.gold),
        links,
        took,
        verdict,
        prob,
        error=None,
    )


def summarise(slice_name: str, results: list[CaseResult], cases: list[Case]) -> SliceReport:
    ok = [r for r in results if r.scores is not None]
    scored = [(score, right) for r in ok for _, score, right, _ in r.links]
    verdicts = Counter(r.verdict for r in ok if r.verdict is not None)
    expected = EXPECTED_VERDICT.get(slice_name)
    acc = None
    if verdicts and expected is not None:
        acc = sum(r.verdict == expected for r in ok) / len(ok)
    inspect = []
    if slice_name in INSPECT_SLICES:
        by_name = {c.name: c for c in cases}
        for r in ok:
            c = by_name[r.name]
            ar, en = sentences_of(c.arabic), sentences_of(c.english)
            for pairs, score, _, _ in r.links:
                ai = sorted({i for i, _ in pairs})
                ej = sorted({j for _, j in pairs})
                inspect.append(
                    {
                        "case": r.name,
                        "arabic": ai,
                        "english": ej,
                        "score": score,
                        "arabic_text": " ".join(ar[i] for i in ai),
                        "english_text": " ".join(en[j] for j in ej),
                    }
                )
    return SliceReport(
        slice=slice_name,
        documents=len(ok),
        scores=sum_scores(r.scores for r in ok),  # type: ignore[misc]
        links=sum(len(r.links) for r in ok),
        docs_with_wrong_link=sum(any(not right for _, _, right, _ in r.links) for r in ok),
        invented=sum(inv for r in ok for _, _, _, inv in r.links),
        invented_05=sum(inv and s >= 0.5 for r in ok for _, s, _, inv in r.links),
        invented_07=sum(inv and s >= 0.7 for r in ok for _, s, _, inv in r.links),
        docs_with_link=sum(bool(r.links) for r in ok),
        seconds=sum(r.seconds for r in results),
        errors=len(results) - len(ok),
        verdicts=dict(verdicts),
        verdict_accuracy=acc,
        inspect=inspect,
        mean_link_score=sum(s for s, _ in scored) / len(scored) if scored else 0.0,
        share_links_right=sum(r for _, r in scored) / len(scored) if scored else 0.0,
        ece=reliability(scored)[1],
    )


def evaluate(
    align_fn: Callable[[Case], Any] | None = None,
    cases: Mapping[str, Sequence[Case]] | Iterable[Case] = (),
    *,
    on_slice: Callable[[SliceReport], None] | None = None,
) -> Report:
    """Align every case and score it, per slice.

    Args:
        align_fn: ``case -> Alignment``; default ``bialign.align(case.arabic, case.english)``.
        cases: ``{slice: [Case, ...]}`` as `build_cases` returns, or a flat iterable
            of cases (grouped by their ``slice``).
        on_slice: Called with each slice's figures as soon as the slice is done.
    """
    fn = align_fn or default_align
    if isinstance(cases, Mapping):
        groups = {k: list(v) for k, v in cases.items()}
    else:
        groups = {}
        for c in cases:
            groups.setdefault(c.slice, []).append(c)
    slices: dict[str, SliceReport] = {}
    all_results: list[CaseResult] = []
    for name, group in groups.items():
        results = [run_case(fn, c) for c in group]
        all_results += results
        slices[name] = summarise(name, results, group)
        if on_slice is not None:
            on_slice(slices[name])
    bands, ece = reliability((score, right) for r in all_results for _, score, right, _ in r.links)
    return Report(slices, bands, ece, all_results)


# --------------------------------------------------------------------------- oracle translator


def oracle_table(cases: Mapping[str, Sequence[Case]]) -> dict[str, str]:
    """Each Arabic sentence of a counterpart case → its gold English (sure links, joined).

    From the ``ntrex`` and ``seed_counterpart`` slices: the English that really renders
    the sentence. Another slice's Arabic (moved, unrelated, Al Jazeera) is one of these
    sentences, so it is "translated" into its own article's English, not into the
    English it is aligned with. A sentence without a sure link has no entry.
    """
    table: dict[str, str] = {}
    for slice_name in ("ntrex", "seed_counterpart"):
        for c in cases.get(slice_name, ()):
            by_ar: dict[int, list[int]] = {}
            for i, j in sorted(c.gold.sure):
                by_ar.setdefault(i, []).append(j)
            for i, js in by_ar.items():
                table.setdefault(c.gold.arabic[i], " ".join(c.gold.english[j] for j in js))
    return table


def thin(text: str, keep: float) -> str:
    """``text`` with about ``keep`` of its words kept (the same ones every run)."""
    if keep >= 1.0:
        return text
    words = text.split()
    kept = [
        w for k, w in enumerate(words) if zlib.crc32(f"{k}|{text}".encode()) % 1000 < keep * 1000
    ]
    return " ".join(kept)


def oracle_translator(table: Mapping[str, str], keep: float = 1.0) -> Any:
    """A `bialign.FunctionTranslator` that "translates" by `oracle_table`.

    An upper bound of what a translation model brings, not a model: a sentence
    missing from the table (one with no counterpart) becomes the empty string, where
    a real model would give a translation that shares some n-grams by chance.
    ``keep`` below 1 drops words (`thin`), a crude stand-in for a weaker model.
    """
    from bialign import FunctionTranslator

    def translate(sentence: str) -> str:
        return thin(table.get(sentence, ""), keep)

    return FunctionTranslator(translate, name=f"oracle-keep{keep:g}")


# --------------------------------------------------------------------------- script


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="bialign robustness benchmark, per slice")
    ap.add_argument("--slices", help=f"comma-separated, from: {','.join(SLICES)}")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--limit", type=int, help="at most N cases per slice")
    ap.add_argument("--ntrex", type=Path, default=NTREX)
    ap.add_argument(
        "--dictionary", help="align with this bilingual dictionary (as align(dictionary=...))"
    )
    ap.add_argument(
        "--oracle-translator",
        type=float,
        metavar="KEEP",
        help="align with a translator that returns each Arabic sentence's gold English, "
        "keeping this share of its words (1.0: all; see oracle_translator)",
    )
    args = ap.parse_args(argv)
    if args.oracle_translator is not None and not 0.0 < args.oracle_translator <= 1.0:
        ap.error("--oracle-translator: KEEP must be in (0, 1]")
    if args.oracle_translator is not None and args.dictionary:
        ap.error("--oracle-translator and --dictionary: one at a time")
    wanted = SLICES
    if args.slices:
        wanted = tuple(s.strip() for s in args.slices.split(",") if s.strip())
        unknown = [s for s in wanted if s not in SLICES]
        if unknown:
            ap.error(f"unknown slice(s): {', '.join(unknown)}; slices: {', '.join(SLICES)}")
    cases = build_cases(args.seed, args.ntrex)
    table = oracle_table(cases)
    missing = [s for s in wanted if s not in cases]
    if missing:
        print(f"(no NTREX data at {args.ntrex}; skipped: {', '.join(missing)})")
    cases = {s: cases[s][: args.limit] if args.limit else cases[s] for s in wanted if s in cases}
    if "unrelated" in cases:
        shared = sum(len(c.gold.sure) for c in cases["unrelated"])
        pairs = sum(bool(c.gold.sure) for c in cases["unrelated"])
        print(f"unrelated: {shared} shared-origin sure links in {pairs} of "
              f"{len(cases['unrelated'])} pairs")  # fmt: skip
    print(HEADER, flush=True)
    fn = None
    if args.dictionary:
        from bialign import align, load_dictionary

        dictionary = load_dictionary(args.dictionary)

        def fn(case: Case) -> Alignment:
            return align(case.arabic, case.english, dictionary=dictionary)

    if args.oracle_translator is not None:
        from bialign import align

        translator = oracle_translator(table, args.oracle_translator)
        print(f"oracle translator: {len(table)} Arabic sentences, keeping "
              f"{args.oracle_translator:.0%} of the words")  # fmt: skip

        def fn(case: Case) -> Alignment:
            return align(case.arabic, case.english, translator=translator)

    report = evaluate(fn, cases, on_slice=lambda r: print(slice_line(r), flush=True))
    print()
    print(report.format(table=False))
    if args.json:
        out = report.to_dict()
        out["seed"] = args.seed
        out["limit"] = args.limit
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
