"""Find the same names in an Arabic sentence and an English one.

A name written in Arabic script reaches the English press in many spellings
(الشيباني → al-Shaibani, Shaibani, al-Shaybani), and some names are not
transliterated at all (الصين → China, بكين → Beijing). This module matches
them with three kinds of evidence, strongest first:

1. **Gazetteer** (``resources/gazetteer.tsv``): fixed forms and exonyms, looked up
   after `normalize_arabic` (Arabic) and
   `normalize_english` (English).
2. **Dictionary**: spellings attested for an Arabic name in the
   ``arabic-name-romanizer`` package's Wikidata-derived index.
3. **Transliteration**: a weighted alignment of the Arabic letters (in Buckwalter)
   with the Latin letters, driven by the tables in ``resources/translit.toml``.
   Every Arabic consonant must be explained by the Latin spelling, while short
   vowels (which Arabic does not write), doubled consonants and a dropped article
   are cheap. So ``الشيباني`` ≈ ``Shaybani`` but not ``Shaaban``, and ``أسعد``
   (with ع) ≈ ``Asaad`` while ``الأسد`` is not.

The public functions are `romanize`, `name_similarity`,
`match_names` and `NameScorer` (the ``"names"`` scorer).

Heavy dependencies (``arabic_name_romanizer``, ``camel_tools``) are imported on
first use, so importing this module is cheap.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import regex

from ._resources import read_toml, read_tsv, resource_path
from .errors import InputError, InputTypeError, ResourceError
from .normalize import normalize_arabic, normalize_english

__all__ = [
    "DEFAULT_THRESHOLD",
    "NameMatch",
    "NameScorer",
    "match_names",
    "name_similarity",
    "romanize",
]

#: Lowest score of a reported match (chosen on ``tests/data/names_eval.tsv`` and on
#: unrelated NTREX sentence pairs; see ``docs/guides/names.md``).
DEFAULT_THRESHOLD = 0.75

# A unit pair below this similarity never counts as part of a multi-word match.
_UNIT_MIN = 0.6
# Spans of at most this many name units are compared as a whole.
_MAX_SPAN = 4
# Score given to a spelling attested for the Arabic name in the romanizer's dictionary.
_ATTESTED = 0.97
# Only this much of a sentence is searched (a "sentence" of a megabyte is not one).
_MAX_CHARS = 20_000
# name_similarity and romanize look at this much of a name.
_MAX_NAME_CHARS = 200
# Small cost of reading a token with a clitic split off (وبكين is rarer than بكين).
_CLITIC_PENALTY = 0.01
# Rule-based similarities below this are reported as 0 (the alignment stops early).
_SIM_FLOOR = 0.3
# NameScorer consults the dictionary only for names at least this similar by the rules.
_DICT_FLOOR = 0.4

# Sources from the strongest evidence to the weakest.
_SOURCES = ("gazetteer", "dictionary", "transliteration")


@dataclass(frozen=True, slots=True)
class NameMatch:
    """One name found on both sides of a sentence pair.

    Attributes:
        arabic: The Arabic name as it stands in the sentence, without a leading
            clitic (و ف ب ل ك) when one was split off. For ``للصين`` (ل + الصين with
            the alef elided) this is ``لصين``.
        english: The English name as it stands, without a possessive ``'s``.
        score: How sure the match is, in [0, 1].
        arabic_span: ``(start, end)`` character offsets with
            ``arabic_sentence[start:end] == arabic``.
        english_span: ``(start, end)`` with ``english_sentence[start:end] == english``.
        source: ``"gazetteer"``, ``"dictionary"`` (a spelling attested in
            arabic-name-romanizer's index) or ``"transliteration"`` (the rule
            tables; also Latin-script names written inside the Arabic sentence).
            For a name of several words, the weakest word's source.
    """

    arabic: str
    english: str
    score: float
    arabic_span: tuple[int, int]
    english_span: tuple[int, int]
    source: str


# --------------------------------------------------------------------------- resources


@dataclass(frozen=True, slots=True)
class _Tables:
    rules: dict[str, tuple[tuple[str, bool, bool, tuple[tuple[str, float], ...]], ...]]
    costs: dict[str, float]
    scale_base: float
    scale_per_letter: float
    skeleton_ar: dict[str, str]
    skeleton_lat: dict[str, str]
    gen_article: str
    gen_between: tuple[tuple[str, float], ...]
    gen_max_cost: float
    ordinals: dict[str, str]
    unattested_prior: dict[int, float]


_COST_KEYS = (
    "insert_vowel",
    "insert_final_vowel",
    "lengthen_vowel",
    "geminate",
    "insert_h_after_vowel",
    "insert_separator",
    "insert_consonant",
    "delete_letter",
    "article_dropped",
    "article_added",
)


@functools.cache
def _tables() -> _Tables:
    path = resource_path("translit.toml")
    data = read_toml(path)
    try:
        costs = {k: float(data["costs"][k]) for k in _COST_KEYS}
        rules: dict[str, list[tuple[str, bool, bool, tuple[tuple[str, float], ...]]]] = defaultdict(
            list
        )
        for table, start, end in (
            ("letters", False, False),
            ("sequences", False, False),
            ("initial", True, False),
            ("final", False, True),
        ):
            for seq, opts in data[table].items():
                spellings = tuple(
                    sorted(((str(k), float(v)) for k, v in opts.items()), key=lambda kv: kv[1])
                )
                if not seq or any(c < 0 for _, c in spellings):
                    raise ValueError(f"bad rule {seq!r} in [{table}]")
                rules[seq[0]].append((seq, start, end, spellings))
        # The article inside a multi-word unit (عبد الرحمن → Abdul Rahman, Abd al-Rahman).
        rules[" "].append((" ", False, False, (("", 0.0),)))
        rules[" "].append(
            (
                " Al",
                False,
                False,
                (("al", 0.0), ("el", 0.0), ("ul", 0.0), ("il", 0.1), ("a", 0.15), ("e", 0.15)),
            )
        )
        gen = data["generate"]
        tables = _Tables(
            rules={k: tuple(v) for k, v in rules.items()},
            costs=costs,
            scale_base=float(data["scale"]["base"]),
            scale_per_letter=float(data["scale"]["per_letter"]),
            skeleton_ar={str(k): str(v) for k, v in data["skeleton"]["arabic"].items()},
            skeleton_lat={str(k): str(v) for k, v in data["skeleton"]["latin"].items()},
            gen_article=str(gen["article"]),
            gen_between=tuple(
                sorted(
                    ((str(k), float(v)) for k, v in gen["between_consonants"].items()),
                    key=lambda kv: kv[1],
                )
            ),
            gen_max_cost=float(gen["max_cost"]),
            ordinals={normalize_arabic(k): str(v) for k, v in data["ordinals"].items()},
            unattested_prior={int(k): float(v) for k, v in data["unattested"].items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResourceError(f"{path}: malformed transliteration table: {exc}", str(path)) from exc
    return tables


@functools.cache
def _stopwords() -> tuple[frozenset[str], frozenset[str]]:
    path = resource_path("name_stopwords.toml")
    data = read_toml(path)
    try:
        ar = frozenset(normalize_arabic(w) for w in data["ar"]["words"])
        en = frozenset(normalize_english(w) for w in data["en"]["words"])
    except (KeyError, TypeError) as exc:
        raise ResourceError(f"{path}: needs [ar] words and [en] words: {exc}", str(path)) from exc
    return ar, en


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    rows: tuple[tuple[str, tuple[str, ...], str], ...]  # arabic, english variants, kind
    ar: dict[str, frozenset[int]]  # normalised Arabic form -> row ids
    ar_prefixes: frozenset[str]
    ar_max_words: int
    en: dict[str, frozenset[int]]  # normalised English form -> row ids
    en_caps: dict[str, int]  # form -> 0 any case, 1 capital first letter, 2 all capitals
    en_prefixes: frozenset[str]
    en_max_words: int
    fixed: frozenset[int]  # rows that are not persons: exonyms and fixed forms


# Kinds of gazetteer rows that are not names (titles such as الرئيس ↔ President).
_SKIPPED_KINDS = frozenset({"title"})


@functools.cache
def _gazetteer() -> _Gazetteer:
    path = resource_path("gazetteer.tsv")
    rows = read_tsv(path, ("arabic", "english", "kind"))
    ar: dict[str, set[int]] = defaultdict(set)
    en: dict[str, set[int]] = defaultdict(set)
    caps: dict[str, int] = {}
    kept: list[tuple[str, tuple[str, ...], str]] = []
    for row in rows:
        if row["kind"] in _SKIPPED_KINDS:
            continue
        rid = len(kept)
        variants = tuple(v.strip() for v in row["english"].split("|") if v.strip())
        kept.append((row["arabic"], variants, row["kind"]))
        ar[normalize_arabic(row["arabic"])].add(rid)
        for v in variants:
            words = _en_key_words(v)
            if words and words[0] == "the" and len(words) > 1:
                words = words[1:]
            if not words:
                continue
            key = " ".join(words)
            en[key].add(rid)
            # How the form must be written: "US" not "us", "China" not "china".
            needs = 2 if (len(words) == 1 and _is_acronym(v)) else 1 if v[:1].isupper() else 0
            caps[key] = min(caps.get(key, 2), needs)
    ar_prefixes = {" ".join(k.split()[:i]) for k in ar for i in range(1, len(k.split()))}
    en_prefixes = {" ".join(k.split()[:i]) for k in en for i in range(1, len(k.split()))}
    return _Gazetteer(
        rows=tuple(kept),
        ar={k: frozenset(v) for k, v in ar.items()},
        ar_prefixes=frozenset(ar_prefixes),
        ar_max_words=max((len(k.split()) for k in ar), default=1),
        en={k: frozenset(v) for k, v in en.items()},
        en_caps=caps,
        en_prefixes=frozenset(en_prefixes),
        en_max_words=max((len(k.split()) for k in en), default=1),
        fixed=frozenset(rid for rid, row in enumerate(kept) if row[2] != "person"),
    )


_EN_KEY_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:'[\p{L}]+)*")


@functools.lru_cache(maxsize=1 << 16)
def _en_key_words(text: str) -> tuple[str, ...]:
    """Words of an English name for gazetteer keys: case-folded, possessive dropped."""
    words = _EN_KEY_WORD.findall(normalize_english(text.replace(".", "")))
    return tuple(w[:-2] if w.endswith("'s") else w for w in words)


@functools.cache
def _romanizer() -> Any:
    # Imported lazily: it opens an SQLite index (and an ONNX model, which we leave out:
    # the rule tables score spellings more precisely than its guesses, see the guide).
    from arabic_name_romanizer import Transliterator

    return Transliterator(auto_load_model=False, use_rules_fallback=False)


@functools.cache
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


# --------------------------------------------------------------------------- letters

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


@functools.lru_cache(maxsize=1 << 17)
def _to_bw(arabic: str) -> str:
    """Buckwalter form for the transliteration tables: no diacritics, hamza forms kept."""
    text = normalize_arabic(arabic, alef=False, alef_maksura=False, teh_marbuta=False)
    out = text.translate(_bw_table())
    return "".join(c for c in out if c == " " or (c.isascii() and not c.isdigit())).strip()


def _split_article_bw(bw: str) -> tuple[bool, str]:
    if bw.startswith("Al") and len(bw) > 3 and " " not in bw[:4]:
        return True, bw[2:]
    return False, bw


@functools.lru_cache(maxsize=1 << 17)
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


# --------------------------------------------------------------------------- alignment


_Rule = tuple[int, tuple[tuple[str, float], ...], dict[str, float], tuple[int, ...]]


@functools.lru_cache(maxsize=1 << 15)
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


@functools.lru_cache(maxsize=1 << 18)
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


@functools.lru_cache(maxsize=1 << 18)
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


# --------------------------------------------------------------------------- skeletons


def _skeletons(classes: list[str]) -> frozenset[str]:
    out = set()
    for combo in itertools.islice(itertools.product(*classes), 32):
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


@functools.lru_cache(maxsize=1 << 17)
def _ar_skeletons(bw: str) -> frozenset[str]:
    _, stem = _split_article_bw(bw)
    return _skeletons(_letter_classes(stem, _tables().skeleton_ar, drop_final_h=True))


@functools.lru_cache(maxsize=1 << 17)
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


@functools.lru_cache(maxsize=1 << 17)
def _ar_keys(bw: str, deletions: bool = True) -> frozenset[str]:
    skeletons = _ar_skeletons(bw)
    if _split_article_bw(bw)[0]:  # the article may be read as letters (Alawi, Alshaibani)
        skeletons = skeletons | {"L" + s for s in skeletons}
    return frozenset(_block_keys(skeletons, deletions))


@functools.lru_cache(maxsize=1 << 17)
def _lat_keys(english: str, deletions: bool = True) -> frozenset[str]:
    return frozenset(_block_keys(_lat_skeletons(english), deletions))


# From this similarity floor up, names are compared only when their skeletons agree exactly:
# one more or one less consonant costs about 1, more than such a floor leaves room for.
_STRICT_FLOOR = 0.6


def _plausible(bw: str, english: str, floor: float = _SIM_FLOOR) -> bool:
    deletions = floor < _STRICT_FLOOR
    return not _ar_keys(bw, deletions).isdisjoint(_lat_keys(english, deletions))


# --------------------------------------------------------------------------- dictionary


def _latin_key(latin: str) -> str:
    _, stem, _ = _latin_parts(latin)
    return stem.replace("'", "")


def _attested(arabic_unit: str) -> frozenset[str]:
    """Latin keys of the spellings attested for one Arabic name unit."""
    found = _ATTESTED_CACHE.get(arabic_unit)
    if found is None:
        found = _attested_many((arabic_unit,))[arabic_unit]
    return found


def _attested_many(units: Sequence[str]) -> dict[str, frozenset[str]]:
    """Look many units up in arabic-name-romanizer's dictionary at once (cached)."""
    todo = [u for u in dict.fromkeys(units) if u not in _ATTESTED_CACHE]
    if todo:
        if len(_ATTESTED_CACHE) + len(todo) > _ATTESTED_CACHE_SIZE:
            _ATTESTED_CACHE.clear()
        try:
            results = _romanizer().transliterate_many(todo, top_k=10)
        except (ImportError, OSError) as exc:  # pragma: no cover - broken install
            raise ResourceError(f"arabic-name-romanizer cannot be used: {exc}") from exc
        for unit, cands in zip(todo, results, strict=True):
            _ATTESTED_CACHE[unit] = frozenset(
                _latin_key(c.text) for c in cands if c.source in ("dictionary", "user")
            )
    return {u: _ATTESTED_CACHE[u] for u in units}


