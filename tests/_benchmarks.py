"""Load a script of ``benchmarks/`` as a module, for tests that check its pieces."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark(name: str) -> ModuleType:
    """``benchmarks/<name>.py`` as the module ``name`` (loaded once, then reused).

    The scripts put the repository and ``benchmarks/`` at the front of ``sys.path``
    when imported; the path is restored afterwards. The module is registered in
    ``sys.modules`` (dataclasses look their module up there) before it runs.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    saved_path = list(sys.path)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        del sys.modules[name]
        raise
    finally:
        sys.path[:] = saved_path
    return mod
