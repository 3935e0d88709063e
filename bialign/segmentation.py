"""Read a news article and split it into sentences that know their place on the page.

Stage 1 of the pipeline (read/segment). The output is an `Article`: the
source text, its language and a tuple of `Segment` value objects, each
with its role (headline, byline, body, boilerplate …) and character offsets
into the source, so that ``article.text[s.start:s.end] == s.text``.

Layout knowledge (boilerplate, bylines, captions, datelines) is data: regular
expressions in ``resources/outlets/*.toml``. A user adds an outlet by adding
a TOML file there, by pointing ``BIALIGN_OUTLETS`` at a folder of such files,
or by passing ``patterns=load_layout_patterns(extra)``.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import os
import sys
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast, get_args, overload

import regex

from ._resources import read_toml, resource_dir
from .errors import (
    EmptyInputError,
    EncodingError,
    InputError,
    InputTypeError,
    LanguageError,
    LanguageWarning,
    MarkupWarning,
    ResourceError,
    UnknownNameError,
)

__all__ = [
    "ROLES",
    "Article",
    "Language",
    "LayoutPatterns",
    "Role",
    "Segment",
    "check_language",
    "decode_text",
    "detect_language",
    "load_layout_patterns",
    "outlet_names",
    "read_article",
    "read_text_file",
    "segment",
]

Language = Literal["ar", "en"]
Role = Literal[
    "category",
    "headline",
    "standfirst",
    "byline",
    "caption",
    "dateline",
    "subheading",
    "body",
    "boilerplate",
]
#: Every role a segment can have, in page order. ``subheading`` (a crosshead
#: inside the article, "Wrapping Up") comes just before ``body``: it belongs
#: to the body part of the page and stands before the paragraphs it heads.
ROLES: tuple[str, ...] = get_args(Role)

#: Share of Arabic letters among all letters above which a text counts as Arabic.
ARABIC_LETTER_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence (or one line of page furniture) of an article.

    Attributes:
        index: Position in the article, from 0.
        text: The sentence, exactly as in the source (outer white space removed).
        lang: ``"ar"`` or ``"en"``.
        role: Where on the page it stands; one of `ROLES`.
        start: Offset of the first character in the source text.
        end: Offset after the last character: ``source[start:end] == text``.
        paragraph: Index of the blank-line-separated block it belongs to.
    """

    index: int
    text: str
    lang: str
    role: Role
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Article:
    """A segmented article.

    Attributes:
        text: The source text the offsets refer to.
        lang: ``"ar"`` or ``"en"``.
        segments: The sentences, in source order.
        source: Where the text came from (a file name), if known.
    """

    text: str
    lang: str
    segments: tuple[Segment, ...]
    source: str | None = None

    def __len__(self) -> int:
        return len(self.segments)

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.segments)

    @overload
    def __getitem__(self, i: int) -> Segment: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Segment, ...]: ...
    def __getitem__(self, i: int | slice) -> Segment | tuple[Segment, ...]:
        return self.segments[i]

    @property
    def sentences(self) -> tuple[str, ...]:
        """The segment texts, in order."""
        return tuple(s.text for s in self.segments)

    def by_role(self, *roles: str) -> tuple[Segment, ...]:
        """The segments whose role is one of ``roles``."""
        return tuple(s for s in self.segments if s.role in roles)

    @classmethod
    def from_sentences(
        cls,
        sentences: Sequence[str],
        *,
        lang: str | None = None,
        roles: Sequence[str] | None = None,
        source: str | None = None,
    ) -> Article:
        """Build an article from sentences that are already segmented (used as given).

        The source text is the sentences joined by blank lines, so offsets and
        paragraphs stay meaningful; every sentence has role ``body`` unless
        ``roles`` says otherwise.

        Raises:
            InputTypeError: ``sentences`` is a string or holds non-strings.
            EmptyInputError: no sentences, or an empty sentence.
        """
        if isinstance(sentences, str | bytes) or not isinstance(sentences, Sequence):
            raise InputTypeError(
                f"expected a list of sentences, got {type(sentences).__name__}",
                sentences,
                expected="list[str]",
            )
        if not sentences:
            raise EmptyInputError("the list of sentences is empty", sentences)
        if roles is not None and len(roles) != len(sentences):
            raise InputError(f"{len(roles)} roles for {len(sentences)} sentences", roles)
        for i, s in enumerate(sentences):
            if not isinstance(s, str):
                raise InputTypeError(
                    f"sentence {i} is {type(s).__name__}, not str", s, expected="str"
                )
            if not s.strip():
                raise EmptyInputError(f"sentence {i} is empty", s)
            if "\n\n" in s.strip():
                raise EmptyInputError(f"sentence {i} holds a blank line", s)
        for r in roles or ():
            if r not in ROLES:
                raise InputTypeError(f"unknown role {r!r}; roles: {', '.join(ROLES)}", r, "role")
        texts = [s.strip() for s in sentences]
        joined = "\n\n".join(texts)
        language = _check_lang(lang) if lang else detect_language(joined)
        segs = []
        pos = 0
        for i, t in enumerate(texts):
            segs.append(
                Segment(
                    index=i,
                    text=t,
                    lang=language,
                    role=cast(Role, roles[i]) if roles else "body",  # checked above
                    start=pos,
                    end=pos + len(t),
                    paragraph=i,
                )
            )
            pos += len(t) + 2
        return cls(text=joined, lang=language, segments=tuple(segs), source=source)


# --------------------------------------------------------------------------- language

_AR_LETTER = regex.compile(r"(?V1)[\p{Script=Arabic}&&\p{L}]")
_LATIN_LETTER = regex.compile(r"(?V1)[\p{Script=Latin}&&\p{L}]")


