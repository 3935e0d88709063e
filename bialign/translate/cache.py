"""The translation cache: translations keyed by (translator, source text).

In memory, or in an SQLite file (the standard library's `sqlite3`): one table,
keyed by the translator's signature and the source text, looked up a batch of
texts at a time, so that a cache of a whole corpus is never read into memory.
Several threads and processes can use one file at once. A JSON-lines cache
written by earlier versions of bialign is converted once, when it is opened.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

from ..errors import InputTypeError, OutputError, ResourceError

try:  # POSIX: one process at a time converts an old cache file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["TranslationCache"]

_log = logging.getLogger(__name__)

_APPLICATION_ID = 0x6269616C  # "bial" in the SQLite header: a bialign translation cache
_SCHEMA_VERSION = 1  # PRAGMA user_version of the layout below
_SCHEMA = """
CREATE TABLE translations (
    translator TEXT NOT NULL,
    source TEXT NOT NULL,
    translation TEXT NOT NULL,
    PRIMARY KEY (translator, source)
)
"""
_COLUMNS = ("translator", "source", "translation")
_INSERT = "INSERT OR REPLACE INTO translations (translator, source, translation) VALUES (?, ?, ?)"
_SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database
_BUSY_TIMEOUT = 60.0  # seconds to wait for another connection's write to end
_LOOKUP_CHUNK = 500  # source texts per lookup statement (older SQLite allow 999 parameters)
_MIGRATION_BATCH = 1000  # entries per insert while an old cache file is converted


class TranslationCache:
    """Translations keyed by (translator, source text), in memory or in an SQLite file.

    With a ``path``, the translations live in an SQLite database (created by the first
    write when the file does not exist), so a later run — or another translator
    instance with the same name — does not translate them again. Nothing is read when
    the cache is opened: each lookup asks the database for the texts of one batch
    only, so a cache of a whole corpus costs no memory. Every `put_many` is one short
    transaction; several threads and processes can read and write one file at once
    (SQLite's write-ahead log, and a wait of up to a minute for another writer to
    finish). An entry written again replaces the old one.

    A JSON-lines cache written by earlier versions of bialign is converted to SQLite
    in place the first time it is opened, read line by line; the old file is kept
    beside it as ``<name>.bak``.

    Examples:
        >>> cache = TranslationCache()
        >>> cache.put("my-model", "مرحبا", "hello")
        >>> cache.get("my-model", "مرحبا")
        'hello'
        >>> cache.get("other-model", "مرحبا") is None
        True

    Args:
        path: An SQLite file (any name, for example ``mt-cache.sqlite``); ``None``
            keeps the cache in memory only.

    Raises:
        ResourceError: The file is not a translation cache (another kind of file,
            another application's database, a damaged database, or an old JSON-lines
            cache with a line that is not an entry), or cannot be read.
        OutputError: An old cache file cannot be converted.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path: Path | None = Path(path).expanduser() if path is not None else None
        self._store: _MemoryStore | _SQLiteStore = (
            _MemoryStore() if self.path is None else _SQLiteStore(self.path)
        )

    def __len__(self) -> int:
        return self._store.count()

    def __contains__(self, key: object) -> bool:
        if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key)):
            return False
        return self.get(key[0], key[1]) is not None

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else "memory"
        return f"TranslationCache({where!r}, entries={len(self)})"

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        # a file cache travels as its path (the connection is opened again); a memory
        # cache as its entries
        if isinstance(self._store, _MemoryStore):
            return {"path": None, "entries": dict(self._store.data)}
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        TranslationCache.__init__(self, state["path"])
        if isinstance(self._store, _MemoryStore):
            self._store.data.update(state.get("entries", {}))

    def get(self, translator: str, source: str) -> str | None:
        """The cached translation of ``source`` by ``translator``, or ``None``.

        Raises:
            ResourceError: The cache file cannot be read.
        """
        return self.get_many(translator, [source]).get(source)

    def get_many(self, translator: str, sources: Iterable[str]) -> dict[str, str]:
        """The cached translations of those ``sources`` that ``translator`` has translated.

        One lookup for the whole batch (a few, for thousands of texts): only the
        entries asked for are read.

        Examples:
            >>> cache = TranslationCache()
            >>> cache.put_many("m", [("أ", "a"), ("ب", "b")])
            >>> cache.get_many("m", ["ب", "ج"])
            {'ب': 'b'}

        Returns:
            ``{source: translation}`` for the sources found; the others are left out.

        Raises:
            ResourceError: The cache file cannot be read.
        """
        return self._store.get_many(translator, list(dict.fromkeys(sources)))

    def put(self, translator: str, source: str, translation: str) -> None:
        """Store one translation (and write it to the file, if any).

        Raises:
            OutputError: The cache file cannot be written.
        """
        self.put_many(translator, [(source, translation)])

    def put_many(self, translator: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Store several ``(source, translation)`` pairs of one translator at once.

        In a file, the pairs are written in one transaction: all or none.

        Raises:
            OutputError: The cache file cannot be created or written.
        """
        rows = [(translator, source, translation) for source, translation in pairs]
        if rows:
            self._store.put_many(rows)

    def close(self) -> None:
        """Close the file's database connection (a later use opens it again).

        A cache is also closed at the end of a ``with`` block, and when it is
        garbage-collected.
        """
        self._store.close()


class _MemoryStore:
    """The entries of an in-memory cache, in a dict."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], str] = {}

    def count(self) -> int:
        return len(self.data)

    def get_many(self, translator: str, sources: list[str]) -> dict[str, str]:
        found = {}
        for source in sources:
            translation = self.data.get((translator, source))
            if translation is not None:
                found[source] = translation
        return found

    def put_many(self, rows: list[tuple[str, str, str]]) -> None:
        for translator, source, translation in rows:
            self.data[(translator, source)] = translation

    def close(self) -> None:
        pass


class _SQLiteStore:
    """The entries of a cache file: one SQLite connection, shared by threads under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        # a file that does not exist yet is created by the first write, not here
        self._db: sqlite3.Connection | None = _connect(path, create=False)

    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        """The open connection; ``None`` while there is no file and ``create`` is false."""
        if self._db is None:
            self._db = _connect(self.path, create=create)
        return self._db

    def count(self) -> int:
        with self._lock:
            try:
                db = self._connection(create=False)
                if db is None:
                    return 0
                row = db.execute("SELECT count(*) FROM translations").fetchone()
            except sqlite3.Error as exc:
                raise _read_error(self.path, exc) from exc
        return int(row[0])

    def get_many(self, translator: str, sources: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            try:
                db = self._connection(create=False)
                if db is None:
                    return found
                for start in range(0, len(sources), _LOOKUP_CHUNK):
                    chunk = sources[start : start + _LOOKUP_CHUNK]
                    marks = ", ".join("?" * len(chunk))
                    found.update(
                        db.execute(
                            "SELECT source, translation FROM translations "
                            f"WHERE translator = ? AND source IN ({marks})",
                            [translator, *chunk],
                        )
                    )
            except sqlite3.Error as exc:
                raise _read_error(self.path, exc) from exc
        return found

    def put_many(self, rows: list[tuple[str, str, str]]) -> None:
        with self._lock:
            try:
                db = cast("sqlite3.Connection", self._connection(create=True))
                db.execute("BEGIN IMMEDIATE")  # take the write lock now, not halfway
                try:
                    db.executemany(_INSERT, rows)
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise OutputError(
                    f"cannot write the translation cache {str(self.path)!r}: {exc}",
                    str(self.path),
                ) from exc

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __del__(self) -> None:
        # at once when the cache is dropped, not at the next garbage collection: the
        # last connection to close removes the -wal and -shm files beside the cache
        db = getattr(self, "_db", None)
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()


def _read_error(path: Path, exc: BaseException) -> ResourceError:
    return ResourceError(f"cannot read the translation cache {str(path)!r}: {exc}", str(path))


def _connect(path: Path, *, create: bool) -> sqlite3.Connection | None:
    """An open connection to the cache file ``path``, converted first if need be.

    A missing (or empty) file is created only with ``create``; otherwise ``None``.
    """
    for _ in range(3):  # a second look, when another process converted the file meanwhile
        kind = _file_kind(path)
        if kind == "jsonl":
            _convert_jsonl(path)
            continue
        if kind == "new" and not create:
            return None
        return _open_database(path, new=kind == "new")
    raise ResourceError(  # pragma: no cover - only if an old cache is rewritten as it is converted
        f"translation cache {str(path)!r} changed while it was being converted; open it again",
        str(path),
    )


def _file_kind(path: Path) -> str:
    """``"new"`` (missing or empty), ``"sqlite"``, or ``"jsonl"`` (the format of earlier versions).

    Raises:
        ResourceError: The path is not a file, cannot be read, or is another kind of file.
    """
    where = str(path)
    if path.exists() and not path.is_file():
        raise ResourceError(f"translation cache {where!r} is not a file", where)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return "new"
    except OSError as exc:
        raise ResourceError(
            f"cannot read the translation cache {where!r}: {exc.strerror or exc}", where
        ) from exc
    if not head:
        return "new"
    if head == _SQLITE_MAGIC:
        return "sqlite"
    if not head.strip() or head.lstrip().startswith(b"{"):
        return "jsonl"
    raise ResourceError(
        f"translation cache {where!r} is not a translation cache: neither an SQLite database "
        "nor a JSON-lines cache of an earlier bialign (give a path that does not exist yet "
        "to start a new cache)",
        where,
    )


def _open_database(path: Path, *, new: bool) -> sqlite3.Connection:
    where = str(path)
    if new:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"cannot create the translation cache {where!r}: {exc.strerror or exc}", where
            ) from exc
    try:
        # an absolute path: never taken for ":memory:" or a URI
        db = sqlite3.connect(
            os.path.abspath(path),
            timeout=_BUSY_TIMEOUT,
            isolation_level=None,  # transactions are begun and committed explicitly
            check_same_thread=False,  # the store's lock serialises the threads
        )
    except sqlite3.Error as exc:
        raise (OutputError if new else ResourceError)(
            f"cannot open the translation cache {where!r}: {exc}", where
        ) from exc
    try:
        _check_or_create(db, path)
        try:
            # readers and one writer at once; kept in the file for later connections
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.OperationalError:
            pass  # a read-only file: the default journal still locks correctly
    except sqlite3.DatabaseError as exc:
        db.close()
        raise ResourceError(
            f"translation cache {where!r} is not a usable SQLite database: {exc}", where
        ) from exc
    except BaseException:
        db.close()
        raise
    return db


def _check_or_create(db: sqlite3.Connection, path: Path) -> None:
    """Create the table in a new database; check that an existing one is a translation cache."""
    where = str(path)
    # The mark and the tables read in one snapshot: read apart, another connection's
    # creation could commit between the two, and its new table look like another
    # application's.
    db.execute("BEGIN")
    try:
        unmarked = _pragma(db, "application_id") == 0
        if unmarked:
            _refuse_other_database(db, where)
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    if unmarked:
        db.execute("BEGIN IMMEDIATE")  # two processes creating one file: one creates
        try:
            if _pragma(db, "application_id") == 0:
                _refuse_other_database(db, where)
                db.execute(_SCHEMA)
                db.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    if _pragma(db, "application_id") != _APPLICATION_ID:
        raise ResourceError(
            f"translation cache {where!r} is an SQLite database of another application, "
            "not a bialign translation cache",
            where,
        )
    version = _pragma(db, "user_version")
    if version != _SCHEMA_VERSION:
        raise ResourceError(
            f"translation cache {where!r} has format version {version}; this version of "
            f"bialign reads version {_SCHEMA_VERSION} (was it written by a newer bialign?)",
            where,
        )
    columns = tuple(row[1] for row in db.execute("PRAGMA table_info(translations)"))
    if columns != _COLUMNS:
        raise ResourceError(
            f"translation cache {where!r} is damaged: its table has the columns {columns}, "
            f"expected {_COLUMNS}",
            where,
        )


def _refuse_other_database(db: sqlite3.Connection, where: str) -> None:
    """Raise `ResourceError` if a database not marked as a translation cache has tables."""
    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise ResourceError(
            f"translation cache {where!r} is an SQLite database of another application, "
            "not a bialign translation cache",
            where,
        )


def _pragma(db: sqlite3.Connection, name: str) -> int:
    return int(db.execute(f"PRAGMA {name}").fetchone()[0])


# --------------------------------------------------------------------------- JSON lines
# Earlier versions appended one JSON object per line:
# {"translator": ..., "source": ..., "translation": ...}

_ENTRY_START = b'{"translator": "'  # how every line written by earlier versions starts


def _convert_jsonl(path: Path) -> None:
    """Convert the JSON-lines cache at ``path`` into an SQLite cache, in place, once.

    The old file is read line by line into a new database beside it, which then
    replaces it in one step; the old file stays as ``<name>.bak``. A line cut short
    by an interrupted write is skipped, as earlier versions did; a line that is not
    an entry stops the conversion and leaves the file as it was. On POSIX systems
    the old file is locked meanwhile, so that of two processes opening it at once,
    one converts and the other then opens the converted file.

    Raises:
        ResourceError: The file cannot be read, or has a line that is not an entry.
        OutputError: The new file cannot be written beside the old one.
    """
    where = str(path)
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        return  # moved away meanwhile: the caller looks again
    except OSError as exc:
        raise ResourceError(
            f"cannot read the translation cache {where!r}: {exc.strerror or exc}", where
        ) from exc
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.converting")
    with fh:
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # released when fh is closed
        if not _still_at(fh, path):
            return  # another process converted it while this one waited
        try:
            entries = _copy_entries(fh, path, temporary)
            backup = _backup_path(path)
            try:
                os.link(path, backup)
            except OSError:  # a file system without hard links
                shutil.copy2(path, backup)
            if fcntl is None:  # pragma: no cover - Windows cannot replace an open file
                fh.close()
            os.replace(temporary, path)
        except OutputError:
            raise
        except OSError as exc:
            raise OutputError(
                f"cannot convert the translation cache {where!r} to SQLite: {exc.strerror or exc}",
                where,
            ) from exc
        finally:
            temporary.unlink(missing_ok=True)
    _log.warning(
        "converted the JSON-lines translation cache %s to SQLite (%d entries); "
        "the old file is kept as %s",
        where,
        entries,
        backup,
    )


def _still_at(fh: IO[bytes], path: Path) -> bool:
    """Whether the open file ``fh`` is still the file at ``path``."""
    try:
        return os.path.samestat(os.fstat(fh.fileno()), os.stat(path))
    except OSError:
        return False


def _copy_entries(fh: IO[bytes], path: Path, temporary: Path) -> int:
    """Write the entries of the JSON-lines file ``fh`` into a new database; return how many."""
    db = sqlite3.connect(os.path.abspath(temporary), isolation_level=None)
    try:
        _check_or_create(db, temporary)
        db.execute("BEGIN")
        batch: list[tuple[str, str, str]] = []
        entries = 0
        for number, line in enumerate(fh, start=1):
            entry = _parse_cache_line(line)
            if entry is None:
                if _is_cut_entry(line):
                    continue  # written by an interrupted run
                raise ResourceError(
                    f"translation cache {str(path)!r}, line {number}: not a cache entry "
                    '(expected {"translator": ..., "source": ..., "translation": ...}); '
                    "the file is left as it is",
                    str(path),
                )
            if entry:
                batch.append(entry)
                entries += 1
            if len(batch) >= _MIGRATION_BATCH:
                db.executemany(_INSERT, batch)
                batch.clear()
        db.executemany(_INSERT, batch)  # a later line replaces an earlier one, as before
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        raise OutputError(
            f"cannot convert the translation cache {str(path)!r} to SQLite: {exc}", str(path)
        ) from exc
    finally:
        db.close()
    return entries


def _backup_path(path: Path) -> Path:
    backup = path.with_name(path.name + ".bak")
    number = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.bak{number}")
        number += 1
    return backup


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
