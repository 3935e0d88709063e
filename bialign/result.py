"""The alignment result: aligned pairs, one-language content, and the signature.

Stage 5 of the pipeline. Plain frozen dataclasses; the exporters
(`bialign.export`) read them, nothing here writes files.

Each class has one serialisation to plain data, the shape of the JSON form
(`bialign.export.to_json`): ``to_dict(precision=...)`` rounds scores and signals to
``precision`` decimals (``None``: full precision, as the JSON export writes them, so that
``from_dict`` gives back an equal object) and ``from_dict`` reads that shape back,
raising `InputError` with the place of the first problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from .document import VERDICTS, DocumentJudgment
from .errors import InputError
from .segmentation import Article, Segment

if TYPE_CHECKING:
    from os import PathLike
    from typing import IO

    from .differences import Differences

__all__ = ["PRECISION", "AlignedPair", "Alignment", "Evidence", "NameEvidence", "Passage"]

#: The decimals ``to_dict`` rounds scores and signals to by default.
PRECISION = 4


@dataclass(frozen=True, slots=True)
class NameEvidence:
    """A name matched between the two sides of a pair."""

    arabic: str
    english: str
    score: float
    source: str
    arabic_segment: int
    english_segment: int
    arabic_span: tuple[int, int]
    english_span: tuple[int, int]

    def to_dict(self, precision: int | None = PRECISION) -> dict[str, Any]:
        """The name as plain data, ``score`` rounded to ``precision`` decimals (``None``: not)."""
        return {
            "arabic": self.arabic,
            "english": self.english,
            "score": _number(self.score, precision),
            "source": self.source,
            "arabic_segment": int(self.arabic_segment),
            "english_segment": int(self.english_segment),
            "arabic_span": [int(x) for x in self.arabic_span],
            "english_span": [int(x) for x in self.english_span],
        }

    @classmethod
    def from_dict(cls, data: Any) -> NameEvidence:
        """The name `to_dict` wrote (`InputError` when ``data`` is not of that shape)."""
        return _parse(_name_from_dict, data, "name")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a pair was linked.

    Attributes:
        signals: Each signal's value for the pair (``embedding``, ``margin``,
            ``names``, ``anchors``, ``translation``, ``position`` …), in [0, 1]
            except ``margin`` (a ratio around 1).
        names: Names matched between the two sides.
        numbers: Number and date anchors both sides share (``year:2024``).
        conflicts: Kinds of anchors on which the sides disagree (``year``).
        single_scores: For merged pairs, the score of each one-sentence link
            the merge was built from, as ``((ar_index, en_index), score)``.
    """

    signals: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    names: tuple[NameEvidence, ...] = ()
    numbers: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    single_scores: tuple[tuple[tuple[int, int], float], ...] = ()

    def to_dict(self, precision: int | None = PRECISION) -> dict[str, Any]:
        """The evidence as plain data, numbers rounded to ``precision`` decimals.

        Args:
            precision: Decimals of the signals and scores; ``None`` keeps them whole
                (what `bialign.export.to_json` writes).
        """
        return {
            "signals": {str(k): _number(v, precision) for k, v in self.signals.items()},
            "names": [n.to_dict(precision) for n in self.names],
            "numbers": list(self.numbers),
            "conflicts": list(self.conflicts),
            "single_scores": [
                [[int(a), int(e)], _number(s, precision)] for (a, e), s in self.single_scores
            ],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Evidence:
        """The evidence `to_dict` wrote (`InputError` when ``data`` is not of that shape)."""
        return _parse(_evidence_from_dict, data, "evidence")


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """One link: Arabic sentence(s) that express the same content as English sentence(s).

    Attributes:
        arabic: Indices into ``Alignment.arabic.segments`` (sorted).
        english: Indices into ``Alignment.english.segments`` (sorted).
        arabic_text: The Arabic sentences joined with a space.
        english_text: The English sentences joined with a space.
        score: Combined score in [0, 1] (a calibrated probability that the link is right).
        evidence: The signals, names and numbers behind the link.
    """

    arabic: tuple[int, ...]
    english: tuple[int, ...]
    arabic_text: str
    english_text: str
    score: float
    evidence: Evidence = field(default_factory=Evidence)

    @property
    def link_type(self) -> str:
        """``"1-1"``, ``"2-1"`` (two Arabic, one English), ``"1-2"`` …"""
        return f"{len(self.arabic)}-{len(self.english)}"

    @property
    def index_pairs(self) -> tuple[tuple[int, int], ...]:
        """Every (arabic, english) index pair the link covers."""
        return tuple((a, e) for a in self.arabic for e in self.english)

    def to_dict(self, precision: int | None = PRECISION) -> dict[str, Any]:
        """The link as plain data (with its ``link_type``), scores rounded to ``precision``."""
        return {
            "arabic": [int(i) for i in self.arabic],
            "english": [int(i) for i in self.english],
            "arabic_text": self.arabic_text,
            "english_text": self.english_text,
            "score": _number(self.score, precision),
            "link_type": self.link_type,
            "evidence": self.evidence.to_dict(precision),
        }

    @classmethod
    def from_dict(cls, data: Any) -> AlignedPair:
        """The link `to_dict` wrote (`InputError` when ``data`` is not of that shape)."""
        return _parse(_pair_from_dict, data, "pair")


@dataclass(frozen=True, slots=True)
class Passage:
    """Consecutive one-language segments of one side (a run of content with no counterpart)."""

    lang: str
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def indices(self) -> tuple[int, ...]:
        return tuple(s.index for s in self.segments)


@dataclass(frozen=True)
class Alignment:
    """The result of `bialign.align`.

    Attributes:
        arabic: The segmented Arabic article.
        english: The segmented English article.
        pairs: The links, ordered by English position, then Arabic.
        arabic_only: Arabic segments with no counterpart.
        english_only: English segments with no counterpart.
        signature: Every setting that shaped the result, and the version.
        document: Whether the two articles tell the same story: a calibrated
            probability and a verdict (``"counterpart"``, ``"same event"``,
            ``"unrelated"``); ``None`` for results made without one.
        candidates: Links held back, kept for review: those whose calibrated score
            is below the weights' ``min_score``, and, for two articles that are not
            counterparts, those the document judgment held back (model probability below
            its ``related_link_threshold``; their score is what the link would score
            between counterparts, which overstates it). Their segments are in
            ``arabic_only`` / ``english_only``.
    """

    arabic: Article
    english: Article
    pairs: tuple[AlignedPair, ...]
    arabic_only: tuple[Segment, ...]
    english_only: tuple[Segment, ...]
    signature: str
    document: DocumentJudgment | None = None
    candidates: tuple[AlignedPair, ...] = ()

    def __iter__(self) -> Iterator[AlignedPair]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    @property
    def arabic_passages(self) -> tuple[Passage, ...]:
        """Arabic one-language content grouped into runs of neighbouring segments."""
        return _passages(self.arabic_only, "ar")

    @property
    def english_passages(self) -> tuple[Passage, ...]:
        """English one-language content grouped into runs of neighbouring segments."""
        return _passages(self.english_only, "en")

    @property
    def differences(self) -> Differences:
        """What only one version says (`bialign.differences.differences`), computed once.

        Passages, clauses inside links, names, numbers and dates only one side has,
        and the names, numbers and dates both share. The first access embeds the
        clauses of the linked sentences with the sentence encoder.
        """
        cached = self.__dict__.get("_differences")
        if cached is None:
            from .differences import differences

            cached = differences(self)
            object.__setattr__(self, "_differences", cached)
        return cached

    @property
    def coverage(self) -> dict[str, float]:
        """Share of each side's segments (and characters) that are in a pair."""
        out = {}
        for side, art, only in (
            ("arabic", self.arabic, self.arabic_only),
            ("english", self.english, self.english_only),
        ):
            total = len(art.segments) or 1
            chars = sum(len(s.text) for s in art.segments) or 1
            out[f"{side}_segments"] = 1 - len(only) / total
            out[f"{side}_chars"] = 1 - sum(len(s.text) for s in only) / chars
        return out

    def summary(self) -> str:
        """A short human-readable summary."""
        types: dict[str, int] = {}
        for p in self.pairs:
            types[p.link_type] = types.get(p.link_type, 0) + 1
        cov = self.coverage
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(types.items()))
        return (
            f"{len(self.pairs)} pair{'' if len(self.pairs) == 1 else 's'}"
            + (f" ({kinds}); " if kinds else "; ")
            + f"Arabic {len(self.arabic.segments)} segments, "
            f"{len(self.arabic_only)} Arabic-only; "
            f"English {len(self.english.segments)} segments, "
            f"{len(self.english_only)} English-only; "
            f"coverage ar {cov['arabic_segments']:.0%} / en {cov['english_segments']:.0%}"
            + (
                f"; {len(self.candidates)} candidate{'' if len(self.candidates) == 1 else 's'}"
                if self.candidates
                else ""
            )
            + (
                f"; document: {self.document.verdict} ({self.document.probability:.2f})"
                if self.document is not None
                else ""
            )
        )

    def to_dict(self, precision: int | None = PRECISION) -> dict[str, Any]:
        """The whole result as plain data: the JSON form of `bialign.export.to_json`.

        Keys: ``signature``, ``arabic`` and ``english`` (the articles, with their
        segments), ``pairs`` (each with ``id``, its position in `Alignment.pairs`),
        ``arabic_only`` and ``english_only`` (segment indices), then ``document``
        (`DocumentJudgment.to_dict`, four decimals) and ``candidates`` when there are
        any. Not the ``format`` field, nor the differences: `bialign.export.to_json`
        adds them.

        Args:
            precision: Decimals of the scores and signals of the pairs; ``None`` keeps
                them whole, so that `from_dict` gives back an equal result.
        """
        data: dict[str, Any] = {
            "signature": self.signature,
            "arabic": _article_to_dict(self.arabic),
            "english": _article_to_dict(self.english),
            "pairs": [{"id": i, **p.to_dict(precision)} for i, p in enumerate(self.pairs)],
            "arabic_only": [int(s.index) for s in self.arabic_only],
            "english_only": [int(s.index) for s in self.english_only],
        }
        if self.document is not None:
            data["document"] = self.document.to_dict()
        if self.candidates:
            data["candidates"] = [
                {"id": i, **p.to_dict(precision)} for i, p in enumerate(self.candidates)
            ]
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Alignment:
        """The result `to_dict` wrote (other keys, such as ``format``, are ignored).

        Raises:
            InputError: ``data`` is not of that shape, or a pair or one-sided list
                refers to a segment the article does not have (the message says where).
        """
        return _parse(_alignment_from_dict, data, "alignment")

    # The writers live in bialign.export, which depends on this module; these thin
    # conveniences import them when called (the only place this module names export),
    # so that importing bialign.result never loads bialign.export.
    def to_csv(self, path_or_file: str | PathLike[str] | IO[str] | None = None, **kw: Any) -> str:
        """CSV of the pairs (see `bialign.export.to_csv`)."""
        from .export import to_csv

        return to_csv(self, path_or_file, **kw)

    def to_json(self, path_or_file: str | PathLike[str] | IO[str] | None = None, **kw: Any) -> str:
        """The whole result as JSON (see `bialign.export.to_json`)."""
        from .export import to_json

        return to_json(self, path_or_file, **kw)

    def to_tmx(self, path_or_file: str | PathLike[str] | IO[str] | None = None, **kw: Any) -> str:
        """TMX 1.4b translation memory (see `bialign.export.to_tmx`)."""
        from .export import to_tmx

        return to_tmx(self, path_or_file, **kw)

    def to_html(self, path_or_file: str | PathLike[str] | IO[str] | None = None, **kw: Any) -> str:
        """Self-contained side-by-side HTML report (see `bialign.export.to_html`)."""
        from .export import to_html

        return to_html(self, path_or_file, **kw)