@functools.lru_cache(maxsize=4)
def _letter_counts(text: str) -> tuple[int, int]:
    # Cached: reading a pair counts each side's letters twice (its language, then the check).
    text = _without_non_words(text)
    return _count(_AR_LETTER, text), _count(_LATIN_LETTER, text)


def _count(pattern: regex.Pattern[str], text: str) -> int:
    """How many characters of ``text`` ``pattern`` (one character each) matches."""
    return len(text) - len(pattern.sub("", text))


def detect_language(text: str) -> str:
    """Tell Arabic from English by script.

    A text is Arabic when at least `ARABIC_LETTER_SHARE` of its letters are
    Arabic, so Latin names and acronyms inside an Arabic article do not change
    its language. Any other text with Latin letters counts as English. Web
    addresses, e-mail addresses and ``@handles`` do not count (see ``[ignore]``
    in ``resources/languages.toml``). Only the script is looked at: use
    `check_language` to learn whether a text reads as the language.

    Raises:
        InputTypeError: ``text`` is not a ``str``.
        EmptyInputError: ``text`` is empty or only white space.
        InputError: ``text`` holds a lone surrogate.
        LanguageError: ``text`` has no Arabic or Latin letters.
    """
    _check_text(text)
    n_ar, n_lat = _letters_or_fail(text)
    return "ar" if n_ar >= ARABIC_LETTER_SHARE * (n_ar + n_lat) else "en"


@dataclass(frozen=True)
class _LanguageCues:
    ignore: regex.Pattern[str]
    thresholds: dict[str, float]
    # code -> (name, words[, letters, strong letters])
    expected: dict[str, tuple[str, frozenset[str]]]
    latin: dict[str, tuple[str, frozenset[str]]]
    arabic_script: dict[str, tuple[str, frozenset[str], str, str]]


@functools.cache
def _cues() -> _LanguageCues:
    path = resource_dir() / "languages.toml"
    data = read_toml(path)
    try:
        ignore = regex.compile("|".join(f"(?:{p})" for p in data["ignore"]["patterns"]))
        th = {k: float(v) for k, v in data["thresholds"].items()}
        en = frozenset(w.casefold() for w in data["en"]["words"])
        ar = frozenset(data["ar"]["words"])
        latin = {
            code: (str(d["name"]), frozenset(w.casefold() for w in d["words"]) - en)
            for code, d in data["latin"].items()
        }
        script = {
            code: (
                str(d["name"]),
                frozenset(d["words"]) - ar,
                str(d["letters"]),
                str(d["strong_letters"]),
            )
            for code, d in data["arabic_script"].items()
        }
        expected = {
            "en": (str(data["en"]["name"]), en),
            "ar": (str(data["ar"]["name"]), ar),
        }
    except (KeyError, TypeError, ValueError, regex.error) as exc:
        raise ResourceError(f"{path}: malformed ({exc!r})", str(path)) from exc
    return _LanguageCues(ignore, th, expected, latin, script)


@functools.lru_cache(maxsize=4)
def _without_non_words(text: str) -> str:
    """``text`` with web addresses, e-mail addresses and @handles blanked out."""
    if "." not in text and "@" not in text:
        return text
    ignore = _cues().ignore
    # Every ignored span lies inside one token holding "." "@" or "/": test only those.
    return _CANDIDATE.sub(lambda m: ignore.sub(" ", m.group(0)), text)


_CANDIDATE = regex.compile(r"(?<!\S)[^\s.@/]*+[.@/][^\s.!?؟,،;:\"'”’»)\]]\S*")


_LATIN_WORD = regex.compile(r"(?V1)[\p{Script=Latin}&&\p{L}]+")
_ARABIC_WORD = regex.compile(r"(?V1)[[\p{Script=Arabic}&&\p{L}]\u064B-\u065F\u0670]+")


def _evidence(counts: Counter[str], words: frozenset[str], limit: int = 6) -> tuple[int, str]:
    hits = [(w, n) for w, n in counts.most_common() if w in words]
    shown = ", ".join(f"{w!r}" + (f" ×{n}" if n > 1 else "") for w, n in hits[:limit])
    return sum(n for _, n in hits), shown + (" …" if len(hits) > limit else "")


def check_language(text: str, expected: str, *, name: str = "the text") -> None:
    """Check that ``text`` is in the ``expected`` language, beyond its script.

    Cheap and data-driven (``resources/languages.toml``): the script must agree
    with ``expected`` (else `LanguageError`); then the function words are
    counted, and a text that reads as another language in the same script
    (French, German, Spanish, Turkish … for English; Persian or Urdu, also by
    their letters پ چ ژ گ ٹ ڈ ے …, for Arabic) gets a `LanguageWarning` that
    gives the evidence. Names, web addresses and short quotations in another
    language do not trigger it.

    Args:
        text: The text.
        expected: ``"ar"`` or ``"en"``.
        name: How messages call the text, e.g. ``"the English side"``.

    Raises:
        InputTypeError: ``text`` is not a ``str``.
        EmptyInputError: ``text`` is empty or only white space.
        LanguageError: ``expected`` is not ``"ar"`` or ``"en"``, ``text`` has no
            Arabic or Latin letters, or its script contradicts ``expected``.

    Warns:
        LanguageWarning: the script is right but the words are not.

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     check_language("Le ministre est arrivé à Pékin pour des entretiens "
        ...                    "avec les dirigeants de la Chine sur la sécurité.", "en")
        >>> print(caught[0].message)
        the text reads as French, not English: 'le', 'est', 'pour', 'des', 'avec', 'les' …
    """
    _check_lang(expected)
    _check_text(text)
    n_ar, n_lat = _letters_or_fail(text)
    found = "ar" if n_ar >= ARABIC_LETTER_SHARE * (n_ar + n_lat) else "en"
    if found != expected:
        script, want = ("Latin", "Arabic") if found == "en" else ("Arabic", "Latin")
        raise LanguageError(
            f"{name} is {('English', 'Arabic')[expected == 'ar']} (lang={expected!r}) but is "
            f"written in {script} script ({n_ar} Arabic and {n_lat} Latin letters); "
            f"give lang={found!r} or a text in {want} script",
            text,
            expected=expected,
            found=found,
        )
    message = _language_mismatch(_without_non_words(text), expected, name, n_ar)
    if message is not None:
        warnings.warn(message, LanguageWarning, stacklevel=2)


