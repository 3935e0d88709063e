"""Tests of `bialign.differences` and its exports, on the Anadolu seed pair and the
Al Jazeera pair (the second through oracle links built from its hand alignment)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

import bialign
from bialign.differences import (
    KINDS,
    Differences,
    differences,
    is_attribution,
    split_clauses,
)
from bialign.errors import BialignError, InputTypeError, OptionError
from bialign.export import JSON_SCHEMA, to_differences_csv
from tests._benchmarks import load_benchmark

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
GOLD = json.loads((DATA / "seed_differences_gold.json").read_text("utf-8"))
# Each differences gold file, with the hand sentence alignment its clauses are inside.
GOLD_FILES = {
    "seed_differences_gold.json": "anadolu_seed_gold.json",
    "aljazeera_differences_gold.json": "aljazeera_seed_gold.json",
}


@pytest.fixture(scope="module")
def res() -> bialign.Alignment:
    ar = (ROOT / "seeds" / "002_f2c150e3c700ff1f.txt").read_text(encoding="utf-8")
    en = (ROOT / "seeds" / "000_9b6c93be4bbc7b4e.txt").read_text(encoding="utf-8")
    return bialign.align(ar, en)


@pytest.fixture(scope="module")
def diff(res: bialign.Alignment) -> Differences:
    return res.differences


@pytest.fixture(scope="module")
def bench():  # type: ignore[no-untyped-def]
    return load_benchmark("bench_differences")


@pytest.fixture(scope="module")
def aj_res() -> bialign.Alignment:
    ar = (ROOT / "seeds" / "002_f2c150e3c700ff1f.txt").read_text(encoding="utf-8")
    en = (ROOT / "seeds" / "001_99910efe81c56d20.txt").read_text(encoding="utf-8")
    return bialign.align(ar, en)


@pytest.fixture(scope="module", params=["seed aligner", "seed oracle", "aljazeera oracle"])
def case(request, res, aj_res, bench):  # type: ignore[no-untyped-def]
    """An alignment and its differences: the aligner's links, or the hand links."""
    if request.param == "seed aligner":
        return res, res.differences
    if request.param == "seed oracle":
        al = bench.oracle_alignment(res, DATA / "anadolu_seed_gold.json")
    else:
        al = bench.oracle_alignment(aj_res, DATA / "aljazeera_seed_gold.json")
    return al, differences(al)


def _clauses(text: str, lang: str) -> list[str]:
    """The clauses `split_clauses` finds in ``text``, as text."""
    return [text[s:e] for s, e in split_clauses(text, lang)]


def _texts(items, kind):  # type: ignore[no-untyped-def]
    return {i.text for i in items if i.kind == kind}


class TestPropertiesEveryCase:
    """Properties that hold whatever the links: on the aligner's and on hand links."""

    def test_offsets_slice_back(self, case):
        al, diff = case
        for item in diff.items():
            art = al.arabic if item.lang == "ar" else al.english
            assert art.text[item.start : item.end] == item.text
            for s, e in item.spans:
                assert art.text[s:e].strip()
        for sh in diff.shared:
            assert al.arabic.text[sh.arabic_start : sh.arabic_end] == sh.arabic
            assert al.english.text[sh.english_start : sh.english_end] == sh.english

    def test_nothing_shared_is_one_sided(self, case):
        _, diff = case
        ar = [(s.arabic_start, s.arabic_end) for s in diff.shared]
        en = [(s.english_start, s.english_end) for s in diff.shared]
        for items, spans in ((diff.arabic_only, ar), (diff.english_only, en)):
            for i in items:
                if i.kind in ("name", "number", "date"):
                    for a, b in i.spans:
                        assert not any(a < e and s < b for s, e in spans), i

    def test_clauses_inside_a_linked_segment_of_their_link(self, case):
        """A clause belongs to a link (``pair``) or, in a partly shared one-sided sentence, to
        its partner (``partner``), never both."""
        al, diff = case
        clauses = diff.items("clause")
        assert clauses
        for c in clauses:
            art = al.arabic if c.lang == "ar" else al.english
            if c.pair is None:
                assert c.partner is not None
                linked = {i for p in al.pairs for i in (p.arabic if c.lang == "ar" else p.english)}
                other = al.english if c.lang == "ar" else al.arabic
                assert c.segment not in linked
                # inside a passage item of its side
                passages = [
                    i for i in diff.items("passage") if i.lang == c.lang and i.start <= c.start
                ]
                assert any(c.end <= p.end for p in passages)
                assert 0 <= c.partner < len(other.segments)
                assert other.segments[c.partner].role == "body"
            else:
                assert c.partner is None
                pair = al.pairs[c.pair]
                assert c.segment in (pair.arabic if c.lang == "ar" else pair.english)
            seg = art.segments[c.segment]
            assert seg.start <= c.start < c.end <= seg.end
            assert c.score is not None and 0.0 <= c.score < diff.clause_threshold
            assert not is_attribution(c.text, c.lang)


