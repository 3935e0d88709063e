"""What only one version says: passages, clauses, names, numbers and dates.

`differences` reads an `Alignment` and reports, for each side, the content the
other article does not have:

- **passages**: the one-sided passages (`Alignment.arabic_passages`,
  `Alignment.english_passages`);
- **names**: every name mention of one article (found with
  `bialign.names.mentions` and the gazetteer) that `bialign.names.match_names` matches
  nowhere in the whole other article; transliteration variants (al-Shaibani ↔
  الشيباني) count as shared, nationality adjectives (Syrian, الصينية) are not
  names. Repeated mentions of one entity are one item, with every span;
- **numbers** and **dates**: the anchors of `bialign.scorers.anchors.extract_anchors`
  (``year:2023``, ``month:9``, ``number:13`` …), grouped into expressions
  (``سبتمبر/ أيلول 2023``); one-sided when the other article has none of the
  expression's anchors. The words "one" and "two" (and their Arabic forms) are
  left out: Arabic says "two" with a dual ending;
- **clauses** inside linked pairs: each linked sentence is split into clauses
  (`split_clauses`: punctuation, closing quotation marks and the cue words of
  ``resources/clause_cues.toml``; attributions such as "he said" are not clauses). Each
  clause gets a score of how well the other side of its link renders it: mostly
  (1 - `CLAUSE_WEIGHT`) the word recall of the lexical signal (the mean, over the
  clause's content words, of each word's best cosine with a content word of the other
  side, from the aligner's encoder), plus `CLAUSE_WEIGHT` times the sentence encoder's
  best cosine with the other side's clauses and whole text. A clause scoring below
  `CLAUSE_THRESHOLD` is reported, with the index of its link.

Names, numbers and dates found on both sides are in `Differences.shared`, with
both spellings and offsets. Every item's ``start``/``end`` are offsets into its
side's `Article.text`.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import regex

from ._checks import flag
from ._resources import read_toml, resource_path
from .errors import InputTypeError, OptionError, ResourceError, UnknownNameError
from .normalize import fold_digits, normalize_arabic

if TYPE_CHECKING:
    from .names.mentions import GazetteerEntry
    from .result import Alignment
    from .segmentation import Article, Segment

__all__ = [
    "CLAUSE_THRESHOLD",
    "KINDS",
    "PARTIAL_THRESHOLD",
    "PARTNER_CANDIDATES",
    "DifferenceItem",
    "Differences",
    "SharedItem",
    "differences",
    "is_attribution",
    "split_clauses",
]

#: Kinds of difference items.
KINDS = ("passage", "clause", "name", "number", "date")

#: A clause whose score (how well the other side of its link renders it, in [0, 1]) is
#: below this is reported. Chosen with `CLAUSE_WEIGHT` on
#: ``tests/data/seed_differences_gold.json`` (one article pair; the Al Jazeera pair is held
#: out, see ``benchmarks/bench_differences.py``), so treat it as a first estimate.
CLAUSE_THRESHOLD = 0.36

#: Weight of the sentence encoder's cosine in a clause's score; the rest (0.8) is the word
#: recall of the lexical signal, which tells a clause's own content apart better than a
#: sentence vector does (see `differences`).
CLAUSE_WEIGHT = 0.2

#: A one-sided body sentence is **partly shared** when one of its clauses scores at least
#: this against a sentence of the other article (its *partner*, one of the
#: `PARTNER_CANDIDATES` most similar): its clauses scoring below `CLAUSE_THRESHOLD` are then
#: reported as clauses too. Chosen on the seed pair like `CLAUSE_THRESHOLD` (see
#: ``benchmarks/bench_differences.py``). A one-sided partner is partly shared with the
#: sentence in turn.
PARTIAL_THRESHOLD = 0.55
#: How many of the other article's body sentences (most similar first, by the sentence
#: encoder) a one-sided sentence is compared with, clause by clause.
PARTNER_CANDIDATES = 20

# Roles whose names and numbers are not compared (tags and the outlet's standard text).
_SKIPPED_ROLES = frozenset({"category", "boilerplate"})
# Anchor kinds read as dates; the others are numbers.
_DATE_KINDS = frozenset({"date", "year", "month", "weekday"})


@dataclass(frozen=True, slots=True)
class DifferenceItem:
    """Something only one of the two articles says.

    Attributes:
        kind: ``"passage"``, ``"clause"``, ``"name"``, ``"number"`` or ``"date"``.
        text: The text, exactly ``article.text[start:end]``.
        lang: ``"ar"`` or ``"en"``: the side that says it.
        start: Offset of the (first) mention in that side's `Article.text`.
        end: End offset of the (first) mention.
        segment: Index of the segment of the (first) mention.
        pair: For a clause, the index in `Alignment.pairs` of the link it belongs to;
            otherwise ``None``.
        spans: Every mention as ``(start, end)`` (a name or number repeated in the
            article is one item); the first is ``(start, end)``.
        value: For numbers and dates the anchors (``year:2023 month:9``); for a
            name its gazetteer kind when it has one (``person``, ``organisation`` …).
        score: For a clause, how well the other side of its link (or its partner)
            renders it (0 to 1; see `differences`).
        partner: For a clause of a one-sided sentence that is partly shared, the index
            of the other article's segment that renders the rest of that sentence (its
            `pair` is then ``None``; the clause lies inside a passage item of the same
            side, so do not add up the characters of both); otherwise ``None``.
    """

    kind: str
    text: str
    lang: str
    start: int
    end: int
    segment: int
    pair: int | None = None
    spans: tuple[tuple[int, int], ...] = ()
    value: str = ""
    score: float | None = None
    partner: int | None = None

    @property
    def count(self) -> int:
        """How many times the article mentions it."""
        return max(1, len(self.spans))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "lang": self.lang,
            "start": self.start,
            "end": self.end,
            "segment": self.segment,
            "pair": self.pair,
            "spans": [list(s) for s in self.spans],
            "value": self.value,
            "score": None if self.score is None else round(float(self.score), 4),
            "partner": self.partner,
        }


@dataclass(frozen=True, slots=True)
class SharedItem:
    """A name, number or date both articles report (its first mention on each side).

    Attributes:
        kind: ``"name"``, ``"number"`` or ``"date"``.
        arabic: The Arabic form, ``arabic_article.text[arabic_start:arabic_end]``.
        english: The English form, ``english_article.text[english_start:english_end]``.
        arabic_start: Offset into the Arabic `Article.text`.
        arabic_end: End offset into the Arabic text.
        english_start: Offset into the English `Article.text`.
        english_end: End offset into the English text.
        arabic_segment: Segment index of the Arabic mention.
        english_segment: Segment index of the English mention.
        value: The shared anchors for numbers and dates, the match source for names.
    """

    kind: str
    arabic: str
    english: str
    arabic_start: int
    arabic_end: int
    english_start: int
    english_end: int
    arabic_segment: int
    english_segment: int
    value: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "arabic": self.arabic,
            "english": self.english,
            "arabic_span": [self.arabic_start, self.arabic_end],
            "english_span": [self.english_start, self.english_end],
            "arabic_segment": self.arabic_segment,
            "english_segment": self.english_segment,
            "value": self.value,
        }


@dataclass(frozen=True, slots=True)
class Differences:
    """What only one version says, and the names, numbers and dates both report.

    Attributes:
        arabic_only: Items only the Arabic article has, passages first, then in text order.
        english_only: Items only the English article has.
        shared: Names, numbers and dates both articles report.
        clause_threshold: The score under which a clause was reported.
    """

    arabic_only: tuple[DifferenceItem, ...]
    english_only: tuple[DifferenceItem, ...]
    shared: tuple[SharedItem, ...]
    clause_threshold: float = CLAUSE_THRESHOLD

    def items(self, kind: str | None = None) -> tuple[DifferenceItem, ...]:
        """Every one-sided item (Arabic, then English), of one kind if given.

        Raises:
            UnknownNameError: ``kind`` is not one of `KINDS` (``"names"`` for ``"name"``).
        """
        if kind is not None and kind not in KINDS:
            raise UnknownNameError("difference kind", str(kind), KINDS)
        both = self.arabic_only + self.english_only
        return both if kind is None else tuple(i for i in both if i.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause_threshold": self.clause_threshold,
            "arabic_only": [i.to_dict() for i in self.arabic_only],
            "english_only": [i.to_dict() for i in self.english_only],
            "shared": [s.to_dict() for s in self.shared],
        }


# --------------------------------------------------------------------------- entry point


def differences(
    res: Alignment,
    *,
    clause_threshold: float = CLAUSE_THRESHOLD,
    clauses: bool = True,
) -> Differences:
    """Report what only one version of the story says.

    Besides whole one-sided passages, the clauses of a linked sentence that the
    other side of its link does not render are reported, and so are the clauses
    of a **partly shared** one-sided sentence: one that another sentence of the
    other article (its ``partner``) renders in part (`PARTIAL_THRESHOLD`); its
    passage item stays, as no sentence is its counterpart.

    Args:
        res: The alignment (`bialign.align`).
        clause_threshold: Report a clause of a linked (or partly shared) sentence
            whose score (how well the other side of its link, or its partner,
            renders it) is below this (0 to 1).
        clauses: Compare clauses inside links and in partly shared one-sided
            sentences (needs the sentence encoder); ``False`` leaves clauses out.

    Returns:
        The `Differences`.

    Raises:
        InputTypeError: ``res`` is not an `Alignment`.
        OptionError: ``clause_threshold`` is not a number in [0, 1], or ``clauses`` is
            not True or False.
    """
    from .result import Alignment

    if not isinstance(res, Alignment):
        raise InputTypeError(
            f"res must be an Alignment, got {type(res).__name__}", res, "Alignment"
        )
    if (
        isinstance(clause_threshold, bool)
        or not isinstance(clause_threshold, int | float)
        or not 0.0 <= float(clause_threshold) <= 1.0
    ):
        raise OptionError("clause_threshold", clause_threshold, "a number in [0, 1]")
    flag("clauses", clauses)
    ar_items: list[DifferenceItem] = []
    en_items: list[DifferenceItem] = []
    for passage in res.arabic_passages:
        ar_items.append(_passage_item(res.arabic, passage.segments, "ar"))
    for passage in res.english_passages:
        en_items.append(_passage_item(res.english, passage.segments, "en"))
    a_names, e_names, shared_names = _names(res)
    a_nums, e_nums, shared_nums = _numbers(res)
    rest_ar: list[DifferenceItem] = [*a_names, *a_nums]
    rest_en: list[DifferenceItem] = [*e_names, *e_nums]
    if clauses:
        a_cl, e_cl = _clauses(res, float(clause_threshold))
        rest_ar.extend(a_cl)
        rest_en.extend(e_cl)
        a_cl, e_cl = _partial_clauses(res, float(clause_threshold))
        rest_ar.extend(a_cl)
        rest_en.extend(e_cl)
    rest_ar.sort(key=lambda i: (i.start, i.end, i.kind))
    rest_en.sort(key=lambda i: (i.start, i.end, i.kind))
    shared = sorted([*shared_names, *shared_nums], key=lambda s: (s.arabic_start, s.kind))
    return Differences(
        tuple(ar_items + rest_ar),
        tuple(en_items + rest_en),
        tuple(shared),
        float(clause_threshold),
    )


def _passage_item(art: Article, segs: Sequence[Segment], lang: str) -> DifferenceItem:
    start, end = segs[0].start, segs[-1].end
    return DifferenceItem(
        "passage",
        art.text[start:end],
        lang,
        start,
        end,
        segs[0].index,
        spans=((start, end),),
    )


def _seg_span(seg: Segment, start: int, end: int) -> tuple[int, int]:
    return seg.start + start, seg.start + end


def _compared(art: Article) -> list[Segment]:
    return [s for s in art.segments if s.role not in _SKIPPED_ROLES]


# --------------------------------------------------------------------------- names


@dataclass(frozen=True, slots=True)
class _Mention:
    segment: int
    start: int  # article offsets
    end: int
    text: str
    key: str
    kind: str  # gazetteer kind or ""
    # Every gazetteer row of the form is a nationality row ("Russian"; not "US" or "Gulf",
    # which are also a country's or a region's forms).
    adjective: bool = False


@functools.cache
def _name_cues() -> tuple[frozenset[str], tuple[regex.Pattern[str], ...]]:
    path = resource_path("difference_names.toml")
    data = read_toml(path)
    try:
        given = frozenset(normalize_arabic(w) for w in data["ar"]["given_names"])
        pats = tuple(regex.compile(p) for p in data["ar"]["foreign_patterns"])
    except (KeyError, TypeError, regex.error) as exc:
        raise ResourceError(f"{path}: malformed name cues: {exc}", str(path)) from exc
    return given, pats


@functools.cache
def _peoples() -> frozenset[str]:
    path = resource_path("difference_names.toml")
    try:
        return frozenset(w.casefold() for w in read_toml(path)["peoples"]["en"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise ResourceError(f"{path}: malformed [peoples]: {exc}", str(path)) from exc


def _is_people(key: str) -> bool:
    """Whether gazetteer row ``key`` (``g:…``) names a people without a state of its own
    (``difference_names.toml``, ``[peoples]``): its adjective is a name of its own."""
    return key.startswith("g:") and any(v.casefold() in _peoples() for v in _gaz_row(key).english)


def _adjective(ids: Iterable[int]) -> bool:
    from .names.mentions import gazetteer_entry

    return all(gazetteer_entry(i).kind == "nationality" for i in ids)


def _gaz_kind(ids: Iterable[int]) -> str:
    from .names.mentions import gazetteer_entry

    kinds = {gazetteer_entry(i).kind for i in ids}
    if "nationality" in kinds:
        return "nationality"
    return sorted(kinds)[0] if kinds else ""


_LATIN_RUN = regex.compile(r"\p{Lu}[\p{L}\p{M}]+(?:[ \-]\p{Lu}[\p{L}\p{M}]+)*")
_AR_CLITIC = regex.compile(r"^[وفبلك](?=ال)|^[وف]")


def _arabic_mentions(seg: Segment) -> list[_Mention]:
    """Name mentions of one Arabic segment: gazetteer forms, Latin names, person names."""
    from .names.mentions import arabic_names

    text = seg.text
    if not text.strip():
        return []
    p = arabic_names(text)
    out: list[_Mention] = []
    covered = bytearray(len(text))
    for hit in p.gazetteer:
        s, e = hit.start, hit.end
        covered[s:e] = b"\x01" * (e - s)
        a, b = _seg_span(seg, s, e)
        key = "g:" + str(min(hit.ids))
        out.append(
            _Mention(seg.index, a, b, text[s:e], key, _gaz_kind(hit.ids), _adjective(hit.ids))
        )
    given, pats = _name_cues()
    for run in p.runs:
        units = list(run)
        keys = [normalize_arabic(text[us:ue]) for us, ue in units]
        # start at a given name or at the first word shaped like a foreign name
        first = None
        for n, key in enumerate(keys):
            bare = _AR_CLITIC.sub("", key)
            if bare in given or key in given or any(pt.search(bare) for pt in pats):
                first = n
                break
        if first is None:
            continue
        units = units[first:]
        s, e = units[0][0], units[-1][1]
        if covered.find(1, s, e) != -1:
            continue
        a, b = _seg_span(seg, s, e)
        out.append(_Mention(seg.index, a, b, text[s:e], "a:" + normalize_arabic(text[s:e]), ""))
    for m in _LATIN_RUN.finditer(text):
        if len(m.group()) >= 2:
            a, b = _seg_span(seg, m.start(), m.end())
            out.append(_Mention(seg.index, a, b, m.group(), "l:" + m.group().casefold(), ""))
    return out


def _english_mentions(
    seg: Segment,
    lowered: frozenset[str] = frozenset(),
    named: frozenset[str] = frozenset(),
) -> list[_Mention]:
    """Name mentions of one English segment: gazetteer forms and capitalised runs.

    A capitalised run that is only everyday words (`_common_word`; ``lowered``: the words
    the article writes in lower case; ``named``: those it capitalises inside a sentence,
    which are names) is no name when it is one word opening a sentence or a list item
    ("Prices rose", "Experts say"), opens a table cell ("| Training Programs |"), or
    stands in a heading (`_is_heading`: "Focus Area").
    """
    from .names.mentions import english_names

    text = seg.text
    if not text.strip():
        return []
    p = english_names(text)
    heading = _is_heading(seg)
    lead = len(text) - len(text.lstrip(_OPENERS))
    out: list[_Mention] = []
    covered = bytearray(len(text))
    for hit in p.gazetteer:
        s, e = hit.start, hit.end
        covered[s:e] = b"\x01" * (e - s)
        a, b = _seg_span(seg, s, e)
        key = "g:" + str(min(hit.ids))
        out.append(
            _Mention(seg.index, a, b, text[s:e], key, _gaz_kind(hit.ids), _adjective(hit.ids))
        )
    for run in p.runs:
        s, e = run[0][0], run[-1][1]
        if covered.find(1, s, e) != -1:
            continue
        before = text[max(0, s - _LOOK_BACK) : s]  # a few characters: linear in the text
        cell = _CELL_START.search(before) is not None
        opens = cell or s <= lead or _SENTENCE_START.search(before) is not None
        if ((opens and len(run) == 1) or heading or cell) and all(
            _common_word(w, lowered, named) for w in _EN_WORD.findall(text[s:e])
        ):
            continue
        a, b = _seg_span(seg, s, e)
        out.append(_Mention(seg.index, a, b, text[s:e], "e:" + text[s:e].casefold(), ""))
    return out


_EN_WORD = regex.compile(r"\p{L}[\p{L}\p{M}']*")
# What may stand before the first word of a sentence or list item (after its end).
_OPENERS = " \t\"'“‘([*•–-"
_SENTENCE_START = regex.compile(r"(?:[.!?:;]\s+|\n)[\s\"'“‘(\[*•–-]*$")
# The start of a table cell ("| Training Programs | ..."), where headers are in title case.
_CELL_START = regex.compile(r"\|\s*$")
_LOOK_BACK = 12


def _is_heading(seg: Segment) -> bool:
    """A headline or subheading, or a short segment in title case without a sentence's end
    ("Strategic Implications"): where everyday words get capitals."""
    if seg.role in ("headline", "subheading"):
        return True
    words = _EN_WORD.findall(seg.text)
    return (
        2 <= len(words) <= 12
        and not seg.text.rstrip().endswith((".", "!", "?", "…", '"', "”"))
        and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
    )


def _named_words(segments: Sequence[Segment]) -> frozenset[str]:
    """Words an English article capitalises inside a sentence (not its first word, not in
    a heading or a table): names, even when they are also everyday words (Rice, Brown)."""
    out: set[str] = set()
    for seg in segments:
        if _is_heading(seg) or "|" in seg.text:
            continue
        for sentence in regex.split(r"(?<=[.!?:;])\s+|\n", seg.text):
            words = _EN_WORD.findall(sentence)
            out.update(w.casefold() for w in words[1:] if w[0].isupper())
    return frozenset(out)


def _common_word(word: str, lowered: frozenset[str], named: frozenset[str] = frozenset()) -> bool:
    """Whether an English word is an everyday word: the article writes it in lower case
    elsewhere, or, unless the article capitalises it inside a sentence (a name: Rice),
    its lower-case form is a whole word of the sentence encoder's vocabulary (which holds
    frequent words, not rare names: "prices" and "experts" are in it, "mekdad" and
    "shaibani" are not)."""
    low = word.casefold()
    return low in lowered or (low not in named and _in_encoder_vocabulary(low))


@functools.lru_cache(maxsize=65536)
def _in_encoder_vocabulary(word: str) -> bool:
    vocab = _encoder_vocabulary()
    return vocab is not None and vocab.piece_to_id("\u2581" + word) != vocab.unk_id()


@functools.cache
def _encoder_vocabulary() -> Any:
    """The encoder's sentencepiece model (None without ``sentencepiece`` or the encoder)."""
    try:
        import sentencepiece

        from .scorers.embedding import _encoder_resources

        return sentencepiece.SentencePieceProcessor(
            model_file=str(_encoder_resources() / "sp.model")
        )
    except (ImportError, OSError, RuntimeError):
        return None


