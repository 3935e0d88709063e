"""Sentence parsing: the name candidates and gazetteer forms of one sentence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..normalize import normalize_arabic
from .cache import lru
from .letters import (
    _AR_ANY,
    _AR_PREFIX_PARTICLES,
    _AR_SUFFIX_PARTICLES,
    _AR_TOKEN,
    _EN_INNER,
    _EN_PARTICLES,
    _EN_TOKEN,
    _HYPHENS,
    _LATIN_IN_AR,
    _POSSESSIVE,
    _is_acronym,
    _is_cap,
    _to_bw,
)
from .tables import _en_key_words, _gazetteer, _stopwords, _tables


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


@lru(1 << 14)
def _word_info(raw: str) -> _WordInfo:
    readings = _word_readings(raw)
    key = readings[0][1]
    ar_stop, _ = _stopwords()
    return _WordInfo(
        readings,
        any(r[1] in _AR_PREFIX_PARTICLES for r in readings),
        key in _AR_SUFFIX_PARTICLES,
        len(key) >= 3 and not _is_stopword(key, ar_stop, raw),
    )


def _word_readings(raw: str) -> tuple[tuple[int, str, str, str, float], ...]:
    """The ways to read one Arabic word: whole, and with a leading clitic split off."""
    key = normalize_arabic(raw)
    # offsets in raw of the letters that survive normalize_arabic (marks are dropped)
    offsets = [i for i, ch in enumerate(raw) if _AR_ANY.match(ch)]
    out = [(0, key, raw, _to_bw(raw), 0.0)]
    if len(offsets) != len(key) or " " in key:
        return tuple(out)  # presentation forms: keep the token whole
    penalty = _tables().clitic_penalty  # a split reading costs a little more than the whole

    def add(k: int, prefix: str = "", at: int | None = None) -> None:
        # ``at``: where the reading's span starts, when not at its first letter.
        surface = raw[offsets[k] :]
        out.append(
            (
                offsets[k if at is None else at],
                prefix + key[k:],
                prefix + surface,
                _to_bw(prefix + surface),
                penalty,
            )
        )

    n = len(key)
    k = 0
    if n > 3 and key[0] in "وف":
        add(1)
        k = 1
    if n - k > 3 and key[k] in "بلك":
        if key[k : k + 2] == "لل":
            # لـ + الـ written للـ: read الحزب, but span the whole للحزب, as no letter of
            # the word stands for the article alone ("لحزب" is no word).
            add(k + 1, "ا", at=k)
            if key[k + 1 :] in _gazetteer().ar:  # or لـ + a place that starts with ل: للبنان
                add(k + 1)
        elif key[k] != "ك" or key[k + 1 : k + 3] == "ال":  # كـ only before ال: كليا is a word
            add(k + 1)
    return tuple(out)


@lru(1 << 12)
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


def _is_stopword(key: str, stop: frozenset[str], raw: str = "") -> bool:
    """Whether an Arabic word, or what is left after a clitic (وهو, بأن) or without a
    pronoun suffix (نظيره, بنظيره: "his counterpart"), is a stop-word.

    ``raw``: the word as written; a suffix is taken off only when it is written so (the
    ة of السلامة is no pronoun, though `normalize_arabic` writes it ه).
    """
    if _is_stopword_stem(key, stop):
        return True
    written = "".join(_AR_ANY.findall(raw))
    for suffix in _PRONOUN_SUFFIXES:
        if written.endswith(suffix) and key.endswith(suffix) and len(key) - len(suffix) >= 3:
            return _is_stopword_stem(key[: -len(suffix)], stop)
    return False


# Attached pronouns, longest first (normalised: ة and ه are one letter).
_PRONOUN_SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "نا", "ه")


def _is_stopword_stem(key: str, stop: frozenset[str]) -> bool:
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


@lru(1 << 12)
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