class TestGoldFiles:
    @pytest.mark.parametrize("name", sorted(GOLD_FILES))
    def test_spans_slice_back(self, name):
        gold = json.loads((DATA / name).read_text("utf-8"))
        ar = (ROOT / gold["arabic_file"]).read_text(encoding="utf-8")
        en = (ROOT / gold["english_file"]).read_text(encoding="utf-8")
        for side, text in (("arabic_only", ar), ("english_only", en)):
            assert gold[side]
            for item in gold[side]:
                assert item["kind"] in KINDS
                assert text[slice(*item["span"])] == item["text"], item
                for s, e in item.get("mentions", []):
                    assert text[s:e].strip() and not text[s - 1 : s].isalpha(), item
        for sh in gold["shared"]:
            assert ar[slice(*sh["arabic_span"])] == sh["arabic"], sh
            assert en[slice(*sh["english_span"])] == sh["english"], sh

    @pytest.mark.parametrize("name", sorted(GOLD_FILES))
    def test_gold_clauses_inside_hand_links(self, name):
        gold = json.loads((DATA / name).read_text("utf-8"))
        links = json.loads((DATA / GOLD_FILES[name]).read_text("utf-8"))
        for side, lang, key in (("arabic_only", "ar", "arabic"), ("english_only", "en", "english")):
            text = (ROOT / gold[f"{key}_file"]).read_text(encoding="utf-8")
            linked = {int(x[lang]) for x in links["links"]}
            # the hand file's sentences are the text's lines split further: find each one
            where, pos = [], 0
            for sent in links[key]:
                k = text.index(sent["text"], pos)
                where.append((k, k + len(sent["text"])))
                pos = k + len(sent["text"])
            for item in gold[side]:
                if item["kind"] != "clause":
                    continue
                s, e = item["span"]
                inside = [i for i, (a, b) in enumerate(where) if a <= s and e <= b]
                assert inside and inside[0] in linked, item

    @pytest.mark.parametrize("name", sorted(GOLD_FILES))
    def test_no_item_both_shared_and_one_sided(self, name):
        gold = json.loads((DATA / name).read_text("utf-8"))
        for side, key in (("arabic_only", "arabic_span"), ("english_only", "english_span")):
            shared = [tuple(sh[key]) for sh in gold["shared"]]
            for item in gold[side]:
                if item["kind"] not in ("name", "number", "date"):
                    continue
                s, e = item["span"]
                assert not any(s < b and a < e for a, b in shared), item


