"""Matching: candidate matches of a sentence pair and the consistent set chosen from them."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .cache import on_clear
from .dictionary import _attested_many, _unit_similarity
from .sentences import _ArSentence, _EnSentence, _EnUnit
from .skeletons import _ar_keys, _lat_keys
from .tables import _tables

# Spans of at most this many name units are compared as a whole.
_MAX_SPAN = 4

# Sources from the strongest evidence to the weakest.
_SOURCES = ("gazetteer", "dictionary", "transliteration")


@dataclass(frozen=True, slots=True)
class _Candidate:
    coverage: float
    score: float
    ar: tuple[int, int]
    en: tuple[int, int]
    source: str


_PairFn = Callable[[int, int, int, int], tuple[float, str]]


def _align_units(pair: _PairFn, n_ar: int, n_en: int, anchored: bool) -> tuple[float, float, str]:
    """Best monotone alignment of name units: (score, coverage, weakest source).

    ``pair(p, dp, q, dq)`` scores Arabic units ``p:p+dp`` against English units
    ``q:q+dq``; one unit may meet two on the other side (داود أوغلو ~ Davutoglu,
    لي جيان ~ Lijian); a pair below ``[units] min_similarity`` of ``resources/translit.toml``
    is not a match. Units may also be left unmatched, at a cost (``skip_arabic`` and
    ``skip_english`` of a unit, in the same table: less on the English side, where titles and
    middle names are common); with ``anchored`` the first and last units on both sides must be
    matched. The score is the mean similarity of the matches with the unmatched units counted
    at those costs.
    """
    tables = _tables()
    unit_min, skip_ar, skip_en = tables.unit_min, tables.skip_arabic, tables.skip_english
    # (p, q) -> (objective, sum of sims, matches, skipped_ar, skipped_en, weakest source)
    best: dict[tuple[int, int], tuple[float, float, int, int, int, str]] = {
        (0, 0): (0.0, 0.0, 0, 0, 0, "gazetteer")
    }
    for p in range(n_ar + 1):
        for q in range(n_en + 1):
            state = best.get((p, q))
            if state is None:
                continue
            obj, tot, k, sa, se, src = state
            moves = []
            for dp, dq in ((1, 1), (2, 1), (1, 2)):
                if p + dp > n_ar or q + dq > n_en:
                    continue
                s, s_src = pair(p, dp, q, dq)
                if s >= unit_min:
                    weakest = s_src if _SOURCES.index(s_src) > _SOURCES.index(src) else src
                    gain = s * (dp + dq) / 2
                    moves.append(((p + dp, q + dq), (obj + gain, tot + s, k + 1, sa, se, weakest)))
            if p < n_ar and not (anchored and (p == 0 or p == n_ar - 1)):
                moves.append(((p + 1, q), (obj - skip_ar / 2, tot, k, sa + 1, se, src)))
            if q < n_en and not (anchored and (q == 0 or q == n_en - 1)):
                moves.append(((p, q + 1), (obj - skip_en / 2, tot, k, sa, se + 1, src)))
            for pos, new in moves:
                old = best.get(pos)
                if old is None or new[0] > old[0]:
                    best[pos] = new
    final = best.get((n_ar, n_en))
    if final is None or final[2] == 0:
        return 0.0, 0.0, "transliteration"
    obj, tot, k, sa, se, src = final
    return tot / (k + skip_ar * sa + skip_en * se), obj, src


def _candidates(ar: _ArSentence, en: _EnSentence, use_romanizer: bool) -> list[_Candidate]:
    """Every plausible match of a sentence pair, before the consistent set is chosen."""
    cands: list[_Candidate] = []
    # 1. Gazetteer: the same row on both sides.
    by_id: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for e_start, e_end, e_ids in en.gazetteer:
        for rid in e_ids:
            by_id[rid].append((e_start, e_end))
    for lo, hi, a_start, a_end, a_ids in ar.gazetteer:
        seen: set[tuple[int, int]] = set()
        for rid in a_ids:
            for span in by_id.get(rid, ()):
                if span not in seen:
                    seen.add(span)
                    cands.append(
                        _Candidate(float(hi - lo), 1.0, (a_start, a_end), span, "gazetteer")
                    )
    # 2. Latin names written inside the Arabic sentence (HAS, SANA).
    by_text: dict[str, list[_EnUnit]] = defaultdict(list)
    for unit in en.capitals:
        by_text[unit.text].append(unit)
    for lat in ar.latin:
        for unit in by_text.get(lat.text, ()):
            cands.append(
                _Candidate(
                    1.0, 1.0, (lat.start, lat.end), (unit.start, unit.end), "transliteration"
                )
            )
    # 3. Transliteration: spans of name units, aligned unit by unit.
    cands.extend(_transliteration_candidates(ar, en, use_romanizer))
    return cands


def _transliteration_candidates(
    ar: _ArSentence, en: _EnSentence, use_romanizer: bool
) -> list[_Candidate]:
    units, e_units = ar.units, en.units
    if not ar.runs or not en.runs:
        return []
    a_pos = {p: (run, i) for run in ar.runs for i, p in enumerate(run)}
    e_pos = {q: (run, i) for run in en.runs for i, q in enumerate(run)}
    cache: dict[tuple[int, int, int, int, int], tuple[float, str]] = {}
    unit_min = _tables().unit_min

    def span_pair(p: int, dp: int, r: int, q: int, dq: int) -> tuple[float, str]:
        key = (p, dp, r, q, dq)
        if key not in cache:
            text, bw, penalty = _ar_span(ar, p, dp, r)
            english = " ".join(e_units[y].text for y in range(q, q + dq))
            s, src = _unit_similarity(text, bw, english, use_romanizer, unit_min)
            cache[key] = (max(0.0, s - penalty), src)
        return cache[key]

    # Where a match may start: names (or two adjacent names) whose skeletons agree.
    index = _start_keys(en, _english_keys)
    ar_index = _start_keys(ar, _arabic_keys)
    small, large = (index, ar_index) if len(index) <= len(ar_index) else (ar_index, index)
    starts: set[tuple[int, int, int]] = set()
    for key in small:
        if key in large:
            starts.update((p, r, q) for p, r in ar_index[key] for q in index[key])
    if use_romanizer:
        _attested_many([units[p].readings[r].text for p, r, _ in starts])
    cands: list[_Candidate] = []
    for p0, r, q0 in sorted(starts):
        a_run, a_i = a_pos[p0]
        e_run, e_i = e_pos[q0]
        best_start = max(
            (
                span_pair(p0, dp, r, q0, dq)[0]
                for dp, dq in ((1, 1), (2, 1), (1, 2))
                if a_i + dp <= len(a_run) and e_i + dq <= len(e_run)
            ),
            default=0.0,
        )
        if best_start < unit_min:
            continue
        reading = units[p0].readings[r]

        def pair(
            p: int, dp: int, q: int, dq: int, _r: int = r, _p: int = p0, _q: int = q0
        ) -> tuple[float, str]:
            return span_pair(_p + p, dp, _r if p == 0 else 0, _q + q, dq)

        for a_len in range(1, min(_MAX_SPAN, len(a_run) - a_i) + 1):
            for e_len in range(1, min(_MAX_SPAN, len(e_run) - e_i) + 1):
                score, coverage, src = _align_units(pair, a_len, e_len, True)
                if score <= 0.0:
                    continue
                cands.append(
                    _Candidate(
                        coverage,
                        score,
                        (reading.start, units[a_run[a_i + a_len - 1]].end),
                        (e_units[q0].start, e_units[e_run[e_i + e_len - 1]].end),
                        src,
                    )
                )
    return cands


def _english_keys(en: _EnSentence) -> dict[str, list[int]]:
    """Skeleton key → the English name units where a match with that key may start."""
    e_units = en.units
    index: dict[str, list[int]] = defaultdict(list)
    for run in en.runs:
        for i, q in enumerate(run):
            for dq in (1, 2):
                if i + dq <= len(run):
                    english = " ".join(e_units[y].text for y in range(q, q + dq))
                    for key in _lat_keys(english, False):
                        index[key].append(q)
    return dict(index)


def _ar_span(ar: _ArSentence, p: int, dp: int, r: int) -> tuple[str, str, float]:
    """Name units ``p`` to ``p + dp - 1`` of ``ar``, the first in its reading ``r``, the
    others in their first: (text, Buckwalter form, the first reading's penalty)."""
    first = ar.units[p].readings[r]
    rest = [ar.units[x].readings[0] for x in range(p + 1, p + dp)]
    text = " ".join([first.text, *(x.text for x in rest)])
    bw = " ".join([first.bw, *(x.bw for x in rest)])
    return text, bw, first.penalty


def _arabic_keys(ar: _ArSentence) -> dict[str, list[tuple[int, int]]]:
    """Skeleton key → the (Arabic name unit, reading) where a match with that key may start:
    the unit alone or with the next one of its run."""
    units = ar.units
    index: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for run in ar.runs:
        for i, p in enumerate(run):
            for r in range(len(units[p].readings)):
                for dp in (1, 2):
                    if i + dp <= len(run):
                        for key in _ar_keys(_ar_span(ar, p, dp, r)[1], False):
                            index[key].append((p, r))
    return dict(index)


#: The start keys of the sentences matched last, by object (held, so that its id stays
#: its own): `bialign.differences` matches each sentence against a whole article, whose
#: keys are then read once instead of once per sentence.
_KEYS: OrderedDict[tuple[int, Any], tuple[object, Any]] = OrderedDict()
_KEYS_SIZE = 8
_KEYS_LOCK = threading.Lock()


def _start_keys(sentence: Any, make: Callable[[Any], Any]) -> Any:
    """``make(sentence)``, kept for the `_KEYS_SIZE` sentences used last."""
    key = (id(sentence), make)
    with _KEYS_LOCK:
        hit = _KEYS.get(key)
        if hit is not None and hit[0] is sentence:
            _KEYS.move_to_end(key)
            return hit[1]
    value = make(sentence)
    with _KEYS_LOCK:
        _KEYS[key] = (sentence, value)
        while len(_KEYS) > _KEYS_SIZE:
            _KEYS.popitem(last=False)
    return value


def _clear_keys() -> None:
    with _KEYS_LOCK:
        _KEYS.clear()


on_clear(_clear_keys)


def _select(cands: list[_Candidate], threshold: float, n_ar: int, n_en: int) -> list[_Candidate]:
    """Greedy: most covered evidence first, then score; no character used twice per side."""
    used_ar = bytearray(n_ar)
    used_en = bytearray(n_en)
    chosen: list[_Candidate] = []
    for c in sorted(
        (c for c in cands if c.score >= threshold),
        key=lambda c: (-c.coverage, -c.score, c.ar, c.en),
    ):
        if used_ar.find(1, c.ar[0], c.ar[1]) != -1 or used_en.find(1, c.en[0], c.en[1]) != -1:
            continue
        used_ar[c.ar[0] : c.ar[1]] = b"\x01" * (c.ar[1] - c.ar[0])
        used_en[c.en[0] : c.en[1]] = b"\x01" * (c.en[1] - c.en[0])
        chosen.append(c)
    return sorted(chosen, key=lambda c: (c.ar, c.en))