class _Spans:
    """Spans of an article (matched names), asked which ones overlap a stretch of text:
    sorted by start, so that only the spans starting near it are looked at."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self._order = sorted(range(len(spans)), key=lambda k: spans[k])
        self._spans = [spans[k] for k in self._order]
        self._starts = [s for s, _ in self._spans]
        self._longest = max((e - s for s, e in self._spans), default=0)

    def overlapping(self, start: int, end: int) -> Iterator[int]:
        """The indices (in the order given) of the spans that overlap ``[start, end)``."""
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_left(self._starts, end)
        for k in range(lo, hi):
            s, e = self._spans[k]
            if start < e and s < end:
                yield self._order[k]

    def overlaps(self, m: _Mention) -> bool:
        return next(self.overlapping(m.start, m.end), None) is not None


def _words(text: str) -> set[str]:
    return {
        w.removeprefix("al-").removeprefix("el-")
        for w in regex.findall(r"[\p{L}\p{M}\-]+", text.casefold().replace("’s", ""))
    }


def _names(
    res: Alignment,
) -> tuple[list[DifferenceItem], list[DifferenceItem], list[SharedItem]]:
    from .names import match_names

    ar_segs, en_segs = _compared(res.arabic), _compared(res.english)
    # Mentions are looked for in the compared segments, matches in the whole other article.
    ar_all, en_all = list(res.arabic.segments), list(res.english.segments)
    ar_text = "\n".join(s.text for s in ar_all)
    en_text = "\n".join(s.text for s in en_all)
    # Where each segment sits in the joined text (match_names runs on whole articles).
    ar_at = _offsets(ar_all)
    en_at = _offsets(en_all)
    ar_matched: list[tuple[int, int]] = []  # article offsets
    en_matched: list[tuple[int, int]] = []
    shared: list[SharedItem] = []
    seen_shared: set[str] = set()
    shared_words_ar: set[str] = set()
    shared_words_en: set[str] = set()
    # Every match of an Arabic mention in the English article, then those kept.
    found: list[tuple[Any, Segment, Segment, tuple[int, int], tuple[int, int]]] = []
    for seg in ar_segs:
        for m in match_names(seg.text, en_text):
            if _nationality_match(m.arabic, m.english):
                continue
            en_seg, en_off = _locate(en_at, en_all, m.english_span[0])
            a = _seg_span(seg, *m.arabic_span)
            e = (
                en_seg.start + m.english_span[0] - en_off,
                en_seg.start + m.english_span[1] - en_off,
            )
            found.append((m, seg, en_seg, a, e))
    wrong = _inside_another_name(found)
    for k, (m, seg, en_seg, a, e) in enumerate(found):
        if k in wrong:
            continue
        ar_matched.append(a)
        en_matched.append(e)
        shared_words_ar |= {normalize_arabic(w) for w in m.arabic.split()}
        shared_words_en |= _words(m.english)
        key = m.english.casefold().removeprefix("al-")
        if key in seen_shared:
            continue
        seen_shared.add(key)
        shared.append(
            SharedItem(
                "name",
                res.arabic.text[a[0] : a[1]],
                res.english.text[e[0] : e[1]],
                a[0],
                a[1],
                e[0],
                e[1],
                seg.index,
                en_seg.index,
                m.source,
            )
        )
    for seg in en_segs:
        for m in match_names(ar_text, seg.text):
            if _nationality_match(m.arabic, m.english):
                continue
            en_matched.append(_seg_span(seg, *m.english_span))
            ar_seg, ar_off = _locate(ar_at, ar_all, m.arabic_span[0])
            ar_matched.append(
                (ar_seg.start + m.arabic_span[0] - ar_off, ar_seg.start + m.arabic_span[1] - ar_off)
            )
            shared_words_ar |= {normalize_arabic(w) for w in m.arabic.split()}
            shared_words_en |= _words(m.english)
    en_fold = en_text.casefold()
    ar_fold = normalize_arabic(ar_text)
    ar_mentions = {seg.index: _arabic_mentions(seg) for seg in ar_all}
    ar_spans, en_spans = _Spans(ar_matched), _Spans(en_matched)
    # Stems of what each article names (for nationality adjectives: الصيني when China is named).
    ar_stems = {
        v.casefold()[:4]
        for mentions in ar_mentions.values()
        for m in mentions
        if m.key.startswith("g:")
        for v in _gaz_row(m.key).english
    }
    en_stems = {w.casefold()[:4] for w in regex.findall(r"\p{L}+", en_text)}
    ar_only = [
        m
        for seg in ar_segs
        for m in ar_mentions[seg.index]
        if not ar_spans.overlaps(m)
        and not (m.key.startswith("l:") and m.key[2:] in en_fold)
        and not (m.key.startswith("g:") and _gaz_in(m.key, en_fold, "en"))
        # A nationality adjective is no name of its own, unless it stands for a people
        # the other article never mentions.
        and not (
            m.kind == "nationality"
            and (
                (m.adjective and not _is_people(m.key))
                or any(v.casefold()[:4] in en_stems for v in _gaz_row(m.key).english)
            )
        )
        and not {normalize_arabic(w) for w in m.text.split()} <= shared_words_ar
    ]
    # The words the English article writes in lower case (everyday words, not names), and
    # those it capitalises inside a sentence (names).
    lowered = frozenset(w for w in _EN_WORD.findall(en_text) if w[0].islower())
    named = _named_words(en_all)
    en_only = [
        m
        for seg in en_segs
        for m in _english_mentions(seg, lowered, named)
        if not en_spans.overlaps(m)
        and not _words(m.text) <= shared_words_en
        and not (m.key.startswith("g:") and _gaz_in(m.key, ar_fold, "ar"))
        and not (
            m.kind == "nationality"
            and ((m.adjective and not _is_people(m.key)) or m.text.casefold()[:4] in ar_stems)
        )
    ]
    return (
        _group(ar_only, res.arabic, "ar"),
        _group(en_only, res.english, "en"),
        _outermost(shared),
    )


def _inside_another_name(found: Sequence[tuple[Any, Any, Any, Any, tuple[int, int]]]) -> set[int]:
    """The matches (indices into ``found``) whose English form lies inside a longer English
    match of another name: الأسد on the "Assad" of Assad al-Shaibani, whose Arabic أسعد
    الشيباني does not hold الأسد. (Inside a longer match of the same name, al-Shaibani in
    Asaad al-Shaibani, a match stands.) Only the matches starting near it are compared."""
    from .names.mentions import arabic_name_word

    words = [frozenset(arabic_name_word(w) for w in f[0].arabic.split()) for f in found]
    spans = _Spans([f[4] for f in found])
    wrong: set[int] = set()
    for k, (_, _, _, _, e) in enumerate(found):
        for j in spans.overlapping(*e):
            oe = found[j][4]
            contains = j != k and oe[0] <= e[0] and e[1] <= oe[1] and oe[1] - oe[0] > e[1] - e[0]
            if contains and not words[k] <= words[j]:
                wrong.add(k)
                break
    return wrong


def _outermost(shared: list[SharedItem]) -> list[SharedItem]:
    """The shared names without those inside a longer shared name, on either side: one
    item per name (بشار الأسد = Bashar al-Assad, not also بشار = Bashar), and no match on
    a part of another person's name (الأسد = the "Assad" of Assad al-Shaibani)."""

    def inside(a: SharedItem, b: SharedItem) -> bool:
        ar = b.arabic_start <= a.arabic_start and a.arabic_end <= b.arabic_end
        en = b.english_start <= a.english_start and a.english_end <= b.english_end
        longer = (b.arabic_end - b.arabic_start, b.english_end - b.english_start) > (
            a.arabic_end - a.arabic_start,
            a.english_end - a.english_start,
        )
        return (ar or en) and longer

    return [s for s in shared if not any(o is not s and inside(s, o) for o in shared)]