class TestOracleAndBench:
    def test_oracle_links_are_the_hand_components(self, res, bench):
        al = bench.oracle_alignment(res, DATA / "anadolu_seed_gold.json")
        assert ((7, 8, 10, 11, 12), (6, 7, 9)) in [(p.arabic, p.english) for p in al.pairs]
        linked = {i for p in al.pairs for i in p.arabic}
        assert linked.isdisjoint(s.index for s in al.arabic_only)
        assert {s.index for s in al.arabic_only} == {2, 18, 19, 22, 23}

    def test_seed_oracle_clause_f1(self, res, bench):
        """The clause step on the hand links of the tuning pair (regression floor)."""
        gold = GOLD
        al = bench.oracle_alignment(res, DATA / "anadolu_seed_gold.json")
        p, r, f = bench.clause_prf(al, differences(al), gold, differences(al).clause_threshold)
        assert f >= 0.7, (p, r, f)

    def test_entity_scoring_reads_mentions(self, bench):
        from bialign.differences import DifferenceItem

        pred = [DifferenceItem("name", "Moscow", "en", 50, 56, 3, spans=((50, 56),))]
        gold = [{"kind": "name", "span": [10, 16], "mentions": [[50, 56]]}]
        got = bench.entity_scores(pred, gold)
        assert got == {"tp_pred": 1, "pred": 1, "tp_gold": 1, "gold": 1}


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
        clauses = [c for c in diff.items("clause") if c.pair is not None]
        assert clauses
        for c in clauses:
            pair = res.pairs[c.pair]
            assert c.segment in (pair.arabic if c.lang == "ar" else pair.english)
            assert c.score is not None and c.score < diff.clause_threshold

    def test_partly_shared_one_sided_sentences(self, res, diff):
        """Arabic 15 (one-sided) renders English 15 in part: its two clauses about China's
        sovereignty and reunification are what it adds; English 22 (one-sided) shares the
        new administration's outreach with Arabic 24 and adds the sanctions and the
        rebuilding, and so Arabic 24 is partly shared with English 22 too: it adds the date
        of Assad's ouster. The passages stay whole."""
        partial = {(c.lang, c.segment, c.partner) for c in diff.items("clause") if c.pair is None}
        assert partial == {("ar", 15, 15), ("ar", 24, 22), ("en", 22, 24)}
        ar24 = [c.text for c in diff.arabic_only if c.kind == "clause" and c.segment == 24]
        assert any("ديسمبر" in t for t in ar24)
        en22 = [c.text for c in diff.english_only if c.kind == "clause" and c.segment == 22]
        assert any("sanctions" in t for t in en22) and any("rebuild" in t for t in en22)
        assert not any("expand cooperation" in t for t in en22)  # the shared part
        passages = [i for i in diff.english_only if i.kind == "passage"]
        assert any(p.start <= res.english.segments[22].start < p.end for p in passages)
        # Without the clause step, none.
        assert not differences(res, clauses=False).items("clause")

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

    def test_one_item_per_name(self, res):
        """Spelling variants and a part of one longer name are one item, which is its first
        mention; a dateline's Latin "Istanbul" joins إسطنبول (seed 002 against another story)."""
        other = (ROOT / "seeds" / "003_360714d64b266035.txt").read_text(encoding="utf-8")
        res = bialign.align(res.arabic, other)
        en = [i for i in res.differences.english_only if i.kind == "name"]
        mekdad = [i for i in en if "ekdad" in i.text]
        assert len(mekdad) == 1 and mekdad[0].count >= 3, mekdad
        assert {res.english.text[s:e] for s, e in mekdad[0].spans} >= {"Faysal Mekdad", "Mekdad"}
        ar = [i for i in res.differences.arabic_only if i.kind == "name"]

        def holding(text: str) -> list:
            return [i for i in ar if text in {res.arabic.text[s:e] for s, e in i.spans}]

        assert len(holding("بشار الأسد")) == 1 and holding("بشار الأسد") == holding("بشار")
        assert len(holding("إسطنبول")) == 1 and holding("إسطنبول") == holding("Istanbul")
        for item in res.differences.items("name"):
            art = res.arabic if item.lang == "ar" else res.english
            # The item is its first mention; every mention is a name of that item.
            assert item.spans[0] == (item.start, item.end)
            assert item.spans == tuple(sorted(item.spans)) and item.count == len(item.spans)
            assert art.text[item.start : item.end] == item.text

    def test_different_people_stay_apart(self):
        """Names that only look alike once vowels go (Hassan / Hussein, Amir / Omar), and two
        people sharing a surname, are not one item; a bare surname both share stays apart."""
        res = bialign.align(
            ["قال الوزير إن المحادثات كانت بناءة."],
            [
                "The minister said the talks, attended by Ali Hassan, Ali Hussein, Emir Tamim, "
                "Omar Lopez and Maria Lopez, were constructive, and Lopez agreed."
            ],
        )
        names = sorted(i.text for i in res.differences.english_only if i.kind == "name")
        assert {"Ali Hassan", "Ali Hussein", "Emir Tamim", "Omar Lopez", "Maria Lopez"} <= set(
            names
        )
        assert "Lopez" in names

    def test_shared_names_once_each(self, diff):
        """بشار الأسد = Bashar al-Assad, not also its parts; al-Shaibani inside Asaad
        al-Shaibani."""
        names = [(s.arabic, s.english) for s in diff.shared if s.kind == "name"]
        assert ("بشار الأسد", "Bashar al-Assad") in names
        assert not {("بشار", "Bashar"), ("الأسد", "al-Assad")} & set(names)
        assert [e for _, e in names].count("al-Shaibani") == 0
        for a in diff.shared:
            for b in diff.shared:
                if a is not b and a.kind == b.kind == "name":
                    assert not (
                        b.english_start <= a.english_start and a.english_end <= b.english_end
                    )

    def test_a_wrong_match_leaves_its_name_one_sided(self):
        """بشار الأسد found only on the "Assad" of Assad al-Shaibani is not shared: it is a
        name only the Arabic gives."""
        res = bialign.align(
            ["التقى أسعد الشيباني نظيره في بكين.", "وكان بشار الأسد قد زار الصين."],
            ["Assad al-Shaibani met his counterpart in Beijing.", "He visited China."],
        )
        assert "بشار الأسد" in _texts(res.differences.arabic_only, "name")
        assert not any(s.arabic == "الأسد" for s in res.differences.shared)

    def test_no_shared_name_inside_another_persons(self, aj_res):
        """Al Jazeera's first "Assad" is Assad al-Shaibani's given name, not al-Assad."""
        res = aj_res
        pairs = {(s.arabic, s.english) for s in res.differences.shared if s.kind == "name"}
        assert ("الأسد", "Assad") not in pairs and ("بشار الأسد", "Bashar al-Assad") in pairs

    def test_transliteration_variants_shared(self, diff):
        assert not any("الشيباني" in i.text for i in diff.arabic_only if i.kind == "name")
        assert not any("Shaibani" in i.text for i in diff.english_only if i.kind == "name")
        assert any("Shaibani" in s.english for s in diff.shared)

    def test_nationality_adjectives_not_names(self, diff):
        names = _texts(diff.items(), "name")
        assert not names & {"Syrian", "Chinese", "السورية", "الصينية", "السوري", "الصيني"}

    def test_adjectives_of_countries_the_other_never_names_are_not_names(self):
        """ "Russian" and "Iranian" with no Russia or Iran in the Arabic: still adjectives, not
        names of their own; a people without a state ("Uyghur") and a country named in its
        own right ("the US") are names."""
        res = bialign.align(
            ["قال وزير الخارجية السوري أسعد الشيباني إن المحادثات كانت بناءة."],
            [
                "Syria's foreign minister Asaad al-Shaibani said the talks were constructive. "
                "The Russian and Iranian envoys were not invited, and the fate of Uyghur "
                "fighters and the US-led coalition were not discussed."
            ],
        )
        names = _texts(res.differences.english_only, "name")
        assert not names & {"Russian", "Iranian", "Syrian"}
        assert {"Uyghur", "US"} <= names

    def test_common_words_in_capitals_are_not_names(self):
        """A common word opening a sentence, a table's header cells and a title-case heading
        are not names; a rare name opening a sentence is."""
        ar = bialign.read_article("قال فيصل المقداد إن الأسعار ارتفعت.", lang="ar")
        en = bialign.read_article(
            "Strategic Implications\n\nPrices rose, Mekdad said. Experts disagree with Mekdad."
            "\n\n| Focus Area | Expected Outcome |\n\nObservers say prices may fall.",
            lang="en",
        )
        names = _texts(bialign.align(ar, en).differences.english_only, "name")
        assert not names & {"Prices", "Experts", "Focus Area", "Expected Outcome"}
        assert not names & {"Strategic Implications"}
        assert _texts(
            bialign.align(["قال الوزير."], ["Mekdad said it."]).differences.english_only, "name"
        ) == {"Mekdad"}

    def test_names_in_ordinary_sentences_stay_names(self):
        """A sentence with many capitals is no heading; a surname that is also a word (Rice)
        is a name when the article capitalises it inside a sentence too."""
        res = bialign.align(
            ["قال الوزير."],
            [
                "UN envoy Mark Brown met Asaad al-Shaibani in Damascus. Rice said talks "
                "failed, and Condoleezza Rice left."
            ],
        )
        names = _texts(res.differences.english_only, "name")
        assert {"Mark Brown", "Rice"} <= names

    def test_arabic_decimal_and_percent_signs_are_one_number(self):
        res = bialign.align(
            ["ارتفعت الأسعار بنسبة ٣٫٥٪ في عام ٢٠٢٤ وبلغ الدين ١٬٠٠٠ مليار."],
            ["Prices rose 3.5% in 2024 and the debt reached 1,000 billion."],
        )
        shared = {s.arabic: s.english for s in res.differences.shared if s.kind == "number"}
        assert shared == {"٣٫٥٪": "3.5%", "١٬٠٠٠ مليار": "1,000 billion"}

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
        assert _clauses(text, "en") == [
            "Syria and China agreed to deepen ties",
            "adding that the talks went very well",
        ]

    def test_arabic_comma(self):
        text = "اتفقت سوريا والصين على تعزيز التعاون، وشددتا على ضرورة مراعاة مصالح البلدين"
        assert _clauses(text, "ar") == [
            "اتفقت سوريا والصين على تعزيز التعاون",
            "وشددتا على ضرورة مراعاة مصالح البلدين",
        ]

    def test_bad_lang(self):
        with pytest.raises(OptionError):
            split_clauses("x", "fr")
        with pytest.raises(OptionError):
            is_attribution("he said", "fr")

    def test_not_a_string(self):
        with pytest.raises(InputTypeError):
            split_clauses(b"text", "en")  # type: ignore[arg-type]
        with pytest.raises(InputTypeError):
            is_attribution(None, "ar")  # type: ignore[arg-type]

    def test_opening_quote_stays_with_its_introduction(self):
        text = "He voiced Syria’s “categorical opposition to any forces meddling in China”"
        assert _clauses(text, "en") == [
            "He voiced Syria’s “categorical opposition to any forces meddling in China"
        ]
        text = 'وأكد الشيباني "التزامه الثابت بمبدأ الصين الواحدة في كل الظروف"'
        assert len(split_clauses(text, "ar")) == 1

    def test_closing_quote_splits(self):
        text = (
            "Syria “will not be a source of threat to anyone in the region” "
            "and it will keep talking to its partners in the region"
        )
        assert _clauses(text, "en") == [
            "Syria “will not be a source of threat to anyone in the region",
            "and it will keep talking to its partners in the region",
        ]
        # straight quotes alternate: the second one closes
        text = (
            'وشدد الجانبان على "أهمية علاقات الصداقة التاريخية بين البلدين" '
            "ثم بحثا التعاون في مجالات الاقتصاد"
        )
        assert _clauses(text, "ar") == [
            'وشدد الجانبان على "أهمية علاقات الصداقة التاريخية بين البلدين',
            "ثم بحثا التعاون في مجالات الاقتصاد",
        ]

    def test_attributions_are_not_clauses(self):
        text = "Syria will not allow any entities to use its territory against China, he said"
        assert _clauses(text, "en") == [
            "Syria will not allow any entities to use its territory against China"
        ]
        text = "According to the statement, the two ministers held constructive bilateral talks"
        assert _clauses(text, "en") == ["the two ministers held constructive bilateral talks"]
        text = 'كما أعربا عن "حرصهما على البحث في التعاون في مجالات الاقتصاد والتنمية"، وفق المصدر.'
        got = _clauses(text, "ar")
        assert got == ['كما أعربا عن "حرصهما على البحث في التعاون في مجالات الاقتصاد والتنمية']

    @pytest.mark.parametrize(
        ("text", "lang", "expected"),
        [
            ("he said", "en", True),
            ("SANA reported", "en", True),
            ("according to Syrian state news agency SANA", "en", True),
            ("according to the statement, China reaffirmed its full respect", "en", False),
            ("Syria said it would not allow attacks", "en", False),
            ("وفق المصدر", "ar", True),
            ("وفق ذات المصدر", "ar", True),
            ("بحسب البيان", "ar", True),
            ("وتعهد الشيباني بأن سوريا لن تكون مصدر تهديد", "ar", False),
        ],
    )
    def test_is_attribution(self, text, lang, expected):
        assert is_attribution(text, lang) is expected