def _language_mismatch(text: str, expected: str, name: str, n_arabic: int) -> str | None:
    """The warning message when ``text`` does not read as ``expected``, else ``None``.

    ``n_arabic``: the Arabic letters of ``text`` (`_letter_counts` has counted them).
    """
    cues = _cues()
    th = cues.thresholds
    exp_name, exp_words = cues.expected[expected]
    if expected == "en":
        counts = Counter(w.casefold() for w in _LATIN_WORD.findall(text))
        others = {code: (nm, ws, "", "") for code, (nm, ws) in cues.latin.items()}
    else:
        counts = Counter(_ARABIC_WORD.findall(text))
        others = cues.arabic_script
    total = sum(counts.values())
    own, _ = _evidence(counts, exp_words)
    letters: dict[str, int] = {}
    if expected == "ar":
        # Only the letters the other languages are told by are looked up.
        wanted = {c for *_, letter_set, strong in others.values() for c in letter_set + strong}
        letters = {c: text.count(c) for c in wanted if c > "\u0600"}
    n_script = n_arabic if expected == "ar" else 0
    best: tuple[float, str] | None = None
    for nm, words, letter_set, strong in others.values():
        hits, shown = _evidence(counts, words)
        n_strong = sum(letters.get(c, 0) for c in strong)
        by_letters = n_strong >= th["letter_min"] and n_strong >= th["letter_share"] * max(
            n_script, 1
        )
        by_words = hits >= th["min_hits"] and hits >= th["ratio"] * own
        if not (by_letters or by_words):
            continue
        parts = []
        if by_letters or (letter_set and any(letters.get(c, 0) for c in letter_set)):
            used = sorted(
                ((letters.get(c, 0), c) for c in letter_set if letters.get(c, 0)), reverse=True
            )
            parts.append("letters " + ", ".join(f"{c!r} ×{n}" for n, c in used[:6]))
        if hits:
            parts.append(("words " if parts else "") + shown)
        score = hits + (n_strong if by_letters else 0)
        if best is None or score > best[0]:
            best = (score, f"{name} reads as {nm}, not {exp_name}: {'; '.join(parts)}")
    if best is not None:
        return best[1]
    if total >= th["min_words"] and own < th["min_share"] * total:
        return (
            f"{name} does not read as {exp_name}: only {own} of its {total} words are common "
            f"{exp_name} function words"
        )
    return None


def _check_text(text: object) -> None:
    if isinstance(text, bytes | bytearray):
        raise InputTypeError(
            "expected text (str), got bytes: decode it first, e.g. data.decode('utf-8')",
            text,
        )
    if not isinstance(text, str):
        raise InputTypeError(f"expected text (str), got {type(text).__name__}", text)
    if not text.strip():
        raise EmptyInputError("the text is empty or only white space", text)
    m = _SURROGATE.search(text)
    if m is not None:
        raise InputError(
            f"the text holds a lone surrogate {ascii(m.group(0))[1:-1]} at character {m.start()}, "
            "which is not a character: fix the text where it was decoded "
            "(e.g. with errors='replace')",
            text,
        )


_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def _check_lang(lang: str) -> str:
    if lang not in ("ar", "en"):
        raise LanguageError(f"language must be 'ar' or 'en', not {lang!r}", lang, found=lang)
    return lang


# --------------------------------------------------------------------------- files

_UTF32_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32LE"), (codecs.BOM_UTF32_BE, "UTF-32BE"))
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "UTF-16LE"), (codecs.BOM_UTF16_BE, "UTF-16BE"))


