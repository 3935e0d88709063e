"""Tests of `bialign.differences` and its exports, on the Anadolu seed pair."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import bialign
from bialign.differences import KINDS, Differences, differences, split_clauses
from bialign.errors import BialignError, InputTypeError, OptionError
from bialign.export import JSON_SCHEMA, to_differences_csv

ROOT = Path(__file__).resolve().parents[1]
GOLD = json.loads((ROOT / "tests" / "data" / "seed_differences_gold.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def res() -> bialign.Alignment:
    ar = (ROOT / "seeds" / "002_f2c150e3c700ff1f.txt").read_text(encoding="utf-8")
    en = (ROOT / "seeds" / "000_9b6c93be4bbc7b4e.txt").read_text(encoding="utf-8")
    return bialign.align(ar, en)


@pytest.fixture(scope="module")
def diff(res: bialign.Alignment) -> Differences:
    return res.differences


def _texts(items, kind):  # type: ignore[no-untyped-def]
    return {i.text for i in items if i.kind == kind}


class TestProperties:
    def test_offsets_slice_back(self, res, diff):
        for item in diff.items():
            art = res.arabic if item.lang == "ar" else res.english
            assert art.text[item.start : item.end] == item.text
            assert item.spans[0] == (item.start, item.end)
            seg = art.segments[item.segment]
            assert seg.start <= item.start < item.end <= seg.end or item.kind == "passage"
        for sh in diff.shared:
            assert res.arabic.text[sh.arabic_start : sh.arabic_end] == sh.arabic
            assert res.english.text[sh.english_start : sh.english_end] == sh.english

    def test_kinds_and_sides(self, diff):
        assert {i.kind for i in diff.items()} <= set(KINDS)
        assert all(i.lang == "ar" for i in diff.arabic_only)
        assert all(i.lang == "en" for i in diff.english_only)
        assert {s.kind for s in diff.shared} <= {"name", "number", "date"}

    def test_nothing_shared_is_one_sided(self, diff):
        ar = [(s.arabic_start, s.arabic_end) for s in diff.shared]
        en = [(s.english_start, s.english_end) for s in diff.shared]
        for items, spans in ((diff.arabic_only, ar), (diff.english_only, en)):
            for i in items:
                if i.kind in ("name", "number", "date"):
                    for a, b in i.spans:
                        assert not any(a < e and s < b for s, e in spans), i

    def test_clauses_point_at_their_link(self, res, diff):
        clauses = diff.items("clause")
        assert clauses
        for c in clauses:
            pair = res.pairs[c.pair]
            assert c.segment in (pair.arabic if c.lang == "ar" else pair.english)
            assert c.score is not None and c.score < diff.clause_threshold

    def test_passages_are_the_one_sided_passages(self, res, diff):
        assert len(diff.items("passage")) == len(res.arabic_passages) + len(res.english_passages)

    def test_cached(self, res, diff):
        assert res.differences is diff


class TestSeedExamples:
    def test_arabic_only_names(self, diff):
        names = _texts(diff.arabic_only, "name")
        assert "حسين السلامة" in names
        assert "تشين وين تشينغ" in names

    def test_english_only_names(self, diff):
        names = _texts(diff.english_only, "name")
        assert {"Xi Jinping", "Golan Heights", "Israel", "Uyghur"} <= names

    def test_repeated_mentions_grouped(self, diff):
        damascus = [i for i in diff.english_only if i.text == "Damascus"]
        assert len(damascus) == 1 and damascus[0].count == 2

    def test_transliteration_variants_shared(self, diff):
        assert not any("الشيباني" in i.text for i in diff.arabic_only if i.kind == "name")
        assert not any("Shaibani" in i.text for i in diff.english_only if i.kind == "name")
        assert any("Shaibani" in s.english for s in diff.shared)

    def test_nationality_adjectives_not_names(self, diff):
        names = _texts(diff.items(), "name")
        assert not names & {"Syrian", "Chinese", "السورية", "الصينية", "السوري", "الصيني"}

    def test_dates_and_numbers(self, diff):
        assert any("2023" in i.text for i in diff.arabic_only if i.kind == "date")
        assert "13" in _texts(diff.english_only, "number")
        assert "January" in _texts(diff.english_only, "date")
        assert any(s.arabic == "17.11.2025" for s in diff.shared)

    def test_arabic_7_extra_clause(self, diff):
        texts = " ".join(_texts(diff.arabic_only, "clause"))
        assert "وشددتا على ضرورة مراعاة مصالح البلدين" in texts

    def test_gold_offsets_are_valid(self, res):
        for side, art in (("arabic_only", res.arabic), ("english_only", res.english)):
            for item in GOLD[side]:
                assert art.text[slice(*item["span"])] == item["text"]


class TestSplitClauses:
    def test_english_cues_and_short_fragments(self):
        text = "Syria and China agreed to deepen ties, adding that the talks went very well"
        got = [text[s:e] for s, e in split_clauses(text, "en")]
        assert got == [
            "Syria and China agreed to deepen ties",
            "adding that the talks went very well",
        ]

    def test_arabic_comma(self):
        text = "اتفقت سوريا والصين على تعزيز التعاون، وشددتا على ضرورة مراعاة مصالح البلدين"
        got = [text[s:e] for s, e in split_clauses(text, "ar")]
        assert got == [
            "اتفقت سوريا والصين على تعزيز التعاون",
            "وشددتا على ضرورة مراعاة مصالح البلدين",
        ]

    def test_bad_lang(self):
        with pytest.raises(OptionError):
            split_clauses("x", "fr")


class TestNamesWayIn:
    def test_no_private_names_helpers_and_nothing_from_export(self):
        """differences reads names through `bialign.names.mentions`, not private helpers."""
        import ast

        tree = ast.parse((ROOT / "bialign" / "differences.py").read_text(encoding="utf-8"))
        imported = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        from_names = [n for n in imported if (n.module or "").startswith("names")]
        assert {n.module for n in from_names} == {"names", "names.mentions"}
        assert not [a.name for n in from_names for a in n.names if a.name.startswith("_")]
        assert not [n for n in imported if n.module == "export"]


class TestErrors:
    def test_not_an_alignment(self):
        with pytest.raises(InputTypeError) as info:
            differences("text")  # type: ignore[arg-type]
        assert isinstance(info.value, BialignError)

    @pytest.mark.parametrize("bad", [-0.1, 1.5, "0.3", True, float("nan")])
    def test_bad_threshold(self, res, bad):
        with pytest.raises(OptionError):
            differences(res, clause_threshold=bad, clauses=False)

    def test_no_clauses(self, res):
        assert not differences(res, clauses=False).items("clause")


class TestExport:
    def test_json(self, res, diff):
        data = json.loads(res.to_json())
        assert data["differences"] == json.loads(json.dumps(diff.to_dict()))
        assert "differences" in JSON_SCHEMA["properties"]
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.validate(data, JSON_SCHEMA)
        assert bialign.load_json(res.to_json()).pairs == res.pairs

    def test_html(self, res):
        page = res.to_html()
        assert page.index('id="differences"') < page.index('class="alignment"')
        assert "Only in Arabic" in page and "Shared names, numbers and dates" in page
        assert '<span class="extra"' in page
        assert 'dir="auto"' in page
        assert "حسين السلامة" in page

    def test_csv(self, res, diff, tmp_path):
        text = to_differences_csv(res)
        rows = list(csv.DictReader(io.StringIO(text)))
        one_sided = [r for r in rows if r["side"].startswith("only_")]
        assert len(one_sided) == len(diff.items())
        for r in one_sided:
            art = res.arabic if r["side"] == "only_arabic" else res.english
            assert art.text[int(r["start"]) : int(r["end"])] == r["text"]
        assert {r["kind"] for r in rows} <= set(KINDS)
        path = tmp_path / "diff.csv"
        to_differences_csv(res, path)
        pd = pytest.importorskip("pandas")
        frame = pd.read_csv(path)
        assert list(frame.columns)[:7] == [
            "side",
            "kind",
            "text",
            "start",
            "end",
            "segment",
            "pair",
        ]
        assert len(frame) == len(rows)
