"""Name mentions of one sentence, for modules that report names instead of matching them.

`bialign.differences` lists the names that only one article has. It needs what the
matcher sees in a single sentence (the gazetteer forms and the runs of name words),
what a gazetteer row says, and whether a name is a nationality adjective. This module
gives it that without reaching into the matcher's internals; the parsed sentences are
the same (and cached the same way) as those `match_names` uses.

Examples:
    >>> found = english_names("Syrian Foreign Minister Asaad al-Shaibani met Wang Yi.")
    >>> [(h.start, h.end, sorted(gazetteer_entry(i).kind for i in h.ids)) for h in found.gazetteer]
    [(0, 6, ['country', 'nationality', 'nationality', 'nationality']), (46, 53, ['person'])]
    >>> found.runs
    (((24, 29), (30, 41)), ((46, 50), (51, 53)))
    >>> is_nationality("والسورية", "Syrian"), is_nationality("الشيباني", "Shaibani")
    (True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..normalize import normalize_arabic
from .sentences import _maximal, _parse_arabic, _parse_english
from .tables import _gazetteer, _nationalities

__all__ = [
    "GazetteerEntry",
    "GazetteerHit",
    "SentenceNames",
    "arabic_name_word",
    "arabic_names",
    "english_names",
    "gazetteer_entry",
    "is_nationality",
]


def arabic_name_word(word: str) -> str:
    """An Arabic name word as mentions of one person are compared: normalised, without the
    article (``الأسد`` and ``أسد`` are one word; a short word keeps its ``ال``)."""
    w = normalize_arabic(word)
    return w[2:] if w.startswith("ال") and len(w) > 4 else w


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One row of ``resources/gazetteer.tsv`` (rows of kind ``title`` are not names).

    Attributes:
        id: The row's number, as in `GazetteerHit.ids`.
        arabic: The Arabic form as written in the file.
        english: The accepted English forms, most common first.
        kind: ``country``, ``city``, ``region``, ``organisation``, ``agency``,
            ``nationality``, ``person`` or ``other``.
    """

    id: int
    arabic: str
    english: tuple[str, ...]
    kind: str


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    """A gazetteer form found in a sentence.

    Attributes:
        start: Offset of the form in the sentence (after a leading clitic in Arabic).
        end: Offset just after the form.
        ids: The gazetteer rows with this form (an Arabic form may have several
            readings: عمان is Oman or Amman).
    """

    start: int
    end: int
    ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class SentenceNames:
    """What the name finders see in one sentence.

    Attributes:
        gazetteer: The gazetteer forms not inside a longer one (وكالة الأنباء السورية,
            not السورية in it), in the order of the sentence.
        runs: Runs of adjacent name words that are not fixed gazetteer forms: for each
            run, the ``(start, end)`` offsets of its name units (a unit is one word, or
            a particle with its name: أبو قصرة, al-Shaibani).
    """

    gazetteer: tuple[GazetteerHit, ...]
    runs: tuple[tuple[tuple[int, int], ...], ...]


def _sentence_names(parsed: Any, gazetteer: list[tuple[int, int, frozenset[int]]]) -> SentenceNames:
    """A parsed sentence's longest gazetteer finds and its runs of name units, as offsets."""
    hits = _maximal(gazetteer)
    runs = tuple(
        tuple((parsed.units[k].start, parsed.units[k].end) for k in run) for run in parsed.runs
    )
    return SentenceNames(tuple(GazetteerHit(s, e, ids) for s, e, ids in hits), runs)


def arabic_names(sentence: str) -> SentenceNames:
    """The gazetteer forms and runs of name words of an Arabic sentence.

    Args:
        sentence: One Arabic sentence.

    Returns:
        The finds, with offsets into ``sentence``.
    """
    parsed = _parse_arabic(sentence)
    return _sentence_names(parsed, [(s, e, ids) for _, _, s, e, ids in parsed.gazetteer])


def english_names(sentence: str) -> SentenceNames:
    """The gazetteer forms and runs of capitalised name words of an English sentence.

    Args:
        sentence: One English sentence.

    Returns:
        The finds, with offsets into ``sentence``.
    """
    parsed = _parse_english(sentence)
    return _sentence_names(parsed, list(parsed.gazetteer))


def gazetteer_entry(row_id: int) -> GazetteerEntry:
    """The gazetteer row ``row_id`` (a number from `GazetteerHit.ids`).

    Raises:
        IndexError: No such row.
    """
    arabic, english, kind = _gazetteer().rows[row_id]
    return GazetteerEntry(row_id, arabic, english, kind)


def is_nationality(arabic: str, english: str) -> bool:
    """Whether a matched name is a nationality adjective (Syrian, الصينية) rather than a name.

    True when the Arabic form, or the English form without ``'s``, is one of the
    gazetteer's ``nationality`` rows. A leading clitic (و ف ب ل ك) may stay on the
    Arabic form: ``والسورية``.

    Args:
        arabic: The Arabic side of a match.
        english: The English side of the match.
    """
    ar, en = _nationalities()
    key = normalize_arabic(arabic)
    forms = {key} | ({key[1:], "ال" + key[1:]} if key[:1] in "وفبلك" else set())
    return bool(forms & ar) or english.casefold().removesuffix("'s") in en