def _gaz_row(key: str) -> GazetteerEntry:
    from .names.mentions import gazetteer_entry

    return gazetteer_entry(int(key[2:]))


def _gaz_in(key: str, folded_text: str, lang: str) -> bool:
    """Whether a form of gazetteer row ``key`` stands in the other article (any case)."""
    row = _gaz_row(key)
    arabic, english = row.arabic, row.english
    if lang == "ar":
        return normalize_arabic(arabic) in folded_text
    return any(regex.search(rf"\b{regex.escape(v.casefold())}\b", folded_text) for v in english)


def _nationality_match(arabic: str, english: str) -> bool:
    from .names.mentions import is_nationality

    return is_nationality(arabic, english)


def _offsets(segs: Sequence[Segment]) -> list[int]:
    out, pos = [], 0
    for s in segs:
        out.append(pos)
        pos += len(s.text) + 1
    return out


def _locate(at: Sequence[int], segs: Sequence[Segment], pos: int) -> tuple[Segment, int]:
    import bisect

    k = max(0, bisect.bisect_right(at, pos) - 1)
    return segs[k], at[k]


# Spellings of one transliterated sound (Faysal / Faisal, Youssef / Yusuf): `_name_words`.
_SPELLINGS = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("y", "i"))


def _name_words(key: str) -> frozenset[str]:
    """The words of a name mention's key as `_group` compares them, empty for a gazetteer
    row (grouped by its row): Latin words case-folded, without al-/el- and doubled letters,
    with the spellings of one sound made one (Faysal and Faisal are one; Hassan and
    Hussein, Amir and Omar are not), Arabic words normalised and without the article."""
    kind, _, text = key.partition(":")
    if kind in ("e", "l"):
        words = (
            w.removeprefix("al-").removeprefix("el-")
            for w in regex.findall(r"[\p{L}\-]+", text.replace("'s", ""))
        )
        out = set()
        for w in words:
            w = w.replace("-", "")
            for a, b in _SPELLINGS:
                w = w.replace(a, b)
            w = regex.sub(r"(.)\1+", r"\1", w)
            if w:
                out.add(w)
        return frozenset(out)
    if kind == "a":
        from .names.mentions import arabic_name_word

        return frozenset(arabic_name_word(w) for w in text.split())
    return frozenset()


