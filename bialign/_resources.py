"""Locate and read the data files shipped in ``resources/``.

The data lives at the top of the repository in ``resources/`` (edited by people,
reviewed as data); a built wheel carries it as ``bialign/_data``.
"""

from __future__ import annotations

import csv
import functools
import os
import tomllib
from pathlib import Path
from typing import Any

from .errors import ResourceError

__all__ = ["read_toml", "read_tsv", "resource_dir", "resource_path"]


@functools.cache
def resource_dir() -> Path:
    """The folder holding bialign's data files.

    ``BIALIGN_RESOURCES`` overrides it; otherwise the copy inside an installed
    wheel, then the repository's ``resources/`` folder (editable installs).
    """
    override = os.environ.get("BIALIGN_RESOURCES")
    here = Path(__file__).resolve().parent
    for candidate in (
        Path(override) if override else None,
        here / "_data",
        here.parent / "resources",
    ):
        if candidate is not None and candidate.is_dir():
            return candidate
    raise ResourceError("bialign's resources folder was not found; reinstall bialign", str(here))


def resource_path(*parts: str) -> Path:
    """Path of one data file, checked to exist."""
    path = resource_dir().joinpath(*parts)
    if not path.exists():
        raise ResourceError(f"missing data file {path}", str(path))
    return path


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML data file, turning parse errors into `ResourceError`."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ResourceError(f"cannot read {path}: {exc}", str(path)) from exc


def read_tsv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Read a tab-separated data file with a header naming at least ``columns``.

    Lines starting with ``#`` and blank lines are skipped.
    """
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"cannot read {path}: {exc}", str(path)) from exc
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ResourceError(f"{path}: header lacks column(s) {', '.join(missing)}", str(path))
    rows = []
    for lineno, row in enumerate(reader, start=2):
        if any(not (row.get(c) or "").strip() for c in columns):
            raise ResourceError(f"{path}:{lineno}: empty field in {row}", str(path))
        rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
    return rows
