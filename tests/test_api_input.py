"""The public API as a new user meets it: every public name imports in any order, options and
weights are checked before any work, and files can be passed as paths."""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import bialign
from bialign import (
    FunctionTranslator,
    InputTypeError,
    OptionError,
    ResourceError,
    Weights,
    load_weights,
)

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]

AR = ["قال الوزير.", "وصل الوفد إلى دمشق."]
EN = ["The minister said.", "The delegation arrived in Damascus."]
TABLE = dict(zip(AR, EN, strict=True))


def table_translator() -> FunctionTranslator:
    """A translator that knows the two test sentences (no model, no encoder)."""
    return FunctionTranslator(lambda t: TABLE.get(t, ""), name="table")


def align_cheaply(arabic: object = AR, english: object = EN, **kw: object) -> bialign.Alignment:
    kw.setdefault("translator", table_translator())
    kw.setdefault("embedding", False)
    return bialign.align(arabic, english, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- names


_CALL_ALIGN = (
    "import bialign\n"
    "from bialign import FunctionTranslator\n"
    "t = FunctionTranslator(lambda s: 'The minister said.', name='t')\n"
    "res = bialign.align(['قال الوزير.'], ['The minister said.'], translator=t, "
    "embedding=False)\n"
    "assert len(res.pairs) + len(res.arabic_only) >= 1, res\n"
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


class TestPublicNames:
    def test_no_public_name_is_a_submodule(self) -> None:
        """A submodule named like a public function would shadow it once imported."""
        import pkgutil

        submodules = {m.name for m in pkgutil.iter_modules(bialign.__path__)}
        assert not submodules & set(bialign.__all__)

    def test_every_public_name_resolves_to_what_it_names(self) -> None:
        """Each public function is a function (not a module), in a fresh interpreter."""
        code = (
            "import types, bialign\n"
            "for name in bialign.__all__:\n"
            "    assert not isinstance(getattr(bialign, name), types.ModuleType), name\n"
            + _CALL_ALIGN
        )
        proc = _run(code)
        assert proc.returncode == 0, proc.stderr

    @pytest.mark.parametrize(
        "first",
        ["load_weights", "Weights", "write", "load_json", "segment", "read_article", "NameScorer"],
    )
    def test_align_still_callable_after_importing(self, first: str) -> None:
        """`from bialign import X` first, then `bialign.align(...)`: the bug of issue 12."""
        proc = _run(f"from bialign import {first}\n" + _CALL_ALIGN)
        assert proc.returncode == 0, proc.stderr

    def test_all_orders_of_the_lazy_names(self) -> None:
        """Importing the lazily loaded names in every order of a few leaves them all intact."""
        names = ["align", "load_weights", "write", "segment", "romanize"]
        lines = ["import types, importlib"]
        for order in itertools.permutations(names, 3):
            lines += [
                "import sys",
                "[sys.modules.pop(m) for m in list(sys.modules) if m.startswith('bialign')]",
                "import bialign",
            ]
            lines += [f"getattr(bialign, {n!r})" for n in order]
            lines += [
                f"assert callable(bialign.{n}) and not isinstance(bialign.{n}, types.ModuleType)"
                for n in names
            ]
        proc = _run("\n".join(lines) + "\n" + _CALL_ALIGN)
        assert proc.returncode == 0, proc.stderr

    def test_public_names_are_unique_and_complete(self) -> None:
        assert len(set(bialign.__all__)) == len(bialign.__all__)
        for name in bialign.__all__:
            assert getattr(bialign, name) is not None


# --------------------------------------------------------------------------- options


class TestOptions:
    @pytest.mark.parametrize(
        ("option", "value"),
        [
            ("embedding", "no"),
            ("embedding", 0),
            ("roles", "off"),
            ("roles", None),
            ("names", "no"),
            ("names", 1),
            ("anchors", None),
            ("anchors", "yes"),
        ],
    )
    def test_flags_must_be_booleans(self, option: str, value: object) -> None:
        with pytest.raises(OptionError) as err:
            align_cheaply(**{option: value})
        assert err.value.option == option
        assert option in str(err.value) and "True" in str(err.value)
        assert "\n" not in str(err.value)

    def test_weights_of_another_type(self) -> None:
        with pytest.raises(OptionError, match=r"weights must be a bialign\.Weights"):
            align_cheaply(weights={"link_threshold": 0.5})

    @pytest.mark.parametrize("translator", [42, object(), "  ", b"model", bytearray(b"m")])
    def test_translator_of_another_kind(self, translator: object) -> None:
        with pytest.raises(OptionError) as err:
            align_cheaply(translator=translator)
        assert err.value.option == "translator"

    def test_checked_before_reading_the_input(self) -> None:
        """A bad option is reported even when the input is also bad: no work first."""
        with pytest.raises(OptionError):
            bialign.align(b"bytes", None, roles="off")  # type: ignore[arg-type]

    def test_valid_flags_still_work(self) -> None:
        res = align_cheaply(names=False, anchors=False, roles=False)
        assert "names:no" in res.signature and "roles:off" in res.signature


class TestWeights:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("link_threshold", math.nan),
            ("link_threshold", -0.1),
            ("link_threshold", 1.5),
            ("extend_threshold", math.inf),
            ("gap_threshold", 2.0),
            ("dp_min_coverage", -1.0),
            ("merge_tolerance", math.nan),
            ("knn", 0),
            ("max_merge", 0),
            ("max_merge", 2.5),
            ("max_fill", -1),
            ("intercept", math.nan),
            ("translation_scale", (0.0,)),
            ("translation_scale", (0.0, -1.0)),
            ("version", ""),
        ],
    )
    def test_nonsense_settings_are_refused(self, field: str, value: object) -> None:
        with pytest.raises(OptionError) as err:
            replace(load_weights(), **{field: value})
        assert err.value.option == f"weights.{field}"
        assert "\n" not in str(err.value)

    def test_nan_coefficient(self) -> None:
        w = load_weights()
        with pytest.raises(OptionError, match=r"weights\.coef\[sim\]"):
            replace(w, coef=(math.nan, *w.coef[1:]))

    def test_wrong_number_of_coefficients(self) -> None:
        w = load_weights()
        with pytest.raises(OptionError, match=f"expected a tuple of {len(w.coef)}"):
            replace(w, coef=w.coef[:-1])

    def test_nan_threshold_never_reaches_the_signature(self) -> None:
        """A NaN threshold used to link everything and sign the result `link:nan`."""
        with pytest.raises(OptionError):
            Weights(
                version="x",
                coef=load_weights().coef,
                intercept=0.0,
                link_threshold=math.nan,
                extend_threshold=0.5,
                merge_tolerance=0.1,
            )

    def test_short_coefficient_list_in_a_file(self, tmp_path: Path) -> None:
        data = json.loads(load_weights().to_json())
        data["coef"] = data["coef"][:-2]
        path = tmp_path / "w.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        from bialign.aligner import FEATURES

        n = len(FEATURES)
        with pytest.raises(ResourceError, match=f"{n - 2} coefficients for {n} features"):
            load_weights(path)

    def test_nonsense_value_in_a_file(self, tmp_path: Path) -> None:
        data = json.loads(load_weights().to_json())
        data["link_threshold"] = 7
        path = tmp_path / "w.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(ResourceError, match="link_threshold"):
            load_weights(path)

    def test_missing_field_in_a_file(self, tmp_path: Path) -> None:
        data = json.loads(load_weights().to_json())
        del data["intercept"]
        path = tmp_path / "w.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(ResourceError, match="no field 'intercept'"):
            load_weights(path)

    def test_round_trip(self, tmp_path: Path) -> None:
        w = load_weights()
        path = tmp_path / "w.json"
        path.write_text(w.to_json(), encoding="utf-8")
        assert load_weights(path) == w