def _group(mentions: list[_Mention], art: Article, lang: str) -> list[DifferenceItem]:
    """One item per name: the mentions of one key, and those of a spelling variant
    (Faysal / Faisal Mekdad) or of a part of one longer name (Mekdad, بشار) that no other
    name contains; the item is its first mention (news names a person in full first)."""
    by_key: dict[str, list[_Mention]] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        by_key.setdefault(m.key, []).append(m)
    # Keys with the same words become one group; then a group whose words are part of
    # exactly one other group's joins it (shortest first).
    words = {k: _name_words(k) for k in by_key}
    into: dict[str, str] = {}
    first_of: dict[frozenset[str], str] = {}
    for k in by_key:
        if words[k]:
            into[k] = first_of.setdefault(words[k], k)
    # A Latin name in the Arabic text (a dateline's "Istanbul") joins the gazetteer row
    # whose English form it is (إسطنبول).
    rows = {v.casefold(): k for k in by_key if k.startswith("g:") for v in _gaz_row(k).english}
    for k in by_key:
        if k.startswith("l:") and k[2:] in rows:
            into[k] = rows[k[2:]]
    heads = [k for k in by_key if into.get(k, k) == k]
    for k in sorted(heads, key=lambda k: len(words[k])):
        if not words[k]:
            continue
        larger = {
            into.get(h, h) for h in heads if h != k and words[k] < words[h] and into.get(h, h) != k
        }
        if len(larger) == 1:
            target = larger.pop()
            for key, head in list(into.items()):
                if head == k:
                    into[key] = target
            into[k] = target
    merged: dict[str, list[_Mention]] = {}
    for k, group in by_key.items():
        merged.setdefault(into.get(k, k), []).extend(group)
    out = []
    for group in merged.values():
        group.sort(key=lambda m: m.start)
        first = group[0]
        out.append(
            DifferenceItem(
                "name",
                art.text[first.start : first.end],
                lang,
                first.start,
                first.end,
                first.segment,
                spans=tuple((m.start, m.end) for m in group),
                value=first.kind,
            )
        )
    return out


