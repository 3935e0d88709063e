"""Scorers: the embedded encoder, number/date anchors, the registry, and the metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bialign import (
    AnchorScorer,
    EmbeddingScorer,
    FunctionScorer,
    InputTypeError,
    TruncationWarning,
    UnknownNameError,
    available_scorers,
    extract_anchors,
    get_scorer,
    read_article,
)
from bialign.evaluate import Gold, score_alignment
from bialign.scorers.anchors import shared_anchors
from bialign.scorers.lexical import LexicalScorer, WordOverlap, content_words, soft_f1

ROOT = Path(__file__).resolve().parents[1]
GOLD = json.loads((Path(__file__).parent / "data" / "anadolu_seed_gold.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def emb() -> EmbeddingScorer:
    return EmbeddingScorer()


def clear_one_to_one() -> list[tuple[int, int]]:
    """Sure body links whose two sentences each take part in exactly one link.

    (The caption repeats the headline word for word, so header pairs are not
    "clear" by content; and a pair whose Arabic is more than twice as long as
    the English, like Arabic 15 whose English keeps one of its three claims, is
    a containment, not a clear pair.)
    """
    links = GOLD["links"]
    ar_count: dict[int, int] = {}
    en_count: dict[int, int] = {}
    for x in links:
        ar_count[x["ar"]] = ar_count.get(x["ar"], 0) + 1
        en_count[x["en"]] = en_count.get(x["en"], 0) + 1
    return [
        (x["ar"], x["en"])
        for x in links
        if x["kind"] == "S"
        and ar_count[x["ar"]] == 1
        and en_count[x["en"]] == 1
        and GOLD["arabic"][x["ar"]]["role"] == "body"
        and len(GOLD["arabic"][x["ar"]]["text"]) <= 2 * len(GOLD["english"][x["en"]]["text"])
    ]


class TestEmbedding:
    def test_ranks_true_sentence_first_for_clear_pairs(self, emb: EmbeddingScorer) -> None:
        ar = [s["text"] for s in GOLD["arabic"]]
        en = [s["text"] for s in GOLD["english"]]
        m = emb.score(ar, en)
        pairs = clear_one_to_one()
        assert len(pairs) >= 4
        for i, j in pairs:
            assert int(np.argmax(m[i])) == j, (ar[i][:40], en[j][:40])

    def test_shape_ranking_and_cache(self, emb: EmbeddingScorer) -> None:
        m = emb.score(["سوريا والصين", "الطقس"], ["Syria and China", "the weather", "x"])
        assert m.shape == (2, 3)
        # Each Arabic text scores its translation first, and the close one clearly so.
        assert m.argmax(axis=1).tolist() == [0, 1] and m[0, 0] > 0.8
        assert "سوريا والصين" in emb._cache

    def test_empty_inputs(self, emb: EmbeddingScorer) -> None:
        assert emb.score([], ["a"]).shape == (0, 1)
        assert emb.score([""], ["Syria"])[0, 0] == 0.0

    def test_very_long_text_is_cut_with_a_warning(self, emb: EmbeddingScorer) -> None:
        with pytest.warns(TruncationWarning, match="longer than"):
            assert emb.score(["سوريا " * 20000], ["Syria"]).shape == (1, 1)

    def test_span_vectors_are_normalised(self, emb: EmbeddingScorer) -> None:
        v = emb.span_vectors([["سوريا والصين", "اتفقتا على التعاون"], ["Syria"]])
        assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)

    def test_rejects_non_text(self, emb: EmbeddingScorer) -> None:
        with pytest.raises(InputTypeError):
            emb.score([b"x"], ["y"])  # type: ignore[list-item]


@pytest.fixture(scope="module")
def lex(emb: EmbeddingScorer) -> LexicalScorer:
    return LexicalScorer(emb)


class TestLexical:
    def test_content_words_drop_function_words(self) -> None:
        assert content_words("The two sides agreed to it.", "en") == ["two", "sides", "agreed"]
        assert content_words("اتفق الطرفان على تعزيز التنسيق في مجالات", "ar") == [
            "اتفق",
            "الطرفان",
            "تعزيز",
            "التنسيق",
            "مجالات",
        ]

    def test_shared_fact_inside_a_longer_sentence(self, lex: LexicalScorer) -> None:
        # Seed pair: the Arabic quote (ar 10) is the second half of English 7; the
        # word signal ranks it above the other body sentences, the sentence cosine does not.
        ar = [s["text"] for s in GOLD["arabic"]]
        en = [s["text"] for s in GOLD["english"]]
        body = [j for j, s in enumerate(GOLD["english"]) if s["role"] == "body"]
        m = lex.score([ar[10]], [en[j] for j in body])
        assert body[int(np.argmax(m[0]))] in (6, 7)  # en 6 is a possible link of ar 10
        assert m.shape == (1, len(body))

    def test_no_content_words_scores_zero(self, lex: LexicalScorer) -> None:
        m = lex.score(["في من", "سوريا"], ["the and", "Syria"])
        assert m[0].max() == 0.0 and m[:, 0].max() == 0.0 and m[1, 1] > 0.5

    def test_empty_and_bad_input(self, lex: LexicalScorer) -> None:
        assert lex.score([], ["Syria"]).shape == (0, 1)
        with pytest.raises(InputTypeError):
            lex.score([None], ["Syria"])  # type: ignore[list-item]

    def test_registered_by_name(self) -> None:
        assert "lexical" in available_scorers()

    def test_word_overlap_is_soft_f1_of_the_joined_spans(self) -> None:
        """Spans read from the one product of all words score as `soft_f1` of their words
        joined: adjacent or not, merged on either side, with sentences without words."""
        rng = np.random.default_rng(7)

        def words(k: int) -> np.ndarray:
            x = rng.normal(size=(k, 16)).astype(np.float32)
            return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)

        arabic = [words(k) for k in (3, 0, 5, 2, 4, 1)]
        english = [words(k) for k in (2, 4, 0, 3, 6)]
        a_groups = ((0,), (1,), (2,), (5,), (0, 1), (2, 4), (0, 2, 3), (1,))
        e_groups = ((0,), (2,), (4,), (0, 2), (1, 3), (0, 1, 4), (2,))

        def joined(side: list[np.ndarray], g: tuple[int, ...]) -> np.ndarray:
            return np.concatenate([side[i] for i in g])

        want = soft_f1(
            [joined(arabic, g) for g in a_groups], [joined(english, g) for g in e_groups]
        )
        got = WordOverlap(arabic, english).f1(a_groups, e_groups)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, atol=1e-6)
        assert (got[1] == 0).all() and (got[:, 1] == 0).all()  # a side without words
        assert got[4].max() > 0  # ... which a merge with words does not zero
        assert WordOverlap([], english).f1((), e_groups).shape == (0, len(e_groups))

    def test_the_aligner_reads_the_same_overlap_either_way(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The aligner's word signal from the one product of all words equals the one it
        computes row by row for documents too long for that product (the seed pair)."""
        import bialign.aligner as aligner

        ar = read_article(ROOT / "seeds" / "002_f2c150e3c700ff1f.txt")
        en = read_article(ROOT / "seeds" / "000_9b6c93be4bbc7b4e.txt")
        fast = aligner.prepare(ar, en)
        monkeypatch.setattr(aligner, "WORD_PAIRS_MAX", 0)
        slow = aligner.prepare(ar, en)
        assert fast.word_overlap() is not None and slow.word_overlap() is None
        for shape in ("1-1", "2-1", "1-2"):
            np.testing.assert_allclose(
                fast.blocks[shape].feats["lexical"], slow.blocks[shape].feats["lexical"], atol=1e-6
            )


