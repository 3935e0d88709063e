"""`TransformersTranslator`: translate with a sequence-to-sequence model of ``transformers``.

Neither ``torch`` nor ``transformers`` is imported until the model is loaded.
"""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path
from typing import Any

from ..errors import (
    EmptyInputError,
    InputTypeError,
    MissingDependencyError,
    ModelError,
    TruncationWarning,
)
from ._checks import _check_positive
from .cache import TranslationCache, _as_cache
from .loading import (
    _first_line,
    _folder_problem,
    _from_pretrained,
    _hub_unreachable,
    _in_hub_cache,
    _is_not_cached,
    _loading_errors,
    _looks_like_path,
    _needs_sentencepiece,
    _offline_requested,
    _why,
)
from .translators import TranslationStats, _CachedTranslator, _Store

__all__ = ["DEFAULT_MODEL", "TransformersTranslator"]

#: The Arabic→English model used when `TranslationScorer` gets no translator.
DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ar-en"


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
        >>> t = TransformersTranslator("Helsinki-NLP/opus-mt-ar-en", cache="mt-cache.sqlite")
        >>> t.translate(["قال الرئيس إن المحادثات كانت بناءة."])  # doctest: +SKIP
        ['The president said the talks were constructive.']

    Args:
        model: Hub name or local folder.
        device: A torch device, such as ``"cpu"`` or ``"cuda:0"``.
        batch_size: Texts per ``generate`` call.
        max_length: Longest input, in tokens (longer inputs are truncated), and
            longest output. Both are also capped by the model's position limit.
        num_beams: 1 for greedy decoding, more for beam search.
        cache: A `TranslationCache`, the path of an SQLite file for a persistent
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
