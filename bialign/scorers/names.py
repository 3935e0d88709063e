"""The ``"names"`` scorer: how much name evidence two sentences share.

`NameScorer` finds the names of every sentence with the finders of
`bialign.names` and scores each sentence pair from the names they share. It is
also importable as `bialign.names.NameScorer`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from ..errors import InputError, InputTypeError
from ..names.api import _MAX_CHARS, DEFAULT_THRESHOLD
from ..names.cache import lru
from ..names.dictionary import _attested_many, _unit_similarity
from ..names.distance import _rule_similarity
from ..names.letters import _AR_ANY, _EN_INNER, _EN_TOKEN, _HYPHENS, _check_str
from ..names.sentences import _coverage, _maximal, _parse_arabic, _parse_english
from ..names.skeletons import _STRICT_FLOOR, _ar_keys, _lat_keys
from .base import check_matrix, ends_cleanly

# NameScorer consults the dictionary only for names at least this similar by the rules.
_DICT_FLOOR = 0.4


class NameScorer:
    """The ``"names"`` scorer: how much name evidence two sentences share.

    For every Arabic and English sentence the name candidates are found once
    (cached by text). Arabic and English names are compared only when their
    consonant skeletons are close (an inverted index) or when the gazetteer
    links them, so a 2,000 × 2,000 article takes seconds, not hours.

    The score of a pair is ``1 - prod(1 - s * w)`` over the Arabic names of the
    Arabic sentence that match a name of the English sentence, with ``s`` the
    best match score (at least ``threshold``) and ``w`` an inverse document
    frequency weight: a name found in many sentences of the article (the main
    protagonist, the country) weighs less than a rare one.

    A score of 0 means *no name evidence* (neither side names anything, or the
    names differ), not that the sentences say different things.

    Args:
        threshold: The lowest name match that counts.
        use_gazetteer: Consult ``resources/gazetteer.tsv``.
        use_romanizer: Consult arabic-name-romanizer's dictionary.
        min_weight: The weight of a name found in every sentence (``w`` never goes below it).

    Examples:
        >>> scorer = NameScorer()
        >>> scores = scorer.score(["التقى الشيباني بوانغ يي"], ["Shaibani met Wang Yi", "Hi."])
        >>> scores.round(3).tolist()
        [[1.0, 0.0]]
    """

    name = "names"

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        use_gazetteer: bool = True,
        use_romanizer: bool = True,
        min_weight: float = 0.25,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise InputError("threshold must be in [0, 1]", threshold)
        if not 0.0 <= min_weight <= 1.0:
            raise InputError("min_weight must be in [0, 1]", min_weight)
        self.threshold = threshold
        self.use_gazetteer = use_gazetteer
        self.use_romanizer = use_romanizer
        self.min_weight = min_weight

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        """Score every Arabic span against every English span.

        Args:
            arabic: Arabic sentences (or merged spans).
            english: English sentences.

        Returns:
            A float matrix of shape ``(len(arabic), len(english))`` in [0, 1].

        Raises:
            InputTypeError: A sentence is not a str, or an argument is a bare str.
        """
        arabic = _check_seq(arabic, "arabic")
        english = _check_seq(english, "english")
        index = _PairNames(self, arabic, english)
        return index.score([(i,) for i in range(len(arabic))], [(j,) for j in range(len(english))])

    def index_pair(self, arabic: Sequence[str], english: Sequence[str]) -> _PairNames:
        """The names of a pair's sentences, to score spans of them by index (`PairIndexer`).

        A span's names are its sentences' names when each of its sentences but
        the last ends in a stop (`bialign.scorers.base.ends_cleanly`): no name
        runs across such a join. Other spans are read again as joined text.
        """
        return _PairNames(self, _check_seq(arabic, "arabic"), _check_seq(english, "english"))

    def _weight(self, df: int, n: int) -> float:
        """Inverse document frequency of a name found in ``df`` of ``n`` spans, in [min, 1]."""
        w = math.log((n + 1) / df) / math.log(n + 1)
        return max(self.min_weight, min(1.0, w))


class _PairNames:
    """A pair's name items by sentence, and which of them match (`NameScorer.index_pair`)."""

    def __init__(self, scorer: NameScorer, arabic: list[str], english: list[str]) -> None:
        self.scorer = scorer
        self.arabic = arabic
        self.english = english
        gaz = scorer.use_gazetteer
        self._ar = [_arabic_items(t[:_MAX_CHARS], gaz) for t in arabic]
        self._en = [_english_items(t[:_MAX_CHARS], gaz) for t in english]
        # A sentence may join the next one's names to its own (no name crosses the join)
        # when it ends in a stop. An Arabic span also needs Arabic letters in every
        # sentence: one without any has no items alone, but its Latin names count in a span.
        self._ar_joins = [ends_cleanly(t) for t in arabic]
        self._ar_letters = [bool(_AR_ANY.search(t)) for t in arabic]
        self._en_joins = [ends_cleanly(t) for t in english]
        # "de", "van"... open a name only after one: not at the start of a joined sentence.
        self._en_opens = [_starts_inner(t) for t in english]
        self._spans: dict[tuple[str, tuple[int, ...]], frozenset[Any]] = {}
        self._known_a: set[Any] = set().union(*self._ar)
        self._known_e: set[Any] = set().union(*self._en)
        self._pairs: dict[Any, dict[Any, float]] = defaultdict(dict)
        self._add_pairs(self._known_a, self._known_e)

    def _add_pairs(self, ar_items: set[Any], en_items: set[Any]) -> None:
        found = _item_pairs(ar_items, en_items, self.scorer.threshold, self.scorer.use_romanizer)
        for a, matches in found.items():
            self._pairs[a].update(matches)

    def _items(self, side: str, group: tuple[int, ...]) -> frozenset[Any]:
        own = self._ar if side == "ar" else self._en
        if len(group) == 1:
            return own[group[0]]
        key = (side, group)
        if key in self._spans:
            return self._spans[key]
        texts = self.arabic if side == "ar" else self.english
        joined = " ".join(texts[i] for i in group)
        if side == "ar":
            clean = all(self._ar_joins[i] for i in group[:-1]) and all(
                self._ar_letters[i] for i in group
            )
        else:
            clean = all(self._en_joins[i] for i in group[:-1]) and not any(
                self._en_opens[i] for i in group[1:]
            )
        gaz = self.scorer.use_gazetteer
        if clean and len(joined) <= _MAX_CHARS:
            items = frozenset().union(*(own[i] for i in group))
        elif side == "ar":
            items = _arabic_items(joined[:_MAX_CHARS], gaz)
        else:
            items = _english_items(joined[:_MAX_CHARS], gaz)
        self._spans[key] = items
        return items

    def score(
        self, arabic: Sequence[Sequence[int]], english: Sequence[Sequence[int]]
    ) -> np.ndarray:
        """Name evidence of every Arabic span against every English span (index tuples)."""
        n_ar, n_en = len(arabic), len(english)
        if not n_ar or not n_en:
            return np.zeros((n_ar, n_en), dtype=np.float64)
        ar_items: dict[Any, list[int]] = defaultdict(list)  # item -> Arabic spans
        en_items: dict[Any, list[int]] = defaultdict(list)
        for i, g in enumerate(arabic):
            for item in self._items("ar", tuple(g)):
                ar_items[item].append(i)
        for j, g in enumerate(english):
            for item in self._items("en", tuple(g)):
                en_items[item].append(j)
        new_a = ar_items.keys() - self._known_a
        new_e = en_items.keys() - self._known_e
        if new_a or new_e:  # items of spans read again as text
            self._add_pairs(set(new_a), self._known_e | new_e)
            self._add_pairs(self._known_a, set(new_e))
            self._known_a |= new_a
            self._known_e |= new_e
        # Per Arabic item, the best English item per English span.
        weight = self.scorer._weight
        log_keep = np.zeros((n_ar, n_en), dtype=np.float64)
        for a_item, a_rows in ar_items.items():
            matches = self._pairs.get(a_item)
            if not matches:
                continue
            best = np.zeros(n_en, dtype=np.float64)
            w_row = weight(len(a_rows), n_ar)
            for e_item, s in matches.items():
                e_cols = en_items.get(e_item)
                if e_cols is None:
                    continue
                w = min(w_row, weight(len(e_cols), n_en))
                np.maximum.at(best, e_cols, min(s * w, 1.0 - 1e-9))
            cols = np.nonzero(best)[0]
            if cols.size:
                rows = np.asarray(a_rows, dtype=np.int64)
                log_keep[np.ix_(rows, cols)] += np.log1p(-best[cols])
        out = -np.expm1(log_keep)
        out[out == 0.0] = 0.0  # no -0.0
        return check_matrix(out, self.scorer.name)