_ATTESTED_CACHE_SIZE = 1 << 18
_ATTESTED_CACHE: dict[str, frozenset[str]] = {}


@functools.lru_cache(maxsize=1 << 18)
def _unit_similarity(
    arabic_unit: str, bw: str, english: str, use_romanizer: bool, floor: float = _SIM_FLOOR
) -> tuple[float, str]:
    """Similarity of one Arabic name unit and one English name unit, and its source.

    Rule-based similarities below ``floor`` come out as 0.
    """
    roman = _tables().ordinals.get(normalize_arabic(arabic_unit))
    if roman is not None:
        return (1.0 if english == roman else 0.0), "transliteration"
    if not _plausible(bw, english, floor):
        return 0.0, "transliteration"
    score = _rule_similarity(bw, english, floor)
    if use_romanizer and score > 0.0 and " " not in bw:
        # a short word the dictionary does not know as a name is likely a common word
        letters = len(bw)
        prior = _tables().unattested_prior.get(letters)
        if prior is not None and not _attested(arabic_unit):
            score *= prior
    if (
        use_romanizer
        and score < _ATTESTED
        and (_split_article_bw(bw)[0] or not _latin_parts(english)[0])
    ):
        # (an attested spelling counts unless English adds an article: al-Assad is not أسعد)
        key = _latin_key(english)
        if key and key in _attested(arabic_unit):
            return _ATTESTED, "dictionary"
    return score, "transliteration"


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True, slots=True)
class _Reading:
    start: int  # offset of the reading in the sentence (after a clitic)
    key: str  # normalize_arabic form, for the gazetteer and the stop-list
    text: str  # the Arabic as written (after the clitic), for the dictionary
    bw: str  # Buckwalter, for the tables
    penalty: float


