"""The link model and search thresholds (``resources/weights.json``): `Weights` and `load_weights`.

`Weights` is the one list of the file's fields: `load_weights` reads each field by
its declared type (a field the file lacks takes the dataclass default) and
`Weights.to_json` writes them. ``benchmarks/fit_weights.py`` fits them.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._checks import unit_number, whole_number
from ._numeric import finite_number
from ._resources import resource_path
from .errors import OptionError, ResourceError
from .features import FEATURES

__all__ = ["Weights", "load_weights"]


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
        knn_background: ``(sentence, word)`` similarity that a missing neighbour
            counts as in the margin (sentence similarity, word-signal similarity)
            of a sentence with fewer than ``knn`` sentences on the other side (an
            article of one to three sentences); None: the mean of those there are.
        max_merge: Most sentences on the merged side of a link.
        max_gap: Farthest apart two sentences of one merged side may be (in a merge;
            a split link, `bialign.search`, joins two halves that are apart by design).
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
    knn_background: tuple[float, float] | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_weights(self)

    def calibrate(self, p: float) -> float:
        """The reported score of a link whose model probability is ``p``."""
        p = min(max(float(p), 1e-6), 1 - 1e-6)
        z = self.calibration[0] * math.log(p / (1 - p)) + self.calibration[1]
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def uses(self, *features: str) -> bool:
        """Whether the model gives any of ``features`` a weight (a coefficient other than 0)."""
        return any(c != 0 for name, c in zip(FEATURES, self.coef, strict=True) if name in features)

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
    # Checked, then stored as Python numbers (a numpy scalar from a grid search is accepted).
    for name in (*_UNIT_FIELDS, "merge_tolerance"):
        object.__setattr__(w, name, unit_number(f"weights.{name}", getattr(w, name)))
    for name, low in _COUNT_FIELDS:
        object.__setattr__(w, name, whole_number(f"weights.{name}", getattr(w, name), low))
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
    bg = w.knn_background
    if bg is not None:
        if not (isinstance(bg, tuple) and len(bg) == 2 and all(finite_number(x) for x in bg)):
            raise OptionError("weights.knn_background", bg, "None or a pair of numbers in [0, 1]")
        object.__setattr__(
            w, "knn_background", tuple(unit_number("weights.knn_background", x) for x in bg)
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
def _text(value: Any) -> str:
    """A JSON string; null, numbers and lists are refused (a `ValueError`)."""
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _optional_pair(value: Any) -> tuple[float, float] | None:
    """``null`` or two numbers (`_number_pair`)."""
    return None if value is None else _number_pair(value)


_READ_BY_TYPE: dict[str, Any] = {
    "str": _text,
    "float": _number,
    "int": _count,
    "tuple[float, float]": _number_pair,
    "tuple[float, float] | None": _optional_pair,
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
            reader = _READ_BY_TYPE.get(str(f.type))
            if reader is None:  # a field added to Weights with a type no reader knows
                raise TypeError(f"Weights.{f.name} is a {f.type}, which load_weights cannot read")
            values[f.name] = reader(data[f.name])
        return Weights(**values)
    except ResourceError:
        raise
    except KeyError as exc:
        raise ResourceError(f"cannot read weights {p}: no field {exc}", str(p)) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise ResourceError(f"cannot read weights {p}: {exc}", str(p)) from exc
