"""Where the exporters write: a path (atomically), a text file object, or nowhere."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import IO

from ..errors import InputTypeError, OutputError

PathOrFile = str | os.PathLike[str] | IO[str] | None


def _emit(text: str, path_or_file: PathOrFile) -> str:
    """Write ``text`` to a path (atomically) or a text file object; return it."""
    if path_or_file is None:
        return text
    if isinstance(path_or_file, str | os.PathLike):
        _write_atomic(Path(path_or_file), text)
        return text
    if not hasattr(path_or_file, "write"):
        raise InputTypeError(
            "path_or_file must be a path, a text file object or None, "
            f"not {type(path_or_file).__name__}",
            path_or_file,
            expected="str | PathLike | IO[str] | None",
        )
    try:
        path_or_file.write(text)
    except TypeError as exc:
        raise InputTypeError(
            f"cannot write text to {type(path_or_file).__name__}: open the file in text mode "
            f'("w", encoding="utf-8") ({exc})',
            path_or_file,
            expected="IO[str]",
        ) from exc
    return text


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` via a temporary file and `os.replace`.

    Raises:
        OutputError: The folder is missing, the path is a folder, or writing failed.
    """
    folder = path.parent
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder", str(path))
    if not folder.is_dir():
        reason = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"cannot write {path}: the folder {folder} {reason}", str(path))
    data = text.encode("utf-8")
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        # O_EXCL: never clobber another file; the mode lets the umask apply as for open().
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}", str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if path.is_file():
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(tmp)
        raise OutputError(f"cannot write {path}: {_reason(exc)}", str(path)) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
