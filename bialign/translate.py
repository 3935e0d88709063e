"""Machine translation as an alignment signal.

The Arabic spans are translated into English, once each, and every translation is
compared with every English span by a standard MT metric (chrF by default, or
BLEU). A span whose translation shares many character n-grams with an English
sentence probably says the same thing.

Three pieces, each usable on its own:

* a **translator** — anything with a ``name`` and
  ``translate(arabic_texts) -> english_texts``: `TransformersTranslator`
  runs any sequence-to-sequence model of the ``transformers`` library (for example
  ``Helsinki-NLP/opus-mt-ar-en``), `FunctionTranslator` wraps a plain
  function;
* a `TranslationCache`, in memory or persisted as JSON lines, so that a
  corpus is translated only once;
* the `TranslationScorer`, which follows the scorer protocol of
  `bialign.scorers.base`.

The metric functions `chrf_matrix` and `bleu_matrix` give exactly
sacrebleu's sentence-level chrF and BLEU (divided by 100) for every pair of a
hypothesis list and a reference list, while extracting each text's n-grams only
once.

Neither ``torch`` nor ``transformers`` is imported until a model is loaded.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal, Protocol, cast, get_args, runtime_checkable

import numpy as np

from .errors import (
    EmptyInputError,
    InputError,
    InputTypeError,
    MissingDependencyError,
    ModelError,
    OutputError,
    ResourceError,
    TruncationWarning,
    UnknownNameError,
)
from .scorers.base import check_matrix

__all__ = [
    "DEFAULT_MODEL",
    "FunctionTranslator",
    "Metric",
    "TransformersTranslator",
    "TranslationCache",
    "TranslationScorer",
    "TranslationStats",
    "Translator",
    "TruncationWarning",
    "bleu_matrix",
    "chrf_matrix",
]

#: The Arabic→English model used when `TranslationScorer` gets no translator.
DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ar-en"

#: Metrics accepted by `TranslationScorer`.
Metric = Literal["chrf", "bleu", "chrf+bleu"]

_CHRF_ORDER = 6  # sacrebleu CHRF defaults: char_order=6, word_order=0, beta=2,
_CHRF_BETA = 2  # whitespace removed, case kept, effective-order averaging
_BLEU_ORDER = 4
_FEATURE_MEMO_LIMIT = 100_000
_TRUE_VALUES = {"1", "on", "yes", "true"}


@runtime_checkable
class Translator(Protocol):
    """One-method interface of every translator.

    ``name`` identifies the translation (a model name, a function name); the
    cache keys translations by it, so two translators that translate
    differently must have different names.
    """

    name: str

    def translate(self, arabic_texts: list[str]) -> list[str]:
        """Translate Arabic texts into English, one output per input, in order."""
        ...


@dataclass
class TranslationStats:
    """Counters kept by a translator, to see what batching and caching did.

    Attributes:
        calls: Calls of the model's ``generate`` (one per batch), or of the wrapped function.
        sentences_translated: Distinct texts sent to the model or function.
        cache_hits: Input texts answered from the cache.
        truncated: Texts cut to the model's maximum input length.
    """

    calls: int = 0
    sentences_translated: int = 0
    cache_hits: int = 0
    truncated: int = 0


class TranslationCache:
    """Translations keyed by (translator name, source text), optionally kept on disk.

    With a ``path``, existing entries are read when the cache is opened and new
    entries are appended to the file as JSON lines
    (``{"translator": ..., "source": ..., "translation": ...}``), so a later run —
    or another translator instance with the same name — does not translate them
    again. A line cut short by an interrupted write is skipped; the file is never
    rewritten, only appended to.

    Examples:
        >>> cache = TranslationCache()
        >>> cache.put("my-model", "مرحبا", "hello")
        >>> cache.get("my-model", "مرحبا")
        'hello'
        >>> cache.get("other-model", "مرحبا") is None
        True

    Args:
        path: A JSON-lines file; ``None`` keeps the cache in memory only.

    Raises:
        ResourceError: The file cannot be read, or has a line that is neither a cache
            entry nor the beginning of one (it is probably not a cache file).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path: Path | None = Path(path).expanduser() if path is not None else None
        self._data: dict[tuple[str, str], str] = {}
        if self.path is not None:
            self._load(self.path)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else "memory"
        return f"TranslationCache({where!r}, entries={len(self._data)})"

    def get(self, translator: str, source: str) -> str | None:
        """The cached translation of ``source`` by ``translator``, or ``None``."""
        return self._data.get((translator, source))

    def put(self, translator: str, source: str, translation: str) -> None:
        """Store one translation (and append it to the file, if any)."""
        self.put_many(translator, [(source, translation)])

    def put_many(self, translator: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Store several ``(source, translation)`` pairs of one translator at once.

        Raises:
            OutputError: The cache file cannot be written.
        """
        new = [(s, t) for s, t in pairs if self._data.get((translator, s)) != t]
        for source, translation in new:
            self._data[(translator, source)] = translation
        if self.path is None or not new:
            return
        lines = "".join(
            json.dumps(
                {"translator": translator, "source": s, "translation": t}, ensure_ascii=False
            )
            + "\n"
            for s, t in new
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+b") as fh:
                prefix = b""
                if fh.seek(0, os.SEEK_END) > 0:
                    fh.seek(-1, os.SEEK_END)
                    if fh.read(1) != b"\n":
                        prefix = b"\n"  # never continue a line cut short by a crash
                fh.write(prefix + lines.encode("utf-8"))
        except OSError as exc:
            raise OutputError(
                f"cannot write the translation cache {str(self.path)!r}: {exc.strerror or exc}",
                str(self.path),
            ) from exc

    def _load(self, path: Path) -> None:
        if not path.exists():
            return
        if not path.is_file():
            raise ResourceError(f"translation cache {str(path)!r} is not a file", str(path))
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ResourceError(
                f"cannot read the translation cache {str(path)!r}: {exc.strerror or exc}",
                str(path),
            ) from exc
        for number, line in enumerate(raw.split(b"\n"), start=1):
            entry = _parse_cache_line(line)
            if entry is None:
                if _is_cut_entry(line):
                    continue  # written by an interrupted run
                raise ResourceError(
                    f"translation cache {str(path)!r}, line {number}: not a cache entry "
                    '(expected {"translator": ..., "source": ..., "translation": ...})',
                    str(path),
                )
            if entry:
                translator, source, translation = entry
                self._data[(translator, source)] = translation


_ENTRY_START = b'{"translator": "'  # how every line written by put_many starts


def _is_cut_entry(line: bytes) -> bool:
    """Whether a malformed line is the beginning of an entry (a write cut short)."""
    text = line.strip()
    return bool(text) and (text.startswith(_ENTRY_START) or _ENTRY_START.startswith(text))


def _parse_cache_line(line: bytes) -> tuple[str, str, str] | tuple[()] | None:
    """One cache line: the entry, ``()`` for a blank line, ``None`` if malformed."""
    if not line.strip():
        return ()
    try:
        obj = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(obj, dict):
        return None
    fields = (obj.get("translator"), obj.get("source"), obj.get("translation"))
    if not all(isinstance(f, str) for f in fields):
        return None
    return cast("tuple[str, str, str]", fields)


def _as_cache(cache: TranslationCache | str | os.PathLike[str] | None) -> TranslationCache:
    if isinstance(cache, TranslationCache):
        return cache
    if cache is None or isinstance(cache, str | os.PathLike):
        return TranslationCache(cache)
    raise InputTypeError(
        f"cache must be a TranslationCache, a file path or None, not {type(cache).__name__}",
        cache,
        expected="TranslationCache | path | None",
    )


def _check_texts(texts: object, what: str) -> list[str]:
    """A list of str, or `InputTypeError` naming the first bad element."""
    if isinstance(texts, str | bytes) or not isinstance(texts, Sequence):
        raise InputTypeError(
            f"{what} must be a list of str, not {type(texts).__name__}",
            texts,
            expected="list[str]",
        )
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise InputTypeError(
                f"{what}[{i}] is {type(text).__name__}, expected str", text, expected="str"
            )
    return out


def _check_output(out: object, expected: int, translator: str) -> list[str]:
    """Validate a translation function's output: a list of ``expected`` str."""
    if not isinstance(out, list | tuple):
        raise ModelError(
            f"translator {translator!r} returned {type(out).__name__}, expected a list of str",
            translator,
        )
    if len(out) != expected:
        raise ModelError(
            f"translator {translator!r} returned {len(out)} translations for {expected} texts",
            translator,
        )
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise ModelError(
                f"translator {translator!r} returned {type(text).__name__} "
                f"for text {i}, expected str",
                translator,
            )
    return list(out)


def _check_positive(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(
            f"{what} must be an int, not {type(value).__name__}", value, expected="int"
        )
    if value < 1:
        raise InputError(f"{what} must be at least 1, got {value}", value)
    return value


_Store = Callable[[list[str], list[str]], None]


class _CachedTranslator:
    """Shared ``translate``: skip blanks, consult the cache, translate each new text once."""

    name: str
    cache: TranslationCache
    stats: TranslationStats

    def _cache_namespace(self) -> str:
        return self.name

    def _key(self, text: str) -> str:
        return text

    def _translate_new(self, texts: list[str], store: _Store) -> None:
        """Translate ``texts``, handing each finished chunk to ``store(sources, translations)``."""
        raise NotImplementedError

    def translate(self, arabic_texts: list[str]) -> list[str]:
        """Translate Arabic texts into English.

        Empty and whitespace-only texts become ``""`` without calling the model;
        texts already in the cache are not translated again; each distinct new
        text is translated once.

        Args:
            arabic_texts: The texts, in any order; duplicates are fine.

        Returns:
            One English text per input, in the input order.

        Raises:
            InputTypeError: ``arabic_texts`` is not a list of str.
            ModelError: The model could not be loaded or run, or the function
                returned something other than one str per text.
        """
        texts = _check_texts(arabic_texts, "arabic_texts")
        namespace = self._cache_namespace()
        results = [""] * len(texts)
        pending: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            if not text.strip():
                continue
            key = self._key(text)
            cached = self.cache.get(namespace, key)
            if cached is not None:
                results[i] = cached
                self.stats.cache_hits += 1
            else:
                pending.setdefault(key, []).append(i)
        if not pending:
            return results

        def store(sources: list[str], translations: list[str]) -> None:
            # cached chunk by chunk, so an interrupted run keeps the finished batches
            self.stats.sentences_translated += len(sources)
            self.cache.put_many(namespace, zip(sources, translations, strict=True))
            for source, translation in zip(sources, translations, strict=True):
                for i in pending[source]:
                    results[i] = translation

        self._translate_new(list(pending), store)
        return results


class FunctionTranslator(_CachedTranslator):
    """A translator made from a plain function, for tests, lookups or external services.

    Examples:
        >>> table = {"مرحبا": "hello"}
        >>> t = FunctionTranslator(table.get, name="lookup")
        >>> t.translate(["مرحبا", "  ", "مرحبا"])
        ['hello', '', 'hello']
        >>> t.stats.calls  # one call for the distinct non-blank text
        1

    Args:
        fn: ``str -> str`` (one text at a time), or ``list[str] -> list[str]`` with
            ``batched=True``. It receives each text unchanged (never a blank one).
        name: Identifies the translation in the cache and in error messages.
        batched: ``fn`` takes and returns a list.
        batch_size: With ``batched=True``, the most texts per call (``None``: all at once).
        cache: A `TranslationCache`, a JSON-lines path for a persistent
            one, or ``None`` for a new in-memory cache.

    Attributes:
        stats: `TranslationStats` (``calls`` counts calls of ``fn``).

    Raises:
        InputTypeError: ``fn`` is not callable, or an argument has the wrong type.
        InputError: ``batch_size`` is not positive, or given without ``batched=True``.
    """

    def __init__(
        self,
        fn: Callable[[str], str] | Callable[[list[str]], list[str]],
        *,
        name: str = "function",
        batched: bool = False,
        batch_size: int | None = None,
        cache: TranslationCache | str | os.PathLike[str] | None = None,
    ) -> None:
        if not callable(fn):
            raise InputTypeError(
                f"fn must be callable, not {type(fn).__name__}", fn, expected="callable"
            )
        if not isinstance(name, str) or not name:
            raise InputTypeError("name must be a non-empty str", name, expected="str")
        if batch_size is not None:
            _check_positive(batch_size, "batch_size")
            if not batched:
                raise InputError("batch_size applies only to a batch function (batched=True)")
        self.fn = fn
        self.name = name
        self.batched = bool(batched)
        self.batch_size = batch_size
        self.cache = _as_cache(cache)
        self.stats = TranslationStats()

    def __repr__(self) -> str:
        return f"FunctionTranslator(name={self.name!r}, batched={self.batched})"

    def _translate_new(self, texts: list[str], store: _Store) -> None:
        if not self.batched:
            fn = cast("Callable[[str], str]", self.fn)
            for text in texts:
                self.stats.calls += 1
                store([text], _check_output([fn(text)], 1, self.name))
            return
        batch_fn = cast("Callable[[list[str]], list[str]]", self.fn)
        size = self.batch_size or len(texts)
        for start in range(0, len(texts), size):
            chunk = texts[start : start + size]
            self.stats.calls += 1
            store(chunk, _check_output(batch_fn(chunk), len(chunk), self.name))


def _offline_requested() -> bool:
    """Whether downloads are switched off (``HF_HUB_OFFLINE`` / ``TRANSFORMERS_OFFLINE``)."""
    if any(
        os.environ.get(var, "").strip().lower() in _TRUE_VALUES
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    ):
        return True
    try:  # the hub reads its variables once, when imported
        from huggingface_hub import constants
    except ImportError:
        return False
    return bool(getattr(constants, "HF_HUB_OFFLINE", False))


def _looks_like_path(model: str) -> bool:
    return model.startswith(("/", "./", "../", "~", ".\\", "..\\")) or "\\" in model


class TransformersTranslator(_CachedTranslator):
    """Translate with a sequence-to-sequence model of the ``transformers`` library.

    The model is named as on the Hugging Face hub (``"Helsinki-NLP/opus-mt-ar-en"``)
    or given as a local folder written by ``save_pretrained``. It is loaded on the
    first `translate` (or by `load`), with ``AutoTokenizer`` and
    ``AutoModelForSeq2SeqLM``; ``torch`` and ``transformers`` are imported only then.

    Texts are translated in batches of similar length (longest first), greedy or
    with beam search, deterministically. Inputs longer than ``max_length`` tokens
    are truncated with a `TruncationWarning`. Each finished batch goes to the cache at
    once, and Ctrl-C (`KeyboardInterrupt`) gets through within a fraction of a second,
    also in the middle of a batch.

    Examples:
        >>> t = TransformersTranslator("Helsinki-NLP/opus-mt-ar-en", cache="mt-cache.jsonl")
        >>> t.translate(["قال الرئيس إن المحادثات كانت بناءة."])  # doctest: +SKIP
        ['The president said the talks were constructive.']

    Args:
        model: Hub name or local folder.
        device: A torch device, such as ``"cpu"`` or ``"cuda:0"``.
        batch_size: Texts per ``generate`` call.
        max_length: Longest input, in tokens (longer inputs are truncated), and
            longest output. Both are also capped by the model's position limit.
        num_beams: 1 for greedy decoding, more for beam search.
        cache: A `TranslationCache`, a JSON-lines path for a persistent
            one, or ``None`` for a new in-memory cache.
        local_files_only: Never contact the hub. ``None`` (the default) means: only
            when ``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE`` is set, or ``model``
            is an existing folder. Either way a hub model found in the local Hugging
            Face cache is loaded from there without contacting the hub, and a model that
            is not there is downloaded only after one quick request (no retries) shows
            that the hub answers.

    Attributes:
        name: The model name or folder, as given.
        stats: `TranslationStats`.

    Raises:
        InputTypeError: An argument has the wrong type.
        InputError: A numeric argument is not positive.
        EmptyInputError: ``model`` is empty.
    """

    def __init__(
        self,
        model: str | os.PathLike[str],
        *,
        device: str = "cpu",
        batch_size: int = 16,
        max_length: int = 256,
        num_beams: int = 1,
        cache: TranslationCache | str | os.PathLike[str] | None = None,
        local_files_only: bool | None = None,
    ) -> None:
        if not isinstance(model, str | os.PathLike):
            raise InputTypeError(
                f"model must be a model name or a folder, not {type(model).__name__}",
                model,
                expected="str | os.PathLike",
            )
        self.model = os.fspath(model)
        if not self.model.strip():
            raise EmptyInputError("model name is empty", self.model)
        self._given_as_path = isinstance(model, os.PathLike)
        self.name = self.model
        self.device = device
        self.batch_size = _check_positive(batch_size, "batch_size")
        self.max_length = _check_positive(max_length, "max_length")
        self.num_beams = _check_positive(num_beams, "num_beams")
        self.local_files_only = local_files_only
        self.cache = _as_cache(cache)
        self.stats = TranslationStats()
        self._tokenizer: Any = None
        self._model: Any = None
        self._torch: Any = None
        self._worker: threading.Thread | None = None
        self._input_limit = self.max_length
        self._output_limit = self.max_length

    def __repr__(self) -> str:
        state = "loaded" if self._model is not None else "not loaded"
        return f"TransformersTranslator({self.model!r}, device={self.device!r}, {state})"

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._model is not None

    def _cache_namespace(self) -> str:
        # decoding settings change the output, so they are part of the cache key
        return f"{self.name}|beams:{self.num_beams}|max_len:{self.max_length}"

    def _key(self, text: str) -> str:
        return text.strip()

    def load(self) -> None:
        """Load the tokenizer and the model now (otherwise done by the first ``translate``).

        Raises:
            MissingDependencyError: ``transformers`` (or ``torch``) is not installed.
            ModelError: The model cannot be found or loaded; the message says why
                (no such folder, not a transformers model, not in the local cache and
                the hub unreachable, …) and how to provide it.
        """
        if self._model is not None:
            return
        folder = Path(self.model).expanduser()
        if self._path_meant() and (why := _folder_problem(folder)) is not None:
            raise self._folder_error(why)  # before the slow imports
        try:
            import transformers
        except ImportError as exc:
            raise MissingDependencyError("the translation-model scorer", "transformers") from exc
        try:
            import torch
        except ImportError as exc:
            raise MissingDependencyError("the translation-model scorer", "torch") from exc

        model, tokenizer = self._load_files(transformers)
        try:
            model.to(torch.device(self.device))
        except (RuntimeError, AssertionError, ValueError) as exc:
            raise ModelError(
                f"cannot move translation model {self.model!r} to device {self.device!r}: "
                f"{_first_line(exc)}",
                self.model,
            ) from exc
        model.eval()
        self._input_limit = self._output_limit = self.max_length
        positions = getattr(model.config, "max_position_embeddings", None)
        if isinstance(positions, int) and positions > 1:
            self._input_limit = min(self._input_limit, positions)
            # the decoder also holds its start token, hence one position less
            self._output_limit = min(self._output_limit, positions - 1)
        tokenizer_limit = getattr(tokenizer, "model_max_length", None)
        if isinstance(tokenizer_limit, int) and 1 < tokenizer_limit < 1_000_000:
            self._input_limit = min(self._input_limit, tokenizer_limit)
        self._tokenizer, self._model, self._torch = tokenizer, model, torch

    def _load_files(self, transformers: Any) -> tuple[Any, Any]:
        """The model and tokenizer: from a folder, the local hub cache, or the hub.

        The hub is contacted only when the model is not in the local cache, downloads
        are allowed, and one quick request shows that the hub answers; its retry
        messages never reach the log.
        """
        folder = Path(self.model).expanduser()
        if folder.is_dir() or self._path_meant():
            return self._load_folder(transformers, folder)
        try:
            cached = _in_hub_cache(self.model)
        except ValueError:  # not a valid hub name (such as a/b/c): a folder was meant
            return self._load_folder(transformers, folder)
        downloads_off = self.local_files_only or (
            self.local_files_only is None and _offline_requested()
        )
        if cached or downloads_off:
            try:
                return _from_pretrained(transformers, self.model, local_only=True)
            except _loading_errors() as exc:
                if downloads_off or not _is_not_cached(exc):
                    raise self._load_error(exc, local_only=True) from exc
        unreachable = _hub_unreachable()
        if unreachable is not None:
            raise ModelError(
                self._hub_message(
                    "it is not in the local Hugging Face cache and the hub cannot be reached "
                    f"({unreachable})"
                ),
                self.model,
            )
        try:
            return _from_pretrained(transformers, self.model, local_only=False)
        except _loading_errors() as exc:
            raise self._load_error(exc, local_only=False) from exc

    def _load_folder(self, transformers: Any, folder: Path) -> tuple[Any, Any]:
        """Load a folder written by ``save_pretrained``; path mistakes name their cause."""
        where = str(folder)
        why = _folder_problem(folder)
        if why is None:
            try:
                return _from_pretrained(transformers, where, local_only=True)
            except _loading_errors() as exc:
                if _needs_sentencepiece(exc):
                    raise self._sentencepiece_error() from exc
                why = f"the folder {where!r} is not a loadable model: {_first_line(exc)}"
        raise self._folder_error(why)

    def _folder_error(self, why: str) -> ModelError:
        return ModelError(
            f"cannot load translation model {self.model!r}: {why.rstrip('.')} (expected a "
            "folder written by save_pretrained(), or a hub model name such as "
            f"{DEFAULT_MODEL!r})",
            self.model,
        )

    def _path_meant(self) -> bool:
        """Whether ``model`` is given as a path rather than a hub name."""
        return self._given_as_path or _looks_like_path(self.model)

    def _load_error(self, exc: BaseException, *, local_only: bool) -> ModelError:
        if _needs_sentencepiece(exc):
            return self._sentencepiece_error()
        return ModelError(self._hub_message(_why(exc, local_only)), self.model)

    def _sentencepiece_error(self) -> ModelError:
        return ModelError(
            f"cannot load the tokenizer of translation model {self.model!r}: it is a "
            "SentencePiece tokenizer (as in the Helsinki-NLP/opus-mt models) and the "
            "package 'sentencepiece' is not installed: pip install sentencepiece",
            self.model,
        )

    def _hub_message(self, why: str) -> str:
        name = self.model
        return (
            f"cannot load translation model {name!r}: {why}. "
            f"Download it once with network access (`hf download {name}`, or "
            f"`huggingface-cli download {name}` with an older huggingface_hub), "
            "or pass a local folder saved with save_pretrained()"
        )

    def _translate_new(self, texts: list[str], store: _Store) -> None:
        self.load()
        tokenizer, model = self._tokenizer, self._model
        limit = self._input_limit
        try:
            # one token more than the limit tells which inputs are too long; in chunks,
            # so that Ctrl-C is seen between them
            lengths = [
                len(ids)
                for start in range(0, len(texts), _LENGTH_CHUNK)
                for ids in tokenizer(
                    texts[start : start + _LENGTH_CHUNK], truncation=True, max_length=limit + 1
                )["input_ids"]
            ]
        except (ValueError, TypeError, RuntimeError) as exc:
            raise ModelError(
                f"the tokenizer of {self.model!r} failed: {_first_line(exc)}", self.model
            ) from exc
        too_long = sum(n > limit for n in lengths)
        if too_long:
            self.stats.truncated += too_long
            warnings.warn(
                f"{too_long} of {len(texts)} texts were longer than {limit} tokens and were "
                f"truncated before translation by {self.model!r}",
                TruncationWarning,
                stacklevel=3,
            )
        order = sorted(range(len(texts)), key=lambda i: -lengths[i])  # stable: ties keep order
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            try:
                encoded = tokenizer(
                    [texts[i] for i in batch],
                    return_tensors="pt",
                    padding=True,
                    truncation=True,
                    max_length=limit,
                )
                inputs = {
                    "input_ids": encoded["input_ids"].to(model.device),
                    "attention_mask": encoded["attention_mask"].to(model.device),
                }
                generated = self._generate(inputs)
                decoded = tokenizer.batch_decode(generated, skip_special_tokens=True)
            except (RuntimeError, ValueError, IndexError, TypeError) as exc:
                raise ModelError(
                    f"translation with {self.model!r} failed: {_first_line(exc)}", self.model
                ) from exc
            self.stats.calls += 1
            store([texts[i] for i in batch], [text.strip() for text in decoded])

    def _generate(self, inputs: dict[str, Any]) -> Any:
        """Run the model's ``generate`` on one batch so that Ctrl-C gets through at once.

        ``generate`` runs in a worker thread while this (main) thread waits in short
        steps, so a `KeyboardInterrupt` is raised here within a fraction of a second
        even when the model is inside a long computation. The worker is then told to
        stop after its current decoding step; the process waits for that step at exit.
        """
        torch, model = self._torch, self._model
        if self._worker is not None and self._worker.is_alive():
            # a batch abandoned by an earlier interrupt: told to stop, it ends after
            # its current decoding step
            self._worker.join()
        self._worker = None
        stop = threading.Event()
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                from transformers import StoppingCriteria, StoppingCriteriaList

                class _Stop(StoppingCriteria):
                    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                        return torch.full(
                            (input_ids.shape[0],), stop.is_set(), device=input_ids.device
                        )

                with torch.inference_mode():
                    outcome["value"] = model.generate(
                        **inputs,
                        num_beams=self.num_beams,
                        do_sample=False,
                        max_new_tokens=self._output_limit,
                        stopping_criteria=StoppingCriteriaList([_Stop()]),
                    )
            except BaseException as exc:  # handed to the waiting thread
                outcome["error"] = exc

        # not a daemon: at exit, Python waits for the stopped worker to end its decoding
        # step instead of tearing torch down under it (which aborts the process)
        worker = threading.Thread(target=run, name=f"bialign-translate-{self.model}")
        try:
            worker.start()  # the interrupt may already come while the worker starts
            while worker.is_alive():
                worker.join(_WAIT_STEP)
        except BaseException:
            stop.set()
            self._worker = worker
            raise
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]


_LENGTH_CHUNK = 256  # texts per tokenizer call when measuring lengths
_WAIT_STEP = 0.05  # seconds between checks for Ctrl-C while a batch is translated


def _loading_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, ValueError, ImportError, KeyError]
    try:
        from huggingface_hub import errors as hub_errors
    except ImportError:
        return tuple(errors)
    for attr in ("EntryNotFoundError", "HfHubHTTPError", "HFValidationError"):
        cls = getattr(hub_errors, attr, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            errors.append(cls)
    return tuple(errors)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _why(exc: BaseException, local_only: bool) -> str:
    text = str(exc)
    if local_only and ("couldn't connect" in text or "cached files" in text):
        return (
            "it is not in the local Hugging Face cache and downloads are off "
            "(HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE set, or local_files_only=True)"
        )
    return _first_line(exc).rstrip(".")


def _folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be a saved transformers model, or ``None`` if it may be one."""
    where = str(folder)
    if not folder.exists():
        return f"no such folder {where!r}"
    if not folder.is_dir():
        return f"{where!r} is a file, not a model folder"
    if not (folder / "config.json").is_file():
        return f"not a transformers model: no config.json in {where!r}"
    return None


_HUB_PROBE_TIMEOUT = 3.0  # seconds for the one request that tells whether the hub answers


def _in_hub_cache(name: str) -> bool:
    """Whether the local Hugging Face cache holds the ``config.json`` of hub model ``name``.

    Raises:
        ValueError: ``name`` is not a valid hub model name.
    """
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(name, "config.json"), str)


def _is_not_cached(exc: BaseException) -> bool:
    """Whether a ``local_files_only`` load failed only because files are not cached."""
    text = str(exc)
    return "couldn't connect" in text or "cached files" in text or "local_files_only" in text


def _needs_sentencepiece(exc: BaseException) -> bool:
    return "sentencepiece" in str(exc).lower() and find_spec("sentencepiece") is None


@contextmanager
def _quiet_hub() -> Iterator[None]:
    """Keep the hub's warnings (retries, connection errors) out of the log for a while."""
    logger = logging.getLogger("huggingface_hub")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _from_pretrained(transformers: Any, source: str, *, local_only: bool) -> tuple[Any, Any]:
    """The model and tokenizer of ``source``, with the hub's retry messages silenced."""
    with _quiet_hub():
        model = transformers.AutoModelForSeq2SeqLM.from_pretrained(
            source, local_files_only=local_only
        )
        tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=local_only)
    return model, tokenizer


