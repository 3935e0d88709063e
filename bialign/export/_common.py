"""What the exporters share: option checks, the pair filter, and the document order."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._checks import flag, unit_number
from ..errors import InputError, OptionError, UnknownNameError
from ..result import AlignedPair, Alignment
from ..segmentation import ROLES, Article, Segment

if TYPE_CHECKING:
    from ..differences import Differences


@dataclass(frozen=True, slots=True)
class _Row:
    """One row of the document-order view: a pair, or a one-sided segment."""

    kind: str  # "pair", "ar" or "en"
    pair_id: int | None = None
    pair: AlignedPair | None = None
    segment: Segment | None = None


def _check_min_score(min_score: Any) -> float:
    """``min_score`` as a float in [0, 1], or `OptionError`."""
    return float(unit_number("min_score", min_score))  # type: ignore[arg-type]


def _check_roles(roles: Any) -> frozenset[str] | None:
    """``roles`` as a set of role names (``None``: no filter), or an error.

    Raises:
        OptionError: ``roles`` is a string or not an iterable of strings, or is empty.
        UnknownNameError: A name is not one of `bialign.ROLES`.
    """
    if roles is None:
        return None
    accepted = f"None or an iterable of role names ({', '.join(ROLES)})"
    if isinstance(roles, str | bytes) or not isinstance(roles, Iterable):
        raise OptionError("roles", roles, accepted)
    names = list(roles)
    if not names or not all(isinstance(r, str) for r in names):
        raise OptionError("roles", roles, accepted)
    for r in names:
        if r not in ROLES:
            raise UnknownNameError("role", r, ROLES)
    return frozenset(names)


def _check_bool(option: str, value: Any) -> bool:
    return bool(flag(option, value))


@dataclass(frozen=True, slots=True)
class _Filter:
    """Which pairs and one-sided segments an export keeps."""

    min_score: float = 0.0
    roles: frozenset[str] | None = None

    def keeps_segment(self, seg: Segment) -> bool:
        return self.roles is None or seg.role in self.roles

    def keeps_pair(self, res: Alignment, pid: int, pair: AlignedPair) -> bool:
        if pair.score < self.min_score:
            return False
        if self.roles is None:
            return True
        ar = (_segment(res.arabic, i, "Arabic", pid) for i in pair.arabic)
        en = (_segment(res.english, i, "English", pid) for i in pair.english)
        return all(s.role in self.roles for s in (*ar, *en))


def _filter(min_score: Any, roles: Any) -> _Filter:
    return _Filter(_check_min_score(min_score), _check_roles(roles))


def _segment(article: Article, index: int, side: str, pair_id: int | None = None) -> Segment:
    if not 0 <= index < len(article.segments):
        where = f"pair {pair_id}" if pair_id is not None else "a one-sided segment"
        raise InputError(
            f"{where} refers to {side} segment {index}, "
            f"but the {side} article has {len(article.segments)} segments",
            index,
        )
    return article.segments[index]


def _kept_pairs(res: Alignment, keep: _Filter) -> list[tuple[int, AlignedPair]]:
    """``(pair_id, pair)`` for the pairs the filter keeps."""
    return [(i, p) for i, p in enumerate(res.pairs) if keep.keeps_pair(res, i, p)]


def _one_sided(res: Alignment, keep: _Filter) -> tuple[list[Segment], list[Segment]]:
    """Arabic-only and English-only segments with a kept role, counting those of dropped pairs."""
    ar = {s.index: s for s in res.arabic_only}
    en = {s.index: s for s in res.english_only}
    for i, p in enumerate(res.pairs):
        if not keep.keeps_pair(res, i, p):
            for a in p.arabic:
                ar[a] = _segment(res.arabic, a, "Arabic", i)
            for e in p.english:
                en[e] = _segment(res.english, e, "English", i)
    return (
        [ar[k] for k in sorted(ar) if keep.keeps_segment(ar[k])],
        [en[k] for k in sorted(en) if keep.keeps_segment(en[k])],
    )


def _differences(res: Alignment, keep: _Filter) -> Differences:
    """`Alignment.differences` of the result as a filtered export shows it.

    Without a filter, the result's own. With one, the pairs the filter drops are
    one-sided content here too, so their clauses are not clauses of a link (their
    segments become passages, and the partly-shared search may read them); the items'
    ``pair`` numbers stay those of ``res.pairs``; with ``roles``, the items whose
    segments have another role are left out (a shared item needs both of its), and the
    passages are the runs of the one-sided segments the export writes (`_one_sided`).
    """
    from ..differences import _passage_item
    from ..result import _passages

    if keep == _Filter():
        return res.differences
    kept = _kept_pairs(res, keep)
    linked_ar = {i for _, p in kept for i in p.arabic}
    linked_en = {j for _, p in kept for j in p.english}
    view = dataclasses.replace(
        res,
        pairs=tuple(p for _, p in kept),
        arabic_only=tuple(s for s in res.arabic.segments if s.index not in linked_ar),
        english_only=tuple(s for s in res.english.segments if s.index not in linked_en),
    )
    diff = view.differences
    ids = [pid for pid, _ in kept]

    def role_kept(art: Article, index: int) -> bool:
        return keep.keeps_segment(art.segments[index])

    written = dict(zip(("ar", "en"), _one_sided(res, keep), strict=True))

    def items(found: Iterable[Any], art: Article, lang: str) -> tuple[Any, ...]:
        passages = [
            _passage_item(art, p.segments, lang) for p in _passages(tuple(written[lang]), lang)
        ]
        rest = [
            i if i.pair is None else dataclasses.replace(i, pair=ids[i.pair])
            for i in found
            if i.kind != "passage" and role_kept(art, i.segment)
        ]
        return (*passages, *rest)

    return dataclasses.replace(
        diff,
        arabic_only=items(diff.arabic_only, res.arabic, "ar"),
        english_only=items(diff.english_only, res.english, "en"),
        shared=tuple(
            sh
            for sh in diff.shared
            if role_kept(res.arabic, sh.arabic_segment)
            and role_kept(res.english, sh.english_segment)
        ),
    )


def _document_rows(res: Alignment, keep: _Filter) -> list[_Row]:
    """Pairs and one-sided segments in document order (see the module docstring)."""
    kept = _kept_pairs(res, keep)
    ar_only, en_only = _one_sided(res, keep)

    stream: list[_Row] = []
    next_en = 0  # en_only is sorted by index
    for pid, pair in kept:
        if pair.english:
            first = min(pair.english)
            while next_en < len(en_only) and en_only[next_en].index < first:
                stream.append(_Row("en", segment=en_only[next_en]))
                next_en += 1
        stream.append(_Row("pair", pid, pair))
    stream.extend(_Row("en", segment=s) for s in en_only[next_en:])

    # Arabic-only segments hang after the pair holding the closest smaller Arabic index.
    paired = sorted((a, pid) for pid, p in kept for a in p.arabic)
    paired_indices = [a for a, _ in paired]
    top: list[Segment] = []
    after: dict[int, list[Segment]] = {}
    for seg in ar_only:
        k = bisect.bisect_left(paired_indices, seg.index)
        if k == 0:
            top.append(seg)
        else:
            after.setdefault(paired[k - 1][1], []).append(seg)

    rows = [_Row("ar", segment=s) for s in top]
    for row in stream:
        rows.append(row)
        if row.kind == "pair" and row.pair_id is not None:
            rows.extend(_Row("ar", segment=s) for s in after.get(row.pair_id, ()))
    return rows


def _ids(indices: Iterable[int]) -> str:
    return " ".join(str(int(i)) for i in indices)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
