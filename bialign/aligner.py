"""Sentence alignment of comparable articles (stages: score → search → result).

The search does not assume one monotone path. It works in three steps:

1. **Score** candidate links of three shapes, 1–1, 2–1 (two neighbouring
   Arabic sentences, one English) and 1–2: the probability, from a logistic
   model, that the candidate is exactly a right link. Its signals: the
   cross-lingual similarity (the multilingual encoder and/or a translation
   model; a merged span is scored as one text), its margin over each
   sentence's nearest neighbours, the soft overlap of their content words
   (each word embedded by the same encoder; see ``bialign.scorers.lexical``),
   whether it is each side's best, matched names, number/date anchors,
   relative position, distance from the monotone path through confident
   anchors, length ratio, page role, and for merges how much the merge raises
   similarity and evens out lengths (for 1–1 candidates: how much the best
   neighbouring merge would). Pairs whose page roles differ
   (a byline and a body sentence) are ruled out.
2. **Links**: the most probable candidates first, as long as none of their
   sentences is taken and the probability reaches the link threshold.
   Crossing (reordered) links are allowed.
3. **Merges**: a sentence left over whose most similar counterpart is linked
   joins that link (2–1, 1–2, up to ``max_merge`` on the merged side, possibly
   not adjacent) when their similarity reaches the extension threshold and
   the merged link scores at least as well as the link did, less a tolerance.

What is left is one-language content. The model and the thresholds are data
(``resources/weights.json``), fitted on development data by
``benchmarks/fit_weights.py``; scores are that model's probabilities, fitted
on those data (not a guarantee on other text).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ._numeric import finite_number, knn_mean
from ._resources import resource_path
from ._version import __version__
from .document import (
    DocumentJudgment,
    DocumentModel,
    document_features,
    load_document_model,
)
from .errors import InputTypeError, LanguageError, OptionError, ResourceError
from .features import FEATURE_TABLE, FEATURES, Candidates, SentenceStats
from .result import AlignedPair, Alignment, Evidence, NameEvidence
from .scorers.anchors import shared_anchors
from .scorers.base import Scorer, SentenceEncoder, SpanScorer
from .segmentation import ROLES, Article, Segment, check_language, read_article

if TYPE_CHECKING:
    from .translate import Translator

__all__ = [
    "FEATURES",
    "AlignOptions",
    "DesignMatrix",
    "ScoredPair",
    "Signature",
    "Weights",
    "align",
    "load_weights",
    "prepare",
    "select",
    "signature",
]


#: The word-level signal is scored for this many most similar spans of each row
#: and of each column (every pair when both sides are this short); the other
#: pairs, which cannot win, score 0. Keeps its cost linear in the sentences.
LEXICAL_CANDIDATES = 12

#: Roles of running text: a subheading (crosshead) may be taken for body text by one
#: side's segmentation, so the two may link; every other role is page furniture.
_TEXT_ROLES = frozenset({"body", "subheading"})
#: Page furniture: pairs only with the same role, and never joins a link by gap filling.
_HEADER_ROLES = frozenset(ROLES) - _TEXT_ROLES


@dataclass(frozen=True)
class Weights:
    """The fitted link model and search thresholds (``resources/weights.json``).

    Attributes:
        version: Identifier recorded in signatures.
        coef: One coefficient per feature in `FEATURES`.
        intercept: The model's intercept.
        link_threshold: Probability a pair needs to become a core link.
        extend_threshold: Similarity a left-over sentence needs with its best
            counterpart to try joining that counterpart's link.
        merge_tolerance: How much lower a merged span may score than the link it extends.
        knn: Neighbours averaged in the margin.
        max_merge: Most sentences on the merged side of a link.
        max_gap: Farthest apart two sentences of one merged side may be.
        gap_threshold: Probability a one-to-one pair needs when both sentences
            lie in the same gap between two consecutive links (1.0: no gap filling).
        max_fill: The widest gap (sentences on each side) that is filled.
        dp_threshold: Per-link cost of the monotone pass: links of the best
            monotone path (maximising the sum of ``p - dp_threshold``) whose
            sentences the search left free are added (1.0: no monotone pass).
        dp_min_coverage: The monotone pass runs only when the links found so far
            hold at least this share of both articles' sentences (a largely
            parallel pair); a loosely related pair gets no links from it.
        translation_scale: ``(intercept, slope)`` putting the translation
            scorer's chrF on the encoder's cosine scale, which the model was fitted on.
        calibration: ``(slope, intercept)`` of the Platt scaling that turns a
            link's model probability into its reported score:
            ``sigmoid(slope * logit(p) + intercept)``, fitted on the links the
            search keeps (so the score is the share of such links that are right).
        min_score: A link whose calibrated score is below this is not a pair but
            a candidate (`Alignment.candidates`); its sentences stay one-sided.
    """

    version: str
    coef: tuple[float, ...]
    intercept: float
    link_threshold: float
    extend_threshold: float
    merge_tolerance: float
    knn: int = 4
    max_merge: int = 3
    max_gap: int = 3
    gap_threshold: float = 1.0
    max_fill: int = 3
    dp_threshold: float = 1.0
    dp_min_coverage: float = 0.0
    translation_scale: tuple[float, float] = (0.0, 1.0)
    calibration: tuple[float, float] = (1.0, 0.0)
    min_score: float = 0.0
    note: str = ""

    def __post_init__(self) -> None:
        _check_weights(self)

    def calibrate(self, p: float) -> float:
        """The reported score of a link whose model probability is ``p``."""
        p = min(max(float(p), 1e-6), 1 - 1e-6)
        z = self.calibration[0] * math.log(p / (1 - p)) + self.calibration[1]
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def predict(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        z = np.full(next(iter(feats.values())).shape, self.intercept, dtype=np.float32)
        for name, c in zip(FEATURES, self.coef, strict=True):
            z += np.float32(c) * feats[name]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def to_json(self) -> str:
        """The weights as ``resources/weights.json`` holds them (`load_weights` reads it back)."""
        data: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "coef":
                data["features"] = list(FEATURES)
                value = [round(c, 6) for c in value]
            elif f.name == "intercept":
                value = round(value, 6)
            elif isinstance(value, tuple):
                value = list(value)
            data[f.name] = value
        return json.dumps(data, ensure_ascii=False, indent=2)


#: The probabilities and similarities of a `Weights` (each must lie in [0, 1]).
_UNIT_FIELDS = (
    "min_score",
    "link_threshold",
    "extend_threshold",
    "gap_threshold",
    "dp_threshold",
    "dp_min_coverage",
)
#: The counts of a `Weights` and their smallest value.
_COUNT_FIELDS = (("knn", 1), ("max_merge", 1), ("max_gap", 1), ("max_fill", 0))


def _check_weights(w: Weights) -> None:
    """Refuse a link model that cannot work, naming the field (an `OptionError`)."""
    if not isinstance(w.coef, tuple) or len(w.coef) != len(FEATURES):
        n = f"{len(w.coef)} numbers" if isinstance(w.coef, Sequence) else type(w.coef).__name__
        accepted = f"a tuple of {len(FEATURES)} finite numbers, one per feature"
        raise OptionError(
            "weights.coef", w.coef, accepted, f"weights.coef has {n}; expected {accepted}"
        )
    for name, c in zip(FEATURES, w.coef, strict=True):
        if not finite_number(c):
            raise OptionError(f"weights.coef[{name}]", c, "a finite number")
    if not finite_number(w.intercept):
        raise OptionError("weights.intercept", w.intercept, "a finite number")
    for name in _UNIT_FIELDS:
        value = getattr(w, name)
        if not finite_number(value) or not 0.0 <= float(value) <= 1.0:
            raise OptionError(f"weights.{name}", value, "a number between 0 and 1")
    if not finite_number(w.merge_tolerance) or not 0.0 <= float(w.merge_tolerance) <= 1.0:
        raise OptionError("weights.merge_tolerance", w.merge_tolerance, "a number between 0 and 1")
    for name, low in _COUNT_FIELDS:
        value = getattr(w, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise OptionError(f"weights.{name}", value, f"a whole number >= {low}")
    scale = w.translation_scale
    if (
        not (isinstance(scale, tuple) and len(scale) == 2 and all(finite_number(x) for x in scale))
        or not float(scale[1]) > 0
    ):
        raise OptionError(
            "weights.translation_scale",
            scale,
            "a pair (intercept, slope) of finite numbers, slope > 0",
        )
    cal = w.calibration
    if (
        not (isinstance(cal, tuple) and len(cal) == 2 and all(finite_number(x) for x in cal))
        or not float(cal[0]) > 0
    ):
        raise OptionError(
            "weights.calibration", cal, "a pair (slope, intercept) of finite numbers, slope > 0"
        )
    if not isinstance(w.version, str) or not w.version or "|" in w.version:
        raise OptionError("weights.version", w.version, "a non-empty string without '|'")


def _number(value: Any) -> float:
    """A JSON number as a float; booleans and strings are refused (a `ValueError`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


def _count(value: Any) -> int:
    """A JSON whole number; 4.7, booleans and strings are refused (a `ValueError`)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    return value


def _number_pair(value: Any) -> tuple[float, float]:
    """Two numbers from a JSON list (a `ValueError` otherwise, reported as a `ResourceError`)."""
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of two numbers, got {value!r}")
    items = [_number(x) for x in value]
    if len(items) != 2:
        raise ValueError(f"expected two numbers, got {len(items)}")
    return items[0], items[1]


def _coef(value: Any) -> tuple[float, ...]:
    return tuple(_number(c) for c in value)


#: How a field of ``weights.json`` is read, by its type in `Weights` (the one list of fields).
_READ_BY_TYPE: dict[str, Any] = {
    "str": str,
    "float": _number,
    "int": _count,
    "tuple[float, float]": _number_pair,
    "tuple[float, ...]": _coef,
}


def load_weights(path: str | os.PathLike[str] | None = None) -> Weights:
    """Read the link model and thresholds (the shipped ``resources/weights.json`` by default).

    Raises:
        ResourceError: The file is missing, is not JSON, lists other features
            than `FEATURES`, or holds a value a `Weights` does not accept.
    """
    p = resource_path("weights.json") if path is None else Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ResourceError(f"{p}: expected a JSON object", str(p))
        if list(data["features"]) != list(FEATURES):
            raise ResourceError(f"{p}: features {data['features']} differ from {FEATURES}", str(p))
        if len(data["coef"]) != len(FEATURES):
            raise ResourceError(
                f"{p}: {len(data['coef'])} coefficients for {len(FEATURES)} features", str(p)
            )
        values: dict[str, Any] = {}
        for f in dataclasses.fields(Weights):
            if f.name not in data:
                if f.default is dataclasses.MISSING:
                    raise KeyError(f.name)
                continue  # the field's default, as the dataclass declares it
            values[f.name] = _READ_BY_TYPE[str(f.type)](data[f.name])
        return Weights(**values)
    except ResourceError:
        raise
    except KeyError as exc:
        raise ResourceError(f"cannot read weights {p}: no field {exc}", str(p)) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise ResourceError(f"cannot read weights {p}: {exc}", str(p)) from exc


# --------------------------------------------------------------------------- scoring


class _Signals:
    """The scorers `align` uses, built through the registry (`bialign.scorers.register_scorer`).

    One instance per registered factory and process (models load once); registering
    another factory under a name replaces that signal from the next alignment on.
    """

    _built: ClassVar[dict[str, tuple[object, Scorer]]] = {}

    @classmethod
    def get(cls, name: str) -> Scorer:
        from .scorers.base import get_scorer, registered

        factory = registered(name)
        cached = cls._built.get(name)
        if cached is None or cached[0] is not factory:
            cached = (factory, get_scorer(name))
            cls._built[name] = cached
        return cached[1]

    @classmethod
    def embedding(cls) -> Scorer:
        return cls.get("embedding")


_TRANSLATION_SCORERS: dict[str, Scorer] = {}


def _translation_scorer(translator: Any) -> Scorer:
    """A translation scorer; one per model name, so a model loads once per process."""
    from .translate import TranslationScorer

    if isinstance(translator, str):
        if translator not in _TRANSLATION_SCORERS:
            _TRANSLATION_SCORERS[translator] = TranslationScorer(translator)
        return _TRANSLATION_SCORERS[translator]
    return TranslationScorer(translator)


def _anchor_path(sim: np.ndarray, mutual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Monotone anchors: the heaviest increasing chain of mutual-best pairs.

    Returns the anchors' Arabic and English indices, with virtual anchors at
    both ends, for interpolating where each sentence's counterpart should be.
    """
    n, m = sim.shape
    pts = sorted((int(i), int(j)) for i, j in np.argwhere(mutual))
    best: list[float] = []
    prev: list[int] = []
    for k, (i, j) in enumerate(pts):
        b, pk = float(sim[i, j]), -1
        for q in range(max(0, k - 200), k):  # bounded look-back keeps long texts fast
            if pts[q][0] < i and pts[q][1] < j and best[q] + sim[i, j] > b:
                b, pk = best[q] + float(sim[i, j]), q
        best.append(b)
        prev.append(pk)
    chain: list[tuple[int, int]] = []
    k = int(np.argmax(best)) if best else -1
    while k >= 0:
        chain.append(pts[k])
        k = prev[k]
    chain.reverse()
    ai = np.array([-1, *(i for i, _ in chain), n], dtype=np.float64)
    aj = np.array([-1, *(j for _, j in chain), m], dtype=np.float64)
    return ai, aj


def _path_feature(n: int, m: int, ai: np.ndarray, aj: np.ndarray) -> np.ndarray:
    """log(1 + distance, in sentences, from the monotone path through the anchors)."""
    a_idx = np.arange(n, dtype=np.float64)
    e_idx = np.arange(m, dtype=np.float64)
    exp_j = np.interp(a_idx, ai, aj)
    exp_i = np.interp(e_idx, aj, ai)
    d = np.minimum(np.abs(e_idx[None, :] - exp_j[:, None]), np.abs(a_idx[:, None] - exp_i[None, :]))
    return np.log1p(np.minimum(d, 20.0))


#: Nearby confident links predict where a sentence's counterpart is when they lie
#: within this many sentences of it (on either side): a moved paragraph keeps
#: its internal order, so its own links place its other sentences.
LOCAL_WINDOW = 4
#: Farthest distance the position features distinguish, in sentences.
DISTANCE_CAP = 20.0
#: A mutual-best pair is a confident link for the local path when its similarity
#: is at least this many times the mean of both sentences' nearest neighbours.
ANCHOR_MARGIN = 1.1


def _local_path(sim: np.ndarray, row_norm: np.ndarray, col_norm: np.ndarray) -> np.ndarray:
    """log(1 + distance of each pair from the diagonal of its nearby confident links).

    The confident links are the mutual-best pairs whose similarity stands out
    (`ANCHOR_MARGIN`). A pair (i, j) near such a link (a, b), within
    `LOCAL_WINDOW` sentences on either side, is expected at offset b - a; its
    distance is ``|(j - i) - (b - a)|``, the smallest over the links near it. A
    link vouches neither for itself nor for the other pairs of its own two
    sentences (row a, column b). Far from every link: `DISTANCE_CAP`.
    Unlike a single path through the whole document, this holds when
    paragraphs are reordered.
    """
    n, m = sim.shape
    out = np.full((n, m), DISTANCE_CAP, dtype=np.float32)
    if n == 0 or m == 0:
        return np.log1p(out)
    row = sim.argmax(axis=1)
    col = sim.argmax(axis=0)
    diag = np.arange(m, dtype=np.float32)[None, :] - np.arange(n, dtype=np.float32)[:, None]
    for i in range(n):
        j = int(row[i])
        if col[j] != i:
            continue
        if sim[i, j] < ANCHOR_MARGIN * max((row_norm[i] + col_norm[j]) / 2, 1e-3):
            continue
        offset = float(j - i)
        own_row, own_col = out[i].copy(), out[:, j].copy()
        r0, r1 = max(0, i - LOCAL_WINDOW), min(n, i + LOCAL_WINDOW + 1)
        c0, c1 = max(0, j - LOCAL_WINDOW), min(m, j + LOCAL_WINDOW + 1)
        near = np.abs(diag[r0:r1] - offset)
        np.minimum(out[r0:r1], near, out=out[r0:r1])
        near = np.abs(diag[:, c0:c1] - offset)
        np.minimum(out[:, c0:c1], near, out=out[:, c0:c1])
        # A link vouches for its neighbours, not for itself nor for its competitors
        # (other counterparts of its own two sentences, and merges holding them).
        out[i], out[:, j] = own_row, own_col
    return np.log1p(np.minimum(out, DISTANCE_CAP))


def _top2(sim: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row (axis=1) or column (axis=0): the best value, its index, the second best."""
    k = sim.shape[axis]
    best = sim.max(axis=axis)
    arg = sim.argmax(axis=axis)
    if k < 2:
        return best, arg, np.zeros_like(best)
    second = -np.partition(-sim, 1, axis=axis).take(1, axis=axis)
    return best, arg, second


Groups = tuple[tuple[int, ...], ...]


def _pad(groups: Groups) -> np.ndarray:
    """Groups as a rectangular index array, short groups padded with their first member."""
    k = max((len(g) for g in groups), default=1)
    return np.array([list(g) + [g[0]] * (k - len(g)) for g in groups], dtype=np.int64).reshape(
        len(groups), k
    )


def _reduce(x: np.ndarray, a: np.ndarray, e: np.ndarray, fn: Any) -> np.ndarray:
    """``fn``-reduce a sentence-level matrix over the members of each group pair."""
    out: np.ndarray | None = None
    for ka in range(a.shape[1]):
        for ke in range(e.shape[1]):
            v = x[np.ix_(a[:, ka], e[:, ke])]
            out = v if out is None else fn(out, v)
    assert out is not None
    return out


def _group_words(encoded: Sequence[Any], groups: Groups) -> list[np.ndarray]:
    """The content-word vectors of each span (its sentences' words, in order)."""
    return [
        encoded[g[0]].words if len(g) == 1 else np.concatenate([encoded[i].words for i in g])
        for g in groups
    ]


def _top_cells(sim: np.ndarray, k: int) -> list[np.ndarray]:
    """Per row: the columns among its ``k`` best or having it among their ``k`` best."""
    n, m = sim.shape
    if n <= k and m <= k:
        return [np.arange(m)] * n
    keep = np.zeros((n, m), dtype=bool)
    if m > k:
        np.put_along_axis(keep, np.argpartition(-sim, k - 1, axis=1)[:, :k], True, axis=1)
    else:
        keep[:] = True
    if n > k:
        np.put_along_axis(keep, np.argpartition(-sim, k - 1, axis=0)[:k, :], True, axis=0)
    else:
        keep[:] = True
    return [np.flatnonzero(row) for row in keep]


#: Candidate features the search reads after scoring (see `ScoredPair.keep_features`).
_SEARCH_FEATURES = frozenset({"sim"})


@dataclass
class _Block:
    """Candidate links of one shape (1-1, 2-1 or 1-2) with their features."""

    a_groups: Groups
    e_groups: Groups
    feats: dict[str, np.ndarray]
    parts: dict[str, np.ndarray]
    mask: np.ndarray
    p: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))


@dataclass(frozen=True)
class DesignMatrix:
    """Every candidate link of a scored pair with its features (for fitting a link model).

    Row k is the candidate ``arabic[k]`` ↔ ``english[k]`` (sentence indices; one
    side may hold two), candidates the role rule forbids left out, in the
    order 1–1, 2–1, 1–2 and then by Arabic and English index.

    Attributes:
        features: ``(candidates, len(FEATURES))``, columns in `FEATURES` order.
        arabic, english: Each candidate's sentences on each side.
        probability: The link model's probability for each candidate (current weights).
    """

    features: np.ndarray
    arabic: tuple[tuple[int, ...], ...]
    english: tuple[tuple[int, ...], ...]
    probability: np.ndarray


@dataclass
class ScoredPair:
    """An article pair whose candidate links are scored, ready to search (`prepare`).

    Fitting scripts score a pair once and search it under many settings:
    `reweight` (other weights), `set_document_model` (another document model),
    `design_matrix` (the candidates' features), then `run` or `select`.
    Its other attributes are the aligner's working state, not an API.
    """

    ar: Article
    en: Article
    sim_parts: list[tuple[str, Scorer]]
    names: Scorer | None
    anchors: Scorer | None
    weights: Weights
    mask: np.ndarray
    lexical: Scorer | None = None
    document_model: DocumentModel | None = None
    document_features: dict[str, float] = field(default_factory=dict)
    options: AlignOptions = field(default_factory=lambda: AlignOptions())
    # Sentence-level statistics (known once `_score` has run).
    stats: SentenceStats | None = None
    blocks: dict[str, _Block] = field(default_factory=dict)
    # Each sentence's encoding (vector, words, pooled features), by side; None
    # without the embedding scorer.
    encoded: dict[str, list[Any]] | None = None
    # Keep every candidate's features after scoring (for `reweight` and
    # `set_document_model`); `align` drops them, which bounds the memory.
    keep_features: bool = True
    _lexical_cache: dict[tuple[Groups, Groups], np.ndarray] = field(default_factory=dict)

    @property
    def document_probability(self) -> float:
        """The document model's probability that the two articles are counterparts."""
        if self.document_model is None:
            return 1.0
        return self.document_model.probability(self.document_features)

    def set_document_model(self, model: DocumentModel) -> None:
        """Use another document model (updates the ``doc`` feature; call `reweight` after)."""
        self._need_features()
        self.document_model = model
        p = np.float32(self.document_probability)
        if self.stats is not None:
            self.stats = replace(self.stats, doc=float(p))
        for b in self.blocks.values():
            b.feats["doc"] = np.broadcast_to(p, b.p.shape)

    def reweight(self, weights: Weights) -> None:
        """Use other weights (recomputes the link probabilities, not the signals)."""
        self._need_features()
        self.weights = weights
        for b in self.blocks.values():
            b.p = np.where(b.mask, weights.predict(b.feats), 0.0) if b.mask.size else b.mask * 0.0

    def _need_features(self) -> None:
        if not self.keep_features:
            raise OptionError(
                "keep_features",
                False,
                "True",
                "the candidates' features were dropped after scoring: prepare(..., "
                "keep_features=True) to re-weight",
            )

    def design_matrix(self) -> DesignMatrix:
        """The features of every allowed candidate link (needs ``keep_features``)."""
        self._need_features()
        rows: list[np.ndarray] = []
        probs: list[np.ndarray] = []
        arabic: list[tuple[int, ...]] = []
        english: list[tuple[int, ...]] = []
        for block in self.blocks.values():
            cells = np.argwhere(block.mask)
            if not len(cells):
                continue
            gi, hi = cells[:, 0], cells[:, 1]
            rows.append(np.stack([block.feats[f][gi, hi] for f in FEATURES], axis=1))
            probs.append(block.p[gi, hi])
            arabic += [block.a_groups[g] for g in gi.tolist()]
            english += [block.e_groups[h] for h in hi.tolist()]
        features = np.concatenate(rows) if rows else np.zeros((0, len(FEATURES)), np.float32)
        probability = np.concatenate(probs) if probs else np.zeros(0)
        return DesignMatrix(features, tuple(arabic), tuple(english), probability)

    def run(self) -> Alignment:
        """Search and build the result."""
        return _build_result(self, *select(self))

    def sim(self, a_groups: Groups, e_groups: Groups) -> tuple[np.ndarray, dict]:
        """Cross-lingual similarity of spans: the mean of the similarity scorers.

        The embedding scorer composes a span's vector from its sentences' encoding
        (each sentence is encoded once, in `prepare`); a scorer with
        ``score_spans`` gets each span as its list of sentences; the others get
        the sentences joined with a space.
        """
        parts = {}
        for name, scorer in self.sim_parts:
            if name == "embedding" and self.encoded is not None:
                va = self.span_vectors(a_groups, "ar")
                ve = self.span_vectors(e_groups, "en")
                parts[name] = np.clip(va @ ve.T, 0.0, 1.0)
                continue
            if isinstance(scorer, SpanScorer) and scorer.spans_exact:
                parts[name] = scorer.score_spans(
                    self.spans(a_groups, "ar"), self.spans(e_groups, "en")
                )
            else:
                parts[name] = scorer.score(self.texts(a_groups, "ar"), self.texts(e_groups, "en"))
        on_scale = [
            np.clip(self.weights.translation_scale[0] + self.weights.translation_scale[1] * v, 0, 1)
            if name == "translation"
            else v
            for name, v in parts.items()
        ]
        return np.mean(on_scale, axis=0), parts

    def span_vectors(self, groups: Groups, side: str) -> np.ndarray:
        """The encoder's vectors of spans of this side (see `EmbeddingScorer.compose`)."""
        assert self.encoded is not None
        enc = self.encoded[side]
        scorer: Any = dict(self.sim_parts)["embedding"]
        return np.asarray(
            scorer.compose([[enc[i] for i in g] for g in groups], self.spans(groups, side))
        )

    def member_elsewhere(
        self, a_groups: Groups, e_groups: Groups, merged: np.ndarray
    ) -> np.ndarray:
        """For merged candidates: how much more a member prefers a sentence outside the link.

        For each sentence of the link, its best similarity to a sentence of the
        other side outside the link, less its best similarity inside it (0 when
        the link holds its best counterpart); the largest over the members.
        A merge that swallows a sentence whose counterpart is elsewhere (the
        lead of an article merged into the next sentence's link) shows it here.
        0 for one-to-one candidates and before the sentence similarity is known.
        """
        shape = merged.shape
        s = self.stats
        if s is None or s.sim is None or s.row_top2 is None or s.col_top2 is None:
            return np.zeros(shape)
        if not merged.any():
            return np.zeros(shape)
        sim = s.sim
        rb, ra, r2 = s.row_top2
        cb, ca, c2 = s.col_top2
        # Groups padded with their first member (a repeat changes no maximum), so every
        # member slot is one index array over all candidates: vectorised over the block.
        a, e = _pad(a_groups), _pad(e_groups)
        out = np.zeros(shape)
        for x in range(a.shape[1]):
            i = a[:, x]
            inside = np.max([sim[np.ix_(i, e[:, y])] for y in range(e.shape[1])], axis=0)
            best_in_link = np.zeros(shape, dtype=bool)
            for y in range(e.shape[1]):
                best_in_link |= ra[i][:, None] == e[:, y][None, :]
            other = np.where(best_in_link, r2[i][:, None], rb[i][:, None])
            out = np.maximum(out, other - inside)
        for y in range(e.shape[1]):
            j = e[:, y]
            inside = np.max([sim[np.ix_(a[:, x], j)] for x in range(a.shape[1])], axis=0)
            best_in_link = np.zeros(shape, dtype=bool)
            for x in range(a.shape[1]):
                best_in_link |= a[:, x][:, None] == ca[j][None, :]
            other = np.where(best_in_link, c2[j][None, :], cb[j][None, :])
            out = np.maximum(out, other - inside)
        return np.where(merged, out, 0.0)

    def lexical_sim(self, a_groups: Groups, e_groups: Groups, sim: np.ndarray) -> np.ndarray:
        """Word-level overlap of spans (see `bialign.scorers.lexical`), computed once per shape.

        Scored for the candidates that can win: the `LEXICAL_CANDIDATES` most
        similar spans of each row and of each column by ``sim``; every other
        pair scores 0. (Up to that many spans a side, that is every pair.)
        """
        assert self.lexical is not None and self.encoded is not None
        key = (a_groups, e_groups)
        if key not in self._lexical_cache:
            from .scorers.lexical import soft_f1

            wa = _group_words(self.encoded["ar"], a_groups)
            we = _group_words(self.encoded["en"], e_groups)
            n, m = sim.shape
            if n <= LEXICAL_CANDIDATES and m <= LEXICAL_CANDIDATES:
                out = soft_f1(wa, we).astype(np.float32)  # every pair: one product
            else:
                out = np.zeros(sim.shape, dtype=np.float32)
                for i, cols in enumerate(_top_cells(sim, LEXICAL_CANDIDATES)):
                    if len(cols):
                        out[i, cols] = soft_f1([wa[i]], [we[j] for j in cols])[0]
            self._lexical_cache[key] = out
        return self._lexical_cache[key]

    def spans(self, groups: Groups, side: str) -> list[list[str]]:
        segs = self.ar.segments if side == "ar" else self.en.segments
        return [[segs[i].text for i in g] for g in groups]

    def texts(self, groups: Groups, side: str) -> list[str]:
        segs = self.ar.segments if side == "ar" else self.en.segments
        return [" ".join(segs[i].text for i in g) for g in groups]

    def block(self, a_groups: Groups, e_groups: Groups) -> _Block:
        """Features of every (Arabic group, English group) pair (see `bialign.features`)."""
        shape = (len(a_groups), len(e_groups))
        if 0 in shape:
            empty = np.zeros(shape)
            return _Block(a_groups, e_groups, {f: empty for f in FEATURES}, {}, empty > 0, empty)
        a, e = _pad(a_groups), _pad(e_groups)
        mask = _reduce(self.mask, a, e, np.logical_and)
        raw, parts = self.sim(a_groups, e_groups)
        lexical = None
        if self.lexical is not None:
            lexical = np.where(mask, self.lexical_sim(a_groups, e_groups, raw), 0.0)
        cands = Candidates(
            ctx=self,
            a_groups=a_groups,
            e_groups=e_groups,
            a=a,
            e=e,
            a_texts=self.texts(a_groups, "ar"),
            e_texts=self.texts(e_groups, "en"),
            mask=mask,
            sim=np.where(mask, raw, 0.0),
            lexical=lexical,
            merged=np.add.outer([len(g) for g in a_groups], [len(g) for g in e_groups]) > 2,
        )
        # float32 halves the memory of long documents (2,000 x 2,000 x 20 features);
        # a feature that is another one (lexical without the word signal) is shared.
        # Each feature is cast as soon as it is computed (its float64 form goes at
        # once); one that is the similarity or the word overlap itself shares its copy.
        shared = [(x, x.astype(np.float32)) for x in (cands.sim, cands.lexical) if x is not None]
        feats: dict[str, np.ndarray] = {}
        for f in FEATURE_TABLE:
            v = f.compute(cands)
            same = [x32 for x, x32 in shared if v is x]
            feats[f.name] = same[0] if same else v.astype(np.float32, copy=False)
            del v
        block = _Block(a_groups, e_groups, feats, parts, mask)
        block.p = np.where(mask, self.weights.predict(feats), 0.0)
        return block


def _score(ctx: ScoredPair) -> None:
    """Sentence-level statistics, then the 1-1, 2-1 and 1-2 candidate blocks."""
    n, m = len(ctx.ar.segments), len(ctx.en.segments)
    raw, parts = ctx.sim(tuple((i,) for i in range(n)), tuple((j,) for j in range(m)))
    sim = np.where(ctx.mask, raw, 0.0)
    k = ctx.weights.knn
    row_best = (sim >= sim.max(axis=1, keepdims=True)) & ctx.mask
    col_best = (sim >= sim.max(axis=0, keepdims=True)) & ctx.mask
    head = np.array([s.role in _HEADER_ROLES for s in ctx.ar.segments], dtype=np.float64)
    best = np.concatenate([sim.max(axis=1), sim.max(axis=0)]) if sim.size else np.zeros(1)
    anchors = _anchor_path(sim, row_best & col_best)
    # The margin's neighbours are taken over all sentences, roles ignored: a
    # header with a single allowed counterpart must still stand out from the rest.
    row_norm, col_norm = knn_mean(raw, k, axis=1), knn_mean(raw, k, axis=0)
    # The document model was fitted on the encoder's cosine: it reads that scale even
    # when a translator is averaged into `sim` (the translation alone otherwise).
    ctx.document_features = document_features(
        np.asarray(parts.get("embedding", raw)), ctx.ar, ctx.en, mask=ctx.mask
    )
    singles_a = tuple((i,) for i in range(n))
    singles_e = tuple((j,) for j in range(m))
    lexical_norms: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
    if ctx.lexical is not None:
        # Over all sentences, roles ignored, as for the sentence margin above.
        lexical = ctx.lexical_sim(singles_a, singles_e, raw)
        lexical_norms = (knn_mean(lexical, k, axis=1), knn_mean(lexical, k, axis=0))
    ctx.stats = SentenceStats(
        row_norm=row_norm,
        col_norm=col_norm,
        row_best=row_best.astype(np.float64),
        col_best=col_best.astype(np.float64),
        header=np.repeat(head[:, None], m, axis=1),
        path=_path_feature(n, m, *anchors),
        local_path=_local_path(np.where(ctx.mask, raw, -1.0), row_norm, col_norm),
        anchors=anchors,
        doc_level=float(np.median(best)),
        doc=ctx.document_probability,
        lexical_row_norm=lexical_norms[0],
        lexical_col_norm=lexical_norms[1],
    )
    one = ctx.block(singles_a, singles_e)
    masked = np.where(ctx.mask, one.feats["sim"], -1.0)
    ctx.stats = replace(
        ctx.stats,
        sim=one.feats["sim"],
        length=one.feats["length"],
        row_top2=_top2(masked, axis=1),
        col_top2=_top2(masked, axis=0),
    )
    two_one = ctx.block(tuple((i, i + 1) for i in range(n - 1)), singles_e)
    one_two = ctx.block(singles_a, tuple((j, j + 1) for j in range(m - 1)))
    # How much the best adjacent merge containing a pair would raise its similarity:
    # a one-to-one link that is really half of a 2-1 or 1-2 link shows it here.
    nb = np.zeros((n, m))
    g21, g12 = two_one.feats["sim_gain"], one_two.feats["sim_gain"]
    if n > 1:
        nb[:-1] = np.maximum(nb[:-1], g21)
        nb[1:] = np.maximum(nb[1:], g21)
    if m > 1:
        nb[:, :-1] = np.maximum(nb[:, :-1], g12)
        nb[:, 1:] = np.maximum(nb[:, 1:], g12)
    one.feats["neighbour_gain"] = nb
    one.p = np.where(one.mask, ctx.weights.predict(one.feats), 0.0)
    ctx.blocks = {"1-1": one, "2-1": two_one, "1-2": one_two}
    if not ctx.keep_features:
        # The search needs the probabilities and the sentence similarity only: the
        # other feature matrices (about 20 per shape) go, which bounds the memory.
        for block in ctx.blocks.values():
            block.feats = {k: v for k, v in block.feats.items() if k in _SEARCH_FEATURES}
            block.parts = {}


def _role_mask(ar: Article, en: Article, use_roles: bool) -> np.ndarray:
    n, m = len(ar.segments), len(en.segments)
    ar_roles = [s.role for s in ar.segments]
    en_roles = [s.role for s in en.segments]
    structured = any(r != "body" for r in ar_roles) and any(r != "body" for r in en_roles)
    if not (use_roles and structured):
        return np.ones((n, m), dtype=bool)
    ar_kind = np.array([r if r not in _TEXT_ROLES else "text" for r in ar_roles])
    en_kind = np.array([r if r not in _TEXT_ROLES else "text" for r in en_roles])
    return (ar_kind[:, None] == en_kind[None, :]).reshape(n, m)


# --------------------------------------------------------------------------- search


@dataclass
class _Bead:
    ar: list[int]
    en: list[int]
    p: float


def _search(ctx: ScoredPair) -> list[_Bead]:
    w = ctx.weights
    ar_bead: dict[int, _Bead] = {}
    en_bead: dict[int, _Bead] = {}
    beads: list[_Bead] = []
    # 1. Links of shape 1-1, 2-1 and 1-2, most probable first; a sentence joins one link.
    cands: list[tuple[float, int, int, int]] = []
    for order, name in enumerate(("1-1", "2-1", "1-2")):
        b = ctx.blocks[name]
        for g, h in np.argwhere(b.p >= w.link_threshold).tolist():
            cands.append((-float(b.p[g, h]), order, g, h))
    cands.sort()
    blocks = [ctx.blocks[n] for n in ("1-1", "2-1", "1-2")]
    # Datelines are one block per side however many lines show them
    # ("Istanbul" + "إسطنبول / الأناضول" ↔ "ISTANBUL"): they align as a whole.
    p11 = ctx.blocks["1-1"].p
    ar_dl = [s.index for s in ctx.ar.segments if s.role == "dateline"]
    en_dl = [s.index for s in ctx.en.segments if s.role == "dateline"]
    if ar_dl and en_dl and ctx.mask[ar_dl[0], en_dl[0]] and not ctx.mask.all():
        best = float(p11[np.ix_(ar_dl, en_dl)].max())
        if best >= w.link_threshold:
            bead = _Bead(ar_dl, en_dl, best)
            beads.append(bead)
            ar_bead.update(dict.fromkeys(ar_dl, bead))
            en_bead.update(dict.fromkeys(en_dl, bead))
    for neg_p, order, g, h in cands:
        b = blocks[order]
        ga, he = b.a_groups[g], b.e_groups[h]
        if any(i in ar_bead for i in ga) or any(j in en_bead for j in he):
            continue
        bead = _Bead(list(ga), list(he), -neg_p)
        beads.append(bead)
        ar_bead.update(dict.fromkeys(ga, bead))
        en_bead.update(dict.fromkeys(he, bead))
    # 2. Merges: a left-over sentence joins the link of its best counterpart, also
    #    when not adjacent, when the merged span scores about as well.
    sim = ctx.blocks["1-1"].feats["sim"]
    n, m = sim.shape
    changed = True
    while changed:
        changed = False
        options: list[tuple[float, str, int, int]] = []
        for i in range(n):
            if i not in ar_bead and m:
                j = int(np.argmax(sim[i]))
                if sim[i, j] >= w.extend_threshold and j in en_bead:
                    options.append((float(sim[i, j]), "ar", i, j))
        for j in range(m):
            if j not in en_bead and n:
                i = int(np.argmax(sim[:, j]))
                if sim[i, j] >= w.extend_threshold and i in ar_bead:
                    options.append((float(sim[i, j]), "en", j, i))
        options.sort(key=lambda o: (-o[0], o[1], o[2]))
        for _, side, k, other in options:
            taken = ar_bead if side == "ar" else en_bead
            if k in taken:
                continue
            bead = en_bead[other] if side == "ar" else ar_bead[other]
            grow, fixed = (bead.ar, bead.en) if side == "ar" else (bead.en, bead.ar)
            if len(grow) >= w.max_merge or len(fixed) > 1:
                continue  # merges grow one side only: n-1 or 1-n
            if min(abs(k - x) for x in grow) > w.max_gap:
                continue
            new = tuple(sorted([*grow, k]))
            if side == "ar":
                trial = ctx.block((new,), (tuple(bead.en),))
            else:
                trial = ctx.block((tuple(bead.ar),), (new,))
            pm = float(trial.p[0, 0])
            if pm >= bead.p - w.merge_tolerance:
                grow[:] = list(new)
                taken[k] = bead
                bead.p = pm
                changed = True
    _fill_gaps(ctx, beads, ar_bead, en_bead)
    _monotone_pass(ctx, beads, ar_bead, en_bead)
    return beads


#: Above this many cells, the monotone pass only looks within this many
#: sentences of the anchor path, which keeps long documents linear.
_DP_FULL_CELLS = 250_000
_DP_BAND = 40


def _monotone_pass(
    ctx: ScoredPair, beads: list[_Bead], ar_bead: dict[int, _Bead], en_bead: dict[int, _Bead]
) -> None:
    """Add the links of the best monotone path whose sentences are still free.

    A dynamic programme over the candidate probabilities (1-1, 2-1, 1-2 links and
    one-sided sentences) finds the monotone path that maximises the sum of
    ``p - dp_threshold`` over its links, as a monotone aligner would; its links
    that do not clash with the links already made are added. This brings back
    the global consistency of a monotone path without giving up crossing links.
    """
    w = ctx.weights
    if w.dp_threshold >= 1.0:
        return
    total = len(ctx.ar.segments) + len(ctx.en.segments)
    if total == 0 or (len(ar_bead) + len(en_bead)) / total < w.dp_min_coverage:
        return
    p11, p21, p12 = (ctx.blocks[k].p for k in ("1-1", "2-1", "1-2"))
    n, m = p11.shape
    if n == 0 or m == 0:
        return
    theta = w.dp_threshold
    if n * m <= _DP_FULL_CELLS:
        lo = np.zeros(n + 1, dtype=np.int64)
        hi = np.full(n + 1, m, dtype=np.int64)
    else:
        assert ctx.stats is not None
        centre = np.interp(np.arange(n + 1) - 0.5, *ctx.stats.anchors)
        lo = np.clip(np.floor(centre) - _DP_BAND, 0, m).astype(np.int64)
        hi = np.clip(np.ceil(centre) + _DP_BAND, 0, m).astype(np.int64)
    neg = -1e18
    score = np.full((n + 1, m + 1), neg)
    back = np.zeros((n + 1, m + 1), dtype=np.int8)  # 1 skip-ar, 2 skip-en, 3 1-1, 4 2-1, 5 1-2
    score[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(max(0, int(lo[i]) - 2), min(m, int(hi[i]) + 2) + 1):
            if i == 0 and j == 0:
                continue
            best, move = neg, 0
            if i > 0 and score[i - 1, j] > best:
                best, move = score[i - 1, j], 1
            if j > 0 and score[i, j - 1] > best:
                best, move = score[i, j - 1], 2
            if i > 0 and j > 0:
                v = score[i - 1, j - 1] + p11[i - 1, j - 1] - theta
                if v > best:
                    best, move = v, 3
            if i > 1 and j > 0:
                v = score[i - 2, j - 1] + p21[i - 2, j - 1] - theta
                if v > best:
                    best, move = v, 4
            if i > 0 and j > 1:
                v = score[i - 1, j - 2] + p12[i - 1, j - 2] - theta
                if v > best:
                    best, move = v, 5
            score[i, j] = best
            back[i, j] = move
    i, j = n, m
    path: list[tuple[list[int], list[int], float]] = []
    while i > 0 or j > 0:
        move = int(back[i, j])
        if move == 1:
            i -= 1
        elif move == 2:
            j -= 1
        elif move == 3:
            path.append(([i - 1], [j - 1], float(p11[i - 1, j - 1])))
            i, j = i - 1, j - 1
        elif move == 4:
            path.append(([i - 2, i - 1], [j - 1], float(p21[i - 2, j - 1])))
            i, j = i - 2, j - 1
        elif move == 5:
            path.append(([i - 1], [j - 2, j - 1], float(p12[i - 1, j - 2])))
            i, j = i - 1, j - 2
        else:  # unreachable cell outside the band: stop
            break
    # Headers are placed by their role, not by the path (see _fill_gaps).
    header_a, header_e = _headers(ctx)
    for a, e, pb in reversed(path):
        if any(x in ar_bead for x in a) or any(y in en_bead for y in e):
            continue
        if any(x in header_a for x in a) or any(y in header_e for y in e):
            continue
        bead = _Bead(a, e, pb)
        beads.append(bead)
        ar_bead.update(dict.fromkeys(a, bead))
        en_bead.update(dict.fromkeys(e, bead))


def _headers(ctx: ScoredPair) -> tuple[set[int], set[int]]:
    """Indices of the page-furniture segments (headline, byline, caption, ...) of each side.

    Empty when the role rule does not apply (``roles=False``, or a side without
    page roles): then a header may pair with anything, like a body sentence.
    """
    if ctx.mask.all():
        return set(), set()
    return (
        {s.index for s in ctx.ar.segments if s.role in _HEADER_ROLES},
        {s.index for s in ctx.en.segments if s.role in _HEADER_ROLES},
    )


def _fill_gaps(
    ctx: ScoredPair, beads: list[_Bead], ar_bead: dict[int, _Bead], en_bead: dict[int, _Bead]
) -> None:
    """Link left-over sentences that share a gap between two consecutive links.

    Walking the links in Arabic order, a gap is the run of unlinked Arabic
    sentences between two links that also follow each other in English, and
    the unlinked English sentences between them (also before the first and
    after the last link). Inside a gap of at most ``max_fill`` sentences on each
    side, a one-to-one pair needs only the gap threshold: its position is
    already supported by the links around it.
    """
    w = ctx.weights
    if w.gap_threshold >= 1.0:
        return
    p = ctx.blocks["1-1"].p
    n, m = p.shape
    # Page furniture is placed by its role, not by its neighbours: a header's
    # only candidates are the other side's headers of that role, so the links
    # around it add no evidence, and it pairs only on its own probability.
    header_a, header_e = _headers(ctx)
    order = sorted(beads, key=lambda b: (min(b.ar), min(b.en)))
    bounds = [(-1, -1), *((max(b.ar), max(b.en)) for b in order), (n, m)]
    starts = [(-1, -1), *((min(b.ar), min(b.en)) for b in order), (n, m)]
    for k in range(len(bounds) - 1):
        a0, e0 = bounds[k]
        a1, e1 = starts[k + 1]
        if e1 <= e0:
            continue  # the links cross: no gap between them
        gap_a = [i for i in range(a0 + 1, a1) if i not in ar_bead and i not in header_a]
        gap_e = [j for j in range(e0 + 1, e1) if j not in en_bead and j not in header_e]
        if len(gap_a) > w.max_fill or len(gap_e) > w.max_fill:
            continue  # a wide gap between sparse links says nothing about position
        cands = sorted(
            (
                (float(p[i, j]), i, j)
                for i in gap_a
                for j in gap_e
                if ctx.mask[i, j] and p[i, j] >= w.gap_threshold
            ),
            key=lambda c: (-c[0], c[1], c[2]),
        )
        for pij, i, j in cands:
            if i in ar_bead or j in en_bead:
                continue
            bead = _Bead([i], [j], pij)
            beads.append(bead)
            ar_bead[i] = bead
            en_bead[j] = bead


# --------------------------------------------------------------------------- public


def _as_article(value: Any, expected: str, side: str) -> Article:
    if isinstance(value, Article):
        return value
    if isinstance(value, str):
        return read_article(value)
    if isinstance(value, os.PathLike):
        return read_article(value)  # read as a UTF-8 file; its path becomes the source
    if isinstance(value, bytes | bytearray):
        raise InputTypeError(
            f"the {side} text is bytes: decode it first, e.g. data.decode('utf-8')", value
        )
    if isinstance(value, Sequence):
        return Article.from_sentences(value)
    raise InputTypeError(
        f"the {side} side must be a text, a file path (pathlib.Path), a list of sentences "
        f"or an Article, not {type(value).__name__}",
        value,
    )


def _check_flag(name: str, value: object, *, allow_none: bool = False) -> None:
    if isinstance(value, bool) or (allow_none and value is None):
        return
    accepted = "True, False or None" if allow_none else "True or False"
    raise OptionError(name, value, accepted)


def _check_options(
    translator: object,
    embedding: object,
    names: object,
    anchors: object,
    roles: object,
    weights: object,
) -> None:
    """Refuse option values that would be silently taken as truthy or falsy."""
    _check_flag("embedding", embedding, allow_none=True)
    _check_flag("names", names)
    _check_flag("anchors", anchors)
    _check_flag("roles", roles)
    if embedding is False and translator is None:
        raise OptionError(
            "embedding",
            embedding,
            "True, or False together with a translator",
            "nothing to compare the sentences with: keep the sentence encoder (embedding=True; "
            "on the command line, drop --no-embedding) or give a translator",
        )
    if weights is not None and not isinstance(weights, Weights):
        raise OptionError(
            "weights",
            weights,
            "a bialign.Weights (see bialign.load_weights) or None for the shipped ones",
            f"weights must be a bialign.Weights or None, not {type(weights).__name__} "
            "(load a file with bialign.load_weights(path))",
        )
    if isinstance(translator, bytes | bytearray):
        raise OptionError(
            "translator",
            translator,
            "None, a model name or path (str), or a bialign.Translator",
            "translator is bytes: give the model name or path as a str",
        )
    if translator is None or isinstance(translator, str | os.PathLike):
        if isinstance(translator, str) and not translator.strip():
            raise OptionError("translator", translator, "a model name or path, or None")
        return
    if not callable(getattr(translator, "translate", None)):
        raise OptionError(
            "translator",
            translator,
            "None, a transformers model name or path, or an object with a "
            "translate(list[str]) -> list[str] method (bialign.Translator)",
            f"translator must be None, a model name or path, or a bialign.Translator, "
            f"not {type(translator).__name__} (it has no translate method)",
        )


def _check_languages(ar: Article, en: Article) -> None:
    if ar.lang == "en" and en.lang == "ar":
        raise LanguageError(
            "the arguments look swapped: the first text is English and the second Arabic; "
            "call align(arabic, english)",
            None,
            expected="ar",
            found="en",
        )
    if ar.lang != "ar":
        raise LanguageError(
            "the Arabic side is not Arabic (it is written in Latin script)",
            ar.text,
            expected="ar",
            found=ar.lang,
        )
    if en.lang != "en":
        raise LanguageError(
            "the English side is not English (it is written in Arabic script)",
            en.text,
            expected="en",
            found=en.lang,
        )
    # Right script, wrong language (French as English, Persian as Arabic): a warning
    # with the evidence, since a name-heavy article can look foreign to a word count.
    check_language(ar.text, "ar", name="the Arabic side")
    check_language(en.text, "en", name="the English side")


@dataclass(frozen=True)
class AlignOptions:
    """The settings of one alignment (what `align` takes besides the two texts).

    Checked when made: a value an option does not take raises `OptionError`
    before any work. See `align` for each option.
    """

    translator: Translator | str | None = None
    embedding: bool | None = None
    names: bool = True
    anchors: bool = True
    roles: bool = True
    weights: Weights | None = None
    document_model: DocumentModel | None = None

    def __post_init__(self) -> None:
        _check_options(
            self.translator, self.embedding, self.names, self.anchors, self.roles, self.weights
        )
        if self.document_model is not None and not isinstance(self.document_model, DocumentModel):
            raise OptionError(
                "document_model",
                self.document_model,
                "a bialign.document.DocumentModel (see load_document_model) or None",
            )
        if isinstance(self.translator, os.PathLike):
            object.__setattr__(self, "translator", os.fspath(self.translator))

    @property
    def use_embedding(self) -> bool:
        """Whether the sentence encoder is used (the default, unless switched off)."""
        return True if self.embedding is None else self.embedding


def align(
    arabic: str | os.PathLike[str] | Sequence[str] | Article,
    english: str | os.PathLike[str] | Sequence[str] | Article,
    *,
    translator: Translator | str | os.PathLike[str] | None = None,
    embedding: bool | None = None,
    names: bool = True,
    anchors: bool = True,
    roles: bool = True,
    weights: Weights | None = None,
    document_model: DocumentModel | None = None,
) -> Alignment:
    """Align an Arabic article with its English counterpart.

    Args:
        arabic: The Arabic article as raw text (segmented by
            `bialign.read_article`), a `pathlib.Path` to a UTF-8 file (read and
            segmented, its path kept as the article's `source`), a list of
            sentences (used as given) or an `Article`.
        english: The English article, likewise.
        translator: A translation model for the Bleualign-style scorer: a
            `Translator` object, or a transformers model name or
            path (``"Helsinki-NLP/opus-mt-ar-en"``). ``None``: no translation model.
        embedding: Use the embedded multilingual encoder. Defaults to ``True``;
            with a translator you may switch it off to use the translation alone.
        names: Use transliteration-aware name matching.
        anchors: Use number and date anchors.
        roles: Keep page roles apart (headline with headline, body with body …).
        weights: A link model and thresholds; the shipped ones by default.
        document_model: The document-level model (`bialign.document`); the
            shipped one (``resources/document_model.json``) by default.

    Returns:
        The `Alignment`: pairs, one-language content, signature.

    Raises:
        OptionError: an option with a value it does not take (``roles="off"``,
            ``embedding="no"``, weights that are not a `Weights` …), before any work.
        InputTypeError: an argument of the wrong type (``bytes``, ``None`` …).
        EmptyInputError: an empty article.
        LanguageError: a side is not in its language, or the sides are swapped.
        ModelError: the translation model cannot be loaded.
    """
    options = AlignOptions(
        translator=translator,  # type: ignore[arg-type]  # a path is turned into a str
        embedding=embedding,
        names=names,
        anchors=anchors,
        roles=roles,
        weights=weights,
        document_model=document_model,
    )
    return prepare(arabic, english, options, keep_features=False).run()


def prepare(
    arabic: str | os.PathLike[str] | Sequence[str] | Article,
    english: str | os.PathLike[str] | Sequence[str] | Article,
    options: AlignOptions | None = None,
    *,
    keep_features: bool = True,
) -> ScoredPair:
    """Read both sides and score every sentence pair; `ScoredPair.run` searches.

    Split from `align` so that fitting scripts can score once and search
    with many settings. ``keep_features=False`` drops the candidates' feature
    matrices once their probabilities are known (what `align` does: less
    memory, but no `reweight`).
    """
    if options is None:
        options = AlignOptions()
    elif not isinstance(options, AlignOptions):
        raise OptionError("options", options, "a bialign.AlignOptions or None")
    translator = options.translator
    ar = _as_article(arabic, "ar", "Arabic")
    en = _as_article(english, "en", "English")
    _check_languages(ar, en)
    use_embedding = options.use_embedding
    sim_parts: list[tuple[str, Scorer]] = []
    if use_embedding:
        sim_parts.append(("embedding", _Signals.embedding()))
    if translator is not None:
        sim_parts.append(("translation", _translation_scorer(translator)))
    lexical = None
    encoded = None
    if use_embedding:
        from .scorers.lexical import LexicalScorer

        embedder = _Signals.embedding()
        if isinstance(embedder, SentenceEncoder):
            # Each sentence through the encoder once: spans and words come from this.
            lexical = LexicalScorer(embedder)
            # Both sides in one call: fewer, fuller batches.
            both = embedder.encode([s.text for s in (*ar.segments, *en.segments)])
            encoded = {"ar": both[: len(ar.segments)], "en": both[len(ar.segments) :]}
    ctx = ScoredPair(
        ar=ar,
        en=en,
        sim_parts=sim_parts,
        names=_Signals.get("names") if options.names else None,
        anchors=_Signals.get("anchors") if options.anchors else None,
        weights=options.weights or load_weights(),
        mask=_role_mask(ar, en, options.roles),
        lexical=lexical,
        encoded=encoded,
        keep_features=bool(keep_features),
        document_model=options.document_model or load_document_model(),
        options=options,
    )
    _score(ctx)
    return ctx


@dataclass(frozen=True)
class Signature:
    """Every setting that shaped an alignment, as an object (`Alignment.signature` is its text).

    ``str(sig)`` gives the text (``bialign|sim:embedding|encoder:use-multilingual-v3|…``);
    `Signature.parse` reads it back, so two results can be compared field by field.

    Examples:
        >>> sig = Signature.parse(
        ...     "bialign|sim:embedding|encoder:use-multilingual-v3|translator:none|names:yes|"
        ...     "anchors:yes|roles:strict|words:encoder|weights:w1|doc:d1|link:0.5|extend:0.6|"
        ...     "merge-tol:0.1|max-merge:3|gap:0.3/3|dp:0.5/0.4|version:0.1.0"
        ... )
        >>> sig.encoder, sig.names, sig.link
        ('use-multilingual-v3', True, 0.5)
        >>> str(sig).startswith("bialign|sim:embedding|")
        True
    """

    sim: str
    encoder: str
    translator: str
    names: bool
    anchors: bool
    roles: bool
    words: str
    weights: str
    doc: str
    link: float
    extend: float
    merge_tol: float
    max_merge: int
    gap: str
    dp: str
    version: str

    #: (field, key in the text), in the text's order.
    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("sim", "sim"),
        ("encoder", "encoder"),
        ("translator", "translator"),
        ("names", "names"),
        ("anchors", "anchors"),
        ("roles", "roles"),
        ("words", "words"),
        ("weights", "weights"),
        ("doc", "doc"),
        ("link", "link"),
        ("extend", "extend"),
        ("merge_tol", "merge-tol"),
        ("max_merge", "max-merge"),
        ("gap", "gap"),
        ("dp", "dp"),
        ("version", "version"),
    )

    def _text(self, name: str) -> str:
        value = getattr(self, name)
        if name in ("names", "anchors"):
            return "yes" if value else "no"
        if name == "roles":
            return "strict" if value else "off"
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    def __str__(self) -> str:
        return "bialign|" + "|".join(f"{key}:{self._text(name)}" for name, key in self.KEYS)

    @classmethod
    def parse(cls, text: str) -> Signature:
        """Read a signature's text (`Alignment.signature`); a `ValueError` when it is not one."""
        head, *parts = str(text).split("|")
        fields = dict(part.split(":", 1) for part in parts if ":" in part)
        if head != "bialign" or any(key not in fields for _, key in cls.KEYS):
            raise ValueError(f"not a bialign signature: {text!r}")
        raw = {name: fields[key] for name, key in cls.KEYS}
        return cls(
            sim=raw["sim"],
            encoder=raw["encoder"],
            translator=raw["translator"],
            names=raw["names"] == "yes",
            anchors=raw["anchors"] == "yes",
            roles=raw["roles"] == "strict",
            words=raw["words"],
            weights=raw["weights"],
            doc=raw["doc"],
            link=float(raw["link"]),
            extend=float(raw["extend"]),
            merge_tol=float(raw["merge_tol"]),
            max_merge=int(raw["max_merge"]),
            gap=raw["gap"],
            dp=raw["dp"],
            version=raw["version"],
        )


def signature(ctx: ScoredPair) -> Signature:
    """The `Signature` of a scored pair's alignment."""
    w = ctx.weights
    o = ctx.options
    tname = None
    encoder = "none"
    for name, scorer in ctx.sim_parts:
        if name == "translation":
            sig = getattr(scorer, "signature", None)
            tname = sig() if callable(sig) else type(o.translator).__name__
            tname = str(tname).replace("|", ",")
        if name == "embedding":
            encoder = str(getattr(scorer, "model", type(scorer).__name__)).replace("|", ",")
    return Signature(
        sim="+".join(name for name, _ in ctx.sim_parts),
        encoder=encoder,
        translator=tname or "none",
        names=bool(o.names and ctx.names),
        anchors=bool(o.anchors),
        roles=bool(o.roles),
        # The word-level signal, which embedding=False (or another encoder) goes without.
        words="encoder" if ctx.lexical is not None else "none",
        weights=w.version,
        doc=ctx.document_model.version if ctx.document_model else "none",
        link=w.link_threshold,
        extend=w.extend_threshold,
        merge_tol=w.merge_tolerance,
        max_merge=w.max_merge,
        gap=f"{w.gap_threshold:g}/{w.max_fill}",
        dp=f"{w.dp_threshold:g}/{w.dp_min_coverage:g}",
        version=__version__,
    )


def _evidence(ctx: ScoredPair, b: _Bead) -> Evidence:
    block = ctx.block((tuple(b.ar),), (tuple(b.en),))
    sig = {
        f.name: float(block.feats[f.name][0, 0]) + f.evidence_offset
        for f in FEATURE_TABLE
        # Without the word signal, `lexical` is `sim` again: not shown twice.
        if f.evidence and (f.name != "lexical" or ctx.lexical is not None)
    }
    sig.update({k: float(v[0, 0]) for k, v in block.parts.items()})
    names: list[NameEvidence] = []
    if ctx.names is not None:
        from .names import match_names

        used: set[tuple[int, tuple[int, int]]] = set()
        for i in b.ar:
            for j in b.en:
                for nm in match_names(ctx.ar.segments[i].text, ctx.en.segments[j].text):
                    a0, a1 = nm.arabic_span[0], nm.arabic_span[1]
                    e0, e1 = nm.english_span[0], nm.english_span[1]
                    key = (j, (e0, e1))
                    if key in used:
                        continue
                    used.add(key)
                    names.append(
                        NameEvidence(
                            nm.arabic,
                            nm.english,
                            float(nm.score),
                            nm.source,
                            i,
                            j,
                            (a0, a1),
                            (e0, e1),
                        )
                    )
    a_text = " ".join(ctx.ar.segments[i].text for i in b.ar)
    e_text = " ".join(ctx.en.segments[j].text for j in b.en)
    shared, conflicts = shared_anchors(a_text, e_text)
    p11 = ctx.blocks["1-1"].p
    singles = tuple(((i, j), round(float(p11[i, j]), 4)) for i in b.ar for j in b.en)
    return Evidence(
        signals=MappingProxyType({k: round(v, 4) for k, v in sig.items()}),
        names=tuple(names),
        numbers=tuple(shared),
        conflicts=tuple(conflicts),
        single_scores=singles if len(singles) > 1 else (),
    )


def select(ctx: ScoredPair) -> tuple[list[_Bead], list[_Bead], DocumentJudgment]:
    """Search, then condition the links on the document judgment and the calibrated score.

    Returns the links, the candidates (shown for review; their sentences stay
    one-sided) and the document judgment. When the two articles are not
    counterparts, only links whose probability reaches the document model's
    ``related_link_threshold`` survive: a same-event pair keeps those, an
    unrelated pair has none; the others become candidates, as do links whose
    calibrated score is below ``min_score``.
    """
    w = ctx.weights
    beads = _search(ctx)
    p_doc = ctx.document_probability
    model = ctx.document_model
    verdict = "counterpart"
    gated: list[_Bead] = []
    if model is not None and p_doc < model.threshold:
        gated = [b for b in beads if b.p < model.related_link_threshold]
        beads = [b for b in beads if b.p >= model.related_link_threshold]
        verdict = "same event" if beads else "unrelated"
    for b in beads + gated:
        b.p = w.calibrate(b.p)
    links = [b for b in beads if b.p >= w.min_score]
    # Links the document judgment or the score threshold held back stay reviewable.
    candidates = [b for b in beads if b.p < w.min_score] + gated
    if verdict == "same event" and not links:
        verdict = "unrelated"
    features = {k: round(float(v), 4) for k, v in ctx.document_features.items()}
    judgment = DocumentJudgment(round(p_doc, 4), verdict, MappingProxyType(features))
    return links, candidates, judgment


def _pairs(ctx: ScoredPair, beads: list[_Bead]) -> tuple[AlignedPair, ...]:
    return tuple(
        AlignedPair(
            arabic=tuple(sorted(b.ar)),
            english=tuple(sorted(b.en)),
            arabic_text=" ".join(ctx.ar.segments[i].text for i in sorted(b.ar)),
            english_text=" ".join(ctx.en.segments[j].text for j in sorted(b.en)),
            score=round(float(min(max(b.p, 0.0), 1.0)), 4),
            evidence=_evidence(ctx, b),
        )
        for b in sorted(beads, key=lambda b: (min(b.en), min(b.ar)))
    )


def _build_result(
    ctx: ScoredPair,
    beads: list[_Bead],
    candidates: list[_Bead] | None = None,
    document: DocumentJudgment | None = None,
) -> Alignment:
    pairs = _pairs(ctx, beads)
    used_ar = {i for b in beads for i in b.ar}
    used_en = {j for b in beads for j in b.en}
    ar_only: tuple[Segment, ...] = tuple(s for s in ctx.ar.segments if s.index not in used_ar)
    en_only: tuple[Segment, ...] = tuple(s for s in ctx.en.segments if s.index not in used_en)
    return Alignment(
        arabic=ctx.ar,
        english=ctx.en,
        pairs=tuple(pairs),
        arabic_only=ar_only,
        english_only=en_only,
        signature=str(signature(ctx)),
        document=document,
        candidates=_pairs(ctx, candidates or []),
    )