@dataclass(frozen=True, slots=True)
class _ArToken:
    start: int
    end: int
    info: _WordInfo


@dataclass(frozen=True, slots=True)
class _ArUnit:
    lo: int  # token range
    hi: int
    start: int  # character offsets of the whole unit
    end: int
    readings: tuple[_Reading, ...]  # one per reading of the first token (names only)
    is_name: bool


@dataclass(frozen=True, slots=True)
class _EnUnit:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _ArSentence:
    tokens: tuple[_ArToken, ...]
    units: tuple[_ArUnit, ...]
    runs: tuple[tuple[int, ...], ...]  # indices into units
    gazetteer: tuple[tuple[int, int, int, int, frozenset[int]], ...]  # lo, hi, start, end, ids
    latin: tuple[_EnUnit, ...]  # Latin names written inside the Arabic


@dataclass(frozen=True, slots=True)
class _EnSentence:
    units: tuple[_EnUnit, ...]
    runs: tuple[tuple[int, ...], ...]
    gazetteer: tuple[tuple[int, int, frozenset[int]], ...]  # start, end, ids
    capitals: tuple[_EnUnit, ...]  # every capitalised word part, for Latin text in the Arabic


@dataclass(frozen=True, slots=True)
class _WordInfo:
    """What is known about one Arabic word, whatever sentence it stands in (cached)."""

    readings: tuple[tuple[int, str, str, str, float], ...]  # (offset, key, text, bw, penalty)
    particle: bool  # عبد, أبو, بن ... joins the next word
    suffix: bool  # الله, الدين joins the word before
    name_ok: bool  # may be a name (not a stop-word, at least three letters)


