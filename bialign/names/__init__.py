"""Find the same names in an Arabic sentence and an English one.

A name written in Arabic script reaches the English press in many spellings
(الشيباني → al-Shaibani, Shaibani, al-Shaybani), and some names are not
transliterated at all (الصين → China, بكين → Beijing). This package matches
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
`match_names` and `NameScorer` (the ``"names"`` scorer, defined in
`bialign.scorers.names` and re-exported here). Results are memoised in bounded
caches; `clear_caches` empties them.

Heavy dependencies (``arabic_name_romanizer``, ``camel_tools``) are imported on
first use, so importing this package is cheap.

The package is cut along the stages of the matching: ``tables`` (the data
files), ``letters`` (scripts, particles, Buckwalter), ``distance`` (the
weighted edit distance), ``skeletons`` (blocking keys), ``dictionary`` (attested
spellings), ``sentences`` (parsing one sentence), ``matching`` (a sentence
pair), ``api`` (the public functions), ``cache`` (the bounded caches) and
``mentions`` (what `bialign.differences` reads of one sentence).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import DEFAULT_THRESHOLD, NameMatch, match_names, name_similarity, romanize
from .cache import clear_caches

# Private names that other bialign modules imported from the single-module `bialign.names`;
# kept importable from here so that older code keeps working.
from .sentences import _maximal, _parse_arabic, _parse_english  # noqa: F401
from .tables import _gazetteer  # noqa: F401

if TYPE_CHECKING:
    from ..scorers.names import NameScorer

__all__ = [
    "DEFAULT_THRESHOLD",
    "NameMatch",
    "NameScorer",
    "clear_caches",
    "match_names",
    "name_similarity",
    "romanize",
]


def __getattr__(name: str) -> Any:
    # `NameScorer` lives in `bialign.scorers.names`, which imports this package's modules:
    # it is loaded on first use here, so that neither import order makes a cycle.
    if name == "NameScorer":
        from ..scorers.names import NameScorer

        return NameScorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "NameScorer"})