def _wide_encoding(data: bytes) -> str | None:
    """``"UTF-16LE"`` and the like when ``data`` looks like UTF-16/UTF-32, else ``None``.

    A byte-order mark decides; without one, the pattern of NUL bytes does: in
    UTF-16 text of Latin or Arabic letters one byte of most pairs is NUL (Arabic
    letters U+06xx have the byte 0x06 instead, so any regular zero column counts).
    """
    for bom, name in _UTF32_BOMS:  # before UTF-16: the UTF-32LE mark starts like UTF-16LE's
        if data.startswith(bom):
            return name
    for bom, name in _UTF16_BOMS:
        if data.startswith(bom):
            return name
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    n4 = len(sample) // 4 * 4
    quads = [sample[k:n4:4].count(0) / (n4 // 4) for k in range(4)]
    if quads[2] > 0.9 and quads[3] > 0.9:
        return "UTF-32LE"
    if quads[0] > 0.9 and quads[1] > 0.9:
        return "UTF-32BE"
    n2 = len(sample) // 2 * 2
    low, high = sample[0:n2:2], sample[1:n2:2]
    if _high_byte_column(high, low):
        return "UTF-16LE"
    if _high_byte_column(low, high):
        return "UTF-16BE"
    return None


def _high_byte_column(col: bytes, other: bytes) -> bool:
    """Whether ``col`` looks like the high bytes of UTF-16 code units and ``other`` the low ones.

    High bytes of text in one or two scripts take very few values (0x00 for
    ASCII, 0x06 for Arabic …) and include NULs; low bytes are almost never NUL.
    """
    if not col or col.count(0) < 0.05 * len(col) or other.count(0) > 0.02 * len(other):
        return False
    counts = sorted((col.count(b) for b in set(col)), reverse=True)
    return sum(counts[:3]) >= 0.9 * len(col)


def decode_text(data: bytes, source: str) -> str:
    """Decode the bytes of a text file, which must be UTF-8 (a byte-order mark is allowed).

    The errors say what the bytes really are, so the user knows how to convert them.

    Args:
        data: The file's bytes.
        source: The file name (or ``"-"`` for standard input), used in messages.

    Returns:
        The text, without a UTF-8 byte-order mark.

    Raises:
        InputTypeError: ``data`` is not ``bytes``.
        EncodingError: the bytes are UTF-16 or UTF-32 (told as such, with the
            ``iconv`` command that converts them), a binary file (a PDF, a ZIP
            archive such as a .docx, compressed data …: told by its signature or
            its NUL bytes), or not valid UTF-8 (with the offset of the first bad byte).

    Examples:
        >>> decode_text("سوريا".encode("utf-8-sig"), "a.txt")
        'سوريا'
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InputTypeError(
            f"decode_text expects bytes, got {type(data).__name__}", data, expected="bytes"
        )
    data = bytes(data)
    wide = _wide_encoding(data)
    if wide is not None:
        family = wide[:6]
        raise EncodingError(
            f"{source}: the file is {family} text ({wide}), not UTF-8; "
            f"convert it first, e.g. iconv -f {family} -t UTF-8",
            source,
            0,
        )
    # A binary file is told as such before any decoding: a compressed file or a PDF
    # is not "text in another encoding" (its bytes would fail as UTF-8 first).
    kind = next((name for magic, name in _BINARY_MAGIC if data.startswith(magic)), None)
    nul = data.find(0)
    if kind is not None or nul >= 0:
        what = f"is {kind}" if kind else f"holds a NUL byte at offset {nul}, so it is a binary file"
        raise EncodingError(
            f"{source}: {what}, not plain text; export the article as plain UTF-8 text",
            source,
            0 if kind else nul,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"{source}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); {_conversion_hint(data)}",
            source,
            exc.start,
        ) from None


#: File signatures of binary formats an article might be saved in by mistake.
_BINARY_MAGIC = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .odt or .epub is one)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.doc)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program (ELF)"),
)


def _conversion_hint(data: bytes) -> str:
    """How to convert bytes that are not UTF-8: Windows-1256 when they read as Arabic."""
    high = [b for b in data[:20000] if b >= 0x80]
    arabic = data[:20000].decode("cp1256", errors="replace")
    n_ar = sum(1 for _ in _AR_LETTER.finditer(arabic))
    if high and n_ar >= 0.6 * len(high):
        return "it reads as Windows-1256 Arabic: convert it, e.g. iconv -f WINDOWS-1256 -t UTF-8"
    return (
        "convert it to UTF-8 first, e.g. iconv -f WINDOWS-1252 -t UTF-8 (use the file's encoding)"
    )


def read_text_file(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file; ``"-"`` reads standard input.

    Args:
        path: The file.

    Returns:
        Its text (see `decode_text`).

    Raises:
        InputTypeError: ``path`` is not a string or path.
        InputError: the file or its folder does not exist, ``path`` is a folder,
            or the file cannot be read (permissions …).
        EncodingError: the file is not UTF-8 text (see `decode_text`).
    """
    if not isinstance(path, str | os.PathLike):
        raise InputTypeError(
            f"path must be a str or pathlib.Path, not {type(path).__name__}", path, "path"
        )
    name = os.fspath(path)
    if not isinstance(name, str):
        raise InputTypeError("path must be a text path, not bytes", name, "path")
    if isinstance(path, str) and path == "-":
        return decode_text(sys.stdin.buffer.read(), "-")
    p = Path(name)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        parent = p.parent
        if str(parent) not in ("", ".") and not parent.is_dir():
            raise InputError(
                f"{name}: no such file (the folder {parent} does not exist)", name
            ) from None
        raise InputError(f"{name}: no such file", name) from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a folder, not a file", name) from None
    except NotADirectoryError:
        raise InputError(
            f"{name}: no such file (a part of the path is a file, not a folder)", name
        ) from None
    except PermissionError:
        raise InputError(f"{name}: cannot read the file (permission denied)", name) from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})", name) from None
    return decode_text(data, name)


# --------------------------------------------------------------------------- layout data


