"""The option checks every public entry point shares (one `OptionError` wording each).

A keyword option that takes a flag, a number from 0 to 1 or a whole number is
checked here, before any work, so that ``align``, the exporters, pairing and
corpus runs refuse the same bad values with the same message.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from typing import Any

import numpy as np

from .errors import OptionError

__all__ = ["flag", "not_a_folder", "unit_number", "whole_number"]


def _is_number(value: Any) -> bool:
    # numbers.Real: Python and numpy numbers alike (np.float32 from a grid search); not bools.
    return not isinstance(value, bool | np.bool_) and isinstance(value, numbers.Real)


def flag(option: str, value: Any, *, allow_none: bool = False) -> bool | None:
    """``value`` when it is True or False (or None, with ``allow_none``); else `OptionError`."""
    if isinstance(value, bool) or (allow_none and value is None):
        return value
    raise OptionError(option, value, "True, False or None" if allow_none else "True or False")


def unit_number(option: str, value: Any, *, allow_none: bool = False) -> float | None:
    """``value`` as a float from 0 to 1 (or None, with ``allow_none``); else `OptionError`."""
    if allow_none and value is None:
        return None
    accepted = ("None or " if allow_none else "") + "a number from 0 to 1"
    if not _is_number(value):
        raise OptionError(option, value, f"{accepted}, not {type(value).__name__}")
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise OptionError(option, value, accepted)
    return float(value)


def whole_number(option: str, value: Any, low: int = 1, *, allow_none: bool = False) -> int | None:
    """``value`` when it is a whole number >= ``low`` (or None, with ``allow_none``)."""
    if allow_none and value is None:
        return None
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral) or value < low:
        accepted = ("None or " if allow_none else "") + f"a whole number of at least {low}"
        raise OptionError(option, value, accepted)
    return int(value)


def not_a_folder(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` is not a folder (``"no such folder"``, ``"is a file, not a folder"``);
    None when it is one. The input errors of folder arguments say it in these words."""
    p = Path(path)
    if p.is_dir():
        return None
    return "is a file, not a folder" if p.exists() else "no such folder"