class TestAnchors:
    @pytest.mark.parametrize(
        ("text", "lang", "expected"),
        [
            ("في 17.11.2025", "ar", {"date:2025-11-17", "year:2025", "month:11"}),
            ("في نوفمبر/ تشرين الثاني الجاري", "ar", {"month:11"}),
            ("في تشرين الأول", "ar", {"month:10"}),
            ("نحو ٤٠٠ مقاتل", "ar", {"number:400"}),
            ("بنسبة ٣٫٥٪", "ar", {"percent:3.5", "number:3.5"}),
            ("الاثنين", "ar", {"weekday:1"}),
            ("agreed Monday", "en", {"weekday:1"}),
            ("more than 4,000 adults in 2013", "en", {"number:4000", "year:2013"}),
            ("some 13 years of war", "en", {"number:13"}),
            ("in December 2024", "en", {"month:12", "year:2024"}),
        ],
    )
    def test_extraction(self, text: str, lang: str, expected: set[str]) -> None:
        assert set(extract_anchors(text, lang).items) == expected

    @pytest.mark.parametrize(
        ("text", "lang", "expected"),
        [
            # English capitalises month and weekday names: lower case is another word.
            ("it may have an impact", "en", set()),
            ("protesters will march", "en", set()),
            ("they may meet in May", "en", {"month:5"}),
            ("IN MARCH 2024", "en", {"month:3", "year:2024"}),
            # مارس "he practised"; آب (August) is اب "father" once normalised.
            ("مارس الضغط على الحكومة", "ar", set()),
            ("توفي الأب أمس", "ar", set()),
            ("وقال أب الضحية", "ar", set()),
            ("في آب الماضي", "ar", {"month:8"}),
            ("منذ مارس", "ar", {"month:3"}),
            ("15 مارس", "ar", {"month:3", "number:15"}),
            ("مارس/ آذار", "ar", {"month:3"}),
            ("في يناير", "ar", {"month:1"}),
            # A date's context: ordinals, ranges, lists, brackets, a neighbouring month.
            ("في العاشر من مارس", "ar", {"month:3"}),
            ("اعتبارا من مارس", "ar", {"month:3"}),
            ("من مارس إلى مايو", "ar", {"month:3", "month:5"}),
            ("بين شهري فبراير ومارس", "ar", {"month:2", "month:3"}),
            ("مارس، أبريل، مايو", "ar", {"month:3", "month:4", "month:5"}),
            ("(مارس) 2023", "ar", {"month:3", "year:2023"}),
            ("من مارس العنف", "ar", set()),
            ("قال الأب 3 مرات", "ar", {"number:3"}),
            # English: a lower-case form between a day and a year is a month; weekdays and
            # the other months are not ambiguous.
            ("On 17 march 2024", "en", {"month:3", "number:17", "year:2024"}),
            ("on monday", "en", {"weekday:1"}),
            ("in january", "en", {"month:1"}),
        ],
    )
    def test_month_names_that_are_other_words(
        self, text: str, lang: str, expected: set[str]
    ) -> None:
        assert set(extract_anchors(text, lang).items) == expected

    def test_weekday_is_not_also_the_number_two(self) -> None:
        assert "number:2" not in extract_anchors("الاثنين", "ar").items

    def test_shared_and_contradicting(self) -> None:
        shared, conflicts = shared_anchors("في ديسمبر/ كانون الأول 2024", "last December 2023")
        assert shared == ["month:12"] and conflicts == ["year"]

    def test_scores(self) -> None:
        m = AnchorScorer().score(["في عام 2024", "بلا أرقام"], ["in 2024", "in 2019", "no numbers"])
        assert m[0, 0] > 0.5 > m[0, 1]
        assert m[1, 2] == 0.5 and m[0, 2] == 0.5


