"""Checks of the texts given to translators, metrics and the translation scorer."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputError, InputTypeError, ModelError


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