def _starts_inner(text: str) -> bool:
    m = _EN_TOKEN.search(text)
    return m is not None and _HYPHENS.split(m.group())[0].casefold() in _EN_INNER


def _check_seq(value: Any, what: str) -> list[str]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise InputTypeError(
            f"{what} must be a sequence of str, got {type(value).__name__}", value, "Sequence[str]"
        )
    out = list(value)
    for s in out:
        _check_str(s, f"every {what} span")
    return out


@lru(1 << 13)
def _arabic_items(text: str, use_gazetteer: bool) -> frozenset[Any]:
    """The name evidence of one Arabic span: gazetteer rows, names, Latin names."""
    if not _AR_ANY.search(text):
        return frozenset()
    ar = _parse_arabic(text, use_gazetteer)
    items: set[Any] = {
        ("g", ids) for *_, ids in _maximal([(s, e, ids) for _, _, s, e, ids in ar.gazetteer])
    }
    covered = {k for lo, hi, *_ in ar.gazetteer for k in range(lo, hi)}
    for run in ar.runs:
        for p in run:
            unit = ar.units[p]
            if covered.isdisjoint(range(unit.lo, unit.hi)):
                items.add(("u", tuple((r.text, r.bw, r.penalty) for r in unit.readings)))
    items.update(("l", u.text) for u in ar.latin)
    return frozenset(items)