@functools.lru_cache(maxsize=1 << 16)
def _word_info(raw: str) -> _WordInfo:
    readings = _word_readings(raw)
    key = readings[0][1]
    ar_stop, _ = _stopwords()
    return _WordInfo(
        readings,
        any(r[1] in _AR_PREFIX_PARTICLES for r in readings),
        key in _AR_SUFFIX_PARTICLES,
        len(key) >= 3 and not _is_stopword(key, ar_stop),
    )


def _word_readings(raw: str) -> tuple[tuple[int, str, str, str, float], ...]:
    """The ways to read one Arabic word: whole, and with a leading clitic split off."""
    key = normalize_arabic(raw)
    # offsets in raw of the letters that survive normalize_arabic (marks are dropped)
    offsets = [i for i, ch in enumerate(raw) if _AR_ANY.match(ch)]
    out = [(0, key, raw, _to_bw(raw), 0.0)]
    if len(offsets) != len(key) or " " in key:
        return tuple(out)  # presentation forms: keep the token whole

    def add(k: int, prefix: str = "") -> None:
        surface = raw[offsets[k] :]
        out.append(
            (
                offsets[k],
                prefix + key[k:],
                prefix + surface,
                _to_bw(prefix + surface),
                _CLITIC_PENALTY,
            )
        )

    n = len(key)
    k = 0
    if n > 3 and key[0] in "وف":
        add(1)
        k = 1
    if n - k > 3 and key[k] in "بلك":
        if key[k : k + 2] == "لل":
            add(k + 1, "ا")
        elif key[k] != "ك" or key[k + 1 : k + 3] == "ال":  # كـ only before ال: كليا is a word
            add(k + 1)
    return tuple(out)


@functools.lru_cache(maxsize=1 << 14)
def _parse_arabic(sentence: str, use_gazetteer: bool = True) -> _ArSentence:
    tokens = tuple(
        _ArToken(m.start(), m.end(), _word_info(m.group())) for m in _AR_TOKEN.finditer(sentence)
    )
    gaz = _find_arabic_gazetteer(sentence, tokens) if use_gazetteer else ()
    # A word of a fixed gazetteer form (الصين, بكين) is not transliterated: بكين is not ب + كين.
    fixed = _gazetteer().fixed if gaz else frozenset()
    covered = {k for lo, hi, _, _, ids in gaz if ids <= fixed for k in range(lo, hi)}
    # Units: one word, or a particle with the next word (عبد الله, أبو قصرة).
    units: list[_ArUnit] = []
    i = 0
    n = len(tokens)
    while i < n:
        j = i + 1
        while (
            j < n
            and j - i < 3
            and tokens[j - 1].info.particle
            and _adjacent(sentence, tokens[j - 1].end, tokens[j].start)
        ):
            j += 1
        while (
            j < n
            and tokens[j].info.suffix
            and _adjacent(sentence, tokens[j - 1].end, tokens[j].start)
        ):
            j += 1
        first = tokens[i]
        # a particle makes a name (عبد السلام, أبو عبيدة, نصر الله)
        is_name = (j - i > 1 or first.info.name_ok) and covered.isdisjoint(range(i, j))
        readings: tuple[_Reading, ...] = ()
        if is_name:
            tail = sentence[first.end : tokens[j - 1].end]
            readings = tuple(
                _Reading(first.start + rel, key, text, bw, penalty)
                if not tail
                else _Reading(
                    first.start + rel,
                    normalize_arabic(text + tail),
                    text + tail,
                    _to_bw(text + tail),
                    penalty,
                )
                for rel, key, text, bw, penalty in first.info.readings
            )
        units.append(_ArUnit(i, j, first.start, tokens[j - 1].end, readings, is_name))
        i = j
    runs = _runs(sentence, [(u.start, u.end) for u in units], [u.is_name for u in units])
    latin = tuple(
        _EnUnit(m.start(), m.end(), m.group())
        for m in _LATIN_IN_AR.finditer(sentence)
        if len(m.group()) >= 2
    )
    return _ArSentence(tokens, tuple(units), runs, gaz, latin)