def _passages(only: tuple[Segment, ...], lang: str) -> tuple[Passage, ...]:
    runs: list[list[Segment]] = []
    for s in sorted(only, key=lambda s: s.index):
        if runs and runs[-1][-1].index == s.index - 1:
            runs[-1].append(s)
        else:
            runs.append([s])
    return tuple(Passage(lang, tuple(r)) for r in runs)


# --------------------------------------------------------------------------- from plain data


_T = TypeVar("_T")


class _Malformed(Exception):
    """Internal: a structural problem, turned into `InputError` with its location."""


def _parse(build: Callable[[Any, str], _T], data: Any, where: str) -> _T:
    try:
        return build(data, where)
    except _Malformed as exc:
        raise InputError(f"malformed bialign alignment JSON: {exc}") from None


def _number(value: float, precision: int | None) -> float:
    return float(value) if precision is None else round(float(value), precision)


def _get(obj: Any, key: str, kinds: tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict):
        raise _Malformed(f"{where} must be an object")
    if key not in obj:
        raise _Malformed(f"{where} has no {key!r}")
    value = obj[key]
    if not _is(value, kinds):
        names = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
        raise _Malformed(f"{where}.{key} must be {names}, not {type(value).__name__}")
    return value


def _is(value: Any, kinds: tuple[type, ...]) -> bool:
    """Whether a JSON value is of one of ``kinds`` (an int counts as a float, a bool as neither)."""
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int) and float in kinds:
        return True
    return isinstance(value, kinds)


