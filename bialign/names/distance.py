"""Edit distance: the weighted alignment of Arabic letters with a Latin spelling."""

from __future__ import annotations

import math

from .cache import lru
from .letters import _VOWELS, _latin_parts, _split_article_bw
from .tables import _tables

# Rule-based similarities below this are reported as 0 (the alignment stops early).
_SIM_FLOOR = 0.3


_Rule = tuple[int, tuple[tuple[str, float], ...], dict[str, float], tuple[int, ...]]


@lru(1 << 13)
def _rules_at(bw: str) -> tuple[tuple[_Rule, ...], ...]:
    """For each position of ``bw``: every rule that applies there.

    A rule is (number of Arabic letters, spellings sorted by cost, spelling -> cost,
    lengths of the spellings).
    """
    tables = _tables()
    delete = tables.costs["delete_letter"]
    out = []
    n = len(bw)
    for i, ch in enumerate(bw):
        applicable: dict[str, tuple[tuple[str, float], ...]] = {}
        anchored: set[str] = set()
        for seq, start, end, spellings in tables.rules.get(ch, ()):
            k = len(seq)
            if bw[i : i + k] != seq:
                continue
            if start and not (i == 0 or bw[i - 1] == " "):
                continue
            if end and not (i + k == n or bw[i + k] == " "):
                continue
            if start or end:  # an anchored rule replaces the general one for the same letters
                anchored.add(seq)
                applicable[seq] = spellings
            elif seq not in anchored:
                applicable[seq] = spellings
        if ch not in applicable:  # an unknown letter: it may only be left out
            applicable[ch] = (("", delete),)
        elif all(s for s, _ in applicable[ch]):  # a letter may always be left out, at a cost
            applicable[ch] = (*applicable[ch], ("", delete))
        found = []
        for seq, spellings in applicable.items():
            table: dict[str, float] = {}
            for s, c in spellings:
                table[s] = min(c, table.get(s, c))
            found.append((len(seq), spellings, table, tuple(sorted({len(s) for s in table}))))
        out.append(tuple(found))
    return tuple(out)


@lru(1 << 12)  # seldom hit: _rule_similarity, its only caller, is cached
def _align_cost(bw: str, latin: str, bound: float = math.inf) -> float:
    """Cheapest cost of spelling the Arabic ``bw`` (Buckwalter) as ``latin`` (lower case).

    Alignments costing more than ``bound`` are abandoned (the result is then > bound).
    """
    costs = _tables().costs
    ins_vowel = costs["insert_vowel"]
    final_vowel = costs["insert_final_vowel"]
    lengthen = costs["lengthen_vowel"]
    gem = costs["geminate"]
    h_after = costs["insert_h_after_vowel"]
    sep = costs["insert_separator"]
    ins_cons = costs["insert_consonant"]
    rules = _rules_at(bw)
    n, m = len(bw), len(latin)
    inf = math.inf
    # Cost of inserting the Latin letter at j given the letter before it.
    ins = []
    for j, ch in enumerate(latin):
        prev = latin[j - 1] if j else ""
        if ch == "'":
            c = sep
        elif ch in _VOWELS:
            if prev in _VOWELS:
                c = lengthen
            elif j + 1 == m and j > 0:
                c = final_vowel
            else:
                c = ins_vowel
        elif ch == prev:
            c = gem
        elif ch == "h" and prev in _VOWELS and (j + 1 == m):
            c = h_after
        elif ch == "y" or ch == "h":
            c = lengthen
        else:
            c = ins_cons
        ins.append(c)
    dist = [[inf] * (m + 1) for _ in range(n + 1)]
    dist[0][0] = 0.0
    for i in range(n + 1):
        row = dist[i]
        here = rules[i] if i < n else ()
        for j in range(m + 1):
            c = row[j]
            if c > bound:
                continue
            if j < m and c + ins[j] < row[j + 1]:
                row[j + 1] = c + ins[j]
            for k, _, table, lengths in here:
                nxt = dist[i + k]
                for length in lengths:
                    if j + length > m:
                        break
                    cost = table.get(latin[j : j + length])
                    if cost is not None and c + cost < nxt[j + length]:
                        nxt[j + length] = c + cost
    return dist[n][m]


def _scale(bw: str) -> float:
    t = _tables()
    letters = sum(1 for c in bw if c != " ")
    return t.scale_base + t.scale_per_letter * letters


@lru(1 << 15)
def _rule_similarity(bw: str, english: str, floor: float = _SIM_FLOOR) -> float:
    """Similarity in [0, 1] from the transliteration tables alone.

    Similarities below ``floor`` are reported as 0 (the alignment gives up early, which
    makes a high floor much faster).
    """
    if not bw:
        return 0.0
    costs = _tables().costs
    ar_art, ar_stem = _split_article_bw(bw)
    lat_art, lat_stem, lat_all = _latin_parts(english)
    if not lat_all:
        return 0.0
    scale = _scale(ar_stem)
    bound = scale * (1.0 - floor)
    extra = 0.0
    if ar_art and not lat_art:
        extra = costs["article_dropped"]
    elif lat_art and not ar_art:
        extra = costs["article_added"]
    best = _align_cost(ar_stem, lat_stem, bound - extra) + extra if lat_stem else math.inf
    if ar_art or lat_art:  # also read the article as letters (Alshaibani, العلوي ~ Alawi)
        best = min(best, _align_cost(bw, lat_all, bound))
    if best > bound:
        return 0.0
    return max(0.0, 1.0 - best / scale)
