"""The search steps that only some inputs reach, each on a small case through `bialign.align`.

* Merges: a sentence left over after the core links joins the link of its best
  counterpart, also when it is not next to the link's sentence (the 2-1 and 1-2
  candidates are neighbouring sentences).
* Split links: a left-over sentence whose translation is two sentences that are
  not neighbours, neither linking alone (a block of sentences moved between the
  halves), is linked to both.
* The monotone pass on a long pair: above a size, the dynamic programme only
  looks within a band around the path through the confident anchors.

The merge cases use a lookup translator and no encoder, so the similarities are
chrF scores of known texts; the shipped link model and thresholds are used as they are.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

import bialign
from bialign import Alignment, FunctionTranslator, align, load_weights

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

SECURITY = "اتفقت سوريا والصين على تعزيز التعاون الأمني."
WEATHER = "وكان الطقس باردا وممطرا في دمشق يوم الاثنين."
PLEDGE = "وتعهد البلدان أيضا بمكافحة الإرهاب وتهريب المخدرات معا."
WHEAT = "وارتفعت أسعار القمح في الأسواق المحلية."
BOTH = SECURITY[:-1] + " " + PLEDGE  # the two sentences above as one

#: What the lookup translator gives for each Arabic sentence.
TRANSLATIONS = {
    SECURITY: "Syria and China agreed to strengthen security cooperation.",
    WEATHER: "The weather was cold and rainy in Damascus on Monday.",
    PLEDGE: "The two countries also pledged to fight terrorism and drug smuggling together.",
    WHEAT: "Wheat prices rose in local markets.",
    BOTH: "Syria and China agreed to strengthen security cooperation, and the two "
    "countries also pledged to fight terrorism and drug smuggling together.",
}


def translate(text: str) -> str:
    """Each known sentence of ``text`` by its translation (a merged span holds several);
    the longest first, as a sentence may hold a shorter one."""
    for arabic in sorted(TRANSLATIONS, key=len, reverse=True):
        text = text.replace(arabic, TRANSLATIONS[arabic])
    return text


def links(res: Alignment) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    return {(p.arabic, p.english) for p in res.pairs}


def align_with_lookup(arabic: list[str], english: list[str], **options: object) -> Alignment:
    return align(
        arabic,
        english,
        translator=FunctionTranslator(translate, name="lookup"),
        embedding=False,
        **options,  # type: ignore[arg-type]
    )


class TestMerges:
    """A left-over sentence joins the link of its best counterpart (the search's merges)."""

    # English 0 tells what Arabic 0 and Arabic 2 tell; Arabic 1 (the weather) is between them.
    TWO_TO_ONE = (
        [SECURITY, WEATHER, PLEDGE, WHEAT],
        [
            "Syria and China agreed to strengthen security cooperation, and the two countries "
            "also pledged to fight terrorism and drug smuggling together.",
            "The weather was cold and rainy in Damascus on Monday.",
            "Wheat prices rose in local markets.",
        ],
    )

    def test_two_arabic_sentences_apart_join_one_english(self) -> None:
        res = align_with_lookup(*self.TWO_TO_ONE)
        assert links(res) == {((0, 2), (0,)), ((1,), (1,)), ((3,), (2,))}
        merged = next(p for p in res.pairs if p.arabic == (0, 2))
        assert merged.link_type == "2-1"
        # The text of the two members, not of the sentence between them.
        assert merged.arabic_text == f"{SECURITY} {PLEDGE}"

    def test_one_english_sentence_apart_joins_one_arabic(self) -> None:
        english = [
            "Syria and China agreed to strengthen security cooperation.",
            "The weather was cold and rainy in Damascus on Monday.",
            "They also pledged to fight terrorism.",
            "Wheat prices rose in local markets.",
        ]
        # The step, not the fitted weights, is under test: the merged span may score up to
        # 0.5 below the link it joins (the shipped tolerance is fitted on real articles).
        weights = replace(load_weights(), merge_tolerance=0.5)
        res = align_with_lookup([BOTH, WEATHER, WHEAT], english, weights=weights)
        assert links(res) == {((0,), (0, 2)), ((1,), (1,)), ((2,), (3,))}
        assert next(p for p in res.pairs if p.english == (0, 2)).link_type == "1-2"

    def test_no_merge_across_more_than_max_gap(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # Arabic 2 is two sentences from Arabic 0: with max_gap 1 the merge step leaves it
        # one-sided. (The split-link step, which joins halves apart by design and is tested
        # below, is switched off: it links both halves here, which is right for this text.)
        import bialign.search

        monkeypatch.setattr(bialign.search, "_split_links", lambda *args: None)
        # The step, not the fitted weights, is under test: a half (Arabic 2, p 0.17) is made a
        # core link and the merged span may score up to 0.5 below it.
        merging = replace(load_weights(), link_threshold=0.15, merge_tolerance=0.5)
        joined = align_with_lookup(*self.TWO_TO_ONE, weights=merging)  # max_gap 3: merged
        assert ((0, 2), (0,)) in links(joined)
        res = align_with_lookup(*self.TWO_TO_ONE, weights=replace(merging, max_gap=1))
        assert ((2,), (0,)) in links(res)
        assert all(len(p.arabic) == 1 for p in (*res.pairs, *res.candidates))
        assert {s.index for s in res.arabic_only} & {0, 2}


NTREX = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ntrex-comparable-dev"


@pytest.mark.skipif(not NTREX.is_dir(), reason=f"no NTREX data at {NTREX}")
@pytest.mark.parametrize(
    ("name", "arabic", "english"),
    [
        # English blocks of three permuted (robust.py's moved3): Arabic 3 is rendered by
        # English 2 and 3 of the original, now 6 and 11, at the ends of two blocks.
        ("ntrex-109-abcnews.306776 moved3", (3,), (6, 11)),
        # Arabic 7 by English 6 and 8 of the original, now 0 and 2, with a link between.
        ("ntrex-065-upi.176275 moved3", (7,), (0, 2)),
    ],
)
def test_split_link_joins_halves_that_were_moved_apart(
    monkeypatch: pytest.MonkeyPatch, name: str, arabic: tuple[int], english: tuple[int, int]
) -> None:
    from _benchmarks import load_benchmark

    import bialign.search

    robust = load_benchmark("robust")
    case = next(c for c in robust.ntrex_cases(NTREX, 0)["moved3"] if c.name == name)
    assert {(arabic[0], j) for j in english} <= case.gold.sure
    res = align(case.arabic, case.english)
    pair = next(p for p in res.pairs if p.arabic == arabic)
    assert pair.english == english and pair.link_type == "1-2"
    assert pair.english_text == " ".join(res.english.segments[j].text for j in english)
    # Without the step, neither half links to the Arabic sentence: it is left one-sided.
    monkeypatch.setattr(bialign.search, "SPLIT_CANDIDATES", 0)
    res = align(case.arabic, case.english)
    assert all(p.arabic != arabic for p in res.pairs)


@pytest.fixture(scope="module")
def offset_pair() -> tuple[list[str], list[str]]:
    """The seed pair's sentences, with twelve unrelated English sentences in front.

    The alignment path runs about twelve sentences off the diagonal, so a band
    that did not follow the anchor path would miss it.
    """
    arabic = bialign.read_article(SEEDS / "002_f2c150e3c700ff1f.txt").sentences
    english = bialign.read_article(SEEDS / "000_9b6c93be4bbc7b4e.txt").sentences
    filler = [f"Residents of town {k} reported heavy traffic on the coast road." for k in range(12)]
    return list(arabic), filler + list(english)


class TestBandedMonotonePass:
    """The monotone pass adds links the core search left out; on a long pair it looks
    only within a band around the anchor path (made small here by lowering the size
    from which the band is used, and the band's width)."""

    def test_band_follows_the_anchor_path(
        self, offset_pair: tuple[list[str], list[str]], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from bialign import search

        weights = load_weights()
        full = links(align(*offset_pair, weights=weights))
        without_pass = links(align(*offset_pair, weights=replace(weights, dp_threshold=1.0)))
        added = full - without_pass
        assert added, "the monotone pass adds no link on this pair"
        assert not without_pass - full  # the pass only adds links
        # Each added link lies on the path, twelve English sentences on.
        for ar, en in added:
            assert abs((min(en) - min(ar)) - 12) <= 2, (ar, en)

        monkeypatch.setattr(search, "_DP_FULL_CELLS", 100)
        monkeypatch.setattr(search, "_DP_BAND", 2)
        n, m = len(offset_pair[0]), len(offset_pair[1])
        assert n * m > search._DP_FULL_CELLS  # so the banded pass runs
        assert links(align(*offset_pair, weights=weights)) == full
