"""Accuracy of an alignment against a gold standard.

Link precision counts a predicted (arabic, english) index pair as right when
the gold has it as sure or possible; link recall is over the sure pairs only
(the usual sure/possible convention of word- and sentence-alignment
evaluation). One-sided detection is scored as a retrieval of the segments
that have no counterpart, both sides pooled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .result import Alignment

__all__ = ["Gold", "Scores", "load_gold", "score_alignment", "sum_scores"]


@dataclass(frozen=True)
class Gold:
    """A gold alignment of two sentence lists.

    Attributes:
        arabic: Arabic sentences.
        english: English sentences.
        sure: Sure (arabic, english) index pairs.
        possible: Possible pairs (sure pairs included).
        arabic_only: Arabic indices with no counterpart.
        english_only: English indices with no counterpart.
        arabic_roles: Page roles of the Arabic sentences, when known.
        english_roles: Page roles of the English sentences, when known.
        name: Where it came from.
    """

    arabic: tuple[str, ...]
    english: tuple[str, ...]
    sure: frozenset[tuple[int, int]]
    possible: frozenset[tuple[int, int]]
    arabic_only: frozenset[int]
    english_only: frozenset[int]
    arabic_roles: tuple[str, ...] | None = None
    english_roles: tuple[str, ...] | None = None
    name: str = ""


def load_gold(path: str | Path) -> Gold:
    """Read a gold file: an NTREX comparable case or a bialign hand-alignment file.

    Both have ``arabic`` and ``english`` (lists of strings, or of objects with
    ``text`` and ``role``), ``links`` (``{"ar": i, "en": j, "kind": "S"|"P"}``),
    ``arabic_only`` and ``english_only``.
    """
    p = Path(path)
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
        ar, ar_roles = _sentences(d["arabic"])
        en, en_roles = _sentences(d["english"])
        sure = frozenset(
            (int(x["ar"]), int(x["en"])) for x in d["links"] if x.get("kind", "S") == "S"
        )
        possible = frozenset((int(x["ar"]), int(x["en"])) for x in d["links"])
        return Gold(
            arabic=ar,
            english=en,
            sure=sure,
            possible=possible,
            arabic_only=frozenset(d.get("arabic_only", [])),
            english_only=frozenset(d.get("english_only", [])),
            arabic_roles=ar_roles,
            english_roles=en_roles,
            name=str(d.get("name", p.stem)),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"cannot read gold file {p}: {exc}", str(p)) from exc


def _sentences(items: Sequence[Any]) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    if items and isinstance(items[0], Mapping):
        return tuple(x["text"] for x in items), tuple(x.get("role", "body") for x in items)
    return tuple(items), None


@dataclass(frozen=True)
class Scores:
    """Counts and the derived precision, recall and F1 of links and of one-sided detection."""

    link_tp: int
    link_pred: int
    sure_found: int
    sure_total: int
    one_tp: int
    one_pred: int
    one_gold: int

    @property
    def link_precision(self) -> float:
        return self.link_tp / self.link_pred if self.link_pred else 1.0

    @property
    def link_recall(self) -> float:
        return self.sure_found / self.sure_total if self.sure_total else 1.0

    @property
    def link_f1(self) -> float:
        return _f1(self.link_precision, self.link_recall)

    @property
    def one_precision(self) -> float:
        return self.one_tp / self.one_pred if self.one_pred else 1.0

    @property
    def one_recall(self) -> float:
        return self.one_tp / self.one_gold if self.one_gold else 1.0

    @property
    def one_f1(self) -> float:
        return _f1(self.one_precision, self.one_recall)

    def as_dict(self) -> dict[str, float]:
        return {
            "link_precision": self.link_precision,
            "link_recall": self.link_recall,
            "link_f1": self.link_f1,
            "one_sided_precision": self.one_precision,
            "one_sided_recall": self.one_recall,
            "one_sided_f1": self.one_f1,
        }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_alignment(
    predicted: Alignment | Iterable[tuple[int, int]],
    gold: Gold,
    *,
    arabic_only: Iterable[int] | None = None,
    english_only: Iterable[int] | None = None,
) -> Scores:
    """Score a predicted alignment against a gold one.

    Args:
        predicted: An `Alignment`, or (arabic, english) index pairs.
        gold: The gold alignment.
        arabic_only: Predicted one-sided Arabic indices (taken from the
            Alignment when one is given; otherwise every Arabic index in no pair).
        english_only: Likewise for English.
    """
    if isinstance(predicted, Alignment):
        pairs = {ij for p in predicted.pairs for ij in p.index_pairs}
        ar_only = {s.index for s in predicted.arabic_only}
        en_only = {s.index for s in predicted.english_only}
    else:
        pairs = set(predicted)
        ar_only = (
            set(arabic_only)
            if arabic_only is not None
            else set(range(len(gold.arabic))) - {i for i, _ in pairs}
        )
        en_only = (
            set(english_only)
            if english_only is not None
            else set(range(len(gold.english))) - {j for _, j in pairs}
        )
    return Scores(
        link_tp=len(pairs & gold.possible),
        link_pred=len(pairs),
        sure_found=len(pairs & gold.sure),
        sure_total=len(gold.sure),
        one_tp=len(ar_only & gold.arabic_only) + len(en_only & gold.english_only),
        one_pred=len(ar_only) + len(en_only),
        one_gold=len(gold.arabic_only) + len(gold.english_only),
    )


def sum_scores(scores: Iterable[Scores]) -> Scores:
    """Micro-average: add the counts of several documents."""
    items = list(scores)
    return Scores(*(sum(getattr(s, f) for s in items) for f in Scores.__dataclass_fields__))
