"""Consonant skeletons: the blocking keys that decide which names are worth comparing."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

from .cache import lru
from .distance import _SIM_FLOOR
from .letters import _DOUBLED, _latin_parts, _split_article_bw
from .tables import _tables

# A name whose letters allow more readings than this is blocked on the first ones only.
_MAX_SKELETONS = 32


def _skeletons(classes: list[str]) -> frozenset[str]:
    out = set()
    for combo in itertools.islice(itertools.product(*classes), _MAX_SKELETONS):
        out.add("".join(c for c in combo if c not in ".H"))
    return frozenset(out)


def _letter_classes(stem: str, table: Mapping[str, str], *, drop_final_h: bool) -> list[str]:
    """Consonant classes of a stem: two-letter table entries first, then single letters."""
    classes = []
    i = 0
    while i < len(stem):
        two = stem[i : i + 2]
        if len(two) == 2 and two in table:
            classes.append(table[two])
            i += 2
            continue
        ch = stem[i]
        i += 1
        if drop_final_h and ch == "h" and (i == len(stem) or stem[i] == " "):
            continue  # final ه is often not written in English
        cls = table.get(ch)
        if cls:
            classes.append(cls)
    return classes


@lru(1 << 13)
def _ar_skeletons(bw: str) -> frozenset[str]:
    _, stem = _split_article_bw(bw)
    return _skeletons(_letter_classes(stem, _tables().skeleton_ar, drop_final_h=True))


@lru(1 << 13)
def _lat_skeletons(english: str) -> frozenset[str]:
    _, stem, _ = _latin_parts(english)
    stem = _DOUBLED.sub(r"\1", stem)  # Assad, Hassan: doubled letters are one Arabic letter
    return _skeletons(_letter_classes(stem, _tables().skeleton_lat, drop_final_h=False))


def _block_keys(skeletons: Iterable[str], deletions: bool) -> set[str]:
    keys = set()
    for s in skeletons:
        keys.add(s)
        if deletions and len(s) >= 3:  # short skeletons must agree exactly
            keys.update(s[:i] + s[i + 1 :] for i in range(len(s)))
    return keys


@lru(1 << 14)
def _ar_keys(bw: str, deletions: bool = True) -> frozenset[str]:
    skeletons = _ar_skeletons(bw)
    if _split_article_bw(bw)[0]:  # the article may be read as letters (Alawi, Alshaibani)
        skeletons = skeletons | {"L" + s for s in skeletons}
    return frozenset(_block_keys(skeletons, deletions))


@lru(1 << 14)
def _lat_keys(english: str, deletions: bool = True) -> frozenset[str]:
    return frozenset(_block_keys(_lat_skeletons(english), deletions))


# From this similarity floor up, names are compared only when their skeletons agree exactly:
# one more or one less consonant costs about 1, more than such a floor leaves room for.
_STRICT_FLOOR = 0.6


def _plausible(bw: str, english: str, floor: float = _SIM_FLOOR) -> bool:
    deletions = floor < _STRICT_FLOOR
    return not _ar_keys(bw, deletions).isdisjoint(_lat_keys(english, deletions))