# --------------------------------------------------------------------------- paths


class TestPaths:
    def test_paths_are_read_as_files(self, tmp_path: Path) -> None:
        ar, en = tmp_path / "ar.txt", tmp_path / "en.txt"
        ar.write_text("\n\n".join(AR), encoding="utf-8")
        en.write_text("\n\n".join(EN), encoding="utf-8")
        res = align_cheaply(ar, en)
        assert res.arabic.source == str(ar) and res.english.source == str(en)
        assert res.arabic.sentences == tuple(AR)

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(bialign.InputError, match="no such file"):
            align_cheaply(tmp_path / "nope.txt", EN)

    def test_a_str_that_is_a_file_path_is_refused(self, tmp_path: Path) -> None:
        """A str is the text itself: one that names an existing file is a mistake, refused
        before any work with the way to read the file, not aligned as a one-line text."""
        en = tmp_path / "en.txt"
        en.write_text("\n\n".join(EN), encoding="utf-8")
        with pytest.raises(bialign.InputError, match=r"pathlib\.Path\(") as info:
            align_cheaply("\n\n".join(AR), str(en))
        assert str(en) in str(info.value)
        with pytest.raises(bialign.InputError):
            bialign.read_article(str(en))
        with pytest.raises(bialign.InputError, match="folder"):
            bialign.read_article(str(tmp_path))
        # A one-line text that names no file is a text.
        assert bialign.read_article("Syria and China agreed.").sentences == (
            "Syria and China agreed.",
        )

    def test_other_objects_are_refused_with_the_accepted_kinds(self) -> None:
        with pytest.raises(InputTypeError, match=r"pathlib\.Path"):
            align_cheaply(3.5, EN)


