"""The link model's features are one table (issue 14): model, evidence and docs read it."""

from __future__ import annotations

import json
from pathlib import Path

import bialign
from bialign.aligner import FEATURES
from bialign.features import FEATURE_TABLE, features_table

ROOT = Path(__file__).resolve().parents[1]


def _docs_table() -> str:
    lines = (ROOT / "docs" / "concepts" / "alignment.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("<!-- features-table -->") + 1
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join(lines[start:end])


def test_docs_table_is_the_code_table() -> None:
    assert _docs_table() == features_table()


def test_model_features_are_the_table_in_order() -> None:
    assert tuple(f.name for f in FEATURE_TABLE) == FEATURES
    shipped = json.loads((ROOT / "resources" / "weights.json").read_text(encoding="utf-8"))
    assert tuple(shipped["features"]) == FEATURES
    assert len(set(FEATURES)) == len(FEATURES)


def test_evidence_shows_the_table_s_evidence_features() -> None:
    res = bialign.align(
        ["قال الوزير إن 5 أشخاص قتلوا في الهجوم.", "وصل الشيباني إلى بكين يوم الاثنين."],
        ["Al-Shaibani arrived in Beijing on Monday.", "The minister said 5 people died."],
    )
    # (the dictionary's score shows only when a dictionary is used, the word signal's when
    # the link model weighs it)
    wanted = {f.name for f in FEATURE_TABLE if f.evidence} - {"dictionary"}
    if "|words:none|" in res.signature:
        wanted -= {"lexical"}
    assert res.pairs
    for p in res.pairs:
        assert wanted <= set(p.evidence.signals)
        # The anchors feature runs from -0.5 to 0.5; its evidence is the score in [0, 1].
        assert 0.0 <= p.evidence.signals["anchors"] <= 1.0


def test_align_uses_the_registered_scorers(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The registry is real: a scorer registered under "anchors" is the one align() uses."""
    from bialign.scorers import base

    calls: list[int] = []

    def agreeing() -> bialign.FunctionScorer:
        def fn(a: str, e: str) -> float:
            calls.append(1)
            return 1.0

        return bialign.FunctionScorer(fn, name="anchors")

    monkeypatch.setitem(base._REGISTRY, "anchors", agreeing)
    res = bialign.align(["قال الوزير إن الاقتصاد ينمو."], ["The minister said the economy grows."])
    assert calls and res.pairs[0].evidence.signals["anchors"] == 1.0
    monkeypatch.undo()
    res = bialign.align(["قال الوزير إن الاقتصاد ينمو."], ["The minister said the economy grows."])
    assert res.pairs[0].evidence.signals["anchors"] == 0.5  # the shipped scorer: no anchors


def test_scorer_protocols() -> None:
    """The aligner tells its scorers' abilities by protocol, not by attribute lookups."""
    from bialign.scorers import SentenceEncoder, SpanScorer
    from bialign.scorers.embedding import EmbeddingScorer
    from bialign.scorers.translation import TranslationScorer

    assert isinstance(EmbeddingScorer(), SentenceEncoder)
    assert not isinstance(bialign.FunctionScorer(lambda a, e: 0.0), SentenceEncoder)
    translation = TranslationScorer(bialign.FunctionTranslator(lambda t: t, name="same"))
    assert isinstance(translation, SpanScorer) and translation.spans_exact
