"""Align's settings as one object, and the signature as a parseable object (issue 14)."""

from __future__ import annotations

import dataclasses

import pytest

import bialign
from bialign import AlignOptions, OptionError, Signature
from bialign.aligner import prepare

AR = ["قال الوزير إن الاقتصاد ينمو.", "وصل الشيباني إلى بكين يوم الاثنين."]
EN = ["The minister said the economy grows.", "Al-Shaibani arrived in Beijing on Monday."]


class TestAlignOptions:
    def test_checked_when_made(self) -> None:
        with pytest.raises(OptionError) as err:
            AlignOptions(roles="off")  # type: ignore[arg-type]
        assert err.value.option == "roles"
        with pytest.raises(OptionError):
            AlignOptions(embedding=False)  # nothing left to compare with

    def test_frozen_and_defaults(self) -> None:
        o = AlignOptions()
        assert o.use_embedding and o.names and o.roles
        with pytest.raises(dataclasses.FrozenInstanceError):
            o.names = False  # type: ignore[misc]

    def test_prepare_takes_the_options(self) -> None:
        ctx = prepare(AR, EN, AlignOptions(names=False))
        assert ctx.names is None and ctx.options.names is False
        with pytest.raises(OptionError):
            prepare(AR, EN, {"names": False})  # type: ignore[arg-type]

    def test_align_keywords_are_the_options(self) -> None:
        fields = {f.name for f in dataclasses.fields(AlignOptions)}
        import inspect

        keywords = {
            n
            for n, p in inspect.signature(bialign.align).parameters.items()
            if p.kind is p.KEYWORD_ONLY
        }
        assert keywords == fields


class TestSignature:
    def test_round_trip(self) -> None:
        res = bialign.align(AR, EN, anchors=False)
        sig = Signature.parse(res.signature)
        assert str(sig) == res.signature
        assert sig.encoder == "use-multilingual-v3" and sig.anchors is False and sig.names
        assert sig.weights == bialign.load_weights().version
        assert sig.version == bialign.__version__

    def test_differences_are_fields(self) -> None:
        a = Signature.parse(bialign.align(AR, EN).signature)
        b = Signature.parse(bialign.align(AR, EN, roles=False).signature)
        differ = {f.name for f in dataclasses.fields(a) if getattr(a, f.name) != getattr(b, f.name)}
        assert differ == {"roles"}

    def test_not_a_signature(self) -> None:
        with pytest.raises(ValueError):
            Signature.parse("vecalign|sim:x")


class TestWeightsFile:
    def test_every_field_is_read_by_its_type(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from bialign.weights import _READ_BY_TYPE

        w = bialign.load_weights()
        assert all(str(f.type) in _READ_BY_TYPE for f in dataclasses.fields(w))
        path = tmp_path / "w.json"
        changed = dataclasses.replace(w, max_fill=7, note="edited", calibration=(1.5, -0.2))
        path.write_text(changed.to_json(), encoding="utf-8")
        assert bialign.load_weights(path) == changed

    def test_knn_background_none_or_two_unit_numbers(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        w = bialign.load_weights()
        assert w.knn_background is not None  # measured by benchmarks/margin_background.py
        for bg in (None, (0.3, 0.25)):
            path = tmp_path / "w.json"
            path.write_text(dataclasses.replace(w, knn_background=bg).to_json(), encoding="utf-8")
            assert bialign.load_weights(path).knn_background == bg
        for bad in ((0.3,), (0.3, 1.5), (float("nan"), 0.2), "0.3"):
            with pytest.raises(bialign.OptionError, match="knn_background"):
                dataclasses.replace(w, knn_background=bad)  # type: ignore[arg-type]

    def test_a_missing_optional_field_takes_the_dataclass_default(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        import json

        data = json.loads(bialign.load_weights().to_json())
        del data["max_fill"]
        path = tmp_path / "w.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        default = next(
            f.default for f in dataclasses.fields(bialign.Weights) if f.name == "max_fill"
        )
        assert bialign.load_weights(path).max_fill == default


class TestScoredPair:
    """The public way in for fitting: prepare() → ScoredPair → design_matrix / reweight / run."""

    def test_design_matrix_is_the_models_input(self) -> None:
        import numpy as np

        from bialign.aligner import FEATURES, ScoredPair

        sp = prepare(AR, EN)
        assert isinstance(sp, ScoredPair)
        d = sp.design_matrix()
        assert d.features.shape == (len(d.arabic), len(FEATURES)) and len(d.english) == len(
            d.arabic
        )
        # 1-1, 2-1 and 1-2 candidates of 2 x 2 sentences: 4 + 2 + 2.
        assert len(d.arabic) == 8 and ((0, 1), (0,)) in set(zip(d.arabic, d.english, strict=True))
        w = sp.weights
        columns = {f: d.features[:, k] for k, f in enumerate(FEATURES)}
        assert np.allclose(w.predict(columns), d.probability, atol=1e-5)
        sp.reweight(dataclasses.replace(w, intercept=w.intercept - 5.0))
        lower = sp.design_matrix().probability
        assert (lower < d.probability).all()

    def test_align_drops_the_features(self) -> None:
        sp = prepare(AR, EN, keep_features=False)
        with pytest.raises(OptionError):
            sp.design_matrix()