def test_coverage_is_a_property() -> None:
    # A third English sentence, about something else, stays one-sided.
    extra = "Wheat prices rose in the markets."
    res = align_cheaply(AR, [*EN, extra])
    assert [s.text for s in res.english_only] == [extra]
    cov = res.coverage
    assert isinstance(cov, dict)
    assert cov["english_segments"] == pytest.approx(2 / 3) and cov["arabic_segments"] == 1.0
    chars = sum(len(t) for t in EN)
    assert cov["english_chars"] == pytest.approx(chars / (chars + len(extra)))


class TestLanguage:
    def test_french_as_english_warns_with_evidence(self) -> None:
        french = [
            "Le ministre est arrivé à Pékin pour des entretiens avec les dirigeants.",
            "Les deux pays ont signé un accord sur la sécurité et la coopération.",
        ]
        with pytest.warns(bialign.LanguageWarning, match="French"):
            align_cheaply(AR, french)

    def test_persian_as_arabic_warns(self) -> None:
        persian = [
            "وزیر امور خارجه سوریه برای گفتگو با همتای چینی خود به پکن رفت.",
            "این دو کشور یک توافق امنیتی را امضا کردند که همکاری را گسترش می‌دهد.",
        ]
        with pytest.warns(bialign.LanguageWarning, match="Persian"):
            align_cheaply(persian, EN)

    def test_real_pair_gives_no_warning(self) -> None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error", bialign.LanguageWarning)
            align_cheaply()


def test_a_subheading_may_link_with_body_text_but_not_with_furniture() -> None:
    """Crossheads are running text: one side's segmenter may not have marked them."""
    ar = bialign.Article.from_sentences(
        ["سوريا والصين", "بكين تتعهد بالمساعدة", "قال الوزير."], roles=["headline", "body", "body"]
    )
    en = bialign.Article.from_sentences(
        ["Syria and China", "Beijing pledges help", "The minister said."],
        roles=["headline", "subheading", "body"],
    )
    table = {
        "سوريا والصين": "Syria and China",
        "بكين تتعهد بالمساعدة": "Beijing pledges help",
        "قال الوزير.": "The minister said.",
    }
    t = FunctionTranslator(lambda s: table.get(s, ""), name="t3")
    res = bialign.align(ar, en, translator=t, embedding=False)
    links = {(p.arabic, p.english) for p in res.pairs}
    assert ((1,), (1,)) in links
    assert not any(0 in p.arabic and 1 in p.english for p in res.pairs)