def _hub_unreachable(timeout: float = _HUB_PROBE_TIMEOUT) -> str | None:
    """Why the Hugging Face hub cannot be reached, or ``None`` if it answers.

    One request, without retries: any HTTP answer means the hub is reachable.
    """
    from huggingface_hub import constants
    from huggingface_hub.utils import get_session

    try:
        get_session().head(constants.ENDPOINT, timeout=timeout)
    except Exception as exc:  # any failure of the probe means: do not try the hub
        return f"{constants.ENDPOINT}: {_first_line(exc)}"
    return None


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class _CharNgrams:
    counts: tuple[dict[str, int], ...]  # one Counter per order 1..6
    totals: tuple[int, ...]  # number of n-grams per order


@dataclass(frozen=True)
class _WordNgrams:
    counts: tuple[dict[tuple[str, ...], int], ...]  # one Counter per order 1..4
    length: int  # tokens


def _char_ngrams(text: str) -> _CharNgrams:
    """sacrebleu's chrF n-grams: whitespace removed, orders 1..6."""
    line = "".join(text.split())
    counts = tuple(
        Counter(line[i : i + n] for i in range(len(line) - n + 1))
        for n in range(1, _CHRF_ORDER + 1)
    )
    return _CharNgrams(counts, tuple(sum(c.values()) for c in counts))