class TestClauseScore:
    """The score says how well the other side of a link renders a clause."""

    def test_rendered_clause_scores_above_added_one(self):
        from bialign.aligner import _Signals
        from bialign.differences import CLAUSE_THRESHOLD, _rendered

        ar = [
            "اتفقت سوريا والصين على تعزيز التعاون في مجالات الأمن ومكافحة الإرهاب",
            "ومواصلة التشاور في المحافل الدولية",
        ]
        en = ["Syria and China agreed to deepen cooperation on security and counter-terrorism"]
        texts = [*ar, *en, " ".join(ar)]
        scorer = _Signals.embedding()
        encoded = dict(zip(texts, scorer.encode(texts), strict=True))  # type: ignore[attr-defined]
        rendered, added = _rendered(ar, en, en[0], encoded)
        assert rendered >= CLAUSE_THRESHOLD > added
        # and the other way round: the English clause is rendered by the Arabic text
        (back,) = _rendered(en, ar, " ".join(ar), encoded)
        assert back >= CLAUSE_THRESHOLD

    def test_scores_against_many_sentences_at_once(self, res):
        """`_rendered_by_each` gives, for each other sentence, what `_rendered` gives for it
        alone (partly shared sentences meet up to 20 candidates), a sentence without
        content words included."""
        from bialign.aligner import _Signals
        from bialign.differences import _rendered, _rendered_by_each

        seg = res.arabic.segments[15]
        clauses = [seg.text[s:e] for s, e in split_clauses(seg.text, "ar")]
        others = []
        for o in [*res.english.segments[6:22], "«...»"]:
            text = o if isinstance(o, str) else o.text
            others.append(([text[s:e] for s, e in split_clauses(text, "en")] or [text], text))
        texts = sorted({*clauses, *(t for parts, text in others for t in (*parts, text))})
        scorer = _Signals.embedding()
        encoded = dict(zip(texts, scorer.encode(texts), strict=True))  # type: ignore[attr-defined]
        many = _rendered_by_each(clauses, others, encoded)
        one = np.stack([_rendered(clauses, parts, text, encoded) for parts, text in others])
        assert many.shape == (len(others), len(clauses))
        assert np.allclose(many, one, atol=1e-6)


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


