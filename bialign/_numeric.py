"""Small numeric helpers shared by the aligner and the document judgment.

numpy is imported inside `knn_mean`, so that importing this module (and
`import bialign`) stays light.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["finite_number", "knn_mean"]


def finite_number(value: object) -> bool:
    """A finite real number (Python or numpy), not a boolean."""
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def knn_mean(sim: np.ndarray, k: int, axis: int) -> np.ndarray:
    """The mean of the ``k`` highest values along ``axis`` (all of them when fewer)."""
    import numpy as np

    n = sim.shape[axis]
    if n == 0:
        return np.zeros(sim.shape[1 - axis])
    kk = max(1, min(k, n))
    part = -np.partition(-sim, kk - 1, axis=axis)
    return np.take(part, range(kk), axis=axis).mean(axis=axis)