@lru_cache(maxsize=1)
def _intl_tokenizer() -> Callable[[str], str]:
    from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International

    return TokenizerV14International()


def _word_ngrams(text: str) -> _WordNgrams:
    """sacrebleu's BLEU n-grams with ``tokenize="intl"``: orders 1..4."""
    tokens = _intl_tokenizer()(text.rstrip()).split()
    counts = tuple(
        Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        for n in range(1, _BLEU_ORDER + 1)
    )
    return _WordNgrams(counts, len(tokens))


def _match_counts(hyp: Sequence[dict[Any, int]], ref: Sequence[dict[Any, int]]) -> np.ndarray:
    """Clipped n-gram matches: ``out[i, j] = sum(min(hyp[i][g], ref[j][g]))``.

    One C-level key intersection per pair; the Python work is proportional to the
    shared n-grams only.
    """
    values: list[int] = []
    append = values.append
    for a in hyp:
        a_keys, a_get = a.keys(), a.__getitem__
        for b in ref:
            common = a_keys & b.keys()
            append(sum(map(min, map(a_get, common), map(b.__getitem__, common))) if common else 0)
    return np.asarray(values, dtype=np.float64).reshape(len(hyp), len(ref))


def _chrf_from_features(hyps: Sequence[_CharNgrams], refs: Sequence[_CharNgrams]) -> np.ndarray:
    n, m = len(hyps), len(refs)
    factor = _CHRF_BETA**2
    avg_prec = np.zeros((n, m))
    avg_rec = np.zeros((n, m))
    effective = np.zeros((n, m))
    for order in range(_CHRF_ORDER):
        match = _match_counts([h.counts[order] for h in hyps], [r.counts[order] for r in refs])
        n_ref = np.array([r.totals[order] for r in refs], dtype=np.float64)[None, :]
        n_hyp = np.array([h.totals[order] for h in hyps], dtype=np.float64)[:, None]
        n_hyp = np.where(n_ref > 0, n_hyp, 0.0)  # sacrebleu: no hits without reference n-grams
        valid = (n_hyp > 0) & (n_ref > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            prec = np.where(valid, match / n_hyp, 0.0)
            rec = np.where(valid, match / n_ref, 0.0)
        avg_prec += prec
        avg_rec += rec
        effective += valid
    with np.errstate(divide="ignore", invalid="ignore"):
        avg_prec = np.where(effective > 0, avg_prec / effective, 0.0)
        avg_rec = np.where(effective > 0, avg_rec / effective, 0.0)
        score = (1 + factor) * avg_prec * avg_rec
        score = score / ((factor * avg_prec) + avg_rec)
    score = np.where(avg_prec + avg_rec != 0, 100 * score, 0.0)
    return score / 100


def _bleu_from_features(hyps: Sequence[_WordNgrams], refs: Sequence[_WordNgrams]) -> np.ndarray:
    from sacrebleu.metrics import BLEU

    matches = [
        _match_counts([h.counts[k] for h in hyps], [r.counts[k] for r in refs]).astype(np.int64)
        for k in range(_BLEU_ORDER)
    ]
    out = np.zeros((len(hyps), len(refs)))
    for i, hyp in enumerate(hyps):
        total = [max(0, hyp.length - k) for k in range(_BLEU_ORDER)]
        for j, ref in enumerate(refs):
            correct = [int(matches[k][i, j]) for k in range(_BLEU_ORDER)]
            out[i, j] = (
                BLEU.compute_bleu(
                    correct,
                    list(total),
                    hyp.length,
                    ref.length,
                    smooth_method="exp",
                    effective_order=True,
                    max_ngram_order=_BLEU_ORDER,
                ).score
                / 100
            )
    return out


def chrf_matrix(hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
    """Sentence-level chrF of every hypothesis against every reference, in [0, 1].

    Equal to ``sacrebleu.metrics.CHRF().sentence_score(h, [r]).score / 100``
    (character n-grams 1–6, beta 2, whitespace removed, case kept), but each
    text's n-grams are extracted once, so a matrix costs one n-gram intersection
    per pair.

    Examples:
        >>> chrf_matrix(["the talks were constructive"], ["constructive talks", "rain"]).round(3)
        array([[0.795, 0.125]])

    Args:
        hypotheses: Translations.
        references: Reference texts.

    Returns:
        A float array of shape ``(len(hypotheses), len(references))``.

    Raises:
        InputTypeError: An argument is not a list of str.
    """
    hyps = _check_texts(hypotheses, "hypotheses")
    refs = _check_texts(references, "references")
    return _chrf_from_features([_char_ngrams(h) for h in hyps], [_char_ngrams(r) for r in refs])


def bleu_matrix(hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
    """Sentence-level BLEU of every hypothesis against every reference, in [0, 1].

    Equal to ``sacrebleu.metrics.BLEU(tokenize="intl", effective_order=True)
    .sentence_score(h, [r]).score / 100``, with each text tokenized once.

    Args:
        hypotheses: Translations.
        references: Reference texts.

    Returns:
        A float array of shape ``(len(hypotheses), len(references))``.

    Raises:
        InputTypeError: An argument is not a list of str.
    """
    hyps = _check_texts(hypotheses, "hypotheses")
    refs = _check_texts(references, "references")
    return _bleu_from_features([_word_ngrams(h) for h in hyps], [_word_ngrams(r) for r in refs])


# --------------------------------------------------------------------------- scorer


class TranslationScorer:
    """Score Arabic–English pairs by translating the Arabic and comparing with an MT metric.

    Each distinct Arabic span is translated once (translators keep a cache), and
    each translation is compared with each English span:

    * ``"chrf"`` — sacrebleu's sentence chrF / 100 (character n-grams, robust to
      inflection and transliteration differences);
    * ``"bleu"`` — sacrebleu's sentence BLEU (``tokenize="intl"``,
      ``effective_order=True``) / 100;
    * ``"chrf+bleu"`` — their mean.

    Examples:
        >>> table = {"وصل الوزير إلى بكين": "The minister arrived in Beijing"}
        >>> scorer = TranslationScorer(FunctionTranslator(table.get, name="table"))
        >>> english = ["It rained.", "The minister reached Beijing."]
        >>> int(scorer.score(["وصل الوزير إلى بكين"], english).argmax())
        1

    Args:
        translator: A `Translator`; a model name or folder, which builds a
            `TransformersTranslator` with ``translator_kwargs``; or ``None``
            for `DEFAULT_MODEL`.
        metric: ``"chrf"``, ``"bleu"`` or ``"chrf+bleu"``.
        **translator_kwargs: Passed to `TransformersTranslator` (``device``,
            ``batch_size``, ``cache`` …) when ``translator`` is a name.

    Raises:
        UnknownNameError: ``metric`` is not one of the three.
        InputTypeError: ``translator`` is neither a translator nor a name, or
            ``translator_kwargs`` are given with a translator object.
    """

    name = "translation"

    def __init__(
        self,
        translator: Translator | str | os.PathLike[str] | None = None,
        *,
        metric: Metric = "chrf",
        **translator_kwargs: Any,
    ) -> None:
        metrics = get_args(Metric)
        if metric not in metrics:
            raise UnknownNameError("metric", str(metric), metrics)
        if translator is None:
            translator = DEFAULT_MODEL
        if isinstance(translator, str | os.PathLike):
            translator = TransformersTranslator(translator, **translator_kwargs)
        elif translator_kwargs:
            raise InputTypeError(
                "translator options ("
                + ", ".join(sorted(translator_kwargs))
                + ") apply only when translator is a model name",
                translator,
                expected="str",
            )
        if not callable(getattr(translator, "translate", None)):
            raise InputTypeError(
                f"translator must have a translate() method, not {type(translator).__name__}",
                translator,
                expected="Translator",
            )
        self.translator: Translator = translator
        self.metric: Metric = metric
        self._translator_name = str(getattr(translator, "name", type(translator).__name__))
        # translators of this module cache themselves; others get a memo here
        own = getattr(translator, "cache", None)
        self._memo: TranslationCache | None = (
            None if isinstance(own, TranslationCache) else TranslationCache()
        )
        self._char_features: dict[str, _CharNgrams] = {}
        self._word_features: dict[str, _WordNgrams] = {}

    def __repr__(self) -> str:
        return f"TranslationScorer({self._translator_name!r}, metric={self.metric!r})"

    def signature(self) -> str:
        """Every setting that changes the scores, as one string.

        Examples:
            ``"translation:chrf|model:Helsinki-NLP/opus-mt-ar-en|beams:1|max_len:256|sacrebleu:2.6.0"``
            (``beams`` and ``max_len`` appear for a `TransformersTranslator`,
            ``tok:intl`` for the BLEU metrics).
        """
        import sacrebleu

        parts = [f"translation:{self.metric}", f"model:{self._translator_name}"]
        if isinstance(self.translator, TransformersTranslator):
            parts += [f"beams:{self.translator.num_beams}", f"max_len:{self.translator.max_length}"]
        if "bleu" in self.metric:
            parts.append("tok:intl")
        parts.append(f"sacrebleu:{sacrebleu.__version__}")
        return "|".join(parts)

    def translations(self, arabic: Sequence[str]) -> list[str]:
        """The English translation of each Arabic span (each distinct span translated once).

        Raises:
            InputTypeError: ``arabic`` is not a list of str.
            ModelError: The translator failed or returned something other than one
                str per text.
        """
        texts = _check_texts(arabic, "arabic")
        unique = list(dict.fromkeys(texts))
        if self._memo is None:
            out = self.translator.translate(unique)
            found = dict(
                zip(unique, _check_output(out, len(unique), self._translator_name), strict=True)
            )
        else:
            name = self._translator_name
            missing = [t for t in unique if self._memo.get(name, t) is None]
            if missing:
                out = self.translator.translate(missing)
                self._memo.put_many(
                    name, zip(missing, _check_output(out, len(missing), name), strict=True)
                )
            found = {t: cast("str", self._memo.get(name, t)) for t in unique}
        return [found[t] for t in texts]

    #: Spans are scored exactly as Bleualign does: each sentence is translated
    #: once and a merged span's translation is its sentences' translations joined.
    spans_exact = True

    def score_spans(
        self, arabic: Sequence[Sequence[str]], english: Sequence[Sequence[str]]
    ) -> np.ndarray:
        """Score spans given as lists of sentences; each sentence is translated once.

        The translation of a merged Arabic span is the translations of its
        sentences joined with a space, compared with the English sentences joined.
        """
        flat = list(dict.fromkeys(t for span in arabic for t in span))
        table = dict(zip(flat, self.translations(flat), strict=True)) if flat else {}
        hyps = [" ".join(table[t] for t in span) for span in arabic]
        return self._score_translations(hyps, [" ".join(span) for span in english])

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        """Score every Arabic span against every English span.

        Args:
            arabic: Arabic spans (sentences or merged neighbours).
            english: English spans.

        Returns:
            A float array of shape ``(len(arabic), len(english))`` in [0, 1]. Empty
            inputs give an empty matrix, without translating anything.

        Raises:
            InputTypeError: An argument is not a list of str.
            ModelError: The translator failed.
        """
        ar = _check_texts(arabic, "arabic")
        en = _check_texts(english, "english")
        if not ar or not en:
            return np.zeros((len(ar), len(en)), dtype=np.float64)
        return self._score_translations(self.translations(ar), en)

    def _score_translations(self, hyps: list[str], en: list[str]) -> np.ndarray:
        if not hyps or not en:
            return np.zeros((len(hyps), len(en)), dtype=np.float64)
        uh = list(dict.fromkeys(hyps))
        ue = list(dict.fromkeys(en))
        rows, cols = _positions(uh, hyps), _positions(ue, en)
        parts: list[np.ndarray] = []
        if self.metric in ("chrf", "chrf+bleu"):
            parts.append(
                _chrf_from_features(
                    self._features(uh, self._char_features, _char_ngrams),
                    self._features(ue, self._char_features, _char_ngrams),
                )
            )
        if self.metric in ("bleu", "chrf+bleu"):
            parts.append(
                _bleu_from_features(
                    self._features(uh, self._word_features, _word_ngrams),
                    self._features(ue, self._word_features, _word_ngrams),
                )
            )
        unique_scores = parts[0] if len(parts) == 1 else (parts[0] + parts[1]) / 2
        return check_matrix(unique_scores[np.ix_(rows, cols)], self.name)

    @staticmethod
    def _features(texts: list[str], memo: dict[str, Any], extract: Callable[[str], Any]) -> list:
        if len(memo) > _FEATURE_MEMO_LIMIT:
            memo.clear()
        out = []
        for text in texts:
            feats = memo.get(text)
            if feats is None:
                feats = memo[text] = extract(text)
            out.append(feats)
        return out


def _positions(unique: list[str], texts: list[str]) -> np.ndarray:
    index = {t: i for i, t in enumerate(unique)}
    return np.array([index[t] for t in texts], dtype=np.intp)