@lru(1 << 13)
def _english_items(text: str, use_gazetteer: bool) -> frozenset[Any]:
    """The name evidence of one English span: gazetteer rows and names."""
    if not text.strip():
        return frozenset()
    en = _parse_english(text, use_gazetteer)
    items: set[Any] = {("g", ids) for *_, ids in _maximal(list(en.gazetteer))}
    covered = _coverage(len(text), [(s, e) for s, e, _ in en.gazetteer])
    for u in en.units:
        if covered.find(1, u.start, u.end) == -1:
            items.add(("u", u.text))
    items.update(("c", u.text) for u in en.capitals)  # for Latin text in the Arabic (HAS)
    return frozenset(items)


def _item_pairs(
    ar_items: Collection[Any],
    en_items: Collection[Any],
    threshold: float,
    use_romanizer: bool,
) -> dict[Any, list[tuple[Any, float]]]:
    pairs: dict[Any, list[tuple[Any, float]]] = defaultdict(list)
    deletions = threshold < _STRICT_FLOOR
    # Gazetteer: by row id.
    by_id: dict[int, list[Any]] = defaultdict(list)
    latin: dict[str, list[Any]] = defaultdict(list)
    index: dict[str, list[Any]] = defaultdict(list)
    for item in en_items:
        if item[0] == "g":
            for rid in item[1]:
                by_id[rid].append(item)
        elif item[0] == "c":
            latin[item[1]].append(item)
        else:
            for key in _lat_keys(item[1], deletions):
                index[key].append(item)
    # Transliteration: only pairs whose consonant skeletons agree (an inverted index), and
    # whose spelling the rules find at least _DICT_FLOOR similar; only those names are looked
    # up in the dictionary (one batch), which can still lift them to an attested spelling.
    blocked: dict[Any, list[Any]] = {}
    for a in ar_items:
        if a[0] != "u":
            continue
        found: set[Any] = set()
        for _, bw, _ in a[1]:
            for key in _ar_keys(bw, deletions):
                found.update(index.get(key, ()))
        near = [
            e for e in found if any(_rule_similarity(bw, e[1], _DICT_FLOOR) for _, bw, _ in a[1])
        ]
        if near:
            blocked[a] = near
    if use_romanizer:
        _attested_many([text for a in blocked for text, _, _ in a[1]])
    for a in ar_items:
        if a[0] == "g":
            seen = set()
            for rid in a[1]:
                for e in by_id.get(rid, ()):
                    if e not in seen:
                        seen.add(e)
                        pairs[a].append((e, 1.0))
        elif a[0] == "l":
            pairs[a].extend((e, 1.0) for e in latin.get(a[1], ()))
        else:
            for e in blocked.get(a, ()):
                best = 0.0
                for text, bw, penalty in a[1]:
                    s, _ = _unit_similarity(text, bw, e[1], use_romanizer, threshold)
                    best = max(best, s - penalty)
                if best >= threshold:
                    pairs[a].append((e, best))
    return pairs