@dataclass(frozen=True)
class LayoutPatterns:
    """Compiled layout patterns of one or more outlets.

    Attributes:
        outlets: Names of the outlets the patterns come from.
        boilerplate: A matching line is page furniture (notices, share buttons).
        byline: A matching line is the author/date line.
        caption: A matching line is a photo caption.
        dateline: A matching short line in the header is a dateline.
        dateline_inline: A match at the start of the first body line is a dateline.
        category: A matching first line is a list of section names.
        list_item: A matching line is a list item (``- item``, ``• item``, ``1. item``):
            one segment, never split into sentences.
        table_row: A matching line is a table row (``| a | b |``): one segment.
        subheading: A matching line inside the body is a subheading, whatever its length.
    """

    outlets: tuple[str, ...] = ()
    boilerplate: tuple[regex.Pattern[str], ...] = ()
    byline: tuple[regex.Pattern[str], ...] = ()
    caption: tuple[regex.Pattern[str], ...] = ()
    dateline: tuple[regex.Pattern[str], ...] = ()
    dateline_inline: tuple[regex.Pattern[str], ...] = ()
    category: tuple[regex.Pattern[str], ...] = ()
    list_item: tuple[regex.Pattern[str], ...] = ()
    table_row: tuple[regex.Pattern[str], ...] = ()
    subheading: tuple[regex.Pattern[str], ...] = ()

    def merged(self, other: LayoutPatterns) -> LayoutPatterns:
        """These patterns plus ``other``'s."""
        return LayoutPatterns(
            outlets=self.outlets + other.outlets,
            **{k: getattr(self, k) + getattr(other, k) for k in _TOML_KEYS},
        )

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> LayoutPatterns:
        """Load one outlet file (see ``resources/outlets/generic.toml`` for the format)."""
        p = Path(path)
        data = read_toml(p)
        fields: dict[str, tuple[regex.Pattern[str], ...]] = {}
        for key, (section, item) in _TOML_KEYS.items():
            raw = data.get(section, {}).get(item, [])
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                raise ResourceError(f"{p}: [{section}] {item} must be a list of strings", str(p))
            try:
                fields[key] = tuple(regex.compile(x) for x in raw)
            except regex.error as exc:
                raise ResourceError(f"{p}: bad pattern in [{section}]: {exc}", str(p)) from exc
        return cls(outlets=(str(data.get("name", p.stem)),), **fields)


_TOML_KEYS = {
    "boilerplate": ("boilerplate", "line"),
    "byline": ("byline", "line"),
    "caption": ("caption", "line"),
    "dateline": ("dateline", "line"),
    "dateline_inline": ("dateline", "inline"),
    "category": ("category", "line"),
    "list_item": ("list", "item"),
    "table_row": ("table", "row"),
    "subheading": ("subheading", "line"),
}


def load_layout_patterns(*extra: str | os.PathLike[str]) -> LayoutPatterns:
    """Load the shipped outlet patterns, those in ``BIALIGN_OUTLETS``, and ``extra`` files.

    Args:
        *extra: More outlet TOML files, or folders of them.

    Returns:
        All patterns merged.
    """
    paths: list[Path] = sorted((resource_dir() / "outlets").glob("*.toml"))
    env = os.environ.get("BIALIGN_OUTLETS", "")
    for item in [*(p for p in env.split(os.pathsep) if p), *extra]:
        p = Path(item)
        if p.is_dir():
            paths.extend(sorted(p.glob("*.toml")))
        elif p.is_file():
            paths.append(p)
        else:
            raise ResourceError(f"outlet patterns {p} not found", str(p))
    out = LayoutPatterns()
    for p in paths:
        out = out.merged(LayoutPatterns.from_toml(p))
    return out


@functools.cache
def _default_patterns() -> LayoutPatterns:
    return load_layout_patterns()


def _outlet_files() -> dict[str, Path]:
    """Outlet name (file stem) → file, shipped ones first, then ``BIALIGN_OUTLETS``."""
    files = {p.stem: p for p in sorted((resource_dir() / "outlets").glob("*.toml"))}
    env = os.environ.get("BIALIGN_OUTLETS", "")
    for item in (p for p in env.split(os.pathsep) if p):
        q = Path(item)
        for f in sorted(q.glob("*.toml")) if q.is_dir() else [q] if q.is_file() else []:
            files.setdefault(f.stem, f)
    return files


def outlet_names() -> tuple[str, ...]:
    """The outlet names `segment` and `read_article` accept as ``patterns``.

    They are the stems of the files in ``resources/outlets/`` (and in the
    folders named by ``BIALIGN_OUTLETS``), e.g. ``"generic"``, ``"anadolu"``.
    """
    return tuple(sorted(_outlet_files()))


@functools.cache
def _named_patterns(name: str, path: Path) -> LayoutPatterns:
    generic = LayoutPatterns.from_toml(resource_dir() / "outlets" / "generic.toml")
    if name == "generic":
        return generic
    return generic.merged(LayoutPatterns.from_toml(path))


def _resolve_patterns(patterns: object) -> LayoutPatterns:
    """The `LayoutPatterns` for a ``patterns`` argument (None, a name or patterns)."""
    if patterns is None:
        return _default_patterns()
    if isinstance(patterns, LayoutPatterns):
        return patterns
    if isinstance(patterns, str):
        files = _outlet_files()
        if patterns not in files:
            raise UnknownNameError("outlet", patterns, files)
        return _named_patterns(patterns, files[patterns])
    raise InputTypeError(
        "patterns must be an outlet name (one of "
        f"{', '.join(outlet_names())}) or a LayoutPatterns, not {type(patterns).__name__}",
        patterns,
        expected="str | LayoutPatterns",
    )


@functools.cache
def _abbreviations() -> frozenset[str]:
    data = read_toml(resource_dir() / "abbreviations.toml")
    return frozenset(t for lang in ("en", "ar") for t in data.get(lang, {}).get("tokens", []))


# --------------------------------------------------------------------------- sentences

# A stop (. ! ? ؟ … or ...), then closing quotes or brackets, then white space.
_STOP = regex.compile(r"(?:\.{3}|…+|[.!?؟]+)[\"'”’»)\]]*(?=[\s\u200b-\u200f\u2060\ufeff])")
_TOKEN_BEFORE = regex.compile(r"(\S+)$")
_OPENERS = "([{\"'“‘«"
_ACRONYM = regex.compile(r"^\p{Lu}(?:\.\p{Lu})+$")
_LOWER_LATIN = regex.compile(r"[\p{Ll}&&\p{Script=Latin}]", flags=regex.V1)
_NEXT_CHAR = regex.compile(r"[\s\u200b-\u200f\u2060\ufeff]*[\"'“‘«(\[]*(.)", flags=regex.S)
_SENTENCE_FINAL = regex.compile(r"[.!?؟…:][\"'”’»)\]]*$")


