"""The public functions: `romanize`, `name_similarity` and `match_names`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import regex

from ..errors import InputError, InputTypeError
from ..normalize import normalize_arabic
from .cache import lru
from .dictionary import _unit_similarity
from .distance import _rules_at
from .letters import (
    _AR_ANY,
    _AR_PREFIX_PARTICLES,
    _AR_SUFFIX_PARTICLES,
    _AR_TOKEN,
    _EN_PARTICLES,
    _EN_TOKEN,
    _HYPHENS,
    _POSSESSIVE,
    _VOWELS,
    _check_str,
    _split_article_bw,
    _to_bw,
)
from .matching import _align_units, _candidates, _select
from .sentences import _parse_arabic, _parse_english
from .skeletons import _ar_keys, _lat_keys
from .tables import _en_key_words, _gazetteer, _romanizer, _tables

#: Lowest score of a reported match (chosen on ``tests/data/names_eval.tsv`` and on
#: unrelated NTREX sentence pairs; see ``docs/guides/names.md``).
DEFAULT_THRESHOLD = 0.75

# Only this much of a sentence is searched (a "sentence" of a megabyte is not one).
_MAX_CHARS = 20_000
# name_similarity and romanize look at this much of a name.
_MAX_NAME_CHARS = 200
# romanize's rule-based spellings: partial spellings kept per position of the beam search,
# and combinations of per-word spellings ranked for a name of several words.
_BEAM_WIDTH = 20
_MAX_WORD_COMBINATIONS = 200


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
        itertools.islice(itertools.product(*per_word), _MAX_WORD_COMBINATIONS),
        key=lambda ws: sum(c for _, c in ws),
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
            beam[pos] = sorted(set(beam[pos]))[:_BEAM_WIDTH]
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


@lru(1 << 12)
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


@lru(1 << 12)
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


@lru(1 << 14)
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
