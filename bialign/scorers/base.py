"""The scorer interface and the registry of scorers by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import regex

from ..errors import InputError, UnknownNameError

__all__ = [
    "FunctionScorer",
    "PairIndex",
    "PairIndexer",
    "Scorer",
    "SentenceEncoder",
    "SpanScorer",
    "available_scorers",
    "check_matrix",
    "ends_cleanly",
    "get_scorer",
    "register_scorer",
    "registered",
]


@runtime_checkable
class Scorer(Protocol):
    """One-method interface of every scorer.

    ``score`` gets Arabic spans and English spans (sentences or merged
    neighbours, as text) and returns a float matrix of shape
    ``(len(arabic), len(english))`` with values in [0, 1]: how well each pair
    expresses the same content, by this scorer's signal.
    """

    name: str

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class SpanScorer(Scorer, Protocol):
    """A scorer that scores merged spans itself (each given as its list of sentences).

    With ``spans_exact`` true, the aligner gives it spans as lists instead of
    joining their sentences with a space (the translation scorer joins the
    sentences' translations; the embedding scorer composes their encodings).
    """

    spans_exact: bool

    def score_spans(
        self, arabic: Sequence[Sequence[str]], english: Sequence[Sequence[str]]
    ) -> np.ndarray: ...


@runtime_checkable
class PairIndex(Protocol):
    """One article pair's sentences as a scorer read them once (`PairIndexer.index_pair`)."""

    def score(
        self, arabic: Sequence[Sequence[int]], english: Sequence[Sequence[int]]
    ) -> np.ndarray: ...


@runtime_checkable
class PairIndexer(Scorer, Protocol):
    """A scorer that reads each sentence of a pair once and scores spans by index.

    ``index_pair(arabic, english)`` takes the two articles' sentences and
    returns a `PairIndex` whose ``score(a_groups, e_groups)`` gives, for spans
    given as tuples of sentence indices, what ``score`` gives for the same
    spans as text (each span's sentences joined with a space). The aligner
    scores its merged spans this way: what a span holds is made from what its
    sentences hold, instead of reading every merged text again.
    """

    def index_pair(self, arabic: Sequence[str], english: Sequence[str]) -> PairIndex: ...


# A sentence that ends in a stop (then closing quotes or brackets) cannot share a word,
# a name or a number with the sentence joined after it.
_CLEAN_END = regex.compile(r"[.!?؟…:][\"'”’»)\]]*\s*$")


def ends_cleanly(text: str) -> bool:
    """Whether ``text`` ends in a stop (``. ! ? ؟ … :``, then closing quotes or brackets).

    Joined after such a text, the next sentence starts afresh: a multi-word
    name, date or number cannot run across the join, so what the joined text
    holds is what its two parts hold.

    Examples:
        >>> ends_cleanly("He left."), ends_cleanly("Headline without a stop")
        (True, False)
    """
    return _CLEAN_END.search(text) is not None


@runtime_checkable
class SentenceEncoder(Scorer, Protocol):
    """An embedding scorer that encodes each sentence once (`EmbeddingScorer`).

    ``encode`` gives each text's encoding (vector, word vectors, pooled
    features; ``words=False``: without the word vectors); ``compose`` gives the
    vectors of spans of encoded sentences. The aligner asks such a scorer for
    every sentence once and builds merged spans and, when the link model uses
    it, the word-level signal from that; an embedding scorer without these gets
    spans as joined text and no word-level signal.
    """

    def encode(self, texts: Sequence[str], *, words: bool = True) -> list[Any]: ...

    def compose(
        self, spans: Sequence[Sequence[Any]], texts: Sequence[Sequence[str]]
    ) -> np.ndarray: ...


class FunctionScorer:
    """A scorer made from a plain function ``f(arabic_text, english_text) -> float``.

    Handy for tests and for plugging in any similarity without writing a class.

    Examples:
        >>> s = FunctionScorer(lambda a, e: float(len(a) == len(e)), name="same-length")
        >>> s.score(["ab", "abc"], ["xy"]).tolist()
        [[1.0], [0.0]]
    """

    def __init__(self, fn: Callable[[str, str], float], *, name: str = "function") -> None:
        self.fn = fn
        self.name = name

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        out = np.array([[float(self.fn(a, e)) for e in english] for a in arabic], dtype=np.float64)
        return check_matrix(out.reshape(len(arabic), len(english)), self.name)


def check_matrix(m: np.ndarray, name: str) -> np.ndarray:
    """Validate a scorer's output: finite, in [0, 1] (clipped within rounding)."""
    if not np.all(np.isfinite(m)):
        raise InputError(f"scorer {name!r} returned non-finite scores", name)
    if m.size and (m.min() < -1e-6 or m.max() > 1 + 1e-6):
        raise InputError(f"scorer {name!r} returned scores outside [0, 1]", name)
    return np.clip(m, 0.0, 1.0)


# name -> "module:factory" (imported lazily) or a factory callable
_REGISTRY: dict[str, str | Callable[..., Scorer]] = {
    "embedding": "bialign.scorers.embedding:EmbeddingScorer",
    "use": "bialign.scorers.embedding:EmbeddingScorer",
    "anchors": "bialign.scorers.anchors:AnchorScorer",
    "lexical": "bialign.scorers.lexical:LexicalScorer",
    "names": "bialign.scorers.names:NameScorer",
    "translation": "bialign.scorers.translation:TranslationScorer",
}


def register_scorer(name: str, factory: str | Callable[..., Scorer]) -> None:
    """Register a scorer factory under ``name`` (a callable or ``"module:attr"``).

    `bialign.align` builds its signals through this registry: registering a
    factory under ``"embedding"``, ``"names"`` or ``"anchors"`` replaces that
    signal in every later alignment (the link model's weights were fitted on the
    shipped scorers, so a replacement should give scores on the same scale).
    """
    _REGISTRY[name] = factory


def available_scorers() -> tuple[str, ...]:
    """Names accepted by `get_scorer`."""
    return tuple(sorted(_REGISTRY))


def registered(name: str) -> str | Callable[..., Scorer]:
    """The factory registered under ``name`` (an `UnknownNameError` when there is none)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownNameError("scorer", name, _REGISTRY) from None


def get_scorer(name: str, **kwargs: Any) -> Scorer:
    """Build a registered scorer by name; its module is imported only now."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise UnknownNameError("scorer", name, _REGISTRY) from None
    if isinstance(factory, str):
        mod, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(mod), attr)
    return factory(**kwargs)