class TestRegistry:
    def test_names(self) -> None:
        assert {"embedding", "anchors", "names", "translation"} <= set(available_scorers())
        assert isinstance(get_scorer("anchors"), AnchorScorer)

    def test_unknown(self) -> None:
        with pytest.raises(UnknownNameError) as exc:
            get_scorer("nope")
        assert "embedding" in exc.value.choices

    def test_function_scorer_checks_range(self) -> None:
        with pytest.raises(ValueError):
            FunctionScorer(lambda a, e: 2.0).score(["a"], ["b"])


class TestMetrics:
    def test_precision_recall_with_possible_links(self) -> None:
        gold = Gold(
            arabic=("a", "b", "c"),
            english=("x", "y", "z"),
            sure=frozenset({(0, 0), (1, 1)}),
            possible=frozenset({(0, 0), (1, 1), (1, 2)}),
            arabic_only=frozenset({2}),
            english_only=frozenset(),
        )
        s = score_alignment({(0, 0), (1, 2), (2, 2)}, gold)
        assert s.link_precision == pytest.approx(2 / 3)
        assert s.link_recall == pytest.approx(1 / 2)
        assert s.one_f1 == pytest.approx(0.0)

    def test_seed_articles_match_gold_lists(self) -> None:
        ar = read_article((ROOT / "seeds" / "002_f2c150e3c700ff1f.txt").read_text("utf-8"))
        assert list(ar.sentences) == [s["text"] for s in GOLD["arabic"]]


