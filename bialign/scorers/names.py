"""The ``"names"`` scorer: how much name evidence two sentences share.

`NameScorer` finds the names of every sentence with the finders of
`bialign.names` and scores each sentence pair from the names they share. It is
also importable as `bialign.names.NameScorer`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputError, InputTypeError
from ..names.api import _MAX_CHARS, DEFAULT_THRESHOLD
from ..names.cache import lru
from ..names.dictionary import _attested_many, _unit_similarity
from ..names.distance import _rule_similarity
from ..names.letters import _AR_ANY, _check_str
from ..names.sentences import _coverage, _maximal, _parse_arabic, _parse_english
from ..names.skeletons import _STRICT_FLOOR, _ar_keys, _lat_keys
from .base import check_matrix

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
        n_ar, n_en = len(arabic), len(english)
        out = np.zeros((n_ar, n_en), dtype=np.float64)
        if not n_ar or not n_en:
            return out
        # 1. Items per sentence: ("g", ids) for gazetteer hits, ("u", reading...) for names.
        ar_items: dict[Any, set[int]] = defaultdict(set)  # item -> Arabic sentences
        en_items: dict[Any, set[int]] = defaultdict(set)
        for i, text in enumerate(arabic):
            for item in _arabic_items(text[:_MAX_CHARS], self.use_gazetteer):
                ar_items[item].add(i)
        for j, text in enumerate(english):
            for item in _english_items(text[:_MAX_CHARS], self.use_gazetteer):
                en_items[item].add(j)
        # 2. Matching items: gazetteer ids, Latin identity, transliteration (blocked).
        pairs = _item_pairs(ar_items, en_items, self.threshold, self.use_romanizer)
        # 3. Combine: per Arabic item, the best English item per English sentence.
        log_keep = np.zeros((n_ar, n_en), dtype=np.float64)
        for a_item, matches in pairs.items():
            rows = np.fromiter(sorted(ar_items[a_item]), dtype=np.int64)
            best = np.zeros(n_en, dtype=np.float64)
            for e_item, s in matches:
                cols = np.fromiter(en_items[e_item], dtype=np.int64)
                w = min(self._weight(len(rows), n_ar), self._weight(len(cols), n_en))
                np.maximum.at(best, cols, min(s * w, 1.0 - 1e-9))
            cols = np.nonzero(best)[0]
            if cols.size:
                log_keep[np.ix_(rows, cols)] += np.log1p(-best[cols])
        out = -np.expm1(log_keep)
        out[out == 0.0] = 0.0  # no -0.0
        return check_matrix(out, self.name)

    def _weight(self, df: int, n: int) -> float:
        """Inverse document frequency of a name found in ``df`` of ``n`` spans, in [min, 1]."""
        w = math.log((n + 1) / df) / math.log(n + 1)
        return max(self.min_weight, min(1.0, w))


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
    ar_items: dict[Any, set[int]],
    en_items: dict[Any, set[int]],
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
