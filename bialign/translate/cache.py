"""The translation cache: translations keyed by (translator, source text)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from ..errors import InputTypeError, OutputError, ResourceError

__all__ = ["TranslationCache"]


class TranslationCache:
    """Translations keyed by (translator name, source text), optionally kept on disk.

    With a ``path``, existing entries are read when the cache is opened and new
    entries are appended to the file as JSON lines
    (``{"translator": ..., "source": ..., "translation": ...}``), so a later run —
    or another translator instance with the same name — does not translate them
    again. A line cut short by an interrupted write is skipped; the file is never
    rewritten, only appended to.

    Examples:
        >>> cache = TranslationCache()
        >>> cache.put("my-model", "مرحبا", "hello")
        >>> cache.get("my-model", "مرحبا")
        'hello'
        >>> cache.get("other-model", "مرحبا") is None
        True

    Args:
        path: A JSON-lines file; ``None`` keeps the cache in memory only.

    Raises:
        ResourceError: The file cannot be read, or has a line that is neither a cache
            entry nor the beginning of one (it is probably not a cache file).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path: Path | None = Path(path).expanduser() if path is not None else None
        self._data: dict[tuple[str, str], str] = {}
        if self.path is not None:
            self._load(self.path)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else "memory"
        return f"TranslationCache({where!r}, entries={len(self._data)})"

    def get(self, translator: str, source: str) -> str | None:
        """The cached translation of ``source`` by ``translator``, or ``None``."""
        return self._data.get((translator, source))

    def put(self, translator: str, source: str, translation: str) -> None:
        """Store one translation (and append it to the file, if any)."""
        self.put_many(translator, [(source, translation)])

    def put_many(self, translator: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Store several ``(source, translation)`` pairs of one translator at once.

        Raises:
            OutputError: The cache file cannot be written.
        """
        new = [(s, t) for s, t in pairs if self._data.get((translator, s)) != t]
        for source, translation in new:
            self._data[(translator, source)] = translation
        if self.path is None or not new:
            return
        lines = "".join(
            json.dumps(
                {"translator": translator, "source": s, "translation": t}, ensure_ascii=False
            )
            + "\n"
            for s, t in new
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+b") as fh:
                prefix = b""
                if fh.seek(0, os.SEEK_END) > 0:
                    fh.seek(-1, os.SEEK_END)
                    if fh.read(1) != b"\n":
                        prefix = b"\n"  # never continue a line cut short by a crash
                fh.write(prefix + lines.encode("utf-8"))
        except OSError as exc:
            raise OutputError(
                f"cannot write the translation cache {str(self.path)!r}: {exc.strerror or exc}",
                str(self.path),
            ) from exc

    def _load(self, path: Path) -> None:
        if not path.exists():
            return
        if not path.is_file():
            raise ResourceError(f"translation cache {str(path)!r} is not a file", str(path))
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ResourceError(
                f"cannot read the translation cache {str(path)!r}: {exc.strerror or exc}",
                str(path),
            ) from exc
        for number, line in enumerate(raw.split(b"\n"), start=1):
            entry = _parse_cache_line(line)
            if entry is None:
                if _is_cut_entry(line):
                    continue  # written by an interrupted run
                raise ResourceError(
                    f"translation cache {str(path)!r}, line {number}: not a cache entry "
                    '(expected {"translator": ..., "source": ..., "translation": ...})',
                    str(path),
                )
            if entry:
                translator, source, translation = entry
                self._data[(translator, source)] = translation


_ENTRY_START = b'{"translator": "'  # how every line written by put_many starts


def _is_cut_entry(line: bytes) -> bool:
    """Whether a malformed line is the beginning of an entry (a write cut short)."""
    text = line.strip()
    return bool(text) and (text.startswith(_ENTRY_START) or _ENTRY_START.startswith(text))


def _parse_cache_line(line: bytes) -> tuple[str, str, str] | tuple[()] | None:
    """One cache line: the entry, ``()`` for a blank line, ``None`` if malformed."""
    if not line.strip():
        return ()
    try:
        obj = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(obj, dict):
        return None
    fields = (obj.get("translator"), obj.get("source"), obj.get("translation"))
    if not all(isinstance(f, str) for f in fields):
        return None
    return cast("tuple[str, str, str]", fields)


def _as_cache(cache: TranslationCache | str | os.PathLike[str] | None) -> TranslationCache:
    if isinstance(cache, TranslationCache):
        return cache
    if cache is None or isinstance(cache, str | os.PathLike):
        return TranslationCache(cache)
    raise InputTypeError(
        f"cache must be a TranslationCache, a file path or None, not {type(cache).__name__}",
        cache,
        expected="TranslationCache | path | None",
    )
