"""The translator interface, its counters, and `FunctionTranslator`.

Every translator of this package shares one ``translate``: blank texts become
``""`` without a call, texts already in the translator's `TranslationCache` are
not translated again, and each distinct new text is translated once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast, runtime_checkable

from ..errors import InputError, InputTypeError
from ._checks import _check_output, _check_positive, _check_texts
from .cache import TranslationCache, _as_cache

__all__ = ["FunctionTranslator", "TranslationStats", "Translator"]


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
        keys = [self._key(text) if text.strip() else None for text in texts]
        known = self.cache.get_many(namespace, (key for key in keys if key is not None))
        pending: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            if key is None:
                continue
            cached = known.get(key)
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
        cache: A `TranslationCache`, the path of an SQLite file for a persistent
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
