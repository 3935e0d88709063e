"""Segmentation: the hand segmentation of the seeds, one test per rule, properties, bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bialign
from bialign import (
    Article,
    EmptyInputError,
    InputTypeError,
    LanguageError,
    ResourceError,
    detect_language,
    load_layout_patterns,
    normalize_arabic,
    read_article,
    segment,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).parent / "data"


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def gold(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


class TestHandSegmentation:
    """The segmenter reproduces the careful hand segmentation, roles and paragraphs included."""

    @pytest.mark.parametrize(
        ("gold_file", "side", "seed_file"),
        [
            ("anadolu_seed_gold.json", "arabic", "002_f2c150e3c700ff1f.txt"),
            ("anadolu_seed_gold.json", "english", "000_9b6c93be4bbc7b4e.txt"),
            ("aljazeera_seed_gold.json", "english", "001_99910efe81c56d20.txt"),
        ],
    )
    def test_matches_hand_segmentation(self, gold_file: str, side: str, seed_file: str) -> None:
        expected = [(s["text"], s["role"], s["paragraph"]) for s in gold(gold_file)[side]]
        art = read_article(seed(seed_file))
        assert [(s.text, s.role, s.paragraph) for s in art.segments] == expected

    def test_languages_of_the_seeds(self) -> None:
        assert read_article(seed("002_f2c150e3c700ff1f.txt")).lang == "ar"
        assert read_article(seed("000_9b6c93be4bbc7b4e.txt")).lang == "en"

    @pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
    def test_every_seed_segments_with_valid_offsets(self, name: str) -> None:
        text = seed(name)
        art = read_article(text)
        assert art.segments
        for s in art.segments:
            assert text[s.start : s.end] == s.text
            assert s.role in bialign.ROLES

    def test_segment_is_the_list_form_of_read_article(self) -> None:
        text = seed("000_9b6c93be4bbc7b4e.txt")
        assert segment(text) == list(read_article(text).segments)


def texts(text: str, **kw) -> list[str]:
    return [s.text for s in segment(text, **kw)]


class TestArabicRules:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("قال الوزير كلمته. ثم غادر القاعة.", ["قال الوزير كلمته.", "ثم غادر القاعة."]),
            ("هل انتهى الاجتماع؟ نعم انتهى.", ["هل انتهى الاجتماع؟", "نعم انتهى."]),
            ("يا له من يوم! انتهى الاجتماع.", ["يا له من يوم!", "انتهى الاجتماع."]),
            ("وانتظر الجميع… ثم بدأ الاجتماع.", ["وانتظر الجميع…", "ثم بدأ الاجتماع."]),
        ],
    )
    def test_ends_at_stops(self, text: str, expected: list[str]) -> None:
        assert texts(text) == expected

    def test_closing_quote_stays_with_its_sentence(self) -> None:
        text = 'وقال: "اتفقنا على التعاون." وغادر الوفد بكين.'
        assert texts(text) == ['وقال: "اتفقنا على التعاون."', "وغادر الوفد بكين."]

    def test_closing_bracket_stays_with_its_sentence(self) -> None:
        text = "نظام تدفق الأخبار (HAS). من أجل الاشتراك يرجى الاتصال."
        assert texts(text) == ["نظام تدفق الأخبار (HAS).", "من أجل الاشتراك يرجى الاتصال."]

    @pytest.mark.parametrize("mark", ["،", "؛", ":"])
    def test_never_ends_at_comma_semicolon_colon(self, mark: str) -> None:
        text = f"اتفق الطرفان على التعاون{mark} وشددا على الحوار."
        assert texts(text) == [text]

    @pytest.mark.parametrize("number", ["17.11.2025", "3.5", "2024", "٣٫٥"])
    def test_keeps_numbers_whole(self, number: str) -> None:
        text = f"بلغت النسبة {number} في المئة. وارتفعت لاحقا."
        assert texts(text)[0] == f"بلغت النسبة {number} في المئة."

    @pytest.mark.parametrize("abbr", ["د.", "أ.د.", "م."])
    def test_keeps_abbreviations(self, abbr: str) -> None:
        text = f"وقال {abbr} محمد علي إن الوضع مستقر."
        assert texts(text) == [text]

    def test_keeps_latin_words_inside_arabic(self) -> None:
        text = "أعلنت وكالة Reuters و U.S. Department الخبر. ثم نفته."
        assert texts(text) == ["أعلنت وكالة Reuters و U.S. Department الخبر.", "ثم نفته."]

    def test_mixed_script_article_is_arabic(self) -> None:
        text = (
            "Hüsameddin Salih | Istanbul\n\nاتفقت سوريا والصين على تعزيز التعاون في مجالات الأمن."
        )
        assert read_article(text).lang == "ar"


class TestEnglishRules:
    @pytest.mark.parametrize(
        "text",
        [
            "Mr. Wang met Dr. Shaibani in Beijing.",
            "The U.S. envoy arrived on Monday.",
            "J. R. Smith wrote the report.",
            "Prof. Ali and Gen. Hassan spoke at 3 p.m. on Monday.",
        ],
    )
    def test_abbreviations_and_initials_do_not_end_sentences(self, text: str) -> None:
        assert texts(text) == [text]

    def test_curly_quotes_close_the_sentence(self) -> None:
        text = "He voiced “opposition to interference.” He also praised the plan."
        assert texts(text) == [
            "He voiced “opposition to interference.”",
            "He also praised the plan.",
        ]

    def test_straight_quotes_close_the_sentence(self) -> None:
        text = 'He said "we agree." Then he left.'
        assert texts(text) == ['He said "we agree."', "Then he left."]

    def test_question_in_quotes_followed_by_lowercase_continues(self) -> None:
        text = "“Why now?” he asked the minister."
        assert texts(text) == [text]

    def test_possessive_names_stay_whole(self) -> None:
        text = "Syria’s minister, al-Shaibani’s deputy, spoke. China replied."
        assert texts(text) == ["Syria’s minister, al-Shaibani’s deputy, spoke.", "China replied."]

    def test_numbers_stay_whole(self) -> None:
        assert texts("Growth was 3.5 percent on 17.11.2025 in the area.") == [
            "Growth was 3.5 percent on 17.11.2025 in the area."
        ]


class TestStructure:
    def test_paragraph_breaks_are_hard_boundaries(self) -> None:
        segs = segment("First part without a stop\n\nsecond part without a stop")
        assert [s.text for s in segs] == ["First part without a stop", "second part without a stop"]
        assert [s.paragraph for s in segs] == [0, 1]

    def test_lines_in_one_block_share_a_paragraph(self) -> None:
        segs = segment("One line here.\nAnother line here.\n\nA new block.")
        assert [s.paragraph for s in segs] == [0, 0, 1]

    def test_text_without_blank_lines_has_a_paragraph_per_line(self) -> None:
        segs = segment("First line here.\nSecond line here.\nThird line here.")
        assert [s.paragraph for s in segs] == [0, 1, 2]

    def test_anadolu_header_roles(self) -> None:
        art = read_article(seed("000_9b6c93be4bbc7b4e.txt"))
        roles = [s.role for s in art.segments[:7]]
        assert roles == [
            "category", "headline", "standfirst", "byline", "caption", "dateline", "body",
        ]  # fmt: skip

    def test_arabic_dateline_with_agency(self) -> None:
        art = read_article(seed("002_f2c150e3c700ff1f.txt"))
        assert [s.text for s in art.by_role("dateline")] == ["Istanbul", "إسطنبول / الأناضول"]

    @pytest.mark.parametrize(
        ("line", "lang"),
        [
            ("Anadolu Agency website contains only a portion of the news stories offered.", "en"),
            ("Related topics", "en"),
            ("Bu haberi paylaşın", "en"),
            ("الأخبار المنشورة على الصفحة الرسمية لوكالة الأناضول، هي اختصار.", "ar"),
        ],
    )
    def test_agency_boilerplate(self, line: str, lang: str) -> None:
        body = "Syria and China agreed." if lang == "en" else "اتفقت سوريا والصين على التعاون."
        art = read_article(f"{body}\n\n{line}", lang=lang)
        assert art.segments[-1].role == "boilerplate"

    def test_inline_dateline_is_split_off(self) -> None:
        art = read_article("Talks end\n\nBEIJING (Reuters) - Syria and China agreed on Monday.")
        assert [(s.role, s.text) for s in art.segments][-2:] == [
            ("dateline", "BEIJING (Reuters) -"),
            ("body", "Syria and China agreed on Monday."),
        ]

    def test_user_outlet_patterns(self, tmp_path: Path) -> None:
        (tmp_path / "mine.toml").write_text(
            "name = 'mine'\n[boilerplate]\nline = ['^Subscribe to our newsletter$']\n",
            encoding="utf-8",
        )
        pats = load_layout_patterns(tmp_path)
        art = read_article("A story begins here.\n\nSubscribe to our newsletter", patterns=pats)
        assert art.segments[-1].role == "boilerplate"
        assert "mine" in pats.outlets

    def test_broken_outlet_file_is_a_resource_error(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.toml"
        bad.write_text("[boilerplate]\nline = ['(unclosed']\n", encoding="utf-8")
        with pytest.raises(ResourceError):
            load_layout_patterns(bad)

    def test_from_sentences_uses_them_as_given(self) -> None:
        art = Article.from_sentences(["Mr. Wang spoke. He left.", "Second one."])
        assert art.sentences == ("Mr. Wang spoke. He left.", "Second one.")
        assert all(art.text[s.start : s.end] == s.text for s in art.segments)


class TestNormalizeArabic:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("الشَّيْبانيّ", "الشيباني"),
            ("أإآٱ", "اااا"),
            ("مصطفى", "مصطفي"),
            ("السلامة", "السلامه"),
            ("سـوريـا", "سوريا"),
            ("٢٠٢٥ و۱۲", "2025 و12"),
            ("ﻻ", "لا"),
            ("Latin stays", "Latin stays"),
        ],
    )
    def test_steps(self, raw: str, expected: str) -> None:
        assert normalize_arabic(raw) == expected

    def test_steps_can_be_switched_off(self) -> None:
        assert normalize_arabic("مدرسة", teh_marbuta=False) == "مدرسة"

    def test_rejects_non_text(self) -> None:
        with pytest.raises(InputTypeError):
            normalize_arabic(b"x")  # type: ignore[arg-type]


class TestBadInput:
    @pytest.mark.parametrize("text", ["", "   \n\t  "])
    def test_empty(self, text: str) -> None:
        with pytest.raises(EmptyInputError):
            segment(text)

    def test_bytes(self) -> None:
        with pytest.raises(InputTypeError, match="decode"):
            segment("سوريا".encode())  # type: ignore[arg-type]

    def test_none(self) -> None:
        with pytest.raises(InputTypeError):
            segment(None)  # type: ignore[arg-type]

    @pytest.mark.parametrize("text", ["12345 67.89", "!!! ??? ...", "中文内容没有拉丁字母"])
    def test_no_arabic_or_latin_letters(self, text: str) -> None:
        with pytest.raises(LanguageError):
            segment(text)
        with pytest.raises(LanguageError):
            segment(text, lang="ar")

    def test_unknown_language_code(self) -> None:
        with pytest.raises(LanguageError):
            segment("Hello there.", lang="fr")

    def test_errors_share_one_root(self) -> None:
        for exc in (EmptyInputError, InputTypeError, LanguageError, ResourceError):
            assert issubclass(exc, bialign.BialignError)

    def test_detect_language(self) -> None:
        assert detect_language("سوريا والصين") == "ar"
        assert detect_language("Syria and China") == "en"


# --------------------------------------------------------------------------- properties

_alphabet = st.sampled_from(
    list("abc ABC.!?؟…،؛:\"'”’»)(“«") + list("سوريا الصين") + ["\n", "\n\n", " ", "3.5", "Mr."]
)
_texts = st.lists(_alphabet, min_size=1, max_size=80).map("".join)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_offsets_slice_back_and_never_overlap(text: str) -> None:
    if not _has_letters(text):
        return
    segs = segment(text)
    last_end = 0
    for s in segs:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= last_end
        last_end = s.end
    assert [s.index for s in segs] == list(range(len(segs)))


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_no_non_space_character_is_lost(text: str) -> None:
    """Every non-space character of a line with a letter or digit is kept.

    Lines without any letter or digit ("...", "|---|") are not segments.
    """
    if not _has_letters(text):
        return
    segs = segment(text)
    kept = "".join(s.text for s in segs)
    wordy = [ln for ln in text.splitlines() if any(ch.isalnum() for ch in ln)]
    assert "".join("".join(wordy).split()) == "".join(kept.split())


# --------------------------------------------------------------------------- issue 12


class TestOutletNames:
    """``patterns`` takes an outlet name (file stem in resources/outlets/) or `LayoutPatterns`."""

    def test_outlet_names_are_the_file_stems(self) -> None:
        stems = {p.stem for p in (ROOT / "resources" / "outlets").glob("*.toml")}
        assert stems <= set(bialign.segmentation.outlet_names())

    @pytest.mark.parametrize("name", ["generic", "anadolu"])
    def test_segment_accepts_an_outlet_name(self, name: str) -> None:
        text = "Syria and China agreed.\n\nRelated topics"
        assert segment(text, patterns=name)[-1].role == "boilerplate"

    def test_named_outlet_uses_its_own_patterns(self) -> None:
        text = "Syria and China agreed.\n\nBu haberi paylaşın"
        assert read_article(text, patterns="anadolu").segments[-1].role == "boilerplate"
        assert read_article(text, patterns="generic").segments[-1].role == "body"

    def test_unknown_outlet_lists_the_outlets(self) -> None:
        with pytest.raises(bialign.UnknownNameError, match=r"anadolu.*generic") as info:
            segment("Syria and China agreed.", patterns="reuters")
        assert info.value.name == "reuters"
        assert "generic" in info.value.choices

    @pytest.mark.parametrize("bad", [42, ["generic"], {"boilerplate": []}])
    def test_other_types_are_input_type_errors(self, bad: object) -> None:
        with pytest.raises(InputTypeError, match="patterns"):
            read_article("Syria and China agreed.", patterns=bad)  # type: ignore[arg-type]


class TestFiles:
    """Paths are read as UTF-8 files; the errors name the real cause."""

    def test_read_article_reads_a_path(self, tmp_path: Path) -> None:
        f = tmp_path / "a.txt"
        f.write_text("اتفقت سوريا والصين على التعاون.", encoding="utf-8")
        art = read_article(f)
        assert art.source == str(f)
        assert art.lang == "ar"
        assert art.sentences == ("اتفقت سوريا والصين على التعاون.",)

    def test_segment_reads_a_path_and_source_can_be_overridden(self, tmp_path: Path) -> None:
        f = tmp_path / "a.txt"
        f.write_bytes("\ufeffSyria and China agreed.".encode())
        assert [s.text for s in segment(f)] == ["Syria and China agreed."]
        assert read_article(f, source="mine").source == "mine"

    @pytest.mark.parametrize(
        ("encoding", "family"),
        [
            ("utf-16", "UTF-16"),
            ("utf-16-le", "UTF-16"),
            ("utf-16-be", "UTF-16"),
            ("utf-32", "UTF-32"),
            ("utf-32-le", "UTF-32"),
        ],
    )
    @pytest.mark.parametrize("text", ["Syria and China agreed.", "اتفقت سوريا والصين على التعاون."])
    def test_wide_encodings_are_named(self, encoding: str, family: str, text: str) -> None:
        with pytest.raises(bialign.EncodingError, match=f"is {family} text") as info:
            bialign.segmentation.decode_text(text.encode(encoding), "x.txt")
        assert "WINDOWS-1256" not in str(info.value)
        assert f"iconv -f {family}" in str(info.value)

    def test_windows_1256_arabic_is_named(self) -> None:
        data = "اتفقت سوريا والصين على التعاون.".encode("cp1256")
        with pytest.raises(bialign.EncodingError, match="Windows-1256") as info:
            bialign.segmentation.decode_text(data, "x.txt")
        assert info.value.position == 0

    def test_latin1_is_not_called_arabic(self) -> None:
        with pytest.raises(bialign.EncodingError, match="not UTF-8") as info:
            bialign.segmentation.decode_text("Café in Zürich.".encode("latin-1"), "x.txt")
        assert "1256" not in str(info.value)

    def test_binary_file(self) -> None:
        with pytest.raises(bialign.EncodingError, match="ZIP archive"):
            bialign.segmentation.decode_text(b"PK\x03\x04" + b"\x00" * 3 + b"abc" * 50, "x.docx")
        with pytest.raises(bialign.EncodingError, match="NUL byte at offset 5, so it is a binary"):
            bialign.segmentation.decode_text(b"Syria\x00 and China", "x.bin")

    @pytest.mark.parametrize(
        ("data", "kind"),
        [
            (gzip.compress("سوريا والصين".encode()), "gzip-compressed"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF file"),
            (b"{\\rtf1\\ansi Syria and China", "RTF document"),
        ],
    )
    def test_binary_formats_are_named_not_sent_to_iconv(self, data: bytes, kind: str) -> None:
        """Not "convert it from Windows-1252": a compressed file or a PDF is no text."""
        with pytest.raises(bialign.EncodingError, match=kind) as info:
            bialign.segmentation.decode_text(data, "a.file")
        assert "iconv" not in str(info.value) and "plain UTF-8 text" in str(info.value)

    def test_utf8_with_bom_decodes(self) -> None:
        assert bialign.segmentation.decode_text("\ufeffنص".encode(), "x") == "نص"

    def test_decode_text_wants_bytes(self) -> None:
        with pytest.raises(InputTypeError, match="bytes"):
            bialign.segmentation.decode_text("text", "x")  # type: ignore[arg-type]

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(bialign.InputError, match="no such file"):
            read_article(tmp_path / "none.txt")

    def test_missing_folder_is_named(self, tmp_path: Path) -> None:
        with pytest.raises(bialign.InputError, match=r"folder .*nowhere does not exist"):
            bialign.segmentation.read_text_file(tmp_path / "nowhere" / "a.txt")

    def test_folder_is_not_a_file(self, tmp_path: Path) -> None:
        with pytest.raises(bialign.InputError, match="is a folder"):
            read_article(tmp_path)

    def test_bad_path_type(self) -> None:
        with pytest.raises(InputTypeError, match="path"):
            bialign.segmentation.read_text_file(3)  # type: ignore[arg-type]


class TestSurrogates:
    def test_lone_surrogate_is_an_input_error_with_its_position(self) -> None:
        text = "Syria and China agreed.\ud800 More."
        with pytest.raises(bialign.InputError, match=r"lone surrogate \\ud800 at character 23"):
            segment(text)

    def test_lone_surrogate_refused_with_lang_given(self) -> None:
        with pytest.raises(bialign.InputError, match="surrogate"):
            segment("اتفقت \udc80 سوريا", lang="ar")


class TestInvisibleAndLetterlessLines:
    """Zero-width, tatweel-only and punctuation-only lines are not segments (issue 12, item 5)."""

    @pytest.mark.parametrize(
        "filler", ["\u200b", "\u200c\u200d", "\u200e\u200f", "\u2060", "\ufeff", "ـــ", "\u200b ـ "]
    )
    def test_invisible_line_is_a_blank_line(self, filler: str) -> None:
        text = f"اتفقت سوريا والصين على التعاون.\n{filler}\nوقال الوزير إن الزيارة مهمة."
        segs = segment(text)
        assert [s.text for s in segs] == [
            "اتفقت سوريا والصين على التعاون.",
            "وقال الوزير إن الزيارة مهمة.",
        ]
        assert [s.paragraph for s in segs] == [0, 1]
        assert all(text[s.start : s.end] == s.text for s in segs)

    def test_invisible_characters_around_a_line_are_not_in_the_segment(self) -> None:
        text = "\u200fاتفقت سوريا والصين.\u200b\u200b \u200bوقال الوزير.\u200e\n"
        segs = segment(text)
        assert [s.text for s in segs] == ["اتفقت سوريا والصين.", "وقال الوزير."]
        assert all(text[s.start : s.end] == s.text for s in segs)

    @pytest.mark.parametrize("line", ["***", "—", "|---|---|", "| --- | :---: |", "• ", "..."])
    def test_letterless_line_is_not_a_segment(self, line: str) -> None:
        text = f"Syria and China agreed.\n{line}\nThe minister left."
        assert texts(text) == ["Syria and China agreed.", "The minister left."]

    def test_digit_only_line_is_kept(self) -> None:
        assert texts("Syria and China agreed.\n\n2025\n\nThe minister left.")[1] == "2025"


class TestListsTablesSubheadings:
    """Markdown tables, list items and crossheads (issue 12, item 9; seeds 003 and 004)."""

    def test_subheading_is_a_role_before_body(self) -> None:
        assert "subheading" in bialign.ROLES
        assert bialign.ROLES.index("subheading") == bialign.ROLES.index("body") - 1

    def test_table_rows_are_one_segment_each(self) -> None:
        text = (
            "Both sides agreed on a plan. It has three parts.\n"
            "| Area | Action. More words. |\n|---|---|\n| Training | Hold drills. Share data. |\n"
            "The talks ended on Monday."
        )
        assert texts(text) == [
            "Both sides agreed on a plan.",
            "It has three parts.",
            "| Area | Action. More words. |",
            "| Training | Hold drills. Share data. |",
            "The talks ended on Monday.",
        ]

    @pytest.mark.parametrize("mark", ["-", "*", "•", "1.", "2)"])
    def test_list_items_are_one_segment_each(self, mark: str) -> None:
        text = (
            f"The talks ended. Recommendations include:\n{mark} Share intelligence. Train forces.\n"
            f"{mark} Hold dialogues\nThe talks ended on Monday."
        )
        segs = segment(text)
        assert [s.text for s in segs][2:4] == [
            f"{mark} Share intelligence. Train forces.",
            f"{mark} Hold dialogues",
        ]
        assert [s.role for s in segs] == ["body"] * 5

    def test_seed_003_crossheads_tables_and_lists(self) -> None:
        art = read_article(seed("003_360714d64b266035.txt"))
        assert [s.text for s in art.by_role("subheading")] == [
            "Syrian Foreign Minister Meets Chinese Officials to Strengthen "
            "Counterterrorism Efforts",
            "Strategic Implications of Syria China Partnership in Regional Security Dynamics",
            "Expert Recommendations for Enhancing Bilateral Cooperation Against Terrorism",
            "Wrapping Up",
        ]
        rows = [s.text for s in art if s.text.startswith("|")]
        assert len(rows) == 12 and all(r.endswith("|") for r in rows)
        assert not any(set(r) <= set("|- :") for r in rows)
        items = [s.text for s in art if s.text.startswith("- ")]
        assert len(items) == 10

    def test_seed_004_standfirst_and_crosshead(self) -> None:
        art = read_article(seed("004_6764a29bb713b2ea.txt"))
        assert [s.text for s in art.by_role("subheading")] == [
            "Beijing pledges to help rebuild Syria"
        ]
        assert [s.text[:30] for s in art.by_role("standfirst")] == [
            "Chinese President Xi Jinping s",
            "China has been a stalwart defe",
        ]
        assert art.segments[-1].role == "boilerplate"

    @pytest.mark.parametrize("name", ["000_9b6c93be4bbc7b4e.txt", "002_f2c150e3c700ff1f.txt"])
    def test_agency_seeds_have_no_subheading(self, name: str) -> None:
        assert not read_article(seed(name)).by_role("subheading")

    def test_cue_subheading_and_no_subheading_at_the_end(self) -> None:
        text = (
            "Syria and China agreed. They met on Monday.\n\nBackground\n\nThe two met before.\n\n"
            "Talks will go on\n"
        )
        assert [s.role for s in segment(text)] == ["body", "body", "subheading", "body", "body"]

    def test_short_body_line_between_short_lines_is_not_a_subheading(self) -> None:
        text = "Syria and China agreed.\n\nThe minister said\n\nNo more details"
        assert "subheading" not in [s.role for s in segment(text)]


class TestMarkup:
    """Pasted page source: a `MarkupWarning`, the text still segmented as given."""

    def test_html_is_told(self) -> None:
        html = (
            "<h1>Syria, China agree</h1>\n"
            '<p class="lead">Syria and China agreed in Beijing&nbsp;on Monday.</p>'
        )
        with pytest.warns(bialign.MarkupWarning, match=r"^the text looks like HTML: it holds 5"):
            art = read_article(html)
        assert art.text == html  # offsets still point into what was given
        with pytest.warns(bialign.MarkupWarning, match="^page.html looks like HTML"):
            read_article(html, source="page.html")

    @pytest.mark.parametrize(
        "text",
        [
            "Syria and China agreed that 3 < 5 and 7 > 2, and R&D spending rose.",
            "He wrote <sic> once.\n\nThe talks in Beijing & Damascus went on.",
            # three things or more that look like markup but are not (resources/markup.toml)
            "<<Syria and China>> met. Press <Ctrl>, <Alt> and <Del>; x<y and z>w.",
            "Johnson&Johnson; M&Ms; and AT&T; reported.",
        ],
    )
    def test_plain_text_with_angle_brackets_is_not(self, text: str) -> None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error", bialign.MarkupWarning)
            read_article(text)
