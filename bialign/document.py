"""Do two articles tell the same story? The document-level judgment (its own stage).

Before any sentence is linked, bialign asks whether the Arabic and the English
article are counterparts (one story, told for each language), the same event
told by another outlet, or unrelated. The answer conditions the links: an
unrelated pair gets none, a same-event pair only the links its evidence
supports, and the link model sees the document probability as one of its
features.

The judgment is a small logistic model (``resources/document_model.json``,
fitted by ``benchmarks/fit_weights.py``) over features of the sentence
similarity matrix and of the whole texts:

* ``mutual``: share of the shorter side's sentences in a mutual-best pair
  that stands out from its neighbours (margin at least ``MUTUAL_MARGIN``);
* ``top_sim``: mean similarity of the best quarter of the mutual-best pairs;
* ``best_median``: median of each sentence's best similarity;
* ``anchors``: numbers and dates the two whole texts share, over those of
  the poorer side;
* ``length``: absolute log of the ratio of the sentence counts, capped at log 2.

The verdict: ``"counterpart"`` when the probability reaches the model's
threshold. Otherwise ``"same event"`` when the two articles name at least
``same_event_names`` of the same people (`shared_people`: full names, or people
the gazetteer knows; not countries, cities, agencies or nationalities), or when
at least one link survives the stricter link threshold for such pairs; else
``"unrelated"``. The encoder's similarity cannot tell another outlet's report of
the same meeting from a report of another meeting between the same two
countries (seed 002 gets the same probability against both); the people named
can: the ministers who met are named in both reports of that meeting.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from ._checks import whole_number
from ._numeric import finite_number, knn_mean
from ._resources import resource_path
from .errors import OptionError, ResourceError

if TYPE_CHECKING:
    import numpy as np

    from .segmentation import Article

__all__ = [
    "DOCUMENT_FEATURES",
    "SHARED_PEOPLE_SKIPPED_ROLES",
    "VERDICTS",
    "DocumentJudgment",
    "DocumentModel",
    "document_features",
    "load_document_model",
    "shared_people",
]

#: The features of the document model, in the order of its coefficients.
DOCUMENT_FEATURES = ("mutual", "top_sim", "best_median", "anchors", "length")

Verdict = Literal["counterpart", "same event", "unrelated"]
#: The verdicts, from the closest relation to none.
VERDICTS: tuple[str, ...] = ("counterpart", "same event", "unrelated")

#: A mutual-best pair counts for ``mutual`` when its similarity is at least this
#: many times the mean of both sentences' nearest neighbours.
MUTUAL_MARGIN = 1.1
#: Neighbours averaged for that margin.
MARGIN_NEIGHBOURS = 4
#: The ``length`` feature stops growing at a ratio of 2: one side much longer than the
#: other (one sentence looked up in a whole article) is no proof that they are unrelated.
LENGTH_CAP = math.log(2.0)
#: Segments whose names `shared_people` does not read: a byline names the
#: reporter, not the story (one reporter writes about many events).
SHARED_PEOPLE_SKIPPED_ROLES = frozenset({"category", "byline", "boilerplate"})


@dataclass(frozen=True, slots=True)
class DocumentJudgment:
    """Whether two articles tell the same story.

    Attributes:
        probability: The calibrated probability that the two are counterparts
            (one story, told for each language).
        verdict: ``"counterpart"``, ``"same event"`` (related, told
            differently: only well-supported links are kept) or ``"unrelated"``
            (no links).
        features: The evidence: each feature of `DOCUMENT_FEATURES` and its value.
        shared_people: When the two are not counterparts, the people both name
            (`shared_people`: one English spelling each), the evidence for
            ``"same event"``; empty for counterparts.
    """

    probability: float
    verdict: str
    features: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    shared_people: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "probability": round(self.probability, 4),
            "verdict": self.verdict,
            "features": {k: round(float(v), 4) for k, v in self.features.items()},
        }
        if self.shared_people:
            out["shared_people"] = list(self.shared_people)
        return out


@dataclass(frozen=True)
class DocumentModel:
    """The fitted document model (``resources/document_model.json``).

    Attributes:
        version: Identifier recorded in signatures.
        coef: One coefficient per feature in `DOCUMENT_FEATURES`.
        intercept: The model's intercept.
        threshold: Probability from which two articles are counterparts.
        related_link_threshold: The link probability a pair needs when the two
            articles are not counterparts (a same-event pair keeps only these).
        same_event_names: How many people (`shared_people`) two articles that are
            not counterparts must both name to be the same event.
    """

    version: str
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    related_link_threshold: float = 0.9
    note: str = ""
    same_event_names: int = 2

    def __post_init__(self) -> None:
        if (
            not isinstance(self.coef, tuple)
            or len(self.coef) != len(DOCUMENT_FEATURES)
            or not all(finite_number(c) for c in self.coef)
        ):
            raise OptionError(
                "document_model.coef",
                self.coef,
                f"a tuple of {len(DOCUMENT_FEATURES)} finite numbers, one per feature",
            )
        if not finite_number(self.intercept):
            raise OptionError("document_model.intercept", self.intercept, "a finite number")
        for name in ("threshold", "related_link_threshold"):
            value = getattr(self, name)
            if not (finite_number(value) and 0.0 <= value <= 1.0):
                raise OptionError(f"document_model.{name}", value, "a number between 0 and 1")
        whole_number("document_model.same_event_names", self.same_event_names)
        if not isinstance(self.version, str) or not self.version or "|" in self.version:
            raise OptionError(
                "document_model.version", self.version, "a non-empty string without '|'"
            )

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.intercept + sum(
            c * float(features[f]) for f, c in zip(DOCUMENT_FEATURES, self.coef, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def related_verdict(self, people: Sequence[str], linked: bool = False) -> str:
        """The verdict of two articles that are not counterparts: ``"same event"`` when
        they name at least `same_event_names` ``people`` in common or a link of theirs
        survives (``linked``), else ``"unrelated"``."""
        same = linked or len(people) >= self.same_event_names
        return "same event" if same else "unrelated"

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": self.version,
                "features": list(DOCUMENT_FEATURES),
                "coef": [round(c, 6) for c in self.coef],
                "intercept": round(self.intercept, 6),
                "threshold": self.threshold,
                "related_link_threshold": self.related_link_threshold,
                "same_event_names": self.same_event_names,
                "note": self.note,
            },
            ensure_ascii=False,
            indent=2,
        )


def load_document_model(path: str | os.PathLike[str] | None = None) -> DocumentModel:
    """Read the document model (the shipped ``resources/document_model.json`` by default).

    Raises:
        ResourceError: The file is missing, malformed, or lists other features.
    """
    p = resource_path("document_model.json") if path is None else Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        if list(data["features"]) != list(DOCUMENT_FEATURES):
            raise ResourceError(
                f"{p}: features {data['features']} differ from {DOCUMENT_FEATURES}", str(p)
            )
        return DocumentModel(
            version=data["version"],
            coef=tuple(data["coef"]),
            intercept=data["intercept"],
            threshold=data.get("threshold", 0.5),
            related_link_threshold=data.get("related_link_threshold", 0.9),
            note=str(data.get("note", "")),
            same_event_names=data.get("same_event_names", 2),
        )
    except ResourceError:
        raise
    except KeyError as exc:
        raise ResourceError(f"cannot read document model {p}: no field {exc}", str(p)) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise ResourceError(f"cannot read document model {p}: {exc}", str(p)) from exc


def document_features(
    sim: np.ndarray,
    arabic: Article,
    english: Article,
    *,
    mask: np.ndarray | None = None,
) -> dict[str, float]:
    """The document model's features for one article pair.

    Args:
        sim: Sentence similarity, Arabic × English (the encoder's cosine, or
            the aligner's combined similarity).
        arabic: The Arabic article (its text gives the numbers and dates).
        english: The English article.
        mask: Pairs that may link (page roles); all by default.
    """
    import numpy as np

    n, m = sim.shape
    if n == 0 or m == 0:
        return features_from_reductions(n, m, arabic, english, None)
    s = np.where(mask, sim, -1.0) if mask is not None else sim
    reductions = Reductions(
        row=s.argmax(axis=1),
        col=s.argmax(axis=0),
        row_max=s.max(axis=1),
        col_max=s.max(axis=0),
        row_knn=knn_mean(sim, MARGIN_NEIGHBOURS, axis=1),
        col_knn=knn_mean(sim, MARGIN_NEIGHBOURS, axis=0),
    )
    return features_from_reductions(n, m, arabic, english, reductions)


@dataclass(frozen=True)
class Reductions:
    """What the document features read of the similarity matrix: per row and per column.

    ``row``/``col``: the best counterpart (first on ties) among the allowed
    pairs; ``row_max``/``col_max``: its similarity (-1 when none is allowed);
    ``row_knn``/``col_knn``: the mean of the `MARGIN_NEIGHBOURS` highest
    similarities, roles ignored. Long documents compute them block by block
    (`bialign.sections`), without holding the whole matrix.
    """

    row: np.ndarray
    col: np.ndarray
    row_max: np.ndarray
    col_max: np.ndarray
    row_knn: np.ndarray
    col_knn: np.ndarray


def features_from_reductions(
    n: int, m: int, arabic: Article, english: Article, r: Reductions | None
) -> dict[str, float]:
    """The document features from the matrix's row and column reductions (see `Reductions`)."""
    import numpy as np

    from .scorers.anchors import extract_anchors

    out = dict.fromkeys(DOCUMENT_FEATURES, 0.0)
    out["length"] = min(abs(math.log((n + 1) / (m + 1))), LENGTH_CAP)
    a = extract_anchors(arabic.text, "ar").items
    e = extract_anchors(english.text, "en").items
    out["anchors"] = len(a & e) / (min(len(a), len(e)) + 1)
    if n == 0 or m == 0 or r is None:
        return out
    row, col = r.row, r.col
    mutual = [i for i in range(n) if col[row[i]] == i and r.row_max[i] > -1.0]
    rn, cn = r.row_knn, r.col_knn
    strong = [
        float(r.row_max[i])
        for i in mutual
        if r.row_max[i] >= MUTUAL_MARGIN * max((rn[i] + cn[row[i]]) / 2, 1e-3)
    ]
    out["mutual"] = len(strong) / min(n, m)
    best = sorted((float(r.row_max[i]) for i in mutual), reverse=True)
    k = max(1, math.ceil(min(n, m) / 4))
    out["top_sim"] = float(np.mean(best[:k])) if best else 0.0
    out["best_median"] = float(np.median(np.concatenate([r.row_max, r.col_max]).clip(0.0, 1.0)))
    return out


# "son of", "daughter of": what follows is the father's name, which brothers share.
_NASAB = frozenset({"بن", "ابن", "بنت"})


@functools.cache
def _common_name_words() -> frozenset[str]:
    """Arabic name words many people share (given names, بن, أبو: the ``given_names`` and
    ``particles`` of ``resources/difference_names.toml``), as
    `bialign.names.mentions.arabic_name_word` makes them."""
    from ._resources import read_toml
    from .names.mentions import arabic_name_word

    path = resource_path("difference_names.toml")
    try:
        data = read_toml(path)["ar"]
        words = [*data["given_names"], *data["particles"]]
    except (KeyError, TypeError) as exc:
        raise ResourceError(f"{path}: malformed name words: {exc}", str(path)) from exc
    return frozenset(arabic_name_word(w) for w in words)


def shared_people(arabic: Article, english: Article) -> tuple[str, ...]:
    """The people both articles name, one English spelling each, in order of first match.

    The name matcher (`bialign.names.match_names`) runs on the whole texts, minus
    the segments of `SHARED_PEOPLE_SKIPPED_ROLES`. A match counts as a person
    when the gazetteer lists it as one (Wang Yi), or when it is a full name of
    at least two words on both sides (Asaad al-Shaibani, أسعد الشيباني): single
    words (Patrick, الشيباني) and the gazetteer's countries, cities, regions,
    organisations, agencies and nationalities are not evidence of one event.
    The matches of one person (al-Shaibani, Asaad al-Shaibani, al-Shaybani) are
    grouped by the Arabic words they share, and a person counts when any of
    its matches does. Words many people share (a given name such as أحمد, بن, أبو)
    do not group: Ahmed al-Sharaa and Ahmed Aboul Gheit are two people.
    """
    from .names import match_names
    from .names.mentions import arabic_name_word, arabic_names, gazetteer_entry, is_nationality

    def text(art: Article) -> str:
        return "\n".join(s.text for s in art.segments if s.role not in SHARED_PEOPLE_SKIPPED_ROLES)

    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    matched: list[tuple[str, str, bool]] = []  # (first Arabic key, English form, is a person)
    for m in match_names(text(arabic), text(english)):
        if is_nationality(m.arabic, m.english):
            continue
        words = [arabic_name_word(w) for w in m.arabic.split()]
        if not words:
            continue
        common = _common_name_words()
        # Grouped by its distinctive words; a name of common words only, or one with a
        # father's name (محمد بن سلمان and خالد بن سلمان are brothers), by the whole name.
        nasab = any(w in _NASAB for w in words)
        keys = ([] if nasab else [w for w in words if w not in common]) or [" ".join(words)]
        if m.source == "gazetteer":
            kinds = {
                gazetteer_entry(i).kind for hit in arabic_names(m.arabic).gazetteer for i in hit.ids
            }
            if "person" not in kinds:
                continue
            full = True
        else:
            full = len(words) >= 2 and len(m.english.replace("-", " ").split()) >= 2
        for k in keys[1:]:
            parent[root(k)] = root(keys[0])
        matched.append((keys[0], m.english, full))
    people = {root(k) for k, _, full in matched if full}
    # Each person once, by its longest spelling (Asaad al-Shaibani, not al-Shaibani).
    best: dict[str, str] = {}
    for k, english_form, _ in matched:
        r = root(k)
        if r in people and len(english_form) > len(best.get(r, "")):
            best[r] = english_form
    return tuple(best.values())


def judge_features(features: Mapping[str, float], model: DocumentModel) -> DocumentJudgment:
    """The judgment from features alone: ``"counterpart"`` or, provisionally, ``"unrelated"``.

    The aligner turns a provisional ``"unrelated"`` into ``"same event"`` when
    links survive the stricter threshold.
    """
    p = model.probability(features)
    verdict = "counterpart" if p >= model.threshold else "unrelated"
    return DocumentJudgment(p, verdict, MappingProxyType(dict(features)))
