"""Numbers and dates as anchors between an Arabic and an English sentence.

Extracts, from each side: numbers (Western and Arabic-Indic digits, with
thousands separators and decimals), years, day-month-year dates
(``17.11.2025``, ``17 November 2025``, ``17 نوفمبر 2025``), percentages,
Gregorian month names in both Arabic traditions (``نوفمبر`` and
``تشرين الثاني``) and weekdays (``الاثنين`` ↔ Monday). The tables are data:
``resources/calendar.toml``.

Score: 0.5 means no evidence (no anchors, or anchors on one side only).
Shared anchors push the score up, and a kind of anchor present on both sides
with nothing in common (two different years) pushes it down:
``0.5 + 0.5 * (matched - contradicted) / (matched + contradicted + 1)``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import regex

from .._resources import read_toml, resource_path
from ..normalize import fold_digits, normalize_arabic, normalize_english
from .base import check_matrix, ends_cleanly

__all__ = [
    "KINDS",
    "AnchorScorer",
    "Anchors",
    "context_words",
    "extract_anchors",
    "needs_neighbour",
    "shared_anchors",
]

#: Kinds of anchors, each compared separately.
KINDS = ("year", "date", "number", "percent", "month", "weekday")

# ASCII digits only: the text is folded first (Arabic-Indic digits become ASCII), and
# ``int()`` cannot read every character that Unicode calls a digit (U+1CCF0 …).
_NUMBER = regex.compile(r"(?<![\p{L}\d])([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?(?![0-9])")
_DATE_DOTTED = regex.compile(r"(?<![0-9])([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4})(?![0-9])")
_PERCENT = regex.compile(
    r"([0-9]+(?:\.[0-9]+)?)\s*(?:%|per ?cent|percent|بالمئة|بالمائة|في المئة|في المائة)"
)


@dataclass(frozen=True, slots=True)
class Anchors:
    """The anchors of one sentence, as ``kind:value`` strings (``year:2024``, ``month:11``)."""

    items: frozenset[str]

    def of_kind(self, kind: str) -> frozenset[str]:
        return frozenset(i for i in self.items if i.startswith(kind + ":"))


@functools.cache
def _ambiguous() -> _Ambiguous:
    """The month forms that are also everyday words, and the words around an Arabic one
    that make it a month (``calendar.toml``'s ``[ambiguous]``), normalised."""
    calendar = read_toml(resource_path("calendar.toml"))
    data = calendar["ambiguous"]
    ar = {
        key: frozenset(normalize_arabic(w) for w in data[key])
        for key in ("ar_forms", "ar_before", "ar_after", "ar_from_after")
    }
    months = frozenset(
        normalize_arabic(f)
        for forms in calendar["months"]["ar"].values()
        for f in forms
        if normalize_arabic(f) not in ar["ar_forms"] and " " not in f
    )
    return _Ambiguous(
        ar["ar_forms"],
        ar["ar_before"],
        ar["ar_after"],
        ar["ar_from_after"],
        months,
        frozenset(normalize_english(w) for w in data["en_forms"]),
    )


@dataclass(frozen=True, slots=True)
class _Ambiguous:
    ar_forms: frozenset[str]  # مارس, اب (آب)
    before: frozenset[str]  # في, منذ …: a month follows
    after: frozenset[str]  # الماضي, المقبل …: a month comes before
    from_after: frozenset[str]  # اعتبارا, الأول …: "X من مارس"
    months: frozenset[str]  # the other month names, one word each
    en_forms: frozenset[str]  # may, march, mar: months only with a capital


_AR_WORD = regex.compile(r"[\p{Arabic}\p{N}]+")
_YEAR = regex.compile(r"(?:19|20)\d\d")


def _arabic_month_in_context(norm: str, start: int, end: int) -> bool:
    """Whether an ambiguous Arabic month form at ``norm[start:end]`` reads as a month.

    It does next to a slash (``مارس/ آذار``), after a day number or before a year, next to
    another month name (``فبراير ومارس``, ``مارس، أبريل``), after a cue word (``في``,
    ``منذ``, ``شهر``), before one (``الماضي``), or in ``… من مارس`` after a number or a
    word such as ``اعتبارا`` or an ordinal (``العاشر من مارس``).
    """
    amb = _ambiguous()
    left = _AR_WORD.findall(norm[max(0, start - 40) : start])
    right = _AR_WORD.findall(norm[end : end + 40])
    p = left[-1] if left else ""
    n = right[0] if right else ""
    if norm[:start].rstrip().endswith("/") or norm[end:].lstrip().startswith("/"):
        return True
    if (p.isdigit() and len(p) <= 2) or _YEAR.fullmatch(n):
        return True

    def bare(w: str) -> str:
        return w[1:] if w[:1] in ("و", "ف") and len(w) > 3 else w

    if {p, bare(p), n, bare(n)} & amb.months:
        return True
    if p in amb.before or bare(p) in amb.before or n in amb.after:
        return True
    if bare(n) in _TO and len(right) >= 2 and (right[1].isdigit() or bare(right[1]) in amb.months):
        return True  # "من مارس إلى مايو"
    if bare(p) == "من" and len(left) >= 2:
        q = left[-2]
        return q.isdigit() or bare(q) in amb.from_after
    return False


# Words that join a month to the next one in a range ("من مارس إلى مايو").
_TO = frozenset(normalize_arabic(w) for w in ("إلى", "الى", "حتى", "لغاية"))


def _english_date_context(norm: str, start: int, end: int) -> bool:
    """A lower-case "may" or "march" between a day number and a year ("17 march 2024")."""
    before = norm[max(0, start - 6) : start].split()
    after = norm[end : end + 8].split()
    day = bool(before) and before[-1].isdigit() and len(before[-1]) <= 2
    year = bool(after) and _YEAR.fullmatch(after[0].rstrip(".,;")) is not None
    return day or year


@functools.cache
def context_words(lang: str) -> frozenset[str]:
    """Words that make an anchor only with a neighbour: the first words of calendar names
    of several words (تشرين of تشرين الثاني) and the forms that are months only in a
    date's context (مارس, "may"), normalised as `extract_anchors` reads them (Arabic
    without a leading clitic or article). A reader of two-word windows
    (`bialign.differences`) needs to look only where one of these, or an anchor, is."""
    data = read_toml(resource_path("calendar.toml"))
    norm = normalize_arabic if lang == "ar" else normalize_english
    out = {
        norm(form).split()[0]
        for table in ("months", "weekdays", "numbers")
        for forms in data[table][lang].values()
        for form in forms
        if " " in form.strip()
    }
    amb = _ambiguous()
    out |= amb.ar_forms if lang == "ar" else amb.en_forms
    return frozenset(out)


def needs_neighbour(token: str, lang: str) -> bool:
    """Whether one token (a word or a number) may make an anchor with the token beside it:
    a number, or one of `context_words` (an Arabic one after a leading clitic or article)."""
    if any(c.isdigit() for c in token):
        return True
    words = context_words(lang)
    if lang == "en":
        return token.casefold() in words
    w = normalize_arabic(token)
    forms = {w, w[1:], w[2:], w[3:]} if w[:1] in "وفبل" else {w, w[2:]}
    return bool(forms & words)


def _capitalised(original: str, found: str) -> bool:
    """Whether ``original`` writes the English name ``found`` (matched on the case-folded
    text) with a capital, as English writes month names ("may" and "march" are other
    words)."""
    cap = regex.escape(found[:1].upper() + found[1:])
    return regex.search(rf"\b(?:{cap}|{regex.escape(found.upper())})\b", original) is not None


@functools.cache
def _calendar() -> dict[str, dict[str, regex.Pattern[str]]]:
    data = read_toml(resource_path("calendar.toml"))
    out: dict[str, dict[str, regex.Pattern[str]]] = {}
    for table in ("months", "weekdays", "numbers"):
        for lang in ("en", "ar"):
            pats = {}
            for key, forms in data[table][lang].items():
                if lang == "ar":
                    alts = sorted({normalize_arabic(f) for f in forms}, key=len, reverse=True)
                    # Arabic: allow the clitics و ب ل ف and the article, no letter may follow.
                    pat = (
                        r"(?<!\p{Arabic})(?:[وبلف]?(?:ال)?)(?:"
                        + "|".join(map(regex.escape, alts))
                        + r")(?!\p{Arabic})"
                    )
                else:
                    alts = sorted({normalize_english(f) for f in forms}, key=len, reverse=True)
                    pat = r"\b(?:" + "|".join(map(regex.escape, alts)) + r")\b"
                pats[str(key)] = regex.compile(pat)
            out[f"{table}.{lang}"] = pats
    return out


def _bare_form(word: str) -> str:
    """An Arabic calendar word without the clitic and article the pattern allows."""
    for form in _ambiguous().ar_forms:
        if word.endswith(form):
            return form
    return word


def _num_value(int_part: str, frac: str | None) -> str:
    v = int_part.replace(",", "")
    v = str(int(v)) if v.isdigit() else v
    return f"{v}.{frac}" if frac else v


@functools.lru_cache(maxsize=65536)
def extract_anchors(text: str, lang: str) -> Anchors:
    """The number and date anchors of one text.

    Args:
        text: A sentence or span.
        lang: ``"ar"`` or ``"en"``.
    """
    norm = normalize_arabic(text) if lang == "ar" else normalize_english(fold_digits(text))
    cal = _calendar()
    items: set[str] = set()
    used: list[tuple[int, int]] = []
    for m in _DATE_DOTTED.finditer(norm):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= d <= 31 and 1 <= mo <= 12:
            items |= {f"date:{y:04d}-{mo:02d}-{d:02d}", f"year:{y}", f"month:{mo}"}
            used.append(m.span())
    for m in _PERCENT.finditer(norm):
        whole, _, frac = m.group(1).partition(".")
        items.add(f"percent:{_num_value(whole, frac or None)}")
    for m in _NUMBER.finditer(norm):
        if any(a <= m.start() < b for a, b in used):
            continue
        value = _num_value(m.group(1), m.group(2))
        if m.group(2) is None and 1900 <= int(m.group(1).replace(",", "")) <= 2100:
            items.add(f"year:{value}")
        else:
            items.add(f"number:{value}")
    ambiguous = _ambiguous().ar_forms if lang == "ar" else frozenset()
    original = fold_digits(text) if lang == "en" else ""
    for kind, table in (("month", "months"), ("weekday", "weekdays"), ("number", "numbers")):
        for key, pat in cal[f"{table}.{lang}"].items():
            for wm in pat.finditer(norm):
                # A word already read as a weekday or month ("الاثنين") is not a number.
                if any(a < wm.end() and wm.start() < b for a, b in used):
                    continue
                if (
                    kind == "month"
                    and lang == "en"
                    and wm.group() in _ambiguous().en_forms
                    and not _capitalised(original, wm.group())
                    and not _english_date_context(norm, *wm.span())
                ):
                    continue
                if (
                    kind == "month"
                    and ambiguous
                    and _bare_form(wm.group()) in ambiguous
                    and not _arabic_month_in_context(norm, *wm.span())
                ):
                    continue
                items.add(f"{kind}:{key}")
                if kind != "number":
                    used.append(wm.span())
    return Anchors(frozenset(items))


def shared_anchors(arabic: str, english: str) -> tuple[list[str], list[str]]:
    """Anchors both texts share, and the kinds on which they contradict each other."""
    a = extract_anchors(arabic, "ar")
    e = extract_anchors(english, "en")
    shared = sorted(a.items & e.items)
    conflicts = [
        k for k in KINDS if a.of_kind(k) and e.of_kind(k) and not (a.of_kind(k) & e.of_kind(k))
    ]
    return shared, conflicts


class AnchorScorer:
    """Agreement of numbers, dates, months and weekdays (0.5 = no evidence)."""

    name = "anchors"

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        a_items = [extract_anchors(t, "ar").items for t in arabic]
        e_items = [extract_anchors(t, "en").items for t in english]
        return _agreement(a_items, e_items, self.name)

    def index_pair(self, arabic: Sequence[str], english: Sequence[str]) -> _PairAnchors:
        """A pair's anchors by sentence, to score spans of them by index (`PairIndexer`).

        A span's anchors are its sentences' anchors when each of its sentences
        but the last ends in a stop (`bialign.scorers.base.ends_cleanly`);
        other spans are read again as joined text.
        """
        return _PairAnchors(self.name, list(arabic), list(english))


class _PairAnchors:
    """The anchors of one pair's sentences (`AnchorScorer.index_pair`)."""

    def __init__(self, name: str, arabic: list[str], english: list[str]) -> None:
        self.name = name
        self.texts = {"ar": arabic, "en": english}
        self.items = {
            lang: [extract_anchors(t, lang).items for t in texts]
            for lang, texts in self.texts.items()
        }
        self.joins = {lang: [ends_cleanly(t) for t in texts] for lang, texts in self.texts.items()}

    def _span(self, lang: str, group: Sequence[int]) -> frozenset[str]:
        own = self.items[lang]
        if len(group) == 1:
            return own[group[0]]
        if all(self.joins[lang][i] for i in group[:-1]):
            return frozenset().union(*(own[i] for i in group))
        return extract_anchors(" ".join(self.texts[lang][i] for i in group), lang).items

    def score(
        self, arabic: Sequence[Sequence[int]], english: Sequence[Sequence[int]]
    ) -> np.ndarray:
        """Anchor agreement of every Arabic span against every English span (index tuples)."""
        a_items = [self._span("ar", g) for g in arabic]
        e_items = [self._span("en", g) for g in english]
        return _agreement(a_items, e_items, self.name)


def _agreement(
    a_items: Sequence[frozenset[str]], e_items: Sequence[frozenset[str]], name: str
) -> np.ndarray:
    """``0.5 + 0.5 * (matched - contradicted) / (matched + contradicted + 1)`` per pair."""
    n, m = len(a_items), len(e_items)
    if n == 0 or m == 0:
        return np.full((n, m), 0.5)
    vocab = {x: i for i, x in enumerate(sorted(set().union(*a_items, *e_items)))}
    if not vocab:
        return np.full((n, m), 0.5)
    A = np.zeros((n, len(vocab)), dtype=np.float32)
    E = np.zeros((m, len(vocab)), dtype=np.float32)
    for i, s in enumerate(a_items):
        A[i, [vocab[x] for x in s]] = 1.0
    for j, s in enumerate(e_items):
        E[j, [vocab[x] for x in s]] = 1.0
    matched = A @ E.T
    contradicted = np.zeros((n, m), dtype=np.float32)
    for kind in KINDS:
        cols = [i for x, i in vocab.items() if x.startswith(kind + ":")]
        if not cols:
            continue
        ak, ek = A[:, cols], E[:, cols]
        both = np.outer(ak.any(axis=1), ek.any(axis=1))
        contradicted += (both & ((ak @ ek.T) == 0)).astype(np.float32)
    out = 0.5 + 0.5 * (matched - contradicted) / (matched + contradicted + 1.0)
    return check_matrix(out.astype(np.float64), name)