def _split_points(line: str) -> list[int]:
    """Offsets inside ``line`` where a new sentence starts."""
    abbrevs = _abbreviations()
    points = []
    for m in _STOP.finditer(line):
        stop = m.group(0)
        nxt = _NEXT_CHAR.match(line, m.end())
        if nxt is None:
            continue
        if _LOWER_LATIN.match(nxt.group(1)):
            continue  # "“Why?” he asked", "U.S. officials", "... and then"
        if stop.rstrip("\"'”’»)]") == ".":
            tm = _TOKEN_BEFORE.search(line, 0, m.start())
            token = tm.group(1).lstrip(_OPENERS) if tm else ""
            if (
                token in abbrevs
                or (len(token) == 1 and token.isalpha())  # initials, Arabic letter abbreviations
                or _ACRONYM.match(token)
                or (token.isdigit() and tm is not None and not line[: tm.start()].strip())
            ):
                continue
        points.append(m.end())
    return points


def _sentences(line: str, base: int) -> Iterator[tuple[int, int]]:
    """Absolute (start, end) spans of the sentences of one line starting at ``base``."""
    cut = [0, *_split_points(line), len(line)]
    for a, b in itertools.pairwise(cut):
        lead, trail = _visible_span(line[a:b])
        if trail > lead:
            yield base + a + lead, base + a + trail


#: Characters that take no room on the page: zero-width space and joiners, direction
#: marks and embeddings, word joiner, byte-order mark, soft hyphen.
_INVISIBLE = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_LEAD = regex.compile(rf"[\s{_INVISIBLE}]*")
_TRAIL = regex.compile(rf"[\s{_INVISIBLE}]*$")
_BLANKISH = regex.compile(rf"[\s{_INVISIBLE}\u0640]*")
_WORDISH = regex.compile(r"[\p{L}\p{N}--\u0640]", flags=regex.V1)


def _visible_span(piece: str) -> tuple[int, int]:
    """Start and end of ``piece`` without white space or invisible characters around it."""
    lead = _LEAD.match(piece)
    start = lead.end() if lead else 0
    trail = _TRAIL.search(piece, start)
    return start, trail.start() if trail else len(piece)


# --------------------------------------------------------------------------- roles


@dataclass
class _Line:
    start: int
    end: int
    text: str
    paragraph: int
    role: Role = "body"
    inline_dateline: int = 0  # length of a dateline prefix split off the line
    unit: bool = False  # a list item or table row: one segment, never split
    words: int = field(init=False)

    def __post_init__(self) -> None:
        self.words = len(self.text.split())


def _lines(text: str) -> list[_Line]:
    """Non-blank lines with offsets and paragraph numbers.

    Blank lines separate paragraphs; a text with no blank line at all (one
    paragraph per line, as many scraped pages come) gets one paragraph per line.
    """
    lines: list[_Line] = []
    paragraph = 0
    blank_before = False
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        if _BLANKISH.fullmatch(body):
            # Only white space, zero-width characters or tatweel: a blank line.
            blank_before = True
        elif _WORDISH.search(body):
            if blank_before and lines:
                paragraph += 1
            blank_before = False
            lead, trail = _visible_span(body)
            lines.append(_Line(pos + lead, pos + trail, body[lead:trail], paragraph))
        # else: no letter or digit ("***", "|---|---|", "•"): not a segment, not a break.
        pos += len(raw)
    if lines and lines[-1].paragraph == 0 and len(lines) > 1:
        for i, ln in enumerate(lines):
            ln.paragraph = i
    return lines


