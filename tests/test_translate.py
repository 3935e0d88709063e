"""Tests of bialign.translate: translators, the translation cache and the translation scorer.

The transformers path is tested end to end with a tiny Marian model built and saved
here (random weights, a word-level tokenizer trained on a few sentences), loaded back
through the Auto classes: nothing is mocked and nothing is downloaded.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import _thread
import contextlib
import json
import logging
import pickle
import random
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import BLEU, CHRF

from bialign.errors import (
    EmptyInputError,
    InputError,
    InputTypeError,
    ModelError,
    ResourceError,
    UnknownNameError,
)
from bialign.scorers.base import Scorer, get_scorer
from bialign.translate import (
    DEFAULT_MODEL,
    FunctionTranslator,
    TransformersTranslator,
    TranslationCache,
    TranslationScorer,
    TranslationStats,
    Translator,
    TruncationWarning,
    bleu_matrix,
    chrf_matrix,
)

DATA = Path(__file__).parent / "data"
SEED_GOLD = DATA / "anadolu_seed_gold.json"

# Five distinct sentences with five distinct token counts (so that batches are the
# same whatever the input order).
FIVE = [
    "سوريا والصين",
    "وزير الخارجية في بكين",
    "اتفقت سوريا والصين على تعزيز التعاون",
    "Syria and China agreed to boost security cooperation",
    "جاء ذلك في بيان مشترك نشرته وزارة الخارجية السورية يوم الاثنين",
]


_SLOW_BATCH = 8.0  # seconds that the fake slow batch of the interrupt test waits


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real (random-weight) Marian model and fast tokenizer, saved with save_pretrained."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import MarianConfig, MarianMTModel, PreTrainedTokenizerFast

    corpus = [*FIVE, "the minister said the talks were constructive", "قال الوزير إن المحادثات"]
    backend = Tokenizer(models.WordLevel(unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    backend.train_from_iterator(
        corpus, trainers.WordLevelTrainer(special_tokens=["<pad>", "</s>", "<unk>", "<s>"])
    )
    backend.post_processor = processors.TemplateProcessing(
        single="$A </s>", special_tokens=[("</s>", backend.token_to_id("</s>"))]
    )
    backend.decoder = decoders.WordPiece(prefix="##")
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        bos_token="<s>",
    )
    config = MarianConfig(
        vocab_size=len(tokenizer),
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
        forced_eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    folder = tmp_path_factory.mktemp("tiny-marian")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture
def tiny_model(tiny_model_dir: Path) -> Iterator[Path]:
    """The tiny model's folder, with torch on one thread during the test (restored after)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a 16-dim model only loses time to thread start-up
    try:
        yield tiny_model_dir
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


# Hand-written English translations of Arabic sentences of the Anadolu seed pair that
# are in exactly one sure (S) link, on both sides. Keys: Arabic sentence index; values:
# (the English sentence index of the gold link, a faithful translation of the Arabic).
# The headline (ar 1 / en 1) is left out on purpose: its faithful translation, "Syria and
# China agree to strengthen security cooperation and fight terrorism", is closer in
# wording to the English lead (en 6) than to the rephrased English headline.
SEED_TRANSLATIONS: dict[int, tuple[int, str]] = {
    9: (
        8,
        'The statement said that Shaibani and Wang had "constructive bilateral talks" during '
        "which they exchanged views on Syrian-Chinese relations and issues of common interest.",
    ),
    13: (
        10,
        'The two also voiced their "keenness to explore cooperation in economy and development, '
        "the reconstruction of Syria, capacity building, improving the living conditions of "
        'the Syrian people and other areas of common interest", the source said.',
    ),
    14: (
        14,
        'For his part, Shaibani affirmed his "steadfast commitment to the one-China principle '
        "and his recognition that the government of the People's Republic of China is the "
        "only lawful government representing the whole of China, and that Taiwan is an "
        'inseparable part of it", according to the statement.',
    ),
    15: (
        15,
        'He stressed "his support for China in preserving its national sovereignty, unity '
        "and territorial integrity, his categorical opposition to any forces interfering in "
        "China's internal affairs, and his backing for all efforts of the Chinese government "
        'to reunify the country".',
    ),
    16: (
        12,
        'Shaibani promised that Syria "would not pose a threat to China and would not let any '
        "entities use its land for activities that harm China's security, sovereignty and "
        'interests", the same source said.',
    ),
    25: (
        23,
        "The news published on the official page of Anadolu Agency is an abridgement of part "
        "of the news offered to subscribers through the news flow system (HAS).",
    ),
    26: (24, "To subscribe to the agency, please use the following contact link."),
}


# --------------------------------------------------------------------------- translators