def _is_stopword(key: str, stop: frozenset[str]) -> bool:
    """Whether an Arabic word, or what is left after a clitic (وهو, بأن), is a stop-word."""
    if key in stop:
        return True
    k = 1 if key[:1] in ("و", "ف") else 0
    if key[k:] in stop:
        return True
    if key[k : k + 1] in ("ب", "ل", "ك") and key[k + 1 :] in stop:
        return True
    return key[k : k + 2] == "لل" and "ا" + key[k + 1 :] in stop


def _adjacent(sentence: str, end: int, start: int) -> bool:
    return sentence[end:start].isspace() and "\n" not in sentence[end:start]


def _runs(
    sentence: str, spans: list[tuple[int, int]], is_name: list[bool]
) -> tuple[tuple[int, ...], ...]:
    runs: list[tuple[int, ...]] = []
    current: list[int] = []
    for k, ok in enumerate(is_name):
        if ok and current and _adjacent(sentence, spans[current[-1]][1], spans[k][0]):
            current.append(k)
            continue
        if current:
            runs.append(tuple(current))
        current = [k] if ok else []
    if current:
        runs.append(tuple(current))
    return tuple(runs)


def _find_arabic_gazetteer(
    sentence: str, tokens: Sequence[_ArToken]
) -> tuple[tuple[int, int, int, int, frozenset[int]], ...]:
    gaz = _gazetteer()
    found = []
    for i, tok in enumerate(tokens):
        for rel, key, *_ in tok.info.readings:
            j = i + 1
            while True:
                ids = gaz.ar.get(key)
                if ids:
                    found.append((i, j, tok.start + rel, tokens[j - 1].end, ids))
                if key not in gaz.ar_prefixes or j >= len(tokens) or j - i >= gaz.ar_max_words:
                    break
                if not _adjacent(sentence, tokens[j - 1].end, tokens[j].start):
                    break
                key = f"{key} {tokens[j].info.readings[0][1]}"
                j += 1
    return tuple(found)


@functools.lru_cache(maxsize=1 << 14)
def _parse_english(sentence: str, use_gazetteer: bool = True) -> _EnSentence:
    _, en_stop = _stopwords()
    # Parts: hyphen-separated pieces of word tokens, with a possessive 's dropped.
    parts: list[tuple[int, int, str]] = []
    for m in _EN_TOKEN.finditer(sentence):
        text = m.group()
        end = m.end()
        poss = _POSSESSIVE.search(text)
        if poss:
            text = text[: poss.start()]
            end = m.start() + len(text)
        pos = m.start()
        for piece in _HYPHENS.split(text):
            parts.append((pos, pos + len(piece), piece))
            pos += len(piece) + 1
    gaz = _find_english_gazetteer(sentence, parts) if use_gazetteer else ()
    fixed = _gazetteer().fixed if gaz else frozenset()
    in_fixed = _coverage(len(sentence), [(s, e) for s, e, ids in gaz if ids <= fixed])
    units: list[_EnUnit] = []
    flags: list[bool] = []
    k = 0
    while k < len(parts):
        start, end, piece = parts[k]
        low = piece.casefold()
        nxt = parts[k + 1] if k + 1 < len(parts) else None
        if (
            low in _EN_PARTICLES
            and nxt is not None
            and _is_cap(nxt[2])
            and (sentence[end : nxt[0]] in ("-", " ", "‐", "‑"))
        ):
            units.append(_EnUnit(start, nxt[1], sentence[start : nxt[1]]))
            flags.append(True)
            k += 2
            continue
        # (a stop-word in capitals is still a stop-word: THE, TO; acronyms such as HAS are
        # matched as written when the Arabic text carries them in Latin letters)
        is_name = _is_cap(piece) and low not in en_stop
        if not is_name and low in _EN_INNER and units and flags[-1] and nxt and _is_cap(nxt[2]):
            is_name = True
        units.append(_EnUnit(start, end, piece))
        flags.append(is_name)
        k += 1
    flags = [
        ok and in_fixed.find(1, u.start, u.end) == -1 for u, ok in zip(units, flags, strict=True)
    ]
    runs = _runs(sentence, [(u.start, u.end) for u in units], flags)
    named = tuple(units[k] for run in runs for k in run)
    # Re-index runs on the kept units.
    index = {id(u): n for n, u in enumerate(named)}
    runs = tuple(tuple(index[id(units[k])] for k in run) for run in runs)
    capitals = tuple(
        _EnUnit(s, e, piece)
        for s, e, piece in parts
        if _is_cap(piece) and (_is_acronym(piece) or piece.casefold() not in en_stop)
    )
    return _EnSentence(named, runs, gaz, capitals)


def _is_cap(piece: str) -> bool:
    return bool(piece) and piece[0].isupper()


