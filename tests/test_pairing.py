"""Document pairing: `bialign.pairing.pair` finds counterparts among many articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from bialign.errors import InputError, InputTypeError, OptionError
from bialign.pairing import DocumentMatch, Pairing, document_vector, pair

# Short articles written for these tests: three stories told in both languages, and
# an English story with no Arabic counterpart.
ARABIC = {
    "flood": [
        "ضربت فيضانات شديدة مدينة الإسكندرية يوم الثلاثاء.",
        "قالت السلطات إن 12 شخصا لقوا حتفهم.",
        "أغلقت المدارس في المدينة لمدة ثلاثة أيام.",
    ],
    "match": [
        "فاز المنتخب المغربي على البرتغال بهدف نظيف.",
        "سجل يوسف النصيري هدف المباراة الوحيد في الشوط الأول.",
        "يلتقي المغرب مع فرنسا في نصف النهائي.",
    ],
    "bank": [
        "رفع البنك المركزي التركي سعر الفائدة إلى 45 في المئة.",
        "يهدف القرار إلى كبح التضخم المرتفع.",
        "تراجعت الليرة التركية أمام الدولار بعد الإعلان.",
    ],
}
ENGLISH = {
    "bank": [
        "Turkey's central bank raised its interest rate to 45 percent.",
        "The decision aims to curb high inflation.",
        "The Turkish lira fell against the dollar after the announcement.",
    ],
    "frog": [
        "A new species of frog was discovered in the Amazon rainforest.",
        "Scientists say the frog is smaller than a fingernail.",
        "The discovery was published in a biology journal.",
    ],
    "flood": [
        "Severe floods hit the city of Alexandria on Tuesday.",
        "Authorities said 12 people were killed.",
        "Schools in the city were closed for three days.",
    ],
    "match": [
        "Morocco's national team beat Portugal one-nil.",
        "Youssef En-Nesyri scored the only goal of the match in the first half.",
        "Morocco will face France in the semi-final.",
    ],
}


@pytest.fixture(scope="module")
def pairing() -> Pairing:
    return pair(ARABIC, ENGLISH)


def test_counterparts_matched_and_the_orphan_left_out(pairing: Pairing) -> None:
    assert {(m.arabic, m.english) for m in pairing.matches} == {
        ("flood", "flood"),
        ("match", "match"),
        ("bank", "bank"),
    }
    assert pairing.english_unmatched == ("frog",)
    assert pairing.arabic_unmatched == ()
    assert all(m.verdict == "counterpart" for m in pairing.matches)
    assert all(m.probability >= pairing.threshold for m in pairing.matches)
    assert pairing.match_of("bank") == next(m for m in pairing if m.arabic == "bank")
    assert "3 pairs of 3 Arabic and 4 English articles" in pairing.summary()


def test_candidates_are_scored_and_unrelated_ones_fall_below(pairing: Pairing) -> None:
    wrong = [c for c in pairing.candidates if c.arabic != c.english]
    assert wrong and all(c.probability < pairing.threshold for c in wrong)
    assert all(c.verdict == "unrelated" for c in wrong)
    assert set(pairing.candidates[0].features) >= {"mutual", "top_sim", "anchors"}
    assert isinstance(pairing.candidates[0], DocumentMatch)
    assert set(pairing.candidates[0].to_dict()) >= {"arabic", "english", "probability"}


def test_the_seeds_are_told_apart() -> None:
    """The five seeds, as a user would hand them: Anadolu's English 000 is the counterpart
    of Arabic 002, Al Jazeera 001 the same event told by another outlet, 003 and 004 other
    stories; the verdicts match `bialign.align`'s."""
    from bialign import align

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    english = {p.name[:3]: p for p in sorted(seeds.glob("00[0134]_*.txt"))}
    arabic = next(seeds.glob("002_*.txt"))
    res = pair({"002": arabic}, english)
    assert [(m.arabic, m.english, m.verdict) for m in res.matches] == [
        ("002", "000", "counterpart")
    ]
    verdicts = {c.english: c.verdict for c in res.candidates}
    assert verdicts == {
        "000": "counterpart",
        "001": "same event",
        "003": "unrelated",
        "004": "unrelated",
    }
    same = next(c for c in res.candidates if c.english == "001")
    assert "Wang Yi" in same.shared_people and "shared_people" in same.to_dict()
    doc = align(arabic, english["001"]).document
    assert doc is not None and doc.verdict == same.verdict
    assert doc.shared_people == same.shared_people


def test_probability_is_the_one_align_computes(pairing: Pairing) -> None:
    from bialign import align

    cand = next(c for c in pairing.candidates if (c.arabic, c.english) == ("bank", "match"))
    doc = align(ARABIC["bank"], ENGLISH["match"]).document
    assert doc is not None
    assert cand.probability == pytest.approx(doc.probability, abs=1e-4)


def test_top_k_limits_the_candidates() -> None:
    res = pair(ARABIC, ENGLISH, top_k=1)
    assert len(res.candidates) < len(ARABIC) * len(ENGLISH)
    assert {(m.arabic, m.english) for m in res.matches} == {(k, k) for k in ARABIC}