class TestFunctionTranslator:
    def test_per_sentence_function(self) -> None:
        """A str -> str function is called once per distinct non-blank text."""
        seen: list[str] = []

        def upper(text: str) -> str:
            seen.append(text)
            return text.upper()

        t = FunctionTranslator(upper, name="upper")
        assert t.translate(["ab", "", "cd", "ab", "  "]) == ["AB", "", "CD", "AB", ""]
        assert seen == ["ab", "cd"]
        assert t.stats == TranslationStats(calls=2, sentences_translated=2)

    def test_batch_function_in_chunks(self) -> None:
        """With batched=True and batch_size=2, five texts take three calls."""
        calls: list[list[str]] = []

        def batch(texts: list[str]) -> list[str]:
            calls.append(list(texts))
            return [t[::-1] for t in texts]

        t = FunctionTranslator(batch, batched=True, batch_size=2, name="reverse")
        texts = ["ab", "cd", "ef", "gh", "ij"]
        assert t.translate(texts) == ["ba", "dc", "fe", "hg", "ji"]
        assert [len(c) for c in calls] == [2, 2, 1]
        assert t.stats.calls == 3

    def test_cache_answers_repeated_calls(self) -> None:
        """A second translate of the same texts calls nothing."""
        t = FunctionTranslator(str.upper, name="upper")
        t.translate(["ab", "cd"])
        assert t.translate(["cd", "ab"]) == ["CD", "AB"]
        assert t.stats.calls == 2
        assert t.stats.cache_hits == 2

    def test_finished_chunks_are_cached_when_a_later_one_fails(self, tmp_path: Path) -> None:
        """An error in the second batch keeps the first batch's translations in the cache file."""

        def flaky(texts: list[str]) -> list[str]:
            if "boom" in texts:
                raise RuntimeError("service down")
            return [t.upper() for t in texts]

        path = tmp_path / "cache.sqlite"
        t = FunctionTranslator(flaky, batched=True, batch_size=2, name="flaky", cache=path)
        with pytest.raises(RuntimeError, match="service down"):
            t.translate(["ab", "cd", "boom"])
        assert TranslationCache(path).get("flaky", "cd") == "CD"

    def test_is_a_translator(self) -> None:
        """FunctionTranslator satisfies the runtime-checkable Translator protocol."""
        assert isinstance(FunctionTranslator(str.upper), Translator)

    @pytest.mark.parametrize(
        ("fn", "batched", "match"),
        [
            ({}.get, False, "NoneType"),
            (lambda texts: texts[:-1], True, "returned 1 translations for 2 texts"),
            (lambda texts: [1 for _ in texts], True, "returned int"),
            (lambda texts: "not a list", True, "returned str"),
        ],
    )
    def test_bad_output_raises_model_error(self, fn, batched: bool, match: str) -> None:
        """Output that is not one str per input raises ModelError naming the translator."""
        t = FunctionTranslator(fn, batched=batched, name="broken")
        with pytest.raises(ModelError, match=match) as info:
            t.translate(["ab", "cd"])
        assert "'broken'" in str(info.value)
        assert info.value.model == "broken"

    def test_bad_arguments(self) -> None:
        """A non-callable, or batch_size without batched=True, is refused."""
        with pytest.raises(InputTypeError):
            FunctionTranslator("not callable")  # type: ignore[arg-type]
        with pytest.raises(InputError, match="batched=True"):
            FunctionTranslator(str.upper, batch_size=4)
        with pytest.raises(InputError, match="at least 1"):
            FunctionTranslator(str.upper, batched=True, batch_size=0)

    @pytest.mark.parametrize("bad", ["a string", [b"bytes"], ["ok", None], 42])
    def test_non_str_input(self, bad: object) -> None:
        """Anything but a list of str raises InputTypeError."""
        with pytest.raises(InputTypeError):
            FunctionTranslator(str.upper).translate(bad)  # type: ignore[arg-type]


def _jsonl(entries: list[tuple[str, str, str]]) -> bytes:
    """A cache file as earlier versions wrote it: one JSON object per line."""
    return b"".join(
        json.dumps(
            {"translator": name, "source": source, "translation": translation},
            ensure_ascii=False,
        ).encode("utf-8")
        + b"\n"
        for name, source, translation in entries
    )


def _beside(path: Path) -> list[str]:
    """The names of the files in the folder of ``path`` (to see what was left behind)."""
    return sorted(p.name for p in path.parent.iterdir())