def _is_acronym(piece: str) -> bool:
    letters = [c for c in piece if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _find_english_gazetteer(
    sentence: str, parts: Sequence[tuple[int, int, str]]
) -> tuple[tuple[int, int, frozenset[int]], ...]:
    """Gazetteer forms in a sentence, over its words split at hyphens (China-Syria)."""
    gaz = _gazetteer()
    found = []
    keys = [" ".join(_en_key_words(p[2])) for p in parts]
    for i, (start, _, text) in enumerate(parts):
        key = keys[i]
        if not key or key == "the":
            continue
        j = i + 1
        while True:
            ids = gaz.en.get(key)
            if ids and _case_ok(gaz.en_caps.get(key, 0), text):
                found.append((start, parts[j - 1][1], ids))
            if key not in gaz.en_prefixes or j >= len(parts) or j - i >= gaz.en_max_words:
                break
            if sentence[parts[j - 1][1] : parts[j][0]].strip(" -") or not keys[j]:
                break
            key = f"{key} {keys[j]}"
            j += 1
    return tuple(found)


def _case_ok(required: int, first_word: str) -> bool:
    """0: any case; 1: a capital first letter (China, not china); 2: capitals (US, not us)."""
    if required == 2:
        return _is_acronym(first_word)
    if required == 1:
        return _is_cap(first_word)
    return True


# --------------------------------------------------------------------------- matching


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
    لي جيان ~ Lijian). Units may also be left unmatched, at a cost (0.7 of a unit on the
    Arabic side, 0.5 on the English side, where titles and middle names are common); with
    ``anchored`` the first and last units on both sides must be matched. The score is the
    mean similarity of the matches with the unmatched units counted at those costs.
    """
    skip_ar, skip_en = 0.7, 0.5
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
                if s >= _UNIT_MIN:
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

    def ar_form(p: int, dp: int, r: int) -> tuple[str, str, float]:
        first = units[p].readings[r]
        rest = [units[x].readings[0] for x in range(p + 1, p + dp)]
        text = " ".join([first.text, *(x.text for x in rest)])
        bw = " ".join([first.bw, *(x.bw for x in rest)])
        return text, bw, first.penalty

    def span_pair(p: int, dp: int, r: int, q: int, dq: int) -> tuple[float, str]:
        key = (p, dp, r, q, dq)
        if key not in cache:
            text, bw, penalty = ar_form(p, dp, r)
            english = " ".join(e_units[y].text for y in range(q, q + dq))
            s, src = _unit_similarity(text, bw, english, use_romanizer, _UNIT_MIN)
            cache[key] = (max(0.0, s - penalty), src)
        return cache[key]

    # Where a match may start: names (or two adjacent names) whose skeletons agree.
    index: dict[str, list[int]] = defaultdict(list)
    for run in en.runs:
        for i, q in enumerate(run):
            for dq in (1, 2):
                if i + dq <= len(run):
                    english = " ".join(e_units[y].text for y in range(q, q + dq))
                    for key in _lat_keys(english, False):
                        index[key].append(q)
    starts: set[tuple[int, int, int]] = set()
    for run in ar.runs:
        for i, p in enumerate(run):
            for r in range(len(units[p].readings)):
                for dp in (1, 2):
                    if i + dp <= len(run):
                        for key in _ar_keys(ar_form(p, dp, r)[1], False):
                            starts.update((p, r, q) for q in index.get(key, ()))
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
        if best_start < _UNIT_MIN:
            continue
        reading = units[p0].readings[r]

        def pair(p: int, dp: int, q: int, dq: int, _r: int = r, _p: int = p0, _q: int = q0):
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


# --------------------------------------------------------------------------- public API


def romanize(arabic: str, top_k: int = 5) -> list[str]:
    """Likely English spellings of an Arabic name, best first.

    Gazetteer forms come first (``الصين`` → ``China``), then spellings attested
    in arabic-name-romanizer's dictionary, written in news style (``al-`` in
    lower case, also without the article), then spellings built from the rule
    tables in ``resources/translit.toml``.

    Args:
        arabic: An Arabic name (one or more words). Diacritics are ignored.
        top_k: How many spellings to return (at least 1).

    Returns:
        Up to ``top_k`` distinct spellings; ``[]`` for a text without Arabic letters.

    Raises:
        InputTypeError: ``arabic`` is not a str or ``top_k`` not an int.
        InputError: ``top_k`` is smaller than 1.

    Examples:
        >>> romanize("الشيباني", top_k=3)
        ['al-Shaibani', 'Shaibani', 'Shibani']
    """
    _check_str(arabic, "arabic")
    if not isinstance(top_k, int) or isinstance(top_k, bool):
        raise InputTypeError(f"top_k must be int, got {type(top_k).__name__}", top_k, "int")
    if top_k < 1:
        raise InputError("top_k must be at least 1", top_k)
    tokens = [m.group() for m in _AR_TOKEN.finditer(arabic[:_MAX_NAME_CHARS])]
    if not tokens:
        return []
    name = " ".join(tokens)
    out: list[str] = []
    gaz = _gazetteer()
    for rid in sorted(gaz.ar.get(normalize_arabic(name), ())):
        out.extend(gaz.rows[rid][1])
    cands = _romanizer().transliterate(name, top_k=max(top_k, 5))
    attested = [_news_style(c.text) for c in cands if c.source in ("dictionary", "user")]
    for k, text in enumerate(attested):
        out.append(text)
        if k == 0 and text.startswith("al-") and " " not in text:
            out.append(text[3:])
    out.extend(_generate(name, top_k))
    seen: set[str] = set()
    result = []
    for text in out:
        key = text.casefold()
        if key not in seen:
            seen.add(key)
            result.append(text)
    return result[:top_k]


def _news_style(text: str) -> str:
    """``Al-Shaibani`` → ``al-Shaibani``, as English news write the article inside a name."""
    return regex.sub(r"(?<![\p{L}])(A|E)l-(?=\p{Lu})", lambda m: m.group(1).lower() + "l-", text)


def _generate(name: str, top_k: int) -> list[str]:
    """Spellings built from the rule tables (a beam search over letter spellings)."""
    per_word = []
    for word in name.split():
        bw = _to_bw(word)
        if not bw:
            continue
        article, stem = _split_article_bw(bw)
        spellings = _generate_word(stem, top_k)
        prefix = _tables().gen_article if article else ""
        per_word.append([(prefix + s[:1].upper() + s[1:], c) for s, c in spellings])
    if not per_word:
        return []
    combos = sorted(
        itertools.islice(itertools.product(*per_word), 200), key=lambda ws: sum(c for _, c in ws)
    )
    return [" ".join(w for w, _ in ws) for ws in combos[:top_k]]


def _generate_word(bw: str, top_k: int) -> list[tuple[str, float]]:
    tables = _tables()
    rules = _rules_at(bw)
    beam: dict[int, list[tuple[float, str]]] = {0: [(0.0, "")]}
    for i in range(len(bw)):
        for cost, text in beam.pop(i, []):
            for k, spellings, _, _ in rules[i]:
                for spelling, c in spellings:
                    if c > tables.gen_max_cost or "'" in spelling:
                        continue
                    if spelling and text and text[-1] not in _VOWELS and spelling[0] not in _VOWELS:
                        if text[-1] == spelling[0] and text[-1] != "y":
                            fills: tuple[tuple[str, float], ...] = (("", 0.0),)
                        else:
                            fills = tables.gen_between
                    else:
                        fills = (("", 0.0),)
                    for fill, fc in fills:
                        beam.setdefault(i + k, []).append((cost + c + fc, text + fill + spelling))
        for pos in beam:
            beam[pos] = sorted(set(beam[pos]))[:20]
    done = sorted(set(beam.get(len(bw), [])))
    return [(t, c) for c, t in done if t][:top_k]


def name_similarity(
    arabic: str,
    english: str,
    *,
    use_gazetteer: bool = True,
    use_romanizer: bool = True,
) -> float:
    """How likely an Arabic name and an English name are the same name, in [0, 1].

    Both may have several words: the words are aligned in order, and words left
    over on either side (a middle name, a title) lower the score. A gazetteer
    entry that lists both gives 1.0.

    Args:
        arabic: The Arabic name (clitics are not split off here).
        english: The English name (an ``al-``/``el-`` article and ``'s`` allowed).
        use_gazetteer: Consult ``resources/gazetteer.tsv``.
        use_romanizer: Consult arabic-name-romanizer's dictionary of attested spellings.

    Returns:
        The similarity; 0.0 when either side is empty or has no letters of its script.

    Raises:
        InputTypeError: An argument is not a str.

    Examples:
        >>> round(name_similarity("الشيباني", "al-Shaybani"), 2)
        0.97
        >>> name_similarity("الشيباني", "Shaaban") < 0.5
        True
    """
    _check_str(arabic, "arabic")
    _check_str(english, "english")
    return _name_similarity(
        arabic[:_MAX_NAME_CHARS], english[:_MAX_NAME_CHARS], use_gazetteer, use_romanizer
    )


@dataclass(frozen=True, slots=True)
class _NameSide:
    units: tuple[str, ...]  # name units (Arabic text, or English text)
    whole: str  # all units joined
    gazetteer: frozenset[int]
    keys: frozenset[str]  # blocking keys of every unit and of the whole


@functools.lru_cache(maxsize=1 << 14)
def _arabic_side(arabic: str, use_gazetteer: bool) -> _NameSide:
    tokens = tuple(m.group() for m in _AR_TOKEN.finditer(arabic))
    units = tuple(_name_units_ar(tokens))
    whole = " ".join(units)
    ids = (
        _gazetteer().ar.get(normalize_arabic(whole), frozenset()) if use_gazetteer else frozenset()
    )
    keys: set[str] = set()
    for u in (*units, whole) if units else ():
        keys |= _ar_keys(_to_bw(u))
    return _NameSide(units, whole, ids, frozenset(keys))


@functools.lru_cache(maxsize=1 << 14)
def _english_side(english: str, use_gazetteer: bool) -> _NameSide:
    units = tuple(_name_units_en(english))
    whole = " ".join(units)
    ids: frozenset[int] = frozenset()
    if use_gazetteer:
        words = _en_key_words(english)
        if words and words[0] == "the":
            words = words[1:]
        ids = _gazetteer().en.get(" ".join(words), frozenset())
    keys: set[str] = set()
    for u in (*units, whole) if units else ():
        keys |= _lat_keys(u)
    return _NameSide(units, whole, ids, frozenset(keys))


@functools.lru_cache(maxsize=1 << 16)
def _name_similarity(arabic: str, english: str, use_gazetteer: bool, use_romanizer: bool) -> float:
    ar = _arabic_side(arabic, use_gazetteer)
    en = _english_side(english, use_gazetteer)
    if not ar.units or not en.units:
        return 0.0
    if ar.gazetteer & en.gazetteer:
        return 1.0
    if ar.keys.isdisjoint(en.keys):
        return 0.0
    if len(ar.units) == 1 and len(en.units) == 1:
        return _unit_similarity(ar.whole, _to_bw(ar.whole), en.whole, use_romanizer)[0]

    def pair(p: int, dp: int, q: int, dq: int) -> tuple[float, str]:
        a = " ".join(ar.units[p : p + dp])
        e = " ".join(en.units[q : q + dq])
        return _unit_similarity(a, _to_bw(a), e, use_romanizer)

    score, _, _ = _align_units(pair, len(ar.units), len(en.units), False)
    whole, _ = _unit_similarity(ar.whole, _to_bw(ar.whole), en.whole, use_romanizer)
    return float(min(1.0, max(0.0, score, whole)))


def _name_units_ar(tokens: tuple[str, ...]) -> list[str]:
    units: list[str] = []
    i = 0
    while i < len(tokens):
        j = i + 1
        while (
            j < len(tokens)
            and j - i < 3
            and normalize_arabic(tokens[j - 1]) in _AR_PREFIX_PARTICLES
        ):
            j += 1
        while j < len(tokens) and normalize_arabic(tokens[j]) in _AR_SUFFIX_PARTICLES:
            j += 1
        units.append(" ".join(tokens[i:j]))
        i = j
    return units


_HYPHENS = regex.compile(r"[-‐‑]")


def _name_units_en(english: str) -> list[str]:
    units: list[str] = []
    pieces = [
        p for w in _EN_TOKEN.findall(english) for p in _HYPHENS.split(_POSSESSIVE.sub("", w)) if p
    ]
    k = 0
    while k < len(pieces):
        low = pieces[k].casefold()
        if low in _EN_PARTICLES and k + 1 < len(pieces):
            glue = "-" if low in ("al", "el") else " "
            units.append(f"{pieces[k]}{glue}{pieces[k + 1]}")
            k += 2
        else:
            units.append(pieces[k])
            k += 1
    return units


def match_names(
    arabic_sentence: str,
    english_sentence: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    use_gazetteer: bool = True,
    use_romanizer: bool = True,
) -> list[NameMatch]:
    """Names that occur in both sentences, with their positions.

    Arabic name candidates are the words that are not on the stop-list
    (``resources/name_stopwords.toml``), with a leading clitic (و ف ب ل ك) split
    off when that reads better; English candidates are capitalised words and
    acronyms (``al-``/``el-`` kept with the name, possessive ``'s`` dropped).
    Gazetteer entries of several words are found on both sides. Names of
    several words are matched as a whole where possible, then word by word; the
    consistent set is chosen greedily (largest matched evidence first), so no
    Arabic or English text is used by two matches.

    Args:
        arabic_sentence: The Arabic sentence. A text with no Arabic letters gives ``[]``.
        english_sentence: The English sentence.
        threshold: The lowest score reported.
        use_gazetteer: Consult ``resources/gazetteer.tsv``.
        use_romanizer: Consult arabic-name-romanizer's dictionary.

    Returns:
        The matches, in the order of the Arabic sentence.

    Raises:
        InputTypeError: A sentence is not a str.

    Examples:
        >>> matches = match_names("التقى الشيباني بوانغ يي", "Shaibani met Wang Yi")
        >>> [(m.arabic, m.english, m.source) for m in matches]
        [('الشيباني', 'Shaibani', 'dictionary'), ('وانغ يي', 'Wang Yi', 'gazetteer')]
        >>> matches[1].arabic_span
        (16, 23)
    """
    _check_str(arabic_sentence, "arabic_sentence")
    _check_str(english_sentence, "english_sentence")
    if not arabic_sentence.strip() or not english_sentence.strip():
        return []
    ar_text = arabic_sentence[:_MAX_CHARS]
    en_text = english_sentence[:_MAX_CHARS]
    if not _AR_ANY.search(ar_text):
        return []
    ar = _parse_arabic(ar_text, use_gazetteer)
    en = _parse_english(en_text, use_gazetteer)
    chosen = _select(_candidates(ar, en, use_romanizer), threshold, len(ar_text), len(en_text))
    return [
        NameMatch(
            arabic=arabic_sentence[c.ar[0] : c.ar[1]],
            english=english_sentence[c.en[0] : c.en[1]],
            score=round(float(c.score), 6),
            arabic_span=c.ar,
            english_span=c.en,
            source=c.source,
        )
        for c in chosen
    ]


# --------------------------------------------------------------------------- scorer


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
        from .scorers.base import check_matrix

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


@functools.lru_cache(maxsize=1 << 15)
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


@functools.lru_cache(maxsize=1 << 15)
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


def _coverage(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """A byte per character: 1 where one of ``spans`` covers it."""
    out = bytearray(length)
    for start, end in spans:
        out[start:end] = b"\x01" * (end - start)
    return out


def _maximal(hits: list[tuple[int, int, frozenset[int]]]) -> list[tuple[int, int, frozenset[int]]]:
    """Gazetteer hits not inside a longer hit (وكالة الأنباء السورية, not السورية in it)."""
    spans = sorted({(h[0], h[1]) for h in hits}, key=lambda se: (se[0], -se[1]))
    kept: set[tuple[int, int]] = set()
    max_end = -1
    for start, end in spans:  # a span is inside a longer one seen before it, or it is kept
        if end > max_end:
            kept.add((start, end))
            max_end = end
    return [h for h in hits if (h[0], h[1]) in kept]


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