# --------------------------------------------------------------------------- numbers

# A number with its separators and percent sign, Arabic ones included (٣٫٥٪, ١٬٠٠٠), or a word.
_NUM_TOKEN = regex.compile(r"\p{N}+(?:[.,/٫٬]\p{N}+)*[%٪]?|[\p{L}\p{M}]+")
_JOIN_GAP = regex.compile(r"[\s/\-–,،]*")


@dataclass(frozen=True, slots=True)
class _Anchor:
    segment: int
    start: int
    end: int
    items: frozenset[str]


def _anchor_mentions(art: Article, lang: str) -> list[_Anchor]:
    """Number and date expressions of an article, with their anchors."""
    from .scorers.anchors import extract_anchors, needs_neighbour

    out: list[_Anchor] = []
    for seg in _compared(art):
        text = seg.text
        toks = list(_NUM_TOKEN.finditer(text))
        found: list[tuple[int, int, frozenset[str]]] = []
        singles = [extract_anchors(t.group(), lang).items for t in toks]
        # Tokens that may make an anchor with a neighbour (a window of two is read only
        # around them: most pairs of words hold none).
        live = [bool(singles[k]) or needs_neighbour(t.group(), lang) for k, t in enumerate(toks)]
        for k, tok in enumerate(toks):
            if singles[k]:
                found.append((tok.start(), tok.end(), singles[k]))
            if k + 1 < len(toks) and (live[k] or live[k + 1]):
                window = text[tok.start() : toks[k + 1].end()]
                extra = extract_anchors(window, lang).items - singles[k] - singles[k + 1]
                if extra:
                    found.append((tok.start(), toks[k + 1].end(), extra))
        found.sort()
        merged: list[list[Any]] = []
        for s, e, items in found:
            if merged and (
                s < merged[-1][1] or _JOIN_GAP.fullmatch(text[merged[-1][1] : s]) is not None
            ):
                merged[-1][1] = max(merged[-1][1], e)
                merged[-1][2] = merged[-1][2] | items
            else:
                merged.append([s, e, items])
        for s, e, items in merged:
            piece = fold_digits(text[s:e])
            small_word = not any(c.isdigit() for c in piece) and items <= {
                "number:1",
                "number:2",
            }
            if small_word:
                continue
            a, b = _seg_span(seg, s, e)
            out.append(_Anchor(seg.index, a, b, frozenset(items)))
    return out


