"""Which English article is the counterpart of which Arabic one? Document pairing (its own stage).

Given many Arabic and many English articles, `pair` finds the counterparts
without aligning every Arabic article with every English one:

1. every sentence of every article is embedded once (in batches across
   articles) with the aligner's sentence encoder;
2. each article gets a document vector: the normalised, weighted mean of its
   sentence vectors, where the weight falls with the position in the article
   (a news story says its main facts first) and page furniture (bylines,
   datelines, captions …) counts less than text;
3. each Arabic article keeps its ``top_k`` English articles by cosine of the
   document vectors, and each English article its ``top_k`` Arabic ones;
4. only those candidate pairs are rescored with the document model
   (`bialign.document.document_features` on the pair's sentence similarity,
   the same features `bialign.align` computes), which gives the calibrated
   probability that the two are counterparts;
5. a one-to-one assignment that maximises the summed probability over the
   pairs that reach the threshold (the document model's own by default):
   articles without a counterpart stay unmatched.

The cost is one embedding per sentence, a matrix product of document
vectors, and ``top_k`` small sentence-similarity matrices per article.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from ._checks import flag, not_a_folder, unit_number, whole_number
from .errors import BialignError, InputError, InputTypeError, OptionError

if TYPE_CHECKING:
    from .segmentation import Article

__all__ = ["DocumentMatch", "Pairing", "doc_id", "pair", "read_docs"]

#: Weight of the sentence at position ``i`` in the document vector:
#: ``FLOOR + (1 - FLOOR) * exp(-i / POSITION_SCALE)``.
POSITION_SCALE = 6.0
POSITION_FLOOR = 0.3
#: Weight factor of the page furniture (roles that are not headline, standfirst,
#: subheading or body text).
FURNITURE_WEIGHT = 0.2
_TEXT_ROLES = frozenset({"headline", "standfirst", "subheading", "body"})
#: Added to every eligible pair's gain in the assignment, so that a pair whose
#: probability is 0 (and reaches a threshold of 0) is still matched.
_PAIR_BONUS = 1e-9

DocId = str | int


@dataclass(frozen=True, slots=True)
class DocumentMatch:
    """An Arabic and an English article scored as a candidate pair.

    Attributes:
        arabic: The Arabic article's id: its key in the mapping given, its path
            as a string, or its index in the list given.
        english: The English article's id, likewise.
        probability: The document model's calibrated probability that the two
            are counterparts.
        verdict: ``"counterpart"`` when the probability reaches the threshold;
            else ``"same event"`` when the two name at least the document model's
            ``same_event_names`` people in common (`shared_people`), as
            `bialign.align` judges it; else ``"unrelated"``.
        similarity: Cosine of the two document vectors (the retrieval score).
        features: The document model's features (see `bialign.document`).
        shared_people: For a pair below the threshold, the people both articles
            name (`bialign.document.shared_people`).
    """

    arabic: DocId
    english: DocId
    probability: float
    verdict: str
    similarity: float = 0.0
    features: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    shared_people: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "arabic": self.arabic,
            "english": self.english,
            "probability": round(self.probability, 4),
            "verdict": self.verdict,
            "similarity": round(self.similarity, 4),
            "features": {k: round(float(v), 4) for k, v in self.features.items()},
        }
        if self.shared_people:
            out["shared_people"] = list(self.shared_people)
        return out


@dataclass(frozen=True)
class Pairing:
    """The result of `pair`.

    Attributes:
        matches: The counterparts found, one-to-one, by decreasing probability.
        arabic_unmatched: Ids of the Arabic articles left without a counterpart.
        english_unmatched: Ids of the English articles left without a counterpart.
        candidates: Every candidate pair that was rescored (matched or not),
            by Arabic id order then decreasing probability.
        threshold: The probability a match needed.
        failed: Articles that could not be read or segmented, as
            ``(side, id, message)`` with side ``"arabic"`` or ``"english"``;
            they are in neither the matches nor the unmatched lists.
        arabic_ids: Every Arabic id, in input order.
        english_ids: Every English id, in input order.
        sources: Id → what was given for it (a path, a text or an `Article`),
            so that `bialign.corpus.align_corpus` can align the matches.
    """

    matches: tuple[DocumentMatch, ...]
    arabic_unmatched: tuple[DocId, ...]
    english_unmatched: tuple[DocId, ...]
    candidates: tuple[DocumentMatch, ...]
    threshold: float
    failed: tuple[tuple[str, DocId, str], ...] = ()
    arabic_ids: tuple[DocId, ...] = ()
    english_ids: tuple[DocId, ...] = ()
    sources: Mapping[tuple[str, DocId], Any] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False
    )

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.matches)

    def __len__(self) -> int:
        return len(self.matches)

    def match_of(self, arabic: DocId) -> DocumentMatch | None:
        """The match of an Arabic article, or ``None``."""
        return next((m for m in self.matches if m.arabic == arabic), None)

    def summary(self) -> str:
        """A one-line summary."""
        return (
            f"{len(self.matches)} pairs of {len(self.arabic_ids)} Arabic and "
            f"{len(self.english_ids)} English articles; "
            f"{len(self.arabic_unmatched)} Arabic and {len(self.english_unmatched)} English "
            f"unmatched; {len(self.candidates)} candidates scored"
            + (f"; {len(self.failed)} unreadable" if self.failed else "")
        )


# --------------------------------------------------------------------------- inputs


def doc_id(doc: Any, index: int) -> DocId:
    """The id of a document given in a list: its path as a string, else its index."""
    if isinstance(doc, os.PathLike):
        return os.fspath(doc)
    return index


def _entries(docs: Any, side: str) -> list[tuple[DocId, Any]]:
    """``(id, doc)`` for a mapping, a list, or a folder (`pathlib.Path` to a directory)."""
    option = f"{side}_docs"
    if isinstance(docs, str | bytes):
        raise InputTypeError(
            f"{option} must be a list or a mapping of documents, "
            f"not a single {type(docs).__name__}",
            docs,
            expected="Sequence | Mapping",
        )
    if isinstance(docs, os.PathLike):
        folder = Path(docs)
        reason = not_a_folder(folder)
        if reason:
            raise InputError(f"{option} {os.fspath(docs)}: {reason}", os.fspath(docs))
        # Hidden files (.DS_Store, an editor's swap file) are not articles; nor are subfolders.
        return [
            (os.fspath(p), p)
            for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".")
        ]
    if isinstance(docs, Mapping):
        out = list(docs.items())
        for k, _ in out:
            if not isinstance(k, str | int) or isinstance(k, bool):
                raise OptionError(option, k, "a mapping whose keys are str or int ids")
        return out
    if not isinstance(docs, Iterable):
        raise InputTypeError(
            f"{option} must be a list or a mapping of documents, not {type(docs).__name__}",
            docs,
            expected="Sequence | Mapping",
        )
    out = [(doc_id(d, i), d) for i, d in enumerate(docs)]
    ids = [k for k, _ in out]
    if len(set(ids)) != len(ids):
        dup = next(k for k in ids if ids.count(k) > 1)
        raise OptionError(option, dup, "documents given once each (a path appears twice)")
    return out


def _check_doc(doc: Any, side: str, key: DocId) -> None:
    from .segmentation import Article

    if isinstance(doc, str | os.PathLike | Article):
        return
    if isinstance(doc, Sequence) and not isinstance(doc, bytes | bytearray):
        return
    raise InputTypeError(
        f"{side} document {key!r} must be a text, a pathlib.Path, a list of sentences or an "
        f"Article, not {type(doc).__name__}",
        doc,
        expected="str | Path | Sequence[str] | Article",
    )


def _read(doc: Any, lang: str) -> Article:
    from .segmentation import Article, read_article

    if isinstance(doc, Article):
        return doc
    if isinstance(doc, str | os.PathLike):
        return read_article(doc, lang=lang)
    return Article.from_sentences(list(doc), lang=lang)


def read_docs(
    docs: Any, side: str
) -> tuple[list[tuple[DocId, Any]], dict[DocId, Article], list[tuple[str, DocId, str]]]:
    """Read and segment the documents of one side.

    Returns:
        The ``(id, doc)`` entries, the articles read by id, and the failures as
        ``(side, id, message)`` (an unreadable or empty document is recorded, not raised).
    """
    entries = _entries(docs, side)
    for key, d in entries:
        _check_doc(d, side, key)
    lang = "ar" if side == "arabic" else "en"
    articles: dict[DocId, Article] = {}
    failed: list[tuple[str, DocId, str]] = []
    for key, d in entries:
        try:
            art = _read(d, lang)
            if not art.segments:
                raise BialignError("the document has no sentences")
            articles[key] = art
        except BialignError as exc:
            failed.append((side, key, " ".join(str(exc).split())))
    return entries, articles, failed


# --------------------------------------------------------------------------- vectors


def _weights(art: Article) -> np.ndarray:
    pos = np.arange(len(art.segments), dtype=np.float64)
    w = POSITION_FLOOR + (1.0 - POSITION_FLOOR) * np.exp(-pos / POSITION_SCALE)
    furniture = np.array([s.role not in _TEXT_ROLES for s in art.segments])
    if not furniture.all():
        w = np.where(furniture, w * FURNITURE_WEIGHT, w)
    return w


def document_vector(vectors: np.ndarray, art: Article) -> np.ndarray:
    """The normalised, position-weighted mean of an article's sentence vectors."""
    v = (_weights(art)[:, None] * vectors).sum(axis=0)
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def _check_options(top_k: Any, threshold: Any, progress: Any) -> None:
    whole_number("top_k", top_k)
    unit_number("threshold", threshold, allow_none=True)
    flag("progress", progress)


