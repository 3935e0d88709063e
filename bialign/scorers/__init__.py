"""Cross-lingual scorers: each turns Arabic and English spans into a score matrix.

A scorer is anything with ``name`` and one method,
``score(arabic, english) -> numpy.ndarray`` of shape ``(len(arabic), len(english))``
with values in [0, 1]. Scorers are chosen by name (`get_scorer`) and their
heavy dependencies are imported only when first used.
"""

from __future__ import annotations

from .base import (
    FunctionScorer,
    PairIndex,
    PairIndexer,
    Scorer,
    SentenceEncoder,
    SpanScorer,
    available_scorers,
    ends_cleanly,
    get_scorer,
    register_scorer,
)

__all__ = [
    "FunctionScorer",
    "PairIndex",
    "PairIndexer",
    "Scorer",
    "SentenceEncoder",
    "SpanScorer",
    "available_scorers",
    "ends_cleanly",
    "get_scorer",
    "register_scorer",
]
