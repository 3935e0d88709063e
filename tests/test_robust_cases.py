"""The robustness benchmark's case builders and metrics (benchmarks/robust.py); no encoder."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from _benchmarks import load_benchmark

from bialign import Alignment, Article
from bialign.evaluate import Gold
from bialign.result import AlignedPair

ROOT = Path(__file__).resolve().parents[1]
NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"


robust = load_benchmark("robust")

needs_ntrex = pytest.mark.skipif(not NTREX.is_dir(), reason=f"no NTREX data at {NTREX}")


@pytest.fixture(scope="module")
def cases():
    return robust.build_cases(0)


@pytest.fixture(scope="module")
def ntrex_by_name(cases):
    return {c.name: c for c in cases.get("ntrex", [])}


# --------------------------------------------------------------------------- builders, no data


def _gold(n_ar: int, n_en: int, sure, possible=(), name="toy") -> Gold:
    sure = frozenset(sure)
    poss = sure | frozenset(possible)
    return Gold(
        arabic=tuple(f"ar{i}" for i in range(n_ar)),
        english=tuple(f"en{j}" for j in range(n_en)),
        sure=sure,
        possible=poss,
        arabic_only=frozenset(range(n_ar)) - {i for i, _ in poss},
        english_only=frozenset(range(n_en)) - {j for _, j in poss},
        name=name,
    )


@pytest.mark.parametrize("how", ["moved3", "moved2to5", "halves", "reversed"])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 13, 30])
def test_block_order_is_a_real_permutation(how, n):
    for seed in range(20):
        order = robust.block_order(n, how, random.Random(seed))
        assert sorted(order) == list(range(n))
        if n > 3 or (n == 3 and how != "moved3"):
            assert order != list(range(n))


def test_block_order_moved3_moves_whole_blocks():
    order = robust.block_order(11, "moved3", random.Random(0))
    blocks = [order[k : k + 3] for k in range(0, 11, 3) if order[k] % 3 == 0]
    assert sorted(tuple(b) for b in blocks) == [(0, 1, 2), (3, 4, 5), (6, 7, 8), (9, 10)]


def test_block_order_halves_and_reversed():
    assert robust.block_order(5, "halves", random.Random(0)) == [2, 3, 4, 0, 1]
    order = robust.block_order(10, "reversed", random.Random(0))
    # Runs of consecutive indices of length 2-3, in descending order of their start.
    runs = [[order[0]]]
    for j in order[1:]:
        if j == runs[-1][-1] + 1:
            runs[-1].append(j)
        else:
            runs.append([j])
    assert [r[0] for r in runs] == sorted((r[0] for r in runs), reverse=True)
    assert all(2 <= len(r) <= 3 for r in runs[1:])  # the last block cut may be short


def test_permute_english_remaps_links_and_one_sided():
    g = _gold(3, 4, {(0, 0), (1, 1), (1, 2)}, possible={(2, 3)})
    order = [3, 1, 2, 0]  # new k holds old order[k]
    mg = robust.permute_english(g, order)
    assert mg.english == ("en3", "en1", "en2", "en0")
    assert mg.sure == {(0, 3), (1, 1), (1, 2)}
    assert mg.possible == mg.sure | {(2, 0)}
    assert mg.arabic == g.arabic and mg.arabic_only == g.arabic_only
    with pytest.raises(ValueError):
        robust.permute_english(g, [0, 0, 1, 2])


def test_shared_origin_pairs():
    ar_meta = {"doc_id": "a", "ar_origin": [[0], [1, 2], "b#4", "c#1"]}
    en_meta = {"doc_id": "b", "en_origin": [[4], "a#2", [0], "c#1", "c#2"]}
    assert robust.shared_origin_pairs(ar_meta, en_meta) == {(2, 0), (1, 1), (3, 3)}


# --------------------------------------------------------------------------- NTREX slices


@needs_ntrex
def test_slice_sizes(cases):
    sizes = {k: len(v) for k, v in cases.items()}
    assert sizes == {
        "ntrex": 61,
        "moved3": 61,
        "moved2to5": 61,
        "halves": 61,
        "reversed": 61,
        "unrelated": 122,
        "seed_counterpart": 1,
        "seed_moved3": 1,
        "seed_other_outlet": 1,
        "seed_unrelated": 1,
        "seed_other_meeting": 1,
    }
    names = [c.name for v in cases.values() for c in v]
    assert len(names) == len(set(names))


@needs_ntrex
def test_build_is_deterministic_and_seeded():
    a, b, c = robust.build_cases(0), robust.build_cases(0), robust.build_cases(1)
    orders = [[x.meta["order"] for x in d["moved2to5"]] for d in (a, b, c)]
    assert orders[0] == orders[1] != orders[2]


@needs_ntrex
@pytest.mark.parametrize("how", ["moved3", "moved2to5", "halves", "reversed"])
def test_moved_cases_keep_every_sentence_once(cases, ntrex_by_name, how):
    for c in cases[how]:
        orig = ntrex_by_name[c.name.rsplit(" ", 1)[0]]
        assert c.arabic == orig.arabic == c.gold.arabic
        assert Counter(c.english) == Counter(orig.english)
        assert len(c.english) == len(orig.english)
        assert c.english == c.gold.english
        order = c.meta["order"]
        assert sorted(order) == list(range(len(order))) and order != sorted(order)
        assert c.english == tuple(orig.english[j] for j in order)
        assert c.doc == c.english_doc == orig.doc


@needs_ntrex
@pytest.mark.parametrize("how", ["moved3", "moved2to5", "halves", "reversed"])
def test_moved_gold_is_the_original_under_the_permutation(cases, ntrex_by_name, how):
    for c in cases[how]:
        g0 = ntrex_by_name[c.name.rsplit(" ", 1)[0]].gold
        order = c.meta["order"]
        back = {(i, order[j]) for i, j in c.gold.sure}
        assert back == g0.sure
        assert {(i, order[j]) for i, j in c.gold.possible} == g0.possible
        assert {order[j] for j in c.gold.english_only} == g0.english_only
        assert c.gold.arabic_only == g0.arabic_only
        # The same sentence texts are linked.
        texts = {(c.gold.arabic[i], c.gold.english[j]) for i, j in c.gold.sure}
        assert texts == {(g0.arabic[i], g0.english[j]) for i, j in g0.sure}


@needs_ntrex
def test_unrelated_pairs_keep_both_sides(cases):
    ntrex = cases["ntrex"]
    un = cases["unrelated"]
    n = len(ntrex)
    for k, c in enumerate(un):
        s = robust.UNRELATED_SHIFTS[k // n]
        i = k % n
        assert c.arabic == ntrex[i].arabic and c.english == ntrex[(i + s) % n].english
        assert c.doc == ntrex[i].doc and c.english_doc == ntrex[(i + s) % n].doc
        g = c.gold
        assert g.sure == g.possible
        linked_ar = {i for i, _ in g.sure}
        linked_en = {j for _, j in g.sure}
        assert g.arabic_only == set(range(len(g.arabic))) - linked_ar
        assert g.english_only == set(range(len(g.english))) - linked_en


@needs_ntrex
def test_unrelated_shared_origin_hand_checked(cases):
    # 029_cnn.304404 inserted sentence 2 of abcnews.306758 as its Arabic distractor 4;
    # 031_abcnews.306758 (the next case) keeps that sentence as English 2.
    un = {c.name: c for c in cases["unrelated"]}
    c = un["ntrex-029-cnn.304404 x ntrex-031-abcnews.306758"]
    assert c.gold.sure == {(4, 2)}
    assert "لوبيز أوبرادور" in c.gold.arabic[4]
    assert c.gold.english[2].startswith("Lopez Obrador promised Saturday at Tlatelolco")
    assert 4 not in c.gold.arabic_only and 2 not in c.gold.english_only
    assert sum(len(x.gold.sure) for x in cases["unrelated"]) == 7


@needs_ntrex
def test_origins_reproduce_the_ntrex_gold(cases):
    """The origin rule used for unrelated pairs gives back each case's own links."""
    import json

    for f in sorted(NTREX.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        links = {(x["ar"], x["en"]) for x in d["links"]}
        assert robust.shared_origin_pairs(d["meta"], d["meta"]) == links


# --------------------------------------------------------------------------- seeds


def test_seed_slices_load_with_roles():
    seeds = robust.seed_cases(0)
    assert set(seeds) == set(robust.SEED_SLICES)
    cp = seeds["seed_counterpart"][0]
    assert isinstance(cp.arabic, Article) and isinstance(cp.english, Article)
    assert tuple(s.role for s in cp.arabic) == cp.gold.arabic_roles
    assert tuple(s.role for s in cp.english) == cp.gold.english_roles
    assert cp.english.sentences == cp.gold.english
    oo = seeds["seed_other_outlet"][0]
    assert tuple(s.role for s in oo.english) == oo.gold.english_roles
    assert oo.arabic is cp.arabic or oo.arabic.sentences == cp.arabic.sentences
    for name in ("seed_unrelated", "seed_other_meeting"):
        c = seeds[name][0]
        assert not c.gold.sure and not c.gold.possible
        assert c.gold.arabic_only == set(range(len(c.arabic)))
        assert c.gold.english_only == set(range(len(c.english)))
        assert c.gold.english == c.english.sentences


def test_seed_moved3_keeps_furniture_in_place():
    seeds = robust.seed_cases(0)
    cp = seeds["seed_counterpart"][0]
    mv = seeds["seed_moved3"][0]
    order = mv.meta["order"]
    roles0 = [s.role for s in cp.english]
    roles1 = [s.role for s in mv.english]
    assert roles1 == roles0 == list(mv.gold.english_roles)
    for k, r in enumerate(roles0):
        if r != "body":
            assert order[k] == k and mv.english[k].text == cp.english[k].text
    body = [k for k, r in enumerate(roles0) if r == "body"]
    assert [order[k] for k in body] != body
    assert sorted(order[k] for k in body) == body
    assert Counter(mv.english.sentences) == Counter(cp.english.sentences)
    assert {(i, order[j]) for i, j in mv.gold.possible} == cp.gold.possible
    assert {(i, order[j]) for i, j in mv.gold.sure} == cp.gold.sure
    assert {order[j] for j in mv.gold.english_only} == cp.gold.english_only


# --------------------------------------------------------------------------- evaluate


def _case(name: str, slice_: str, gold: Gold) -> robust.Case:
    return robust.Case(name, slice_, gold.arabic, gold.english, gold, name, name)


def _alignment(case: robust.Case, links) -> Alignment:
    ar = Article.from_sentences(list(case.arabic), lang="ar")
    en = Article.from_sentences(list(case.english), lang="en")
    pairs = tuple(
        AlignedPair(
            tuple(a), tuple(e), " ".join(ar[i].text for i in a), " ".join(en[j].text for j in e), s
        )
        for a, e, s in links
    )
    used_a = {i for a, _, _ in links for i in a}
    used_e = {j for _, e, _ in links for j in e}
    return Alignment(
        arabic=ar,
        english=en,
        pairs=pairs,
        arabic_only=tuple(s for s in ar if s.index not in used_a),
        english_only=tuple(s for s in en if s.index not in used_e),
        signature="fake",
    )


def test_evaluate_metrics_on_fake_alignments():
    g1 = _gold(3, 3, {(0, 0), (1, 1), (1, 2)}, possible={(2, 2)})
    g2 = _gold(2, 2, set())  # no counterpart at all
    g3 = _gold(2, 2, {(0, 0)})
    cases = {
        "a": [_case("one", "a", g1), _case("two", "a", g2)],
        "b": [_case("three", "b", g3)],
    }
    predicted = {
        # right 1-2 link (0.95), right-by-possible 1-1 (2,2) (0.65), invented (0,2)? no:
        # (0, 1) is invented (0.55)
        "one": [((1,), (1, 2), 0.95), ((2,), (2,), 0.65), ((0,), (1,), 0.55)],
        # invented, high score
        "two": [((0,), (1,), 0.75)],
        # a link half right: (0,0) gold, (0,1) not: wrong but not invented
        "three": [((0,), (0, 1), 0.05)],
    }
    verdicts = {"one": "counterpart", "two": "unrelated", "three": "counterpart"}

    def fake(case):
        res = _alignment(case, predicted[case.name])
        doc = SimpleNamespace(verdict=verdicts[case.name], probability=0.8)
        object.__setattr__(res, "document", doc)
        return res

    seen = []
    rep = robust.evaluate(fake, cases, on_slice=seen.append)
    assert [r.slice for r in seen] == ["a", "b"]
    a, b = rep.slices["a"], rep.slices["b"]
    assert a.documents == 2 and b.documents == 1
    # Slice a: predicted pairs (1,1),(1,2),(2,2),(0,1) and (0,1) in doc two.
    s = a.scores
    assert (s.link_tp, s.link_pred, s.sure_found, s.sure_total) == (3, 5, 2, 3)
    assert s.link_precision == pytest.approx(3 / 5)
    assert s.link_recall == pytest.approx(2 / 3)
    # One-sided: gold one: ar {} en {} (all linked: ar 0,1,2; en 0,1,2) -> none;
    # two: ar {0,1} en {0,1}. Predicted one: ar {} en {0}; two: ar {1} en {0}.
    assert (s.one_tp, s.one_pred, s.one_gold) == (2, 3, 4)
    assert a.links == 4
    assert a.docs_with_wrong_link == 2
    assert (a.invented, a.invented_05, a.invented_07) == (2, 2, 1)
    assert a.per100(a.invented) == pytest.approx(100.0)
    assert a.docs_with_link == 2
    assert a.verdicts == {"counterpart": 1, "unrelated": 1}
    assert b.docs_with_wrong_link == 1 and b.invented == 0
    assert (b.scores.link_tp, b.scores.link_pred) == (1, 2)
    assert b.verdicts == {"counterpart": 1}
    # Reliability over all 5 links: bands 0.0 (0.05 wrong), 0.5 (0.55 wrong),
    # 0.6 (0.65 right), 0.7 (0.75 wrong), 0.9 (0.95 right).
    counts = {round(x.low, 1): (x.count, x.share_right) for x in rep.reliability if x.count}
    assert counts == {0.0: (1, 0.0), 0.5: (1, 0.0), 0.6: (1, 1.0), 0.7: (1, 0.0), 0.9: (1, 1.0)}
    ece = (0.05 + 0.55 + 0.35 + 0.75 + 0.05) / 5
    assert rep.ece == pytest.approx(ece)
    assert a.mean_link_score == pytest.approx((0.95 + 0.65 + 0.55 + 0.75) / 4)
    assert a.share_links_right == pytest.approx(0.5)
    assert a.ece == pytest.approx((0.05 + 0.35 + 0.55 + 0.75) / 4)
    d = rep.to_dict()
    assert d["slices"]["a"]["invented_ge07_per100"] == pytest.approx(50.0)
    assert d["slices"]["a"]["share_docs_with_link"] == pytest.approx(1.0)
    text = rep.format()
    assert "ECE" in text and "counterpart: 1" in text


def test_evaluate_without_verdicts_and_with_errors():
    g = _gold(2, 2, {(0, 0), (1, 1)})
    cases = [_case("ok", "x", g), _case("boom", "x", g)]

    def fake(case):
        if case.name == "boom":
            raise RuntimeError("broken")
        return _alignment(case, [((0,), (0,), 0.9), ((1,), (1,), 0.85)])

    rep = robust.evaluate(fake, cases)
    x = rep.slices["x"]
    assert x.errors == 1 and x.documents == 1
    assert x.verdicts == {} and x.verdict_accuracy is None
    assert x.scores.link_f1 == pytest.approx(1.0)
    assert x.docs_with_wrong_link == 0
    assert rep.ece == pytest.approx((0.1 + 0.15) / 2)
    assert rep.cases[1].error == "RuntimeError: broken"


def test_document_verdict_reads_either_attribute():
    assert robust.document_verdict(SimpleNamespace()) == (None, None)
    assert robust.document_verdict(SimpleNamespace(verdict="unrelated")) == ("unrelated", None)
    doc = SimpleNamespace(verdict="same event", probability=0.4)
    assert robust.document_verdict(SimpleNamespace(document=doc)) == ("same event", 0.4)


def test_evaluate_with_the_real_aligner_without_encoder():
    """`bialign.align` with a function translator and no encoder goes through evaluate."""
    import bialign

    g = Gold(
        arabic=("ذهب الرئيس إلى باريس يوم الاثنين.", "أعلنت الشركة أرباحا قياسية."),
        english=("The president went to Paris on Monday.", "It rained all week in Oslo."),
        sure=frozenset({(0, 0)}),
        possible=frozenset({(0, 0)}),
        arabic_only=frozenset({1}),
        english_only=frozenset({1}),
        name="tiny",
    )
    table = dict(
        zip(g.arabic, ("The president went to Paris on Monday.", "Record profits."), strict=True)
    )
    tr = bialign.FunctionTranslator(lambda x: table.get(x, x), name="table")
    case = _case("tiny", "t", g)
    rep = robust.evaluate(
        lambda c: bialign.align(c.arabic, c.english, translator=tr, embedding=False), [case]
    )
    t = rep.slices["t"]
    assert t.errors == 0, rep.cases[0].error
    assert t.documents == 1
    assert t.scores.sure_total == 1
    assert sum(b.count for b in rep.reliability) == t.links