def _assign(probs: dict[tuple[int, int], float], threshold: float) -> list[tuple[int, int]]:
    """One-to-one pairs among those reaching ``threshold``, maximising the summed probability.

    A pair is eligible when its probability ``p >= threshold`` (so with ``threshold=0``
    every candidate is, even one whose probability is 0). The assignment is exact
    (`scipy.optimize.linear_sum_assignment`): each Arabic article may also stay unmatched
    (a dummy column of gain 0), pairs that are not eligible are never taken, and among
    assignments of the same summed probability the one with more pairs wins.
    """
    eligible = {k: p for k, p in probs.items() if p >= threshold}
    if not eligible:
        return []
    try:
        from scipy.optimize import linear_sum_assignment
    except ImportError as exc:  # pragma: no cover - a declared dependency
        from .errors import MissingDependencyError

        raise MissingDependencyError("document pairing", "scipy") from exc
    rows = sorted({i for i, _ in eligible})
    cols = sorted({j for _, j in eligible})
    ri = {i: k for k, i in enumerate(rows)}
    ci = {j: k for k, j in enumerate(cols)}
    n, m = len(rows), len(cols)
    # Forbidden cells cost more than every probability together could bring.
    forbidden = -float(n + m + 1)
    gain = np.full((n, m + n), forbidden)
    gain[np.arange(n), m + np.arange(n)] = 0.0  # row k may stay unmatched (its own dummy)
    allowed = np.zeros((n, m), dtype=bool)
    for (i, j), p in eligible.items():
        # A tiny bonus per pair: an eligible pair of probability 0 beats staying unmatched.
        gain[ri[i], ci[j]] = p + _PAIR_BONUS
        allowed[ri[i], ci[j]] = True
    r, c = linear_sum_assignment(gain, maximize=True)
    return sorted((rows[a], cols[b]) for a, b in zip(r, c, strict=True) if b < m and allowed[a, b])


