"""The alignment result: aligned pairs, one-language content, and the signature.

Stage 5 of the pipeline. Plain frozen dataclasses; the exporters
(`bialign.export`) read them, nothing here writes files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .document import DocumentJudgment
from .segmentation import Article, Segment

if TYPE_CHECKING:
    from os import PathLike
    from typing import IO

    from .differences import Differences

__all__ = ["AlignedPair", "Alignment", "Evidence", "NameEvidence", "Passage"]


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "signals": {k: round(float(v), 4) for k, v in self.signals.items()},
            "names": [
                {
                    "arabic": n.arabic,
                    "english": n.english,
                    "score": round(n.score, 4),
                    "source": n.source,
                    "arabic_segment": n.arabic_segment,
                    "english_segment": n.english_segment,
                    "arabic_span": list(n.arabic_span),
                    "english_span": list(n.english_span),
                }
                for n in self.names
            ],
            "numbers": list(self.numbers),
            "conflicts": list(self.conflicts),
            "single_scores": [[list(k), round(v, 4)] for k, v in self.single_scores],
        }


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
        candidates: Links too unlikely to be pairs (calibrated score below the
            weights' ``min_score``), kept for review; their segments are in
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
            f"{len(self.pairs)} pairs ({kinds}); "
            f"Arabic {len(self.arabic.segments)} segments, "
            f"{len(self.arabic_only)} Arabic-only; "
            f"English {len(self.english.segments)} segments, "
            f"{len(self.english_only)} English-only; "
            f"coverage ar {cov['arabic_segments']:.0%} / en {cov['english_segments']:.0%}"
            + (f"; {len(self.candidates)} candidates" if self.candidates else "")
            + (
                f"; document: {self.document.verdict} ({self.document.probability:.2f})"
                if self.document is not None
                else ""
            )
        )

    # Exporters live in bialign.export; these are thin conveniences.
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