def _anchor_kind(items: Iterable[str]) -> str:
    return "date" if any(i.split(":", 1)[0] in _DATE_KINDS for i in items) else "number"


def _numbers(
    res: Alignment,
) -> tuple[list[DifferenceItem], list[DifferenceItem], list[SharedItem]]:
    ar = _anchor_mentions(res.arabic, "ar")
    en = _anchor_mentions(res.english, "en")
    ar_all = frozenset().union(*(m.items for m in ar)) if ar else frozenset()
    en_all = frozenset().union(*(m.items for m in en)) if en else frozenset()
    shared: list[SharedItem] = []
    seen: set[frozenset[str]] = set()
    for m in ar:
        common = m.items & en_all
        if not common:
            continue
        best = max(en, key=lambda x: (len(x.items & m.items), -x.start))
        key = best.items & m.items
        if key in seen:
            continue
        seen.add(key)
        shared.append(
            SharedItem(
                _anchor_kind(key),
                res.arabic.text[m.start : m.end],
                res.english.text[best.start : best.end],
                m.start,
                m.end,
                best.start,
                best.end,
                m.segment,
                best.segment,
                " ".join(sorted(key)),
            )
        )
    return (
        _anchor_items(ar, en_all, res.arabic, "ar"),
        _anchor_items(en, ar_all, res.english, "en"),
        shared,
    )


def _anchor_items(
    mentions: list[_Anchor], other: frozenset[str], art: Article, lang: str
) -> list[DifferenceItem]:
    groups: dict[frozenset[str], list[_Anchor]] = {}
    for m in mentions:
        if m.items & other:
            continue
        groups.setdefault(m.items, []).append(m)
    out = []
    for items, group in groups.items():
        first = group[0]
        out.append(
            DifferenceItem(
                _anchor_kind(items),
                art.text[first.start : first.end],
                lang,
                first.start,
                first.end,
                first.segment,
                spans=tuple((m.start, m.end) for m in group),
                value=" ".join(sorted(items)),
            )
        )
    return out


# --------------------------------------------------------------------------- clauses


@dataclass(frozen=True, slots=True)
class _Cues:
    min_words: int
    openers: regex.Pattern[str] | None
    attributions: tuple[regex.Pattern[str], ...]


@functools.cache
def _clause_cues() -> dict[str, _Cues]:
    path = resource_path("clause_cues.toml")
    data = read_toml(path)
    out: dict[str, _Cues] = {}
    try:
        for lang in ("ar", "en"):
            words = [str(w) for w in data[lang]["openers"]]
            if lang == "ar":
                words = [normalize_arabic(w) for w in words]
            alt = "|".join(map(regex.escape, sorted(words, key=len, reverse=True)))
            pat = None
            if alt:
                pat = regex.compile(
                    rf"(?<!\p{{Arabic}})(?:{alt})(?!\p{{Arabic}})"
                    if lang == "ar"
                    else rf"(?i)\b(?:{alt})\b"
                )
            attrib = tuple(
                regex.compile(normalize_arabic(str(a)) if lang == "ar" else str(a))
                for a in data[lang].get("attributions", [])
            )
            out[lang] = _Cues(int(data[lang]["min_words"]), pat, attrib)
    except (KeyError, TypeError, ValueError, regex.error) as exc:
        raise ResourceError(f"{path}: malformed clause cues: {exc}", str(path)) from exc
    return out


_CLAUSE_PUNCT = regex.compile(r"[,،;؛:]")
_OPENING_QUOTES = frozenset("“«")
_CLOSING_QUOTES = frozenset("”»")
_TRIM = " \t\n.,،;؛:!?؟\"“”«»()[]'’-–—"
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


def _closing_quotes(text: str) -> list[int]:
    """Offsets just after each closing quotation mark (straight quotes alternate open/close)."""
    out = []
    straight_open = False
    for k, ch in enumerate(text):
        if ch in _CLOSING_QUOTES:
            out.append(k + 1)
        elif ch == '"':
            if straight_open:
                out.append(k + 1)
            straight_open = not straight_open
    return out


def _check_text(text: object, lang: object) -> None:
    if not isinstance(text, str):
        raise InputTypeError(f"text must be a str, got {type(text).__name__}", text, "str")
    if lang not in ("ar", "en"):
        raise OptionError("lang", lang, '"ar" or "en"')


def is_attribution(text: str, lang: str) -> bool:
    """Whether ``text`` only says who said something ("وفق المصدر", "he said").

    The patterns are the ``attributions`` of ``resources/clause_cues.toml``; they are
    matched against the whole text, without its edge punctuation, case-folded (English)
    or normalised (Arabic).

    Raises:
        InputTypeError: ``text`` is not a string.
        OptionError: ``lang`` is not ``"ar"`` or ``"en"``.

    Examples:
        >>> is_attribution("according to the statement", "en"), is_attribution("he said", "en")
        (True, True)
        >>> is_attribution("Syria will not allow it", "en")
        False
    """
    _check_text(text, lang)
    s, e = _trim(text, 0, len(text))
    probe = " ".join(text[s:e].split())
    probe = normalize_arabic(probe) if lang == "ar" else probe.casefold()
    return any(p.fullmatch(probe) for p in _clause_cues()[lang].attributions)