def _int_list(value: Any, where: str, length: int | None = None) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(_is(x, (int,)) for x in value):
        raise _Malformed(f"{where} must be a list of integers")
    if length is not None and len(value) != length:
        raise _Malformed(f"{where} must hold {length} integers")
    return tuple(value)


def _span(value: Any, where: str) -> tuple[int, int]:
    start, end = _int_list(value, where, 2)
    return start, end


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _Malformed(f"{where} must be a list of strings")
    return tuple(value)


def _alignment_from_dict(data: Any, where: str) -> Alignment:
    arabic = _article_from_dict(_get(data, "arabic", (dict,), where), "arabic")
    english = _article_from_dict(_get(data, "english", (dict,), where), "english")
    pairs = []
    for i, p in enumerate(_get(data, "pairs", (list,), where)):
        pairs.append(_pair_from_dict(p, f"pairs[{i}]", arabic, english))
    ar_only = _int_list(_get(data, "arabic_only", (list,), where), "arabic_only")
    en_only = _int_list(_get(data, "english_only", (list,), where), "english_only")
    signature = _get(data, "signature", (str,), where)
    candidates = [
        _pair_from_dict(p, f"candidates[{i}]", arabic, english)
        for i, p in enumerate(data.get("candidates", []))
    ]
    return Alignment(
        arabic=arabic,
        english=english,
        pairs=tuple(pairs),
        arabic_only=tuple(_lookup(arabic, i, "arabic_only") for i in ar_only),
        english_only=tuple(_lookup(english, i, "english_only") for i in en_only),
        signature=signature,
        document=_document_from_dict(data.get("document")),
        candidates=tuple(candidates),
    )