class TestChecks:
    def test_clauses_must_be_a_flag(self, res):
        with pytest.raises(bialign.OptionError, match="clauses"):
            differences(res, clauses="no")

    def test_unknown_kind(self, diff):
        with pytest.raises(bialign.UnknownNameError, match="name") as info:
            diff.items("names")
        assert "name" in info.value.choices and "clause" in info.value.choices


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
        # The verdict comes first, then the panel; a passage names its first and last segment.
        assert page.index('class="document"') < page.index('id="differences"')
        passages = [p for p in res.english_passages if len(p.segments) > 1]
        first, last = passages[0].segments[0].index, passages[0].segments[-1].index
        assert f">en {first}–{last}</a>)" in page
        assert re.search(r"best match 0\.\d{3}\)", page)
        assert "Only in Arabic" in page and "Shared names, numbers and dates" in page
        assert '<span class="extra"' in page
        assert 'dir="auto"' in page
        assert "حسين السلامة" in page
        # The clauses partly shared one-sided sentences add, marked in their own rows.
        assert page.count("Arabic 24 renders the rest") == 2
        assert page.count("English 15 renders the rest") == 2
        row = re.search(r'<tr[^>]*id="en-22".*?</tr>', page, re.S)
        assert row is not None and '<span class="extra"' in row.group(0)

    def test_csv(self, res, diff, tmp_path):
        text = to_differences_csv(res)
        rows = list(csv.DictReader(io.StringIO(text)))
        one_sided = [r for r in rows if r["side"].startswith("only_")]
        assert len(one_sided) == len(diff.items())
        for r, item in zip(one_sided, diff.items(), strict=True):
            art = res.arabic if r["side"] == "only_arabic" else res.english
            assert art.text[int(r["start"]) : int(r["end"])] == r["text"]
            assert r["partner"] == ("" if item.partner is None else str(item.partner))
        assert any(r["partner"] for r in one_sided)
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