def split_clauses(text: str, lang: str) -> list[tuple[int, int]]:
    """Split a sentence into clauses, as ``(start, end)`` offsets into ``text``.

    Splits at ``, ، ; ؛ :`` and closing quotation marks (an opening quote stays with
    the words that introduce it), and before the cue words of
    ``resources/clause_cues.toml``. A fragment with fewer words than the file's
    ``min_words`` is joined to the clause after it (or before it, at the end).
    Fragments that only attribute (`is_attribution`: "he said", "وفق المصدر") are not
    clauses and are left out. Leading and trailing spaces and punctuation are left out
    of each clause.

    Args:
        text: One sentence (or a few).
        lang: ``"ar"`` or ``"en"``.

    Returns:
        The clauses' spans, in order; ``[]`` for a text with no words.

    Raises:
        InputTypeError: ``text`` is not a string.
        OptionError: ``lang`` is not ``"ar"`` or ``"en"``.

    Examples:
        >>> text = "Syria and China agreed to deepen ties, adding that talks went well, he said"
        >>> [text[s:e] for s, e in split_clauses(text, "en")]
        ['Syria and China agreed to deepen ties', 'adding that talks went well']
    """
    _check_text(text, lang)
    cues = _clause_cues()[lang]
    cuts = {0, len(text)}
    for m in _CLAUSE_PUNCT.finditer(text):
        cuts.add(m.end())
    cuts.update(_closing_quotes(text))
    if cues.openers is not None:
        # Arabic cue words are matched on the normalised text (same length without marks).
        probe = normalize_arabic(text) if lang == "ar" else text
        if len(probe) == len(text):
            for m in cues.openers.finditer(probe):
                cuts.add(m.start())
    bounds = sorted(cuts)
    pieces: list[list[int]] = []
    for s, e in itertools.pairwise(bounds):
        s2, e2 = _trim(text, s, e)
        if s2 < e2 and _WORD.search(text, s2, e2):
            if is_attribution(text[s2:e2], lang):
                continue
            pieces.append([s2, e2])
    # Short fragments join the clause after them (the last one the clause before it).
    merged: list[list[int]] = []
    carry: list[int] | None = None
    for piece in pieces:
        if carry is not None:
            piece = [carry[0], piece[1]]
            carry = None
        if len(_WORD.findall(text, piece[0], piece[1])) < cues.min_words:
            carry = piece
            continue
        merged.append(piece)
    if carry is not None:
        if merged:
            merged[-1][1] = carry[1]
        else:
            merged.append(carry)
    return [(s, e) for s, e in merged]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    return s, e


def _clauses(res: Alignment, threshold: float) -> tuple[list[DifferenceItem], list[DifferenceItem]]:
    # Per link, the clauses of each side: (segment, start, end) with offsets into the segment.
    jobs: list[tuple[int, list[tuple[Segment, int, int]], list[tuple[Segment, int, int]]]] = []
    for pid, p in enumerate(res.pairs):
        per_side = []
        for art, idx, lang in ((res.arabic, p.arabic, "ar"), (res.english, p.english, "en")):
            cl: list[tuple[Segment, int, int]] = []
            for i in idx:
                seg = art.segments[i]
                cl.extend((seg, s, e) for s, e in split_clauses(seg.text, lang))
            per_side.append(cl)
        if per_side[0] and per_side[1]:
            jobs.append((pid, per_side[0], per_side[1]))
    if not jobs:
        return [], []
    clause_texts = sorted(
        {seg.text[s:e] for _, ar_cl, en_cl in jobs for seg, s, e in (*ar_cl, *en_cl)}
    )
    whole = sorted(
        {res.pairs[pid].arabic_text for pid, _, _ in jobs}
        | {res.pairs[pid].english_text for pid, _, _ in jobs}
    )
    encoded = _encode_clauses(clause_texts, whole)
    ar_out: list[DifferenceItem] = []
    en_out: list[DifferenceItem] = []
    for pid, ar_cl, en_cl in jobs:
        p = res.pairs[pid]
        ar_texts = [seg.text[s:e] for seg, s, e in ar_cl]
        en_texts = [seg.text[s:e] for seg, s, e in en_cl]
        best_ar = _rendered(ar_texts, en_texts, p.english_text, encoded)
        best_en = _rendered(en_texts, ar_texts, p.arabic_text, encoded)
        for (seg, s, e), score in zip(ar_cl, best_ar, strict=True):
            if score < threshold and len(ar_cl) > 1:
                ar_out.append(_clause_item(res.arabic, seg, s, e, "ar", pid, float(score)))
        for (seg, s, e), score in zip(en_cl, best_en, strict=True):
            if score < threshold and len(en_cl) > 1:
                en_out.append(_clause_item(res.english, seg, s, e, "en", pid, float(score)))
    return ar_out, en_out


def _rendered(
    clauses: Sequence[str], other: Sequence[str], other_text: str, encoded: dict[str, Any]
) -> np.ndarray:
    """How well the other side of a link renders each clause, in [0, 1].

    A weighted mean of two signals (see `CLAUSE_WEIGHT`): the sentence encoder's best cosine of
    the clause with the other side's clauses and whole text, and the word-level recall of
    the lexical signal (`bialign.scorers.lexical`): the mean, over the clause's content
    words, of each word's best cosine with a content word of the other side's whole text.
    """
    out: np.ndarray = _rendered_by_each(clauses, [(other, other_text)], encoded)[0]
    return out


def _rendered_by_each(
    clauses: Sequence[str],
    others: Sequence[tuple[Sequence[str], str]],
    encoded: dict[str, Any],
) -> np.ndarray:
    """`_rendered` of ``clauses`` against each of ``others`` (its clauses, its whole text).

    Row k is ``_rendered(clauses, *others[k], encoded)``, computed with one product
    per clause for all of them: a one-sided sentence meets up to `PARTNER_CANDIDATES`.
    `_rendered` is this for one other side.
    """
    vec = np.stack([encoded[c].vector for c in clauses]).astype(np.float64)
    rows = [[*parts, text] for parts, text in others]
    ovec = np.stack([encoded[t].vector for r in rows for t in r]).astype(np.float64)
    starts = np.cumsum([0, *(len(r) for r in rows)])[:-1]
    cos = np.clip(np.maximum.reduceat(vec @ ovec.T, starts, axis=1), 0.0, 1.0)
    recall = np.zeros((len(others), len(clauses)))
    # The other side's words are its clauses' words (see `_encode_clauses`).
    words = [_joined_words([encoded[c] for c in parts]) for parts, _ in others]
    has = [k for k, w in enumerate(words) if len(w)]
    if has:
        pool = np.concatenate([words[k] for k in has])
        bounds = np.cumsum([0, *(len(words[k]) for k in has)])[:-1]
        for c, clause in enumerate(clauses):
            w = encoded[clause].words
            if len(w):
                best = np.maximum.reduceat(np.clip(w @ pool.T, 0.0, 1.0), bounds, axis=1)
                recall[has, c] = best.mean(axis=0)
    out: np.ndarray = CLAUSE_WEIGHT * cos.T + (1.0 - CLAUSE_WEIGHT) * recall
    return out


def _encode_clauses(clauses: Sequence[str], whole: Sequence[str]) -> dict[str, Any]:
    """The encoder's reading of clauses (vector and content-word vectors) and of whole
    texts (vector only), by text.

    A whole text's words are not encoded again: `_rendered_by_each` takes them from
    its clauses, each word read with its neighbours inside its clause. The encoder's
    token features only look a few tokens to each side, so they differ from the
    whole text's only at the clause edges, and the whole texts' vectors are the
    aligner's, already cached.
    """
    from .aligner import _Signals

    scorer: Any = _Signals.embedding()
    out = dict(zip(clauses, scorer.encode(list(clauses)), strict=True))
    rest = [t for t in whole if t not in out]
    out.update(zip(rest, scorer.encode(rest, words=False), strict=True))
    return out