def _any(patterns: Iterable[regex.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _is_label(line: _Line, max_words: int = 6) -> bool:
    """A short line without sentence-final punctuation (headings, labels, places)."""
    return line.words <= max_words and not _SENTENCE_FINAL.search(line.text)


#: The byline is looked for among the first this many content lines (the page's header).
BYLINE_WINDOW = 12
#: Longest first line (in words) taken for a category label above a headline.
CATEGORY_LABEL_WORDS = 8
#: Longest line (in words) taken for a dateline when it matches no dateline pattern.
DATELINE_LABEL_WORDS = 3
#: Longest headline (in words) without a final stop, and with one.
HEADLINE_MAX_WORDS = 25
HEADLINE_MAX_WORDS_WITH_STOP = 20
#: Longest standfirst block (lines) between a lone byline and a photo caption.
STANDFIRST_MAX_LINES = 2
#: A caption line marks its whole block as caption when the block has at most this many lines.
CAPTION_BLOCK_MAX_LINES = 3


def _assign_roles(lines: list[_Line], pat: LayoutPatterns) -> None:
    for ln in lines:
        if _any(pat.boilerplate, ln.text):
            ln.role = "boilerplate"
        elif _any(pat.table_row, ln.text) or _any(pat.list_item, ln.text):
            ln.unit = True
    content = [ln for ln in lines if ln.role != "boilerplate"]
    if not content:
        return
    # The header is what comes before the byline, when there is one near the top.
    by = next(
        (i for i, ln in enumerate(content[:BYLINE_WINDOW]) if _any(pat.byline, ln.text)), None
    )
    if by is not None:
        head = content[:by]
        content[by].role = "byline"
        listed = bool(head) and _any(pat.category, head[0].text)
        if len(head) >= 2 and (
            listed or (len(head) >= 3 and _is_label(head[0], CATEGORY_LABEL_WORDS))
        ):
            head[0].role = "category"
            head = head[1:]
        if head:
            head[0].role = "headline"
            for ln in head[1:]:
                ln.role = "standfirst"
        i = by + 1
        # Lines sharing the byline's block are the photo caption.
        while i < len(content) and content[i].paragraph == content[by].paragraph:
            content[i].role = "caption"
            i += 1
        first_body = i
    else:
        first_body = 0
        first = content[0]
        if (
            len(content) > 1
            and _any(pat.category, first.text)
            and first.paragraph != content[1].paragraph
        ):
            first.role = "category"
            first_body = 1
        if first_body < len(content) and len(content) > 1:
            cand = content[first_body]
            # A headline is one sentence: up to HEADLINE_MAX_WORDS words without a final
            # stop, or fewer with one (scraped pages keep the full stop).
            one_sentence = not _split_points(cand.text)
            no_stop = not _SENTENCE_FINAL.search(cand.text)
            limit = HEADLINE_MAX_WORDS if no_stop else HEADLINE_MAX_WORDS_WITH_STOP
            if one_sentence and cand.words <= limit:
                cand.role = "headline"
                first_body += 1
    # Datelines: short place lines between the header and the body.
    i = first_body
    while i < len(content) and (
        _any(pat.dateline, content[i].text)
        or (by is not None and _is_label(content[i], DATELINE_LABEL_WORDS))
    ):
        if any(ch.isdigit() for ch in content[i].text):
            break
        content[i].role = "dateline"
        i += 1
    # A block between a byline standing alone and a photo caption block is the standfirst
    # (DW: headline, date, standfirst, photo, body).
    if by is not None and i == first_body and first_body == by + 1 and i < len(content):
        block = [x for x in content[i:] if x.paragraph == content[i].paragraph]
        after = [x for x in content[i + len(block) :] if x.paragraph == block[-1].paragraph + 1]
        if (
            after
            and len(block) <= STANDFIRST_MAX_LINES
            and any(_any(pat.caption, x.text) for x in after)
        ):
            for x in block:
                x.role = "standfirst"
            i += len(block)
    # An inline dateline opening the first body line ("BEIJING (Reuters) - ...").
    if i < len(content) and content[i].role == "body":
        for p in pat.dateline_inline:
            m = p.match(content[i].text)
            if m and m.end() < len(content[i].text):
                content[i].inline_dateline = len(m.group(0).rstrip())
                break
    # Captions anywhere: a caption line marks its whole (short) block.
    for ln in content:
        if ln.role == "body" and _any(pat.caption, ln.text):
            block = [x for x in content if x.paragraph == ln.paragraph]
            if len(block) <= CAPTION_BLOCK_MAX_LINES:
                for x in block:
                    x.role = "caption"
            else:
                ln.role = "caption"
    _subheadings(content, i, pat)


#: Longest line (in words) that can be a subheading without a cue pattern.
SUBHEADING_MAX_WORDS = 14


def _subheadings(content: list[_Line], first_body: int, pat: LayoutPatterns) -> None:
    """Mark the crossheads inside the body.

    A body line is a subheading when it matches a ``[subheading]`` pattern, or
    when it is a paragraph of its own, up to `SUBHEADING_MAX_WORDS` words, two
    or more, without sentence-final punctuation, not a list item or table row,
    and stands between body text before it and a body paragraph after it.
    """
    for k in range(first_body, len(content)):
        ln = content[k]
        if ln.role != "body" or ln.unit or ln.inline_dateline:
            continue
        if _any(pat.subheading, ln.text):
            ln.role = "subheading"
            continue
        if not (2 <= ln.words <= SUBHEADING_MAX_WORDS) or _SENTENCE_FINAL.search(ln.text):
            continue
        prev = content[k - 1] if k > first_body else None
        nxt = content[k + 1] if k + 1 < len(content) else None
        alone = (prev is None or prev.paragraph != ln.paragraph) and (
            nxt is None or nxt.paragraph != ln.paragraph
        )
        if (
            alone
            and prev is not None
            and prev.role == "body"
            and nxt is not None
            and nxt.role == "body"
            and not nxt.unit
            and (nxt.words > SUBHEADING_MAX_WORDS or _SENTENCE_FINAL.search(nxt.text))
        ):
            ln.role = "subheading"


# --------------------------------------------------------------------------- public


def segment(
    text: str | os.PathLike[str],
    *,
    lang: str | None = None,
    patterns: LayoutPatterns | str | None = None,
) -> list[Segment]:
    """Split an article into sentences with their roles and offsets.

    Rules: every line break is a boundary and blank lines start a new
    paragraph; inside a line a sentence ends at ``.`` ``!`` ``?`` ``؟`` ``…``
    (with any closing quotes or brackets) followed by white space, unless the
    stop belongs to an abbreviation (``Mr.``, ``U.S.``, ``د.``, initials), a list
    number at the start of a line, or the next word starts with a lower-case
    Latin letter. ``،`` ``؛`` ``:`` never end a sentence; numbers such as
    ``17.11.2025`` and ``3.5`` stay whole.

    Args:
        text: The article as plain text, or a `pathlib.Path` to a UTF-8 file.
        lang: ``"ar"`` or ``"en"``; detected from the script when omitted.
        patterns: Layout patterns: an outlet name (see `outlet_names`, e.g.
            ``"anadolu"``: the generic patterns plus that outlet's), a
            `LayoutPatterns`, or ``None`` for all the shipped outlets.

    Returns:
        The segments in source order.

    Raises:
        InputTypeError: ``text`` is not a ``str`` or path (for example ``bytes``),
            or ``patterns`` is neither a name nor a `LayoutPatterns`.
        UnknownNameError: ``patterns`` names no outlet.
        EmptyInputError: ``text`` is empty or only white space.
        InputError: ``text`` holds a lone surrogate, or the file cannot be read.
        EncodingError: the file is not UTF-8.
        LanguageError: ``text`` has no Arabic or Latin letters, or ``lang`` is unknown.
    """
    return list(read_article(text, lang=lang, patterns=patterns).segments)


@functools.lru_cache(maxsize=1)
def _markup() -> tuple[regex.Pattern[str], int]:
    """The tag-or-entity pattern and the count that warns (``resources/markup.toml``)."""
    data = read_toml(resource_dir() / "markup.toml")
    tags = "|".join(sorted((regex.escape(t) for t in data["tags"]), key=len, reverse=True))
    ents = "|".join(sorted((regex.escape(e) for e in data["entities"]), key=len, reverse=True))
    pattern = regex.compile(
        rf"(?i:</?(?:{tags})(?:\s[^<>]*)?/?>)|&(?:{ents}|#[0-9]{{2,6}}|#[xX][0-9A-Fa-f]{{2,6}});"
    )
    return pattern, int(data["warn_at"])


def _warn_markup(text: str, source: str | None) -> None:
    """A `MarkupWarning` when ``text`` holds HTML tags or entities (``resources/markup.toml``)."""
    pattern, warn_at = _markup()
    found = pattern.findall(text)
    if len(found) >= warn_at:
        shown = ", ".join(dict.fromkeys(m if len(m) <= 12 else m[:11] + "…" for m in found[:5]))
        warnings.warn(
            f"{source or 'the text'} looks like HTML: it holds {len(found)} tags or entities "
            f"({shown} …), which are read as words; extract the article's text first "
            "(for example with trafilatura, or BeautifulSoup's get_text())",
            MarkupWarning,
            stacklevel=3,
        )


def _names_a_file(text: str) -> bool:
    """Whether a str given as an article's text is, whole, the path of an existing file or
    folder (``~`` expanded)."""
    if not text or len(text) > 1024 or "\n" in text or text != text.strip():
        return False
    try:
        return os.path.exists(os.path.expanduser(text))
    except (OSError, ValueError):
        return False


def read_article(
    text: str | os.PathLike[str],
    *,
    lang: str | None = None,
    patterns: LayoutPatterns | str | None = None,
    source: str | None = None,
) -> Article:
    """Segment an article and return it as an `Article`.

    See `segment` for the rules and errors. A `pathlib.Path` (any
    ``os.PathLike``) is read as a UTF-8 file (see `read_text_file`) and its
    name becomes ``source`` unless ``source`` is given; a ``str`` is always the
    text itself (one that is, whole, the path of an existing file or folder is refused
    with `InputError`: pass a `pathlib.Path` to read a file).

    Examples:
        >>> art = read_article(
        ...     "Syria, China agree\\n\\n"
        ...     "Rania Abu Shamala | 17.11.2025 - Update : 17.11.2025\\n\\n"
        ...     "ISTANBUL\\n\\n"
        ...     "Syria and China agreed Monday. Mr. Wang spoke."
        ... )
        >>> for s in art.segments:
        ...     print(s.role, s.start, s.end, s.text)
        headline 0 18 Syria, China agree
        byline 20 72 Rania Abu Shamala | 17.11.2025 - Update : 17.11.2025
        dateline 74 82 ISTANBUL
        body 84 114 Syria and China agreed Monday.
        body 115 130 Mr. Wang spoke.
    """
    pat = _resolve_patterns(patterns)
    if lang is not None:
        _check_lang(lang)
    if isinstance(text, str) and _names_a_file(text):
        raise InputError(
            f"{text!r} is the path of a file or folder, but a str is read as the text itself: "
            f"pass pathlib.Path({text!r}) to read a file",
            text,
        )
    if isinstance(text, os.PathLike):
        if source is None:
            source = os.fspath(text) if isinstance(os.fspath(text), str) else None
        text = read_text_file(text)
    try:
        _check_text(text)
    except EmptyInputError:
        if not source:
            raise
        # Say which file (or standard input) was empty.
        raise EmptyInputError(f"{source}: the text is empty or only white space", text) from None
    _warn_markup(text, source)
    try:
        if lang is not None:
            check_language(text, lang)
            language = lang
        else:
            language = detect_language(text)
    except LanguageError as exc:
        if not source:
            raise
        # Say which file (or standard input) it is.
        raise LanguageError(
            f"{source}: {exc}", exc.value, expected=exc.expected, found=exc.found
        ) from None
    lines = _lines(text)
    _assign_roles(lines, pat)
    segs: list[Segment] = []
    for ln in lines:
        start = ln.start
        if ln.inline_dateline:
            segs.append(
                Segment(
                    len(segs),
                    text[start : start + ln.inline_dateline],
                    language,
                    "dateline",
                    start,
                    start + ln.inline_dateline,
                    ln.paragraph,
                )
            )
            rest = text[start + ln.inline_dateline : ln.end]
            start = start + ln.inline_dateline + (len(rest) - len(rest.lstrip()))
        spans = [(start, ln.end)] if ln.unit else _sentences(text[start : ln.end], start)
        for a, b in spans:
            segs.append(Segment(len(segs), text[a:b], language, ln.role, a, b, ln.paragraph))
    return Article(text=text, lang=language, segments=tuple(segs), source=source)


def _letters_or_fail(text: str) -> tuple[int, int]:
    """Arabic and Latin letter counts; an error when there are none."""
    n_ar, n_lat = _letter_counts(text)
    if n_ar + n_lat == 0:
        raise LanguageError(
            "the text has no Arabic or Latin letters, so it is neither Arabic nor English",
            text,
            found=None,
        )
    return n_ar, n_lat
