"""Letters: the scripts' character classes, name particles, Buckwalter and Latin forms."""

from __future__ import annotations

from typing import Any

import regex

from ..errors import InputTypeError
from ..normalize import normalize_arabic, normalize_english
from .cache import lru, once


@once
def _bw_table() -> dict[int, str]:
    from camel_tools.utils.charmap import CharMapper

    mapper = CharMapper.builtin_mapper("ar2bw")
    table: dict[int, str] = {}
    for cp in [*range(0x0621, 0x064B), 0x0671, 0x067E, 0x0686, 0x06A4, 0x06AF]:
        out = mapper(chr(cp))
        if out != chr(cp):
            table[cp] = out
    table[0x0671] = "A"  # alef wasla
    table[0x06A9] = "k"  # keheh
    table[0x06CC] = "y"  # farsi yeh
    table[0x06C1] = "h"  # heh goal
    table[0x0640] = ""  # tatweel
    return table


_AR_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06fc\u0750-\u077f"
_AR_MARK = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_AR_TOKEN = regex.compile(f"[{_AR_LETTER}][{_AR_LETTER}{_AR_MARK}]*")
_AR_ANY = regex.compile(f"[{_AR_LETTER}]")
_LATIN_IN_AR = regex.compile(r"\b[A-Z][A-Za-z]*(?:[-'][A-Za-z]+)*\b")
_EN_TOKEN = regex.compile(
    r"(?:\p{Lu}\.){2,}"  # U.S., U.N.
    r"|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}]+)*(?:[-‐‑][\p{L}\p{M}\p{N}]+)*"
)
_POSSESSIVE = regex.compile(r"['’][sS]$")
_VOWELS = frozenset("aeiou")
_LAT_ARTICLE = regex.compile(r"^(?:[aeu])(l|t|th|d|dh|r|z|s|sh|n)[-\s']+(?=\S)")
_NOT_LATIN = regex.compile(r"[^\p{L}']+")
_DOUBLED = regex.compile(r"(.)\1+")

# Arabic particles that form one name unit with the next word, and words that join the one
# before (the same convention as arabic-name-romanizer).
_AR_PREFIX_PARTICLES = frozenset({"عبد", "ابو", "ابي", "بن", "ابن", "بنت", "ال", "ذو", "ذي"})
_AR_SUFFIX_PARTICLES = frozenset({"الله", "الدين"})
# English name particles joined to the next name (Abu Shamala, bin Salman, al-Assad).
_EN_PARTICLES = frozenset(
    {
        "abu",
        "abou",
        "abo",
        "bin",
        "ben",
        "ibn",
        "bint",
        "abd",
        "abdel",
        "abdul",
        "abdal",
        "al",
        "el",
        "bu",
    }
)
# Lower-case particles allowed inside a run of capitalised names (von der Leyen).
_EN_INNER = frozenset({"von", "van", "der", "den", "de", "da", "di", "du", "la", "le", "del"})


def _check_str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InputTypeError(f"{what} must be str, got {type(value).__name__}", value)
    return value


@lru(1 << 14)
def _to_bw(arabic: str) -> str:
    """Buckwalter form for the transliteration tables: no diacritics, hamza forms kept."""
    text = normalize_arabic(arabic, alef=False, alef_maksura=False, teh_marbuta=False)
    out = text.translate(_bw_table())
    return "".join(c for c in out if c == " " or (c.isascii() and not c.isdigit())).strip()


def _split_article_bw(bw: str) -> tuple[bool, str]:
    if bw.startswith("Al") and len(bw) > 3 and " " not in bw[:4]:
        return True, bw[2:]
    return False, bw


@lru(1 << 14)
def _latin_parts(english: str) -> tuple[bool, str, str]:
    """(has article, stem letters, all letters) of an English name, case-folded."""
    low = normalize_english(english)
    low = _POSSESSIVE.sub("", low)
    match = _LAT_ARTICLE.match(low)
    has_article = False
    stem = low
    if match:
        rest = low[match.end() :]
        cons = match.group(1)
        if cons == "l" or rest.startswith(cons):
            has_article, stem = True, rest
    return has_article, _NOT_LATIN.sub("", stem), _NOT_LATIN.sub("", low)


def _is_cap(piece: str) -> bool:
    return bool(piece) and piece[0].isupper()


def _is_acronym(piece: str) -> bool:
    letters = [c for c in piece if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


_HYPHENS = regex.compile(r"[-‐‑]")