def pair(
    arabic_docs: Any,
    english_docs: Any,
    *,
    top_k: int = 5,
    threshold: float | None = None,
    progress: bool = False,
) -> Pairing:
    """Find the counterparts among many Arabic and many English articles.

    Args:
        arabic_docs: The Arabic articles: a list (of texts, `pathlib.Path` files,
            lists of sentences or `Article` objects), a mapping id → document,
            or a `pathlib.Path` to a folder (every file in it but hidden ones,
            whose name starts with a dot; subfolders are not read).
        english_docs: The English articles, likewise.
        top_k: Candidates kept per article by document-vector cosine (both ways)
            before the document model rescores them.
        threshold: The probability a match needs; ``None``: the document model's
            threshold (`bialign.document.DocumentModel.threshold`).
        progress: Print what it does on standard error.

    Returns:
        The `Pairing`: one-to-one matches, the unmatched ids of each side, every
        rescored candidate and the documents that could not be read.

    Raises:
        OptionError: ``top_k``, ``threshold`` or ``progress`` has a value it does
            not take, or an id appears twice; before any work.
        InputTypeError: A side is not a list or mapping, or holds something that is
            not a document.
        InputError: A side is a path that is not a folder (none, or a file).
    """
    _check_options(top_k, threshold, progress)
    from .aligner import _role_mask, _Signals
    from .document import document_features, load_document_model, shared_people

    t0 = time.perf_counter()
    ar_entries, ar_arts, ar_failed = read_docs(arabic_docs, "arabic")
    en_entries, en_arts, en_failed = read_docs(english_docs, "english")
    model = load_document_model()
    thr = model.threshold if threshold is None else float(threshold)
    ar_ids = [k for k, _ in ar_entries if k in ar_arts]
    en_ids = [k for k, _ in en_entries if k in en_arts]
    sources = {("arabic", k): d for k, d in ar_entries}
    sources.update({("english", k): d for k, d in en_entries})
    failed = tuple(ar_failed + en_failed)

    def done(matches: list[DocumentMatch], cands: list[DocumentMatch]) -> Pairing:
        got_a = {m.arabic for m in matches}
        got_e = {m.english for m in matches}
        return Pairing(
            matches=tuple(sorted(matches, key=lambda m: (-m.probability, str(m.arabic)))),
            arabic_unmatched=tuple(k for k in ar_ids if k not in got_a),
            english_unmatched=tuple(k for k in en_ids if k not in got_e),
            candidates=tuple(cands),
            threshold=thr,
            failed=failed,
            arabic_ids=tuple(k for k, _ in ar_entries),
            english_ids=tuple(k for k, _ in en_entries),
            sources=MappingProxyType(sources),
        )

    if not ar_ids or not en_ids:
        return done([], [])
    enc = _Signals.embedding()
    texts = [s.text for k in ar_ids for s in ar_arts[k].segments]
    texts += [s.text for k in en_ids for s in en_arts[k].segments]
    if progress:
        print(
            f"bialign: pairing {len(ar_ids)} Arabic and {len(en_ids)} English articles: "
            f"embedding {len(texts)} sentences …",
            file=sys.stderr,
            flush=True,
        )
    vectors = enc.embed(texts)  # type: ignore[attr-defined]
    sent: dict[tuple[str, DocId], np.ndarray] = {}
    pos = 0
    for side, ids, arts in (("arabic", ar_ids, ar_arts), ("english", en_ids, en_arts)):
        for k in ids:
            n = len(arts[k].segments)
            sent[(side, k)] = vectors[pos : pos + n]
            pos += n
    A = np.stack([document_vector(sent[("arabic", k)], ar_arts[k]) for k in ar_ids])
    E = np.stack([document_vector(sent[("english", k)], en_arts[k]) for k in en_ids])
    cos = (A @ E.T).astype(np.float64)
    kk = min(top_k, len(en_ids))
    cand: set[tuple[int, int]] = set()
    # Ties broken by input order (a stable sort), so the candidates never depend on chance.
    for i in range(len(ar_ids)):
        cand.update((i, int(j)) for j in np.argsort(-cos[i], kind="stable")[:kk])
    kk = min(top_k, len(ar_ids))
    for j in range(len(en_ids)):
        cand.update((int(i), j) for i in np.argsort(-cos[:, j], kind="stable")[:kk])
    probs: dict[tuple[int, int], float] = {}
    feats: dict[tuple[int, int], dict[str, float]] = {}
    for i, j in sorted(cand):
        ar, en = ar_arts[ar_ids[i]], en_arts[en_ids[j]]
        sim = np.clip(sent[("arabic", ar_ids[i])] @ sent[("english", en_ids[j])].T, 0.0, 1.0)
        f = document_features(sim.astype(np.float64), ar, en, mask=_role_mask(ar, en, True))
        feats[(i, j)] = {k: round(float(v), 4) for k, v in f.items()}
        probs[(i, j)] = round(model.probability(f), 4)

    people: dict[tuple[int, int], tuple[str, ...]] = {}

    def match(i: int, j: int) -> DocumentMatch:
        p = probs[(i, j)]
        verdict = "counterpart"
        if p < thr:
            if (i, j) not in people:
                people[(i, j)] = shared_people(ar_arts[ar_ids[i]], en_arts[en_ids[j]])
            verdict = model.related_verdict(people[(i, j)])
        return DocumentMatch(
            arabic=ar_ids[i],
            english=en_ids[j],
            probability=p,
            verdict=verdict,
            similarity=round(float(cos[i, j]), 4),
            features=MappingProxyType(feats[(i, j)]),
            shared_people=people.get((i, j), ()),
        )

    cands = [match(i, j) for i, j in sorted(cand, key=lambda ij: (ij[0], -probs[ij], ij[1]))]
    matches = [match(i, j) for i, j in _assign(probs, thr)]
    result = done(matches, cands)
    if progress:
        print(
            f"bialign: {result.summary()} ({time.perf_counter() - t0:.1f} s)",
            file=sys.stderr,
            flush=True,
        )
    return result
