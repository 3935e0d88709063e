"""The data files: transliteration tables, stop-words, gazetteer, the romanizer's index."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import regex

from .._resources import read_toml, read_tsv, resource_path
from ..errors import ResourceError
from ..normalize import normalize_arabic, normalize_english
from .cache import lru, once
from .letters import _is_acronym


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
    unit_min: float  # [units]
    skip_arabic: float
    skip_english: float
    attested: float  # [dictionary]
    clitic_penalty: float  # [clitics]


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


@once
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
            ("inside_unit", False, False),
        ):
            for seq, opts in data[table].items():
                spellings = tuple(
                    sorted(((str(k), float(v)) for k, v in opts.items()), key=lambda kv: kv[1])
                )
                if not seq or any(c < 0 for _, c in spellings):
                    raise ValueError(f"bad rule {seq!r} in [{table}]")
                rules[seq[0]].append((seq, start, end, spellings))
        gen = data["generate"]
        units = data["units"]
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
            unit_min=float(units["min_similarity"]),
            skip_arabic=float(units["skip_arabic"]),
            skip_english=float(units["skip_english"]),
            attested=float(data["dictionary"]["attested"]),
            clitic_penalty=float(data["clitics"]["split_penalty"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResourceError(f"{path}: malformed transliteration table: {exc}", str(path)) from exc
    return tables


@once
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


@once
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


@once
def _nationalities() -> tuple[frozenset[str], frozenset[str]]:
    """Arabic (normalised) and English (case-folded) forms of the ``nationality`` rows."""
    rows = [row for row in _gazetteer().rows if row[2] == "nationality"]
    ar = frozenset(normalize_arabic(arabic) for arabic, _, _ in rows)
    en = frozenset(v.casefold() for _, variants, _ in rows for v in variants)
    return ar, en


_EN_KEY_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:'[\p{L}]+)*")


@lru(1 << 14)
def _en_key_words(text: str) -> tuple[str, ...]:
    """Words of an English name for gazetteer keys: case-folded, possessive dropped."""
    words = _EN_KEY_WORD.findall(normalize_english(text.replace(".", "")))
    return tuple(w[:-2] if w.endswith("'s") else w for w in words)


@once
def _romanizer() -> Any:
    # Imported lazily: it opens an SQLite index (and an ONNX model, which we leave out:
    # the rule tables score spellings more precisely than its guesses, see the guide).
    from arabic_name_romanizer import Transliterator

    return Transliterator(auto_load_model=False, use_rules_fallback=False)
