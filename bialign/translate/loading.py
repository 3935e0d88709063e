"""Where a transformers model comes from: a folder, the local Hugging Face cache, or the hub.

Helpers of `TransformersTranslator.load`: whether downloads are off, whether a
name is a path, one quick probe of the hub (no retries), and error messages that
name the cause in one line.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any

_TRUE_VALUES = {"1", "on", "yes", "true"}


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