def test_threshold_decides_what_counts_as_a_match() -> None:
    ar, en = {"bank": ARABIC["bank"]}, {"match": ENGLISH["match"]}
    strict = pair(ar, en)
    assert strict.matches == () and strict.arabic_unmatched == ("bank",)
    p = strict.candidates[0].probability
    loose = pair(ar, en, threshold=p / 2)
    assert [(m.arabic, m.english) for m in loose.matches] == [("bank", "match")]
    assert loose.matches[0].verdict == "counterpart"


def test_lists_and_paths_give_ids(tmp_path: Path) -> None:
    files = []
    for k in ("flood", "match"):
        p = tmp_path / f"{k}.en.txt"
        p.write_text(" ".join(ENGLISH[k]), encoding="utf-8")
        files.append(p)
    res = pair([ARABIC["match"], ARABIC["flood"]], files)
    assert {(m.arabic, m.english) for m in res.matches} == {
        (0, str(files[1])),
        (1, str(files[0])),
    }
    assert res.sources[("english", str(files[0]))] == files[0]


def test_unreadable_documents_are_recorded_not_raised(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Morocco beat Portugal".encode("utf-16"))
    good = tmp_path / "good.txt"
    good.write_text(" ".join(ENGLISH["match"]), encoding="utf-8")
    res = pair({"match": ARABIC["match"]}, [bad, good])
    assert [(s, k) for s, k, _ in res.failed] == [("english", str(bad))]
    assert "UTF-16" in res.failed[0][2]
    assert [(m.arabic, m.english) for m in res.matches] == [("match", str(good))]


def test_empty_side_gives_no_matches() -> None:
    res = pair(ARABIC, {})
    assert res.matches == () and set(res.arabic_unmatched) == set(ARABIC)


def test_document_vector_weights_the_start() -> None:
    import numpy as np

    from bialign.segmentation import Article

    art = Article.from_sentences(["One.", "Two.", "Three."], lang="en")
    vecs = np.eye(3, 4)
    v = document_vector(vecs, art)
    assert v[0] > v[1] > v[2] > 0
    assert float(np.linalg.norm(v)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        ({"top_k": 0}, "top_k"),
        ({"top_k": True}, "top_k"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": "high"}, "threshold"),
        ({"progress": "yes"}, "progress"),
    ],
)
def test_bad_options_are_refused_before_any_work(kwargs: dict, option: str) -> None:
    with pytest.raises(OptionError) as info:
        pair(["not read"], ["not read"], **kwargs)
    assert info.value.option == option


def test_bad_inputs() -> None:
    with pytest.raises(InputTypeError):
        pair("one text", ENGLISH)
    with pytest.raises(InputTypeError):
        pair([42], ENGLISH)
    with pytest.raises(OptionError):
        pair([Path("a.txt"), Path("a.txt")], ENGLISH)


def test_a_folder_that_is_not_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"arabic_docs .*nodir: no such folder"):
        pair(tmp_path / "nodir", ENGLISH)
    (tmp_path / "a.txt").write_text("سوريا", encoding="utf-8")
    with pytest.raises(InputError, match=r"english_docs .*a\.txt: is a file, not a folder"):
        pair([Path("x.txt")], tmp_path / "a.txt")


def test_hidden_files_and_subfolders_of_a_folder_are_not_articles(tmp_path: Path) -> None:
    from bialign.pairing import _entries

    for name in ("b.txt", "a.txt", ".DS_Store", ".a.txt.swp"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("x", encoding="utf-8")
    assert [Path(k).name for k, _ in _entries(tmp_path, "arabic")] == ["a.txt", "b.txt"]


def test_assignment_maximises_the_summed_probability() -> None:
    from bialign.pairing import _assign

    # Greedy would take (0, 0) at 0.9 and leave 1.6 on the table.
    probs = {(0, 0): 0.9, (0, 1): 0.8, (1, 0): 0.8}
    assert _assign(probs, 0.5) == [(0, 1), (1, 0)]
    # A pair that does not reach the threshold is never taken, even to fill a row.
    assert _assign({(0, 0): 0.9, (1, 0): 0.95, (1, 1): 0.3}, 0.5) == [(1, 0)]
    assert _assign({}, 0.5) == []


@pytest.mark.parametrize(
    ("p", "threshold", "matched"),
    [
        (0.0, 0.0, True),  # threshold 0: every candidate, even of probability 0
        (0.5, 0.5, True),  # the threshold itself is reached
        (0.4999, 0.5, False),
        (1.0, 1.0, True),
    ],
)
def test_assignment_threshold_is_p_at_least_threshold(
    p: float, threshold: float, matched: bool
) -> None:
    from bialign.pairing import _assign

    assert _assign({(0, 0): p, (1, 1): p}, threshold) == ([(0, 0), (1, 1)] if matched else [])


def test_threshold_zero_matches_every_article_it_can() -> None:
    res = pair({"bank": ARABIC["bank"]}, {"frog": ENGLISH["frog"]}, threshold=0)
    assert [(m.arabic, m.english) for m in res.matches] == [("bank", "frog")]
    assert res.matches[0].verdict == "counterpart"


def test_scipy_is_a_declared_dependency() -> None:
    import tomllib

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    assert any(d.replace(" ", "").startswith("scipy>=") for d in deps)