def test_anchors_ignore_digits_int_cannot_read() -> None:
    """Unicode digits outside ASCII and Arabic-Indic (U+1CCF0) are not numbers: no crash."""
    from bialign.scorers.anchors import extract_anchors

    assert extract_anchors("\U0001ccf0 and 2025", "en").items == {"year:2025"}


# --- Spans scored by index (PairIndexer): the same as the joined text -----------------------


def _span_groups(n: int) -> list[tuple[int, ...]]:
    return [(i,) for i in range(n)] + [(i, i + 1) for i in range(n - 1)] + [(0, 2)] * (n > 2)


def _by_index_and_as_text(
    scorer: Any, arabic: list[str], english: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """A scorer's matrix for the spans of `_span_groups`: by index, and of their joined text."""
    a_groups, e_groups = _span_groups(len(arabic)), _span_groups(len(english))
    by_index = scorer.index_pair(arabic, english).score(a_groups, e_groups)
    as_text = scorer.score(
        [" ".join(arabic[i] for i in g) for g in a_groups],
        [" ".join(english[j] for j in g) for g in e_groups],
    )
    return by_index, as_text


@pytest.mark.parametrize("scorer_name", ["names", "anchors"])
def test_pair_index_scores_spans_as_their_joined_text(scorer_name: str) -> None:
    from bialign.scorers.base import PairIndexer

    scorer = get_scorer(scorer_name)
    assert isinstance(scorer, PairIndexer)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    ar = [s.text for s in read_article(seeds[2]).segments]  # 002, Arabic
    for other in (seeds[0], seeds[1]):  # 000 and 001, English
        en = [s.text for s in read_article(other).segments]
        got, want = _by_index_and_as_text(scorer, ar, en)
        np.testing.assert_allclose(got, want, atol=1e-12)
        assert (got > (0.5 if scorer_name == "anchors" else 0.0)).sum() > 10


@pytest.mark.parametrize(
    ("scorer_name", "arabic", "english"),
    [
        # a name across a join without a stop: عبد + الله is one unit, "Abdullah"
        ("names", ["التقى الأمير عبد", "الله في عمان."], ["Prince Abdullah met him in Amman."]),
        # "de" opens a name only after one: "Charles. de Gaulle" is read again as one text
        ("names", ["استقبل شارل ديغول."], ["He met Charles.", "de Gaulle came."]),
        # a month of two words across a join without a stop
        ("anchors", ["وصل في تشرين", "الثاني 2025."], ["He arrived in November 2025."]),
    ],
)
def test_pair_index_reads_a_join_without_a_stop_again(
    scorer_name: str, arabic: list[str], english: list[str]
) -> None:
    scorer = get_scorer(scorer_name)
    got, want = _by_index_and_as_text(scorer, arabic, english)
    np.testing.assert_allclose(got, want, atol=1e-12)
    if scorer_name == "names":  # the span's names themselves, not only their scores
        from bialign.scorers.names import _arabic_items, _english_items

        index = scorer.index_pair(arabic, english)
        for side, texts, read in (("ar", arabic, _arabic_items), ("en", english, _english_items)):
            if len(texts) > 1:
                assert index._items(side, (0, 1)) == read(" ".join(texts[:2]), True)
