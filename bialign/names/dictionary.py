"""The dictionary: spellings attested in arabic-name-romanizer's index, and unit similarity."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ResourceError
from ..normalize import normalize_arabic
from .cache import lru, on_clear
from .distance import _SIM_FLOOR, _rule_similarity
from .letters import _latin_parts, _split_article_bw
from .skeletons import _plausible
from .tables import _romanizer, _tables


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


# Emptied whenever it would grow past this many units.
_ATTESTED_CACHE_SIZE = 1 << 14
_ATTESTED_CACHE: dict[str, frozenset[str]] = {}
on_clear(_ATTESTED_CACHE.clear)


@lru(1 << 15)
def _unit_similarity(
    arabic_unit: str, bw: str, english: str, use_romanizer: bool, floor: float = _SIM_FLOOR
) -> tuple[float, str]:
    """Similarity of one Arabic name unit and one English name unit, and its source.

    Rule-based similarities below ``floor`` come out as 0. A spelling attested for the
    Arabic unit in the dictionary scores ``[dictionary] attested`` of ``translit.toml``.
    """
    tables = _tables()
    roman = tables.ordinals.get(normalize_arabic(arabic_unit))
    if roman is not None:
        return (1.0 if english == roman else 0.0), "transliteration"
    if not _plausible(bw, english, floor):
        return 0.0, "transliteration"
    score = _rule_similarity(bw, english, floor)
    if use_romanizer and score > 0.0 and " " not in bw:
        # a short word the dictionary does not know as a name is likely a common word
        letters = len(bw)
        prior = tables.unattested_prior.get(letters)
        if prior is not None and not _attested(arabic_unit):
            score *= prior
    if (
        use_romanizer
        and score < tables.attested
        and (_split_article_bw(bw)[0] or not _latin_parts(english)[0])
    ):
        # (an attested spelling counts unless English adds an article: al-Assad is not أسعد)
        key = _latin_key(english)
        if key and key in _attested(arabic_unit):
            return tables.attested, "dictionary"
    return score, "transliteration"