class TestTranslationCache:
    def test_keys_include_translator_name(self) -> None:
        """The same source under two translator names is two entries."""
        cache = TranslationCache()
        cache.put("a", "مرحبا", "hello")
        cache.put("b", "مرحبا", "hi")
        assert cache.get("a", "مرحبا") == "hello"
        assert cache.get("b", "مرحبا") == "hi"
        assert cache.get("c", "مرحبا") is None
        assert len(cache) == 2
        assert ("a", "مرحبا") in cache
        assert ("c", "مرحبا") not in cache

    @pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "file"])
    def test_get_many_answers_a_batch(self, tmp_path: Path, on_disk: bool) -> None:
        """get_many returns only the sources found, also beyond one lookup statement's size."""
        cache = TranslationCache(tmp_path / "cache.sqlite" if on_disk else None)
        cache.put_many("m", [(f"نص {i}", f"text {i}") for i in range(0, 1200, 2)])
        cache.put("other", "نص 1", "wrong model")
        asked = [f"نص {i}" for i in range(1200)] + ["نص 4"]  # a duplicate too
        found = cache.get_many("m", asked)
        assert found == {f"نص {i}": f"text {i}" for i in range(0, 1200, 2)}
        assert cache.get_many("m", []) == {}

    def test_file_round_trip(self, tmp_path: Path) -> None:
        """Entries written by one cache are read back by a new one; the file is SQLite."""
        path = tmp_path / "sub" / "cache.sqlite"
        TranslationCache(path).put_many("m", [("أ", "a"), ("ب", "b")])
        with TranslationCache(path) as cache:
            cache.put("m", "ج", "c")
            cache.put("m", "أ", "A")  # written again: replaces
        assert path.read_bytes().startswith(b"SQLite format 3\x00")
        reopened = TranslationCache(path)
        assert len(reopened) == 3
        assert reopened.get("m", "ب") == "b"
        assert reopened.get("m", "أ") == "A"
        assert repr(reopened) == f"TranslationCache({str(path)!r}, entries=3)"

    def test_file_is_created_by_the_first_write(self, tmp_path: Path) -> None:
        """Opening a cache at a new path creates nothing; what another cache writes is seen."""
        path = tmp_path / "sub" / "cache.sqlite"
        reader = TranslationCache(path)
        assert reader.get("m", "أ") is None
        assert len(reader) == 0
        assert not path.parent.exists()
        TranslationCache(path).put("m", "أ", "a")
        assert reader.get("m", "أ") == "a"

    def test_closed_cache_opens_again(self, tmp_path: Path) -> None:
        """close() releases the file; a later use opens it again."""
        cache = TranslationCache(tmp_path / "cache.sqlite")
        cache.put("m", "أ", "a")
        cache.close()
        cache.close()
        assert cache.get("m", "أ") == "a"

    def test_lookup_does_not_read_the_whole_file(self, tmp_path: Path) -> None:
        """Opening a big cache and looking up a few texts reads only those entries.

        The file holds about 8 MB of translations (16 MB as Python strings); the
        Python memory used to open it and answer 11 lookups stays under 1 MB.
        """
        path = tmp_path / "big.sqlite"
        filler = "ترجمة " * 330  # about 2,000 characters
        with TranslationCache(path) as cache:
            cache.put_many("m", [(f"نص {i}", f"{i} {filler}") for i in range(2000)])
        assert path.stat().st_size > 7_000_000
        tracemalloc.start()
        try:
            cache = TranslationCache(path)
            assert cache.get("m", "نص 1500") == f"1500 {filler}"
            found = cache.get_many("m", [f"نص {i}" for i in range(10)])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert len(found) == 10
        assert peak < 1_000_000

    def test_lookup_work_does_not_grow_with_the_cache(self, tmp_path: Path) -> None:
        """A lookup goes through the index: as much work in 20,000 entries as in 100.

        The work is counted in SQLite virtual-machine steps (a progress handler on the
        cache's connection); a scan of the table would take about 200 times more.
        """

        def lookup_steps(entries: int) -> int:
            cache = TranslationCache(tmp_path / f"cache-{entries}.sqlite")
            cache.put_many("m", [(f"نص {i}", f"text {i}") for i in range(entries)])
            cache.put_many("other", [(f"نص {i}", f"other {i}") for i in range(entries)])
            db = cache._store._connection(create=False)  # type: ignore[union-attr]
            assert db is not None
            steps = 0

            def count() -> int:
                nonlocal steps
                steps += 1
                return 0

            db.set_progress_handler(count, 10)
            found = cache.get_many("m", [f"نص {i}" for i in range(0, 100, 10)] + ["missing"])
            db.set_progress_handler(None, 10)
            assert len(found) == 10
            cache.close()
            return steps

        small, big = lookup_steps(100), lookup_steps(20_000)
        assert small > 0
        assert big <= 2 * small

    def test_threads_share_one_file(self, tmp_path: Path) -> None:
        """Three threads write and read one file at once (two through one cache): nothing lost."""
        path = tmp_path / "cache.sqlite"
        shared = TranslationCache(path)
        start = threading.Barrier(3)
        errors: list[BaseException] = []

        def work(name: str, cache: TranslationCache) -> None:
            try:
                start.wait(10)
                for i in range(150):
                    cache.put(name, f"نص {i}", f"{name} {i}")
                    assert cache.get(name, f"نص {i}") == f"{name} {i}"
                    assert len(cache.get_many(name, [f"نص {j}" for j in range(i + 1)])) == i + 1
            except BaseException as exc:  # handed to the test thread
                errors.append(exc)

        threads = [
            threading.Thread(target=work, args=("a", shared)),
            threading.Thread(target=work, args=("b", shared)),
            threading.Thread(target=work, args=("c", TranslationCache(path))),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        assert len(TranslationCache(path)) == 450

    def test_connections_creating_one_file_at_once(self, tmp_path: Path) -> None:
        """Three caches opened on one new file at the same moment all take it as a translation
        cache: one creates it, none mistakes the half-seen creation for another application's
        database (which happened in about one round in ten before the two were read together)."""
        for k in range(60):
            path = tmp_path / f"cache{k}.sqlite"
            start = threading.Barrier(3)
            errors: list[BaseException] = []

            def work(
                name: str,
                path: Path = path,
                start: threading.Barrier = start,
                errors: list[BaseException] = errors,
            ) -> None:
                try:
                    start.wait(10)
                    TranslationCache(path).put(name, "نص", name)
                except BaseException as exc:  # handed to the test thread
                    errors.append(exc)

            threads = [threading.Thread(target=work, args=(str(i),)) for i in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert errors == []
            assert len(TranslationCache(path)) == 3

    def test_two_processes_write_one_file(self, tmp_path: Path) -> None:
        """Another process writes the same file while this one does: both sets of entries stay."""
        path = tmp_path / "cache.sqlite"
        script = (
            "import sys\n"
            "from bialign.translate import TranslationCache\n"
            "cache = TranslationCache(sys.argv[1])\n"
            "print('ready', flush=True)\n"
            "sys.stdin.readline()\n"
            "for i in range(200):\n"
            "    cache.put('other', f'text {i}', f'other {i}')\n"
        )
        other = subprocess.Popen(
            [sys.executable, "-c", script, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert other.stdout is not None and other.stdin is not None
        assert other.stdout.readline().strip() == "ready"
        cache = TranslationCache(path)
        other.stdin.write("go\n")
        other.stdin.flush()
        for i in range(200):
            cache.put("this", f"text {i}", f"this {i}")
        assert other.wait(120) == 0
        assert len(cache) == 400
        assert cache.get("other", "text 199") == "other 199"

    def test_old_jsonl_cache_is_converted_once(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A JSON-lines cache of an earlier version becomes SQLite; the old file is kept."""
        path = tmp_path / "mt-cache.jsonl"
        old = _jsonl([("m", "أ", "a"), ("m", "ب", "b"), ("m", "أ", "A")])
        old += b'{"translator": "m", "source": "\xd8'  # a line cut short by a crash
        path.write_bytes(old)
        with caplog.at_level(logging.WARNING, logger="bialign.translate.cache"):
            cache = TranslationCache(path)
        assert "converted the JSON-lines translation cache" in caplog.text
        assert "(3 entries)" in caplog.text
        assert len(cache) == 2
        assert cache.get("m", "أ") == "A"  # a later line replaces an earlier one, as before
        assert path.read_bytes().startswith(b"SQLite format 3\x00")
        assert (tmp_path / "mt-cache.jsonl.bak").read_bytes() == old
        cache.put("m", "ج", "c")
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="bialign.translate.cache"):
            reopened = TranslationCache(path)
        assert reopened.get("m", "ج") == "c"
        reopened.close()
        assert caplog.text == ""  # converted once only
        cache.close()
        assert _beside(path) == ["mt-cache.jsonl", "mt-cache.jsonl.bak"]

    def test_old_cache_opened_by_two_threads_at_once(self, tmp_path: Path) -> None:
        """Two caches opening one old file at the same moment: one converts, both see it all."""
        path = tmp_path / "mt.jsonl"
        path.write_bytes(_jsonl([("m", f"نص {i}", f"text {i}") for i in range(3000)]))
        start = threading.Barrier(2)
        opened: list[TranslationCache] = []
        errors: list[BaseException] = []

        def open_it() -> None:
            try:
                start.wait(10)
                opened.append(TranslationCache(path))
            except BaseException as exc:  # handed to the test thread
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        opened[0].put("m", "new", "entry")
        assert [len(cache) for cache in opened] == [3001, 3001]
        assert opened[1].get("m", "new") == "entry"
        for cache in opened:
            cache.close()
        assert _beside(path) == ["mt.jsonl", "mt.jsonl.bak"]

    def test_old_cache_with_a_bad_line_is_left_alone(self, tmp_path: Path) -> None:
        """A JSON-lines file with a line that is not an entry: ResourceError naming the line."""
        path = tmp_path / "cache.jsonl"
        good = json.dumps({"translator": "m", "source": "a", "translation": "b"})
        text = f"{good}\nnot json\n{good}\n"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ResourceError, match="line 2: not a cache entry") as info:
            TranslationCache(path)
        assert info.value.path == str(path)
        assert path.read_text(encoding="utf-8") == text
        assert _beside(path) == ["cache.jsonl"]  # no backup, no half-written database

    @pytest.mark.parametrize(
        ("content", "match"),
        [
            (b"my notes", "not a translation cache"),
            (b"SQLite format 3\x00" + bytes(range(256)) * 8, "not a usable SQLite database"),
        ],
        ids=["text", "damaged-database"],
    )
    def test_not_a_cache_file(self, tmp_path: Path, content: bytes, match: str) -> None:
        """A file of another kind is refused with a ResourceError, and never written to."""
        path = tmp_path / "notes.txt"
        path.write_bytes(content)
        with pytest.raises(ResourceError, match=match):
            TranslationCache(path)
        assert path.read_bytes() == content
        assert _beside(path) == ["notes.txt"]

    def test_another_applications_database(self, tmp_path: Path) -> None:
        """An SQLite database that is not a translation cache is refused and left as it was."""
        path = tmp_path / "other.db"
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("CREATE TABLE people (name TEXT)")
            db.commit()
        before = path.read_bytes()
        with pytest.raises(ResourceError, match="database of another application"):
            TranslationCache(path)
        assert path.read_bytes() == before

    def test_cache_of_a_newer_format(self, tmp_path: Path) -> None:
        """A cache file of a later format version is refused with a message saying so."""
        path = tmp_path / "cache.sqlite"
        TranslationCache(path).put("m", "أ", "a")
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA user_version = 2")
        with pytest.raises(ResourceError, match="format version 2"):
            TranslationCache(path)

    def test_a_folder_is_not_a_cache(self, tmp_path: Path) -> None:
        """A folder given as the cache path is a ResourceError."""
        with pytest.raises(ResourceError, match="is not a file"):
            TranslationCache(tmp_path)

    @pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "file"])
    def test_pickles(self, tmp_path: Path, on_disk: bool) -> None:
        """A cache pickles (a file cache as its path, a memory cache with its entries)."""
        cache = TranslationCache(tmp_path / "cache.sqlite" if on_disk else None)
        cache.put("m", "أ", "a")
        copy = pickle.loads(pickle.dumps(cache))
        assert copy.get("m", "أ") == "a"
        assert copy.path == cache.path

    def test_bad_cache_argument(self) -> None:
        """cache= must be a TranslationCache, a path or None."""
        with pytest.raises(InputTypeError):
            FunctionTranslator(str.upper, cache=42)  # type: ignore[arg-type]


class TestTransformersTranslator:
    def test_loads_a_saved_model_lazily(self, tiny_model: Path) -> None:
        """Construction loads nothing; load() loads the folder through the Auto classes."""
        t = TransformersTranslator(tiny_model)
        assert not t.loaded
        t.load()
        assert t.loaded
        assert type(t._model).__name__ == "MarianMTModel"

    def test_batches_and_output(self, tiny_model: Path) -> None:
        """batch_size=2 over five texts is three generate calls; one str per input."""
        t = TransformersTranslator(tiny_model, batch_size=2, max_length=16)
        out = t.translate(FIVE)
        assert len(out) == 5
        assert all(isinstance(s, str) for s in out)
        assert t.stats == TranslationStats(calls=3, sentences_translated=5)

    def test_input_order_is_restored(self, tiny_model: Path) -> None:
        """Sorting by length for batching does not change which output belongs to which input."""
        forward = TransformersTranslator(tiny_model, batch_size=2, max_length=16)
        backward = TransformersTranslator(tiny_model, batch_size=2, max_length=16)
        assert backward.translate(FIVE[::-1]) == forward.translate(FIVE)[::-1]

    def test_second_call_uses_the_cache(self, tiny_model: Path) -> None:
        """Translating the same texts again runs the model zero times."""
        t = TransformersTranslator(tiny_model, batch_size=2, max_length=16)
        first = t.translate(FIVE)
        assert t.translate(FIVE) == first
        assert t.stats.calls == 3
        assert t.stats.sentences_translated == 5
        assert t.stats.cache_hits == 5

    def test_file_cache_survives_a_new_instance(self, tiny_model: Path, tmp_path: Path) -> None:
        """A new translator with the same cache file answers without even loading the model."""
        path = tmp_path / "mt.sqlite"
        first = TransformersTranslator(tiny_model, max_length=16, cache=path).translate(FIVE)
        again = TransformersTranslator(tiny_model, max_length=16, cache=path)
        assert again.translate(FIVE) == first
        assert again.stats.calls == 0
        assert again.stats.cache_hits == 5
        assert not again.loaded

    def test_truncation_warns_and_translates(self, tiny_model: Path) -> None:
        """An input longer than max_length tokens is cut, with a TruncationWarning."""
        long_text = " ".join(["سوريا"] * 40)
        t = TransformersTranslator(tiny_model, max_length=8)
        with pytest.warns(TruncationWarning, match="1 of 2 texts were longer than 8 tokens"):
            out = t.translate([long_text, "سوريا والصين"])
        assert len(out) == 2
        assert all(isinstance(s, str) for s in out)
        assert t.stats.truncated == 1

    def test_empty_strings_skip_the_model(self, tiny_model: Path) -> None:
        """Empty and blank texts become "" and are never sent to the model."""
        t = TransformersTranslator(tiny_model, max_length=16)
        assert t.translate([]) == []
        assert t.translate(["", "   \n"]) == ["", ""]
        assert not t.loaded
        out = t.translate(["", FIVE[0], " "])
        assert out[0] == out[2] == ""
        assert t.stats.sentences_translated == 1

    def test_deterministic(self, tiny_model: Path) -> None:
        """Two translators of the same model give the same translations."""
        a = TransformersTranslator(tiny_model, max_length=16, num_beams=2).translate(FIVE)
        b = TransformersTranslator(tiny_model, max_length=16, num_beams=2).translate(FIVE)
        assert a == b

    def test_scorer_built_from_a_model_path(self, tiny_model: Path) -> None:
        """TranslationScorer(path, **kwargs) builds a TransformersTranslator and scores."""
        scorer = TranslationScorer(str(tiny_model), batch_size=2, max_length=16)
        m = scorer.score(FIVE[:3], ["Syria and China", "the minister said"])
        assert m.shape == (3, 2)
        assert np.all((m >= 0) & (m <= 1))
        assert scorer.signature().startswith(f"translation:chrf|model:{tiny_model}|beams:1")

    def test_missing_hub_model_fails_fast(
        self, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
    ) -> None:
        """An unknown hub name fails at once offline, naming the model and the remedy."""
        from huggingface_hub.utils import _http

        sleeps: list[float] = []
        monkeypatch.setattr(_http.time, "sleep", sleeps.append)
        with pytest.raises(ModelError) as info:
            TransformersTranslator("no-such-org/no-such-model").load()
        assert sleeps == []  # no retry loop ran
        assert capfd.readouterr().err == ""
        message = str(info.value)
        assert "'no-such-org/no-such-model'" in message
        assert "not in the local Hugging Face cache" in message
        assert "save_pretrained" in message
        assert "\n" not in message
        assert info.value.model == "no-such-org/no-such-model"

    def test_unreachable_hub_fails_without_retries(self, tmp_path: Path) -> None:
        """Without the offline variables and without a hub to talk to: no retries, no noise.

        Run in a fresh interpreter, because the hub reads HF_HUB_OFFLINE when imported;
        the hub address is a closed local port and the cache an empty folder. The
        hub's backoff sleeps are counted (and skipped) instead of being timed.
        """
        script = (
            "import json, time\n"
            "from huggingface_hub.utils import _http\n"
            "sleeps = []\n"
            "_http.time.sleep = sleeps.append\n"
            "from bialign.errors import ModelError\n"
            "from bialign.translate import TransformersTranslator\n"
            "try:\n"
            "    TransformersTranslator('no-such-org/no-such-model').load()\n"
            "except ModelError as exc:\n"
            "    print(json.dumps({'message': str(exc), 'sleeps': sleeps}))\n"
        )
        offline = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
        env = {k: v for k, v in os.environ.items() if k not in offline}
        env.update(HF_ENDPOINT="http://127.0.0.1:9", HF_HOME=str(tmp_path / "hf"))
        out = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=True,
        )
        result = json.loads(out.stdout)
        assert result["sleeps"] == []
        assert "Retry" not in out.stderr
        assert "thrown while requesting" not in out.stderr
        message = result["message"]
        assert "not in the local Hugging Face cache and the hub cannot be reached" in message
        assert "http://127.0.0.1:9" in message
        assert "\n" not in message

    def test_cached_hub_model_loads_without_network(
        self, tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A hub name found in the local cache loads from there, even with downloads allowed."""
        import huggingface_hub
        from huggingface_hub import constants
        from huggingface_hub.utils import _http

        # patched where TransformersTranslator looks it up
        import bialign.translate.seq2seq as seq2seq_module

        repo = "local-org/tiny-marian"
        cache = tmp_path / "hub"
        snapshot = cache / ("models--" + repo.replace("/", "--")) / "snapshots" / ("0" * 40)
        snapshot.mkdir(parents=True)
        for file in tiny_model_dir.iterdir():
            (snapshot / file.name).write_bytes(file.read_bytes())
        (snapshot.parent.parent / "refs").mkdir()
        (snapshot.parent.parent / "refs" / "main").write_text("0" * 40)
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
            monkeypatch.delenv(var)
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
        monkeypatch.setattr(huggingface_hub.file_download.constants, "HF_HUB_CACHE", str(cache))

        requests: list[object] = []

        def no_network(*args: object, **kwargs: object) -> str:
            requests.append(args)
            return "no network in this test"

        monkeypatch.setattr(seq2seq_module, "_hub_unreachable", no_network)
        monkeypatch.setattr(_http, "get_session", lambda: requests.append("session"))
        monkeypatch.setattr(_http.time, "sleep", requests.append)
        t = TransformersTranslator(repo, max_length=16)
        t.load()
        assert t.loaded
        assert requests == []

    @pytest.mark.parametrize(
        ("make", "cause"),
        [
            (lambda tmp: tmp / "nowhere", "no such folder"),
            (lambda tmp: str(tmp / "a" / "b"), "no such folder"),
            (lambda tmp: "no/such/model", "no such folder 'no/such/model'"),
            (lambda tmp: tmp, "not a transformers model: no config.json in"),
            (lambda tmp: _write(tmp / "model.bin", "x"), "is a file, not a model folder"),
            (
                lambda tmp: _write(tmp / "config.json", "{}").parent,
                "is not a loadable model",
            ),
        ],
        ids=["missing", "missing-str", "not-a-hub-name", "no-config", "file", "bad-config"],
    )
    def test_wrong_model_path_names_the_cause(
        self, tmp_path: Path, make: Callable[[Path], object], cause: str
    ) -> None:
        """A wrong folder says what is wrong with it, with no hint to download a model."""
        model = make(tmp_path)
        with pytest.raises(ModelError, match="cannot load translation model") as info:
            TransformersTranslator(model).load()  # type: ignore[arg-type]
        message = str(info.value)
        assert cause in message
        assert "download" not in message.lower()
        assert "\n" not in message
        assert info.value.model == os.fspath(model)  # type: ignore[arg-type]

    def test_interrupt_reaches_the_caller_during_a_long_batch(
        self, tiny_model: Path, tmp_path: Path
    ) -> None:
        """Ctrl-C during a long generate call is raised at once; finished batches stay cached.

        The fake slow batch waits in C without looking at signals (as a long tensor
        operation does), which ``_thread.interrupt_main`` does not wake: run in the
        calling thread, the interrupt would only arrive after the whole wait.
        """
        path = tmp_path / "mt.sqlite"
        texts = FIVE[:3]
        t = TransformersTranslator(tiny_model, batch_size=1, max_length=16, cache=path)
        t.load()
        real_generate = t._model.generate
        started, release = threading.Event(), threading.Event()
        calls: list[int] = []

        def slow_generate(**kwargs: object) -> object:
            calls.append(1)
            if len(calls) == 2:  # the second batch is the slow one
                started.set()
                release.wait(_SLOW_BATCH)
            return real_generate(**kwargs)

        t._model.generate = slow_generate

        def interrupt() -> None:
            if started.wait(30):
                _thread.interrupt_main()

        threading.Thread(target=interrupt, daemon=True).start()
        begin = time.perf_counter()
        try:
            with pytest.raises(KeyboardInterrupt):
                t.translate(texts)
            elapsed = time.perf_counter() - begin
        finally:
            release.set()
        assert elapsed < _SLOW_BATCH / 4
        longest = max(texts, key=lambda text: len(text.split()))
        in_file = TranslationCache(path)
        assert len(in_file) == 1
        assert in_file.get(t._cache_namespace(), longest) is not None
        again = TransformersTranslator(tiny_model, batch_size=1, max_length=16, cache=path)
        assert len(again.translate(texts)) == 3
        assert again.stats.cache_hits == 1
        assert again.stats.calls == 2
        assert t._worker is not None
        t._worker.join(10)  # the abandoned batch ends once its wait is over
        assert not t._worker.is_alive()
        assert len(t.translate(texts)) == 3  # the translator is usable again

    def test_bad_arguments(self) -> None:
        """Wrong types or values are refused at construction."""
        with pytest.raises(InputTypeError):
            TransformersTranslator(42)  # type: ignore[arg-type]
        with pytest.raises(EmptyInputError):
            TransformersTranslator("  ")
        with pytest.raises(InputError):
            TransformersTranslator("x/y", batch_size=0)


# --------------------------------------------------------------------------- metrics

_SACRE_CHRF = CHRF()


def _sample_pairs(seed_gold: dict, n: int) -> list[tuple[str, str]]:
    aljazeera = json.loads((DATA / "aljazeera_seed_gold.json").read_text(encoding="utf-8"))
    texts = [
        s["text"]
        for doc in (seed_gold, aljazeera)
        for side in ("arabic", "english")
        for s in doc[side]
    ]
    texts += ["", " ", "a", "ab", "a b c", "x" * 7, "123,456.", "(hi)", "Ω ≈ ç", "\t\n"]
    rng = random.Random(20251122)
    pairs = []
    for _ in range(n):
        hyp = rng.choice(texts)
        if rng.random() < 0.3:  # partial overlaps: a cut of a reference
            ref = rng.choice(texts)
            hyp = ref[: rng.randint(0, len(ref))] + " " + hyp[: rng.randint(0, len(hyp))]
        pairs.append((hyp, rng.choice(texts)))
    return pairs


class TestMetrics:
    def test_chrf_equals_sacrebleu(self, seed_gold: dict) -> None:
        """chrf_matrix reproduces sacrebleu's sentence chrF / 100 on 200 random pairs."""
        chrf = CHRF()
        pairs = _sample_pairs(seed_gold, 200)
        hyps = [h for h, _ in pairs]
        refs = [r for _, r in pairs]
        ours = [chrf_matrix([hyp], [ref])[0, 0] for hyp, ref in pairs]
        theirs = [chrf.sentence_score(hyp, [ref]).score / 100 for hyp, ref in pairs]
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)
        # and the full matrix agrees with the pairwise values
        m = chrf_matrix(hyps[:40], refs[:30])
        assert m[7, 3] == pytest.approx(chrf.sentence_score(hyps[7], [refs[3]]).score / 100)

    @settings(max_examples=100, deadline=None)
    @given(st.text(max_size=40), st.text(max_size=40))
    def test_chrf_equals_sacrebleu_on_any_text(self, hyp: str, ref: str) -> None:
        """Equality also holds for arbitrary Unicode, empty and whitespace-only texts."""
        expected = _SACRE_CHRF.sentence_score(hyp, [ref]).score / 100
        assert chrf_matrix([hyp], [ref])[0, 0] == pytest.approx(expected, abs=1e-9)

    def test_bleu_equals_sacrebleu(self, seed_gold: dict) -> None:
        """bleu_matrix reproduces BLEU(tokenize='intl', effective_order=True) / 100."""
        bleu = BLEU(tokenize="intl", effective_order=True)
        pairs = _sample_pairs(seed_gold, 120)
        ours = [bleu_matrix([hyp], [ref])[0, 0] for hyp, ref in pairs]
        theirs = [bleu.sentence_score(hyp, [ref]).score / 100 for hyp, ref in pairs]
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)

    def test_matrix_shape(self) -> None:
        """An N×M matrix, with empty sides allowed."""
        assert chrf_matrix(["a", "b"], ["a", "b", "c"]).shape == (2, 3)
        assert chrf_matrix([], ["a"]).shape == (0, 1)
        assert bleu_matrix(["a"], []).shape == (1, 0)


# --------------------------------------------------------------------------- scorer


class TestTranslationScorer:
    def test_seed_pair_ranking_with_reference_translations(self, seed_gold: dict) -> None:
        """With faithful translations, each Arabic sentence ranks its gold English first."""
        arabic = [s["text"] for s in seed_gold["arabic"]]
        english = [s["text"] for s in seed_gold["english"]]
        # the chosen sentences are in exactly one S link on both sides
        links = seed_gold["links"]
        ar_count = Counter(link["ar"] for link in links)
        en_count = Counter(link["en"] for link in links)
        gold = {(link["ar"], link["en"]) for link in links if link["kind"] == "S"}
        for ar_index, (en_index, _) in SEED_TRANSLATIONS.items():
            assert (ar_index, en_index) in gold
            assert ar_count[ar_index] == en_count[en_index] == 1

        table = {arabic[i]: text for i, (_, text) in SEED_TRANSLATIONS.items()}
        translator = FunctionTranslator(table.get, name="reference-table")
        scorer = TranslationScorer(translator)
        chosen = list(SEED_TRANSLATIONS)
        m = scorer.score([arabic[i] for i in chosen], english)
        assert m.shape == (len(chosen), len(english))
        best = m.argmax(axis=1)
        assert [int(b) for b in best] == [SEED_TRANSLATIONS[i][0] for i in chosen]

    @pytest.mark.parametrize("metric", ["chrf", "bleu", "chrf+bleu"])
    def test_metrics_in_unit_interval(self, seed_gold: dict, metric: str) -> None:
        """Every metric gives values in [0, 1], and the mean mode is the mean."""
        arabic = [s["text"] for s in seed_gold["arabic"]][:10]
        english = [s["text"] for s in seed_gold["english"]]
        fake = FunctionTranslator(lambda t: english[len(t) % len(english)], name="fake")
        m = TranslationScorer(fake, metric=metric).score(arabic, english)  # type: ignore[arg-type]
        assert m.shape == (10, len(english))
        assert np.all((m >= 0) & (m <= 1))
        if metric == "chrf+bleu":
            chrf = TranslationScorer(fake, metric="chrf").score(arabic, english)
            bleu = TranslationScorer(fake, metric="bleu").score(arabic, english)
            np.testing.assert_allclose(m, (chrf + bleu) / 2)
        if metric == "bleu":
            hyps = [english[len(t) % len(english)] for t in arabic]
            np.testing.assert_allclose(m, bleu_matrix(hyps, english))

    def test_each_distinct_text_translated_once(self) -> None:
        """Duplicate spans, and repeated score calls, do not translate again."""
        t = FunctionTranslator(lambda s: "the minister", name="const")
        scorer = TranslationScorer(t)
        m = scorer.score(["أ", "ب", "أ"], ["the minister", "rain"])
        scorer.score(["ب", "أ"], ["other"])
        assert t.stats.calls == 2
        np.testing.assert_array_equal(m[0], m[2])
        assert m[0, 0] == pytest.approx(1.0)

    def test_any_object_with_translate(self) -> None:
        """A plain object with name and translate() works and is memoised by the scorer."""

        class Echo:
            name = "echo"

            def __init__(self) -> None:
                self.calls = 0

            def translate(self, arabic_texts: list[str]) -> list[str]:
                self.calls += 1
                return list(arabic_texts)

        echo = Echo()
        scorer = TranslationScorer(echo)
        assert scorer.score(["abc"], ["abc"])[0, 0] == pytest.approx(1.0)
        scorer.score(["abc"], ["abd"])
        assert echo.calls == 1
        assert scorer.signature().startswith("translation:chrf|model:echo|sacrebleu:")

    def test_is_a_scorer_and_registered(self) -> None:
        """It satisfies the Scorer protocol and get_scorer('translation') builds it lazily."""
        scorer = get_scorer("translation")
        assert isinstance(scorer, TranslationScorer)
        assert isinstance(scorer, Scorer)
        assert scorer.name == "translation"
        assert isinstance(scorer.translator, TransformersTranslator)
        assert scorer.translator.name == DEFAULT_MODEL
        assert not scorer.translator.loaded
        assert scorer.signature() == (
            f"translation:chrf|model:{DEFAULT_MODEL}|beams:1|max_len:256|sacrebleu:"
            + __import__("sacrebleu").__version__
        )

    def test_empty_inputs(self) -> None:
        """Empty lists give empty matrices without translating."""
        t = FunctionTranslator(str.upper)
        scorer = TranslationScorer(t)
        assert scorer.score([], ["a", "b"]).shape == (0, 2)
        assert scorer.score(["a"], []).shape == (1, 0)
        assert t.stats.calls == 0

    @pytest.mark.parametrize(
        ("arabic", "english"),
        [(["a", 1], ["b"]), (["a"], [None]), ("a string", ["b"]), (["a"], b"bytes")],
    )
    def test_non_str_elements(self, arabic: object, english: object) -> None:
        """Non-str elements (or a bare string) raise InputTypeError."""
        with pytest.raises(InputTypeError):
            TranslationScorer(FunctionTranslator(str.upper)).score(arabic, english)  # type: ignore[arg-type]

    def test_bad_construction(self) -> None:
        """Unknown metric, options without a model name, or a non-translator are refused."""
        with pytest.raises(UnknownNameError, match="chrf"):
            TranslationScorer(FunctionTranslator(str.upper), metric="ter")  # type: ignore[arg-type]
        with pytest.raises(InputTypeError, match="batch_size"):
            TranslationScorer(FunctionTranslator(str.upper), batch_size=4)
        with pytest.raises(InputTypeError, match="translate"):
            TranslationScorer(42)  # type: ignore[arg-type]

    def test_translator_returning_wrong_length(self) -> None:
        """A translator that loses texts raises ModelError naming it."""

        class Lossy:
            name = "lossy"

            def translate(self, arabic_texts: list[str]) -> list[str]:
                return arabic_texts[:1]

        with pytest.raises(ModelError, match="'lossy' returned 1 translations for 2 texts"):
            TranslationScorer(Lossy()).score(["a", "b"], ["c"])


@pytest.mark.parametrize(
    "first", ["bialign", "bialign.scorers", "bialign.translate", "bialign.scorers.translation"]
)
def test_importing_does_not_import_torch(first: str) -> None:
    """Whichever module comes first: no import cycle, and neither torch nor transformers.

    The scorer lives in bialign.scorers.translation and bialign.translate re-exports it;
    building it by name (without loading a model) imports neither either.
    """
    code = (
        f"import importlib, sys; importlib.import_module({first!r})\n"
        "import bialign\n"
        "from bialign.scorers import get_scorer\n"
        "from bialign.translate import TranslationScorer, __all__\n"
        "import bialign.translate as translate\n"
        "assert bialign.TranslationScorer is TranslationScorer\n"
        "assert TranslationScorer.__module__ == 'bialign.scorers.translation'\n"
        "assert all(hasattr(translate, name) for name in __all__)\n"
        "assert type(get_scorer('translation')) is TranslationScorer\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_no_warnings_on_plain_translation(tiny_model: Path) -> None:
    """A short input raises no TruncationWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", TruncationWarning)
        TransformersTranslator(tiny_model, max_length=16).translate(["سوريا والصين"])