def _document_from_dict(d: Any) -> DocumentJudgment | None:
    if d is None:
        return None
    if not isinstance(d, dict):
        raise _Malformed("document must be an object")
    prob = _get(d, "probability", (int, float), "document")
    verdict = _get(d, "verdict", (str,), "document")
    feats = _get(d, "features", (dict,), "document")
    if verdict not in VERDICTS:
        raise _Malformed(f"document verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    people = d.get("shared_people", [])
    if not isinstance(people, list) or not all(isinstance(x, str) for x in people):
        raise _Malformed("document shared_people must be a list of strings")
    return DocumentJudgment(
        float(prob),
        verdict,
        MappingProxyType({str(k): float(v) for k, v in feats.items()}),
        tuple(people),
    )


def _lookup(art: Article, index: int, where: str) -> Segment:
    if not 0 <= index < len(art.segments):
        raise _Malformed(f"{where} refers to segment {index}; the article has {len(art)}")
    return art.segments[index]


def _article_to_dict(art: Article) -> dict[str, Any]:
    segments = []
    for s in art.segments:
        d: dict[str, Any] = {
            "index": int(s.index),
            "text": s.text,
            "role": s.role,
            "start": int(s.start),
            "end": int(s.end),
            "paragraph": int(s.paragraph),
        }
        if s.lang != art.lang:
            d["lang"] = s.lang
        segments.append(d)
    source = None if art.source is None else str(art.source)
    return {"lang": art.lang, "source": source, "text": art.text, "segments": segments}


def _article_from_dict(d: dict[str, Any], where: str) -> Article:
    lang = _get(d, "lang", (str,), where)
    segments = []
    for i, s in enumerate(_get(d, "segments", (list,), where)):
        w = f"{where}.segments[{i}]"
        segments.append(
            Segment(
                index=_get(s, "index", (int,), w),
                text=_get(s, "text", (str,), w),
                lang=_get(s, "lang", (str,), w) if "lang" in s else lang,
                role=_get(s, "role", (str,), w),
                start=_get(s, "start", (int,), w),
                end=_get(s, "end", (int,), w),
                paragraph=_get(s, "paragraph", (int,), w),
            )
        )
    return Article(
        text=_get(d, "text", (str,), where),
        lang=lang,
        segments=tuple(segments),
        source=_get(d, "source", (str, type(None)), where),
    )


def _pair_from_dict(
    d: Any, where: str, arabic: Article | None = None, english: Article | None = None
) -> AlignedPair:
    """A pair; its segment indices are checked against the articles when they are given."""
    ar = _int_list(_get(d, "arabic", (list,), where), f"{where}.arabic")
    en = _int_list(_get(d, "english", (list,), where), f"{where}.english")
    for side, idx, art in (("arabic", ar, arabic), ("english", en, english)):
        if art is not None:
            for i in idx:
                _lookup(art, i, f"{where}.{side}")
    ev = d.get("evidence", {})
    return AlignedPair(
        arabic=ar,
        english=en,
        arabic_text=_get(d, "arabic_text", (str,), where),
        english_text=_get(d, "english_text", (str,), where),
        score=float(_get(d, "score", (float,), where)),
        evidence=_evidence_from_dict(ev, f"{where}.evidence"),
    )


def _name_from_dict(n: Any, where: str) -> NameEvidence:
    return NameEvidence(
        arabic=_get(n, "arabic", (str,), where),
        english=_get(n, "english", (str,), where),
        score=float(_get(n, "score", (float,), where)),
        source=_get(n, "source", (str,), where),
        arabic_segment=_get(n, "arabic_segment", (int,), where),
        english_segment=_get(n, "english_segment", (int,), where),
        arabic_span=_span(_get(n, "arabic_span", (list,), where), f"{where}.arabic_span"),
        english_span=_span(_get(n, "english_span", (list,), where), f"{where}.english_span"),
    )


def _evidence_from_dict(d: Any, where: str) -> Evidence:
    if not isinstance(d, dict):
        raise _Malformed(f"{where} must be an object")
    signals = d.get("signals", {})
    if not isinstance(signals, dict) or not all(_is(v, (float,)) for v in signals.values()):
        raise _Malformed(f"{where}.signals must map names to numbers")
    names = [_name_from_dict(n, f"{where}.names[{i}]") for i, n in enumerate(d.get("names", []))]
    single = []
    for i, item in enumerate(d.get("single_scores", [])):
        w = f"{where}.single_scores[{i}]"
        if not (isinstance(item, list) and len(item) == 2 and _is(item[1], (float,))):
            raise _Malformed(f"{w} must be [[arabic, english], score]")
        a, e = _span(item[0], f"{w}[0]")
        single.append(((a, e), float(item[1])))
    return Evidence(
        signals=MappingProxyType({k: float(v) for k, v in signals.items()}),
        names=tuple(names),
        numbers=_str_list(d.get("numbers", []), f"{where}.numbers"),
        conflicts=_str_list(d.get("conflicts", []), f"{where}.conflicts"),
        single_scores=tuple(single),
    )