def _joined_words(parts: Sequence[Any]) -> np.ndarray:
    """The content-word vectors of several encoded texts, in one matrix."""
    rows = [p.words for p in parts if len(p.words)]
    if rows:
        return np.concatenate(rows)
    return np.zeros((0, 1), dtype=np.float32)


def _clause_item(
    art: Article,
    seg: Segment,
    s: int,
    e: int,
    lang: str,
    pid: int | None,
    score: float,
    partner: int | None = None,
) -> DifferenceItem:
    a, b = _seg_span(seg, s, e)
    return DifferenceItem(
        "clause",
        art.text[a:b],
        lang,
        a,
        b,
        seg.index,
        pair=pid,
        spans=((a, b),),
        score=round(score, 4),
        partner=partner,
    )


def _partial_clauses(
    res: Alignment, threshold: float
) -> tuple[list[DifferenceItem], list[DifferenceItem]]:
    """The clauses of partly shared one-sided sentences (see `PARTIAL_THRESHOLD`).

    A one-sided body sentence of two clauses or more is compared, clause by clause
    (`_rendered`), with each of the `PARTNER_CANDIDATES` body sentences of the other
    article most similar to it (linked or not); the one whose best clause score is
    highest is its partner. When that score reaches `PARTIAL_THRESHOLD`, the
    sentence shares a fact with the partner and its clauses scoring below
    ``threshold`` are what it adds (never its best clause, the shared one).
    Sharing goes both ways: a partner that is itself one-sided (and has no
    partner of its own) is partly shared with the sentence when one of its
    clauses reaches ``threshold`` against it (the best-scoring sentence first,
    when several share a partner). One-sided means in `Alignment.arabic_only`
    or `Alignment.english_only`.
    """
    from .aligner import _Signals

    lonely_index = {
        "ar": {s.index for s in res.arabic_only},
        "en": {s.index for s in res.english_only},
    }
    sides = {"ar": (res.arabic, res.english, "en"), "en": (res.english, res.arabic, "ar")}
    body = {
        lang: [s for s in art.segments if s.role == "body"] for lang, (art, _, _) in sides.items()
    }
    lonely = {
        lang: [
            (seg, cl)
            for seg in body[lang]
            if seg.index in lonely_index[lang]
            for cl in [split_clauses(seg.text, lang)]
            if len(cl) > 1
        ]
        for lang in sides
    }
    if not (lonely["ar"] and body["en"]) and not (lonely["en"] and body["ar"]):
        return [], []
    scorer: Any = _Signals.embedding()
    # Sentence vectors only (the aligner encoded these sentences already, without words).
    vectors = {
        lang: np.stack([e.vector for e in scorer.encode([s.text for s in body[lang]], words=False)])
        if body[lang]
        else np.zeros((0, 1), dtype=np.float32)
        for lang in sides
    }
    where = {lang: {s.index: k for k, s in enumerate(body[lang])} for lang in sides}
    # For each one-sided sentence, its candidates on the other side (by sentence vector).
    wanted: dict[str, list[tuple[Segment, list[tuple[int, int]], list[Segment]]]] = {}
    other_clauses: dict[tuple[str, int], list[tuple[int, int]]] = {}
    texts: set[str] = set()  # whole sentences: their vectors
    all_clauses: set[str] = set()  # clauses: their vectors and words
    for lang, (_, _, olang) in sides.items():
        wanted[lang] = []
        if not body[olang]:
            continue
        for seg, cl in lonely[lang]:
            sims = vectors[olang] @ vectors[lang][where[lang][seg.index]]
            top = np.argsort(-sims, kind="stable")[:PARTNER_CANDIDATES].tolist()
            cands = [body[olang][k] for k in top]
            wanted[lang].append((seg, cl, cands))
            all_clauses |= {seg.text[s:e] for s, e in cl}
            texts.add(seg.text)
            for o in cands:
                key = (olang, o.index)
                if key not in other_clauses:
                    other_clauses[key] = split_clauses(o.text, olang)
                all_clauses |= {o.text[s:e] for s, e in other_clauses[key]}
                texts.add(o.text)
    encoded = _encode_clauses(sorted(all_clauses), sorted(texts - all_clauses))
    # Each partly shared sentence: its partner and its clauses' scores against it.
    shared: dict[tuple[str, int], tuple[int, np.ndarray]] = {}
    strength: dict[tuple[str, int], float] = {}
    for lang, (_, _, olang) in sides.items():
        for seg, cl, cands in wanted[lang]:
            clause_texts = [seg.text[s:e] for s, e in cl]
            others = [
                ([o.text[s:e] for s, e in other_clauses[(olang, o.index)]], o.text) for o in cands
            ]
            scores = _rendered_by_each(clause_texts, others, encoded)  # (candidates, clauses)
            tops = scores.max(axis=1)
            k = int(np.argmax(tops))  # the first of equal bests, as one by one
            if tops[k] >= PARTIAL_THRESHOLD:
                shared[(lang, seg.index)] = (cands[k].index, scores[k])
                strength[(lang, seg.index)] = float(tops[k])
    # Sharing goes both ways: a one-sided partner is partly shared with the sentence too.
    lonely_cl = {(lang, seg.index): (seg, cl) for lang in sides for seg, cl in lonely[lang]}
    for (lang, index), (partner, _) in sorted(
        shared.items(), key=lambda kv: (-strength[kv[0]], kv[0])
    ):
        olang = sides[lang][2]
        if (olang, partner) in shared or (olang, partner) not in lonely_cl:
            continue
        pseg, pcl = lonely_cl[(olang, partner)]
        seg = sides[lang][0].segments[index]
        parts = [seg.text[s:e] for s, e in lonely_cl[(lang, index)][1]]
        scores = _rendered([pseg.text[s:e] for s, e in pcl], parts, seg.text, encoded)
        if float(scores.max()) >= threshold:  # else it renders none of it: a passage
            shared[(olang, partner)] = (index, scores)
    out: dict[str, list[DifferenceItem]] = {"ar": [], "en": []}
    for (lang, index), (partner, scores) in sorted(shared.items()):
        art = sides[lang][0]
        seg, cl = lonely_cl[(lang, index)]
        top = int(np.argmax(scores))
        for k, ((s, e), score) in enumerate(zip(cl, scores, strict=True)):
            if score < threshold and k != top:
                out[lang].append(
                    _clause_item(art, seg, s, e, lang, None, float(score), partner=partner)
                )
    return out["ar"], out["en"]
