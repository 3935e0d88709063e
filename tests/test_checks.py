"""One wording per kind of option check, shared by every entry point (issue 14)."""

from __future__ import annotations

import math

import pytest

import bialign
import bialign.export
from bialign import OptionError
from bialign._checks import flag, unit_number, whole_number


@pytest.mark.parametrize("bad", ["yes", 1, None, 0.0])
def test_flag(bad: object) -> None:
    assert flag("names", True) is True
    with pytest.raises(OptionError, match="True or False"):
        flag("names", bad)
    assert flag("embedding", None, allow_none=True) is None


@pytest.mark.parametrize("bad", [-0.1, 1.5, math.nan, True, "0.5"])
def test_unit_number(bad: object) -> None:
    assert unit_number("min_score", 1) == 1.0
    with pytest.raises(OptionError, match="a number from 0 to 1"):
        unit_number("min_score", bad)


@pytest.mark.parametrize("bad", [0, -3, 2.0, True, "4"])
def test_whole_number(bad: object) -> None:
    assert whole_number("top_k", 3) == 3
    with pytest.raises(OptionError, match="a whole number of at least 1"):
        whole_number("top_k", bad)
    assert whole_number("workers", None, allow_none=True) is None


def test_entry_points_use_the_same_wording() -> None:
    """align, the exporters, pairing and the weights refuse a bad value in the same words."""
    import dataclasses

    res = bialign.align(["قال الوزير إن الاقتصاد ينمو."], ["The minister said the economy grows."])
    messages = []
    for call in (
        lambda: bialign.align(["قال الوزير."], ["The minister said."], names="no"),  # type: ignore[arg-type]
        lambda: bialign.pair(["قال الوزير."], ["The minister said."], progress="no"),  # type: ignore[arg-type]
    ):
        with pytest.raises(OptionError) as err:
            call()
        messages.append(err.value.accepted)
    assert messages == ["True or False", "True or False"]
    unit = []
    for call in (
        lambda: bialign.export.to_csv(res, min_score=2),
        lambda: dataclasses.replace(bialign.load_weights(), link_threshold=2.0),
        lambda: bialign.pair(["قال الوزير."], ["The minister said."], threshold=2.0),
    ):
        with pytest.raises(OptionError) as err:
            call()
        unit.append(err.value.accepted)
    assert all(a.endswith("a number from 0 to 1") for a in unit), unit


def test_numpy_numbers_are_numbers() -> None:
    import dataclasses

    import numpy as np

    assert unit_number("min_score", np.float32(0.5)) == 0.5
    assert whole_number("top_k", np.int64(3)) == 3
    with pytest.raises(OptionError):
        whole_number("top_k", np.bool_(True))
    w = dataclasses.replace(
        bialign.load_weights(), link_threshold=np.float32(0.25), max_fill=np.int64(4)
    )  # type: ignore[arg-type]
    assert type(w.link_threshold) is float and type(w.max_fill) is int
    assert '"max_fill": 4' in w.to_json()


def test_weights_file_strings_must_be_strings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    data = json.loads(bialign.load_weights().to_json())
    data["version"] = None
    path = tmp_path / "w.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(bialign.ResourceError, match="expected a string"):
        bialign.load_weights(path)
