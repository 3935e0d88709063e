"""Text normalisation used for matching (never for display).

Arabic text is written with optional diacritics, several alef forms, two
spellings of final yeh and teh marbuta, decorative tatweel and two digit
sets. `normalize_arabic` folds these so that two spellings of one word
compare equal. The character work is done by camel-tools' small pure
functions (``camel_tools.utils.normalize``), which need no downloaded data,
and a table of diacritics in ``resources/``.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable

import regex

__all__ = ["fold_digits", "normalize_arabic", "normalize_english", "normalize_for_encoder"]

# Arabic-Indic (U+0660..) and Eastern Arabic-Indic / Persian (U+06F0..) digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Arabic decimal and thousands separators, percent sign.
_NUMBER_PUNCT = str.maketrans({"٫": ".", "٬": ",", "٪": "%"})
_TATWEEL = "\u0640"
_SPACES = regex.compile(r"\s+")


@functools.cache
def _camel() -> dict[str, Callable[[str], str]]:
    # Imported lazily. Not camel_tools.utils.dediac: its import builds Unicode tables
    # for about two seconds; the diacritics come from resources/ (`_dediac`).
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )

    def unicode(text: str) -> str:
        # camel's NFKC; its per-character mapper (slow) only for a text that needs it.
        if _SPELLED_OUT.isdisjoint(text):
            return unicodedata.normalize("NFKC", text)
        return str(normalize_unicode(text))

    return {
        "unicode": unicode,
        "dediac": _dediac,
        "alef": normalize_alef_ar,
        "maksura": normalize_alef_maksura_ar,
        "teh": normalize_teh_marbuta_ar,
    }


# The two characters camel_tools' normalize_unicode spells out as words before NFKC
# (the rial sign and the basmala ligature); checked against it in the tests.
_SPELLED_OUT = frozenset("\ufdfc\ufdfd")


@functools.cache
def _diacritics() -> dict[int, None]:
    from ._resources import read_toml, resource_path
    from .errors import ResourceError

    path = resource_path("arabic_diacritics.toml")
    try:
        return {cp: None for spec in read_toml(path)["remove"] for cp in _code_points(spec)}
    except (KeyError, TypeError, ValueError) as exc:
        raise ResourceError(f"{path}: malformed ({exc!r})", str(path)) from exc


def _dediac(text: str) -> str:
    """``text`` without Arabic diacritics (``resources/arabic_diacritics.toml``)."""
    return text.translate(_diacritics())


def fold_digits(text: str) -> str:
    """Turn Arabic-Indic and Persian digits (and ``٫ ٬ ٪``) into ASCII ones."""
    return text.translate(_DIGITS).translate(_NUMBER_PUNCT)


@functools.lru_cache(maxsize=65536)
def normalize_arabic(
    text: str,
    *,
    dediac: bool = True,
    alef: bool = True,
    alef_maksura: bool = True,
    teh_marbuta: bool = True,
    digits: bool = True,
) -> str:
    """Normalise Arabic text for matching.

    Steps, in order (each can be switched off):

    1. Unicode compatibility folding of presentation forms (``ﻻ`` → ``لا``), via
       ``camel_tools.utils.normalize.normalize_unicode``; tatweel ``ـ`` removed.
    2. ``dediac``: diacritics (harakat, shadda, sukun, tanwin, dagger alef)
       removed (``resources/arabic_diacritics.toml``: the set of
       ``camel_tools.utils.dediac.dediac_ar``).
    3. ``alef``: ``أ إ آ ٱ`` → ``ا``.
    4. ``alef_maksura``: ``ى`` → ``ي``.
    5. ``teh_marbuta``: ``ة`` → ``ه``.
    6. ``digits``: Arabic-Indic and Persian digits → ASCII, ``٫`` → ``.``,
       ``٬`` → ``,``, ``٪`` → ``%``.
    7. Runs of white space → one space; leading and trailing space removed.

    Latin text inside the Arabic passes through unchanged.

    Args:
        text: Any text.

    Returns:
        The normalised text.

    Examples:
        >>> normalize_arabic("الشَّيْبانيّ في إسطنبول ٢٠٢٥")
        'الشيباني في اسطنبول 2025'
    """
    if not isinstance(text, str):
        from .errors import InputTypeError

        raise InputTypeError(f"normalize_arabic expects str, got {type(text).__name__}", text)
    fns = _camel()
    out = fns["unicode"](text).replace(_TATWEEL, "")
    if dediac:
        out = fns["dediac"](out)
    if alef:
        out = fns["alef"](out)
    if alef_maksura:
        out = fns["maksura"](out)
    if teh_marbuta:
        out = fns["teh"](out)
    if digits:
        out = fold_digits(out)
    return _SPACES.sub(" ", out).strip()


@functools.lru_cache(maxsize=65536)
def normalize_english(text: str) -> str:
    """Normalise English (Latin-script) text for matching.

    Case-folds, strips accents (``Erdoğan`` → ``erdogan``), turns curly quotes
    and apostrophes into straight ones and collapses white space.
    """
    if text.isascii():  # nothing to decompose, strip or straighten
        return _SPACES.sub(" ", text.casefold()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.translate(_QUOTES).replace("ı", "i")
    return _SPACES.sub(" ", stripped.casefold()).strip()


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


def _code_points(spec: str) -> range:
    lo, _, hi = spec.partition("-")
    return range(int(lo, 16), int(hi or lo, 16) + 1)


@functools.cache
def _encoder_tables() -> tuple[dict[int, str], dict[int, None], frozenset[str]]:
    from ._resources import read_toml, resource_path
    from .errors import ResourceError

    path = resource_path("encoder_text.toml")
    data = read_toml(path)
    try:
        fold: dict[int, str] = {}
        for spec in data["presentation"]["ranges"]:
            for cp in _code_points(spec):
                folded = unicodedata.normalize("NFKC", chr(cp))
                if folded != chr(cp):
                    fold[cp] = folded
        for src, dst in data.get("map", {}).items():
            fold[int(src, 16)] = chr(int(dst, 16))
        remove: dict[int, None] = {cp: None for spec in data["remove"] for cp in _code_points(spec)}
    except (KeyError, TypeError, ValueError) as exc:
        raise ResourceError(f"{path}: malformed ({exc!r})", str(path)) from exc
    trigger = frozenset(chr(cp) for cp in (*fold, *remove))
    return fold, remove, trigger


@functools.lru_cache(maxsize=65536)
def normalize_for_encoder(text: str) -> str:
    """The text the sentence encoder sees: Arabic without decoration.

    Folds Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFE) to base
    letters with NFKC, alef wasla to alef, and removes harakat, tanwin, shadda,
    sukun, dagger alef, Quranic marks, tatweel and zero-width characters (the
    tables are in ``resources/encoder_text.toml``). Unlike `normalize_arabic`
    it leaves everything else alone (alef forms, yeh, teh marbuta, digits,
    spaces), so a text without those characters is returned unchanged.

    Args:
        text: Any text.

    Returns:
        The cleaned text.

    Examples:
        >>> normalize_for_encoder("بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ")
        'بسم الله الرحمن'
        >>> normalize_for_encoder("Plain text and أحمد stay as they are.")
        'Plain text and أحمد stay as they are.'
    """
    if not isinstance(text, str):
        from .errors import InputTypeError

        raise InputTypeError(f"normalize_for_encoder expects str, got {type(text).__name__}", text)
    fold, remove, trigger = _encoder_tables()
    if trigger.isdisjoint(text):
        return text
    if any("\u0653" <= ch <= "\u0655" for ch in text):
        # Decomposed hamza/madda over alef, waw, yeh: compose before the marks are removed.
        text = unicodedata.normalize("NFC", text)
    return text.translate(fold).translate(remove)
