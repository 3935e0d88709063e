"""The link model's features: one table, read by the model, the evidence and the docs.

Each `Feature` says how it is computed for a block of candidate links (every
pair of an Arabic span and an English span of one shape), whether a link's
evidence shows it, and what it means (the line of the feature table in
``docs/concepts/alignment.md``, which a test compares with `features_table`).
Adding a signal is adding a row here (and refitting the weights:
``benchmarks/fit_weights.py``).

The computations read a `Candidates` view: the spans, their similarity and
word overlap, and the aligner's sentence-level statistics (`SentenceStats`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FEATURES", "FEATURE_TABLE", "Candidates", "Feature", "SentenceStats", "features_table"]

Groups = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class SentenceStats:
    """Sentence-level statistics of one article pair (every matrix is Arabic × English).

    Attributes:
        row_norm, col_norm: Each sentence's typical similarity (mean of its ``knn`` best).
        row_best, col_best: 1 where the pair is its Arabic (English) sentence's best.
        header: 1 for the rows of page furniture.
        path: Distance from the monotone path through the anchors (log scale).
        local_path: Distance from the diagonal of nearby confident links (log scale).
        anchors: The anchor path's Arabic and English indices (virtual ends included).
        doc_level: The median of every sentence's best similarity.
        doc: The document model's probability that the articles are counterparts.
        lexical_row_norm, lexical_col_norm: As ``row_norm``/``col_norm`` for word overlap.
        dictionary_row_norm: Each Arabic sentence's typical dictionary score (None
            without a dictionary).
        sim, length: The one-to-one similarity and length mismatch (once known).
        row_top2, col_top2: Per row (column): best value, its index, second best.
    """

    row_norm: np.ndarray
    col_norm: np.ndarray
    row_best: np.ndarray
    col_best: np.ndarray
    header: np.ndarray
    path: np.ndarray
    local_path: np.ndarray
    anchors: tuple[np.ndarray, np.ndarray]
    doc_level: float
    doc: float = 1.0
    lexical_row_norm: np.ndarray | None = None
    lexical_col_norm: np.ndarray | None = None
    sim: np.ndarray | None = None
    length: np.ndarray | None = None
    row_top2: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    col_top2: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    dictionary_row_norm: np.ndarray | None = None


@dataclass(frozen=True)
class Candidates:
    """A block of candidate links and what their features are computed from.

    Attributes:
        ctx: The aligner's scored pair (its scorers, articles and `SentenceStats`).
        a_groups, e_groups: The Arabic and English spans (sentence indices).
        a, e: The same as index arrays padded with each span's first member.
        a_texts, e_texts: The spans' texts.
        mask: Pairs the role rule allows.
        sim: Similarity, 0 where the role rule forbids the pair.
        lexical: Word overlap (None without the word signal).
        merged: True for candidates with more than one sentence on a side.
    """

    ctx: Any
    a_groups: Groups
    e_groups: Groups
    a: np.ndarray
    e: np.ndarray
    a_texts: list[str]
    e_texts: list[str]
    mask: np.ndarray
    sim: np.ndarray
    lexical: np.ndarray | None
    merged: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.a_groups), len(self.e_groups)

    @property
    def stats(self) -> SentenceStats:
        return self.ctx.stats

    def reduce(self, x: np.ndarray, fn: Any) -> np.ndarray:
        """``fn``-reduce a sentence-level matrix over the members of each pair of spans."""
        out: np.ndarray | None = None
        for ka in range(self.a.shape[1]):
            for ke in range(self.e.shape[1]):
                v = x[np.ix_(self.a[:, ka], self.e[:, ke])]
                out = v if out is None else fn(out, v)
        assert out is not None
        return out


@dataclass(frozen=True)
class Feature:
    """One feature of the link model.

    Attributes:
        name: Its name (``weights.json`` lists the coefficients in table order).
        compute: Its values for a block of candidates.
        doc: What it measures (a line of the docs' feature table, Markdown).
        evidence: Shown in a link's ``evidence.signals``.
        evidence_offset: Added to the value shown as evidence.
    """

    name: str
    compute: Callable[[Candidates], np.ndarray]
    doc: str
    evidence: bool = False
    evidence_offset: float = 0.0


#: The anchor path looks this many mutual-best pairs back for a predecessor.
ANCHOR_LOOKBACK = 200
#: Nearby confident links predict where a sentence's counterpart is when they lie
#: within this many sentences of it (on either side): a moved paragraph keeps
#: its internal order, so its own links place its other sentences.
LOCAL_WINDOW = 4
#: Farthest distance the position features distinguish, in sentences.
DISTANCE_CAP = 20.0
#: A mutual-best pair is a confident link for the local path when its similarity
#: is at least this many times the mean of both sentences' nearest neighbours.
ANCHOR_MARGIN = 1.1


def anchor_path(sim: np.ndarray, mutual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
        for q in range(max(0, k - ANCHOR_LOOKBACK), k):  # bounded: long texts stay fast
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


def path_distance(n: int, m: int, ai: np.ndarray, aj: np.ndarray) -> np.ndarray:
    """log(1 + distance, in sentences, from the monotone path through the anchors)."""
    a_idx = np.arange(n, dtype=np.float64)
    e_idx = np.arange(m, dtype=np.float64)
    exp_j = np.interp(a_idx, ai, aj)
    exp_i = np.interp(e_idx, aj, ai)
    d = np.minimum(np.abs(e_idx[None, :] - exp_j[:, None]), np.abs(a_idx[:, None] - exp_i[None, :]))
    return np.log1p(np.minimum(d, DISTANCE_CAP))


def local_path_distance(sim: np.ndarray, row_norm: np.ndarray, col_norm: np.ndarray) -> np.ndarray:
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


#: Characters added to both lengths in the length mismatch (short texts vary most).
LENGTH_SMOOTHING = 10.0


def _margin(c: Candidates, x: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    rn = np.array([rows[list(g)].mean() for g in c.a_groups])
    cn = np.array([cols[list(g)].mean() for g in c.e_groups])
    return x / np.maximum((rn[:, None] + cn[None, :]) / 2, 1e-3)


def _position(c: Candidates) -> np.ndarray:
    n_ar, n_en = len(c.ctx.ar.segments), len(c.ctx.en.segments)
    a_pos = np.array([(np.mean(g) + 0.5) / n_ar for g in c.a_groups])
    e_pos = np.array([(np.mean(g) + 0.5) / n_en for g in c.e_groups])
    return np.abs(a_pos[:, None] - e_pos[None, :])


def _length(c: Candidates) -> np.ndarray:
    a_len = np.array([len(t) for t in c.a_texts], dtype=np.float64)
    e_len = np.array([len(t) for t in c.e_texts], dtype=np.float64)
    smooth = LENGTH_SMOOTHING
    return np.abs(np.log((a_len[:, None] + smooth) / (e_len[None, :] + smooth)))


def _names(c: Candidates) -> np.ndarray:
    scores = c.ctx.span_scores("names", c.a_groups, c.e_groups)
    return np.zeros(c.shape) if scores is None else scores


def _anchors(c: Candidates) -> np.ndarray:
    scores = c.ctx.span_scores("anchors", c.a_groups, c.e_groups)
    return np.zeros(c.shape) if scores is None else scores - 0.5


def _dictionary(c: Candidates) -> np.ndarray:
    norm = c.stats.dictionary_row_norm
    scores = None if norm is None else c.ctx.span_scores("dictionary", c.a_groups, c.e_groups)
    if scores is None or norm is None:
        return np.zeros(c.shape)
    typical = np.array([norm[list(g)].mean() for g in c.a_groups])
    return scores - typical[:, None]


def _sim_gain(c: Candidates) -> np.ndarray:
    if c.stats.sim is None:
        return np.zeros(c.shape)
    return np.where(c.merged, c.sim - c.reduce(c.stats.sim, np.maximum), 0.0)


def _length_gain(c: Candidates) -> np.ndarray:
    if c.stats.length is None:
        return np.zeros(c.shape)
    return np.where(c.merged, c.reduce(c.stats.length, np.minimum) - _length(c), 0.0)


def _lexical(c: Candidates) -> np.ndarray:
    return c.sim if c.lexical is None else c.lexical


def _lexical_margin(c: Candidates) -> np.ndarray:
    s = c.stats
    if c.lexical is None or s.lexical_row_norm is None or s.lexical_col_norm is None:
        return _margin(c, c.sim, s.row_norm, s.col_norm)
    return _margin(c, c.lexical, s.lexical_row_norm, s.lexical_col_norm)


#: The features, in the order of the coefficients in ``resources/weights.json``.
FEATURE_TABLE: tuple[Feature, ...] = (
    Feature(
        "sim",
        lambda c: c.sim,
        "the cross-lingual similarity of the two texts: the cosine of their multilingual USE "
        "embeddings, clipped to [0, 1]; with a translator, the mean of that and the translation "
        "score (chrF of the Arabic's translation against the English, see [Translation "
        "models](../guides/translation.md), put on the cosine scale by `translation_scale`); with "
        "`embedding=False`, the translation score alone. A merged Arabic span's translation is its "
        "sentences' translations joined. A merged span's embedding is composed from its segments' "
        "pooled token features, without encoding the joined text again (cosine about 0.99 with "
        "encoding it; see [Speed and memory](#speed-and-memory))",
        evidence=True,
    ),
    Feature(
        "margin",
        lambda c: _margin(c, c.sim, c.stats.row_norm, c.stats.col_norm),
        "`sim` divided by the mean of the two segments' typical similarity: for each segment, the "
        "mean of its `knn` (4) highest similarities with the segments of the other article, "
        "whatever their roles (the role rule does not apply here). Above 1 when the pair stands "
        "out from both segments' other candidates. A segment with fewer than `knn` segments on "
        "the other side (an article of one to three sentences) counts each missing neighbour as "
        "`knn_background`",
        evidence=True,
    ),
    Feature(
        "row_best",
        lambda c: c.reduce(c.stats.row_best, np.maximum),
        "1 when the Arabic segment's most similar English segment is this one (for a merged "
        "candidate: for any segment pair inside it), else 0",
    ),
    Feature(
        "col_best",
        lambda c: c.reduce(c.stats.col_best, np.maximum),
        "the same from the English side",
    ),
    Feature(
        "names",
        _names,
        "the name-matching score: how much name evidence the texts share, in [0, 1], with rarer "
        "names weighing more (see [Name matching](../guides/names.md))",
        evidence=True,
    ),
    Feature(
        "anchors",
        _anchors,
        "agreement of numbers, years, dates, months and weekdays, from −0.5 (the sides disagree, "
        "say on the year) through 0 (no evidence) to 0.5 (they share anchors). Month and "
        "weekday names come from `resources/calendar.toml`; the forms that are also everyday "
        "words count only in a date's context (the file's `[ambiguous]` table): English \"May\", "
        '"March" capitalised or between a day and a year ("may", "march" are other words), '
        'Arabic مارس ("he practised") and آب (which normalises to اب, "father") next to a '
        "number, a slash, another month name or a cue word such as في, الماضي or العاشر من",
        evidence=True,
        evidence_offset=0.5,
    ),
    Feature(
        "position",
        _position,
        "the distance between the two segments' relative positions in their articles, from 0 "
        "(same place) to 1",
        evidence=True,
    ),
    Feature(
        "length",
        _length,
        "the length mismatch, `abs(log((Arabic characters + 10) / (English characters + 10)))`",
    ),
    Feature(
        "header",
        lambda c: c.reduce(c.stats.header, np.maximum),
        "1 when the Arabic segment is page furniture (any role but `body`), else 0",
    ),
    Feature(
        "path",
        lambda c: c.reduce(c.stats.path, np.minimum),
        "how far the pair lies from the main diagonal of the alignment: the distance, in "
        "segments, from a monotone path through the mutually best pairs (the heaviest increasing "
        "chain of pairs that are each other's best), as `log(1 + distance)`, capped at 20 segments",
    ),
    Feature(
        "merged",
        lambda c: c.merged.astype(np.float64),
        "1 for a candidate with more than one segment on a side, else 0",
    ),
    Feature(
        "sim_gain",
        _sim_gain,
        "for a merged candidate, its `sim` minus the best `sim` of the one-to-one pairs inside "
        "it: what the merge adds. 0 for one-to-one candidates",
    ),
    Feature(
        "length_gain",
        _length_gain,
        "for a merged candidate, how much it evens out the lengths: the smallest `length` of the "
        "one-to-one pairs inside it minus its own `length`. 0 for one-to-one candidates",
    ),
    Feature(
        "neighbour_gain",
        # Filled in for one-to-one candidates once the merged ones are known (`_score`).
        lambda c: np.zeros(c.shape),
        "for a one-to-one candidate, the largest `sim_gain` of the adjacent 2-1 and 1-2 "
        "candidates that contain it: a high value says the pair is half of a bigger link. 0 for "
        "merged candidates",
    ),
    Feature(
        "sim_doc",
        lambda c: c.sim - c.stats.doc_level,
        "`sim` minus the document pair's typical best match (the median, over all segments of "
        "both sides, of each segment's highest `sim`): translated text and separately written "
        "news live on different similarity scales",
    ),
    Feature(
        "lexical",
        _lexical,
        "the soft overlap of the two texts' content words (`bialign.scorers.lexical."
        "LexicalScorer`): every word that is not a function word "
        "(`resources/lexical_stopwords.toml`) and is longer than two letters gets a vector from "
        "the pass that encodes its sentence (the encoder's head applied to the features of the "
        "word's own tokens); recall is the mean, over the Arabic words, of each word's best "
        "cosine with an English word of the pair, precision the same from the English side, and "
        "the feature is their F-measure. A shared fact inside otherwise different sentences shows "
        "here more than in `sim`. It is scored for the `LEXICAL_CANDIDATES` (12) most similar "
        "segments of each segment, on both sides (every pair when both articles are that short); "
        "other pairs score 0. Without the encoder (`embedding=False`) it is `sim` itself. It is "
        "computed only when the link model weighs it (`Weights.uses`): the shipped model does "
        "not since 1 December 2026 (it did no better held out, see Speed and memory); the "
        "dictionary's model does",
        evidence=True,
    ),
    Feature(
        "lexical_margin",
        _lexical_margin,
        "`lexical` divided by the two segments' typical `lexical` score, as `margin` does for "
        "`sim` (the typical score is taken over all segments, roles ignored, as for `margin`)",
    ),
    Feature(
        "local_path",
        lambda c: c.reduce(c.stats.local_path, np.minimum),
        "how far the pair lies from the diagonal of the confident links **near it**: the "
        "mutual-best pairs that stand out from their neighbours (`ANCHOR_MARGIN` = 1.1) within "
        "`LOCAL_WINDOW` (4) segments of it on either side each expect it at their own offset; the "
        "feature is `log(1 + distance)` to the closest expectation, capped at 20 (a link does not "
        "vouch for itself). A moved paragraph keeps its own order, so its links place its other "
        "segments wherever the paragraph went; `path` and `position`, measured against one "
        "diagonal for the whole document, would push them away",
    ),
    Feature(
        "member_elsewhere",
        lambda c: c.ctx.member_elsewhere(c.a_groups, c.e_groups, c.merged),
        "for a merged candidate, how much more one of its segments resembles a segment outside "
        "the link than any segment inside it (its best similarity outside less its best inside, 0 "
        "when its best counterpart is in the link; the largest over its segments). A merge that "
        "swallows a sentence whose counterpart is elsewhere, such as an article's lead merged "
        "into the next sentence's link, shows here. 0 for one-to-one candidates",
    ),
    Feature(
        "doc",
        lambda c: np.broadcast_to(np.float32(c.stats.doc), c.shape),
        "the document model's probability that the two articles are counterparts "
        "([above](#do-the-two-articles-tell-the-same-story)), the same for every candidate of the "
        "pair",
    ),
    Feature(
        "dictionary",
        _dictionary,
        "with a bilingual dictionary (`align(..., dictionary=...)`, see "
        "[Bilingual dictionaries](../guides/dictionaries.md)): the dictionary score (the "
        "harmonic mean of the share of the Arabic words the dictionary knows that have a gloss "
        "among the English content words, and the share of those English words glossed by "
        "some Arabic word) less the Arabic segment's typical dictionary score (the mean of its "
        "`knn` best over the English segments; for a merged span, its segments' mean). 0 when "
        "the dictionary knows none of the Arabic words: no evidence either way. 0 without a "
        "dictionary, where the shipped link model gives it no weight. A pair's evidence shows "
        "the score itself, as `dictionary`",
    ),
)

#: The features' names, in order.
FEATURES: tuple[str, ...] = tuple(f.name for f in FEATURE_TABLE)


def features_table() -> str:
    """The Markdown table of the features (as in ``docs/concepts/alignment.md``)."""
    rows = ["| feature | what it measures |", "|---|---|"]
    rows += [f"| `{f.name}` | {f.doc} |" for f in FEATURE_TABLE]
    return "\n".join(rows)
