"""Text normalisation used for matching (never for display).

Arabic text is written with optional diacritics, several alef forms, two
spellings of final yeh and teh marbuta, decorative tatweel and two digit
sets. :func:`normalize_arabic` folds these so that two spellings of one word
compare equal. The character work is done by camel-tools' small pure
functions (``camel_tools.utils``), which need no downloaded data.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable

import regex

__all__ = ["fold_digits", "normalize_arabic", "normalize_english"]

# Arabic-Indic (U+0660..) and Eastern Arabic-Indic / Persian (U+06F0..) digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Arabic decimal and thousands separators, percent sign.
_NUMBER_PUNCT = str.maketrans({"٫": ".", "٬": ",", "٪": "%"})
_TATWEEL = "\u0640"
_SPACES = regex.compile(r"\s+")


@functools.cache
def _camel() -> dict[str, Callable[[str], str]]:
    # Imported lazily: camel_tools.utils takes about a second to import.
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )

    return {
        "unicode": normalize_unicode,
        "dediac": dediac_ar,
        "alef": normalize_alef_ar,
        "maksura": normalize_alef_maksura_ar,
        "teh": normalize_teh_marbuta_ar,
    }


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
       removed with ``camel_tools.utils.dediac.dediac_ar``.
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
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.translate(_QUOTES).replace("ı", "i")
    return _SPACES.sub(" ", stripped.casefold()).strip()


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
