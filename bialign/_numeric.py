"""Small numeric helpers shared by the aligner and the document judgment.

numpy is imported inside `knn_mean`, so that importing this module (and
`import bialign`) stays light.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["ONE_THREAD_CELLS", "finite_number", "knn_mean", "one_blas_thread"]


def finite_number(value: object) -> bool:
    """A finite real number (Python or numpy), not a boolean."""
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def knn_mean(sim: np.ndarray, k: int, axis: int, background: float | None = None) -> np.ndarray:
    """The mean of the ``k`` highest values along ``axis``.

    With fewer than ``k`` values, the mean of all of them; or, given a
    ``background``, each missing value counts as ``background`` (the similarity
    a neighbour that is not a counterpart usually has), so that a sentence of a
    one- or two-sentence article is not its own only neighbour.
    """
    import numpy as np

    n = sim.shape[axis]
    if n == 0:
        return np.full(sim.shape[1 - axis], 0.0 if background is None else float(background))
    kk = max(1, min(k, n))
    part = -np.partition(-sim, kk - 1, axis=axis)
    top = np.take(part, range(kk), axis=axis)
    missing = max(k, 1) - kk
    if background is None or not missing:
        return top.mean(axis=axis)
    return (top.sum(axis=axis) + missing * float(background)) / (kk + missing)


#: Up to this many sentence pairs, `one_blas_thread` limits BLAS to one thread.
ONE_THREAD_CELLS = 250_000


def one_blas_thread(cells: int = 0) -> contextlib.AbstractContextManager[object]:
    """Run the enclosed numpy work on one BLAS thread, for a pair of ``cells`` sentence pairs.

    The aligner's work after encoding multiplies small matrices (a few dozen
    rows): there, a second BLAS thread costs more in hand-over than it saves on
    a loaded machine, and nothing on an idle one (measured in the docs' "Speed
    and memory" section). Above `ONE_THREAD_CELLS` (long documents, large
    products) the threads stay. The encoder sets its own thread count inside.
    The limit is process-wide while it holds.
    """
    if cells > ONE_THREAD_CELLS:
        return contextlib.nullcontext()
    return _controller().limit(limits=1, user_api="blas")


_CONTROLLER: list[Any] = []  # [modules imported when it was made, the controller]
_CONTROLLER_LOCK = threading.Lock()


def _controller() -> Any:
    """A ``threadpoolctl.ThreadpoolController``, made again only when modules were imported.

    Making one scans every loaded shared library (about half a millisecond
    each time, twice per alignment); a module imported since the last scan
    may have loaded a BLAS of its own (torch for a translator), so the scan
    is repeated then.
    """
    from threadpoolctl import ThreadpoolController

    with _CONTROLLER_LOCK:
        if not _CONTROLLER or _CONTROLLER[0] != len(sys.modules):
            made = ThreadpoolController()
            _CONTROLLER[:] = [len(sys.modules), made]
        return _CONTROLLER[1]
