"""Write an `Alignment` as CSV, JSON, TMX or an HTML report.

Stage 6 of the pipeline (export). Every writer takes the result and an optional
``path_or_file``, and returns the text it produced:

* a ``str`` or `os.PathLike` writes the file atomically (a temporary file
  in the same folder, then `os.replace`), so a failed export never leaves a
  partial file behind;
* a text file object gets the text written to it (open CSV files with
  ``newline=""``);
* ``None`` only returns the text.

`write` picks the format from the file extension. `load_json` reads
the JSON form back into equal dataclasses.

Document order, shared by the CSV (``include_unaligned=True``) and the HTML
report: pairs keep their order in ``Alignment.pairs`` (English position); an
English-only segment comes right before the first pair whose first English
index is greater than its own; an Arabic-only segment comes right after the
pair holding the closest smaller Arabic index (after the Arabic-only segments
already placed there), or at the very top when no pair holds a smaller one.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import functools
import html
import inspect
import io
import json
import math
import os
import secrets
import stat
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any

import regex

from ._version import __version__
from .document import VERDICTS, DocumentJudgment
from .errors import (
    EncodingError,
    InputError,
    InputTypeError,
    OptionError,
    OutputError,
    ResourceError,
    UnknownNameError,
)
from .result import AlignedPair, Alignment, Evidence, NameEvidence
from .segmentation import ROLES, Article, Segment

if TYPE_CHECKING:
    from .differences import Differences

__all__ = [
    "CSV_COLUMNS",
    "CSV_LAYOUTS",
    "CSV_LINK_COLUMNS",
    "CSV_TIDY_COLUMNS",
    "DIFFERENCES_CSV_COLUMNS",
    "FORMATS",
    "FORMAT_VERSION",
    "JSON_SCHEMA",
    "TMX_MIN_SCORE",
    "TMX_ROLES",
    "check_language_tag",
    "format_options",
    "load_json",
    "to_csv",
    "to_differences_csv",
    "to_html",
    "to_json",
    "to_tmx",
    "write",
]

#: The formats `write` knows.
FORMATS: tuple[str, ...] = ("csv", "json", "tmx", "html")

#: The value of the ``"format"`` field of the JSON form.
FORMAT_VERSION = "bialign-alignment/1"

#: The columns of `to_csv`, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "pair_id",
    "arabic_ids",
    "english_ids",
    "link_type",
    "score",
    "arabic",
    "english",
    "arabic_roles",
    "english_roles",
    "names",
    "numbers",
)

#: The columns of ``to_csv(..., layout="tidy")``: one row per pair, no empty cell.
CSV_TIDY_COLUMNS: tuple[str, ...] = (
    "pair_id",
    "link_type",
    "score",
    "arabic_first",
    "arabic_count",
    "english_first",
    "english_count",
    "arabic_roles",
    "english_roles",
    "arabic_text",
    "english_text",
)

#: The columns of ``to_csv(..., layout="links")``: one row per segment of a pair.
CSV_LINK_COLUMNS: tuple[str, ...] = ("pair_id", "side", "position", "segment_id")

#: The values of ``to_csv``'s ``layout``.
CSV_LAYOUTS: tuple[str, ...] = ("pairs", "tidy", "links")

#: The roles `to_tmx` keeps by default: running text, not page furniture (bylines,
#: captions, categories … are not translations of each other).
TMX_ROLES: tuple[str, ...] = tuple(r for r in ROLES if r in ("headline", "subheading", "body"))

#: The lowest score `to_tmx` keeps by default: the lowest tenth from which every band of
#: the held-out reliability table (``resources/reliability.json``, written by
#: `benchmarks/fit_weights.py`; see docs/formats.md) is at least 95 % right. Links scoring
#: 0.9 or more are 97 % right there (2035 links); the 0.8–0.9 band only 85 % (130 links).
#: `tests/test_export.py` checks it against the file.
TMX_MIN_SCORE = 0.9

_EXTENSIONS = {".csv": "csv", ".json": "json", ".tmx": "tmx", ".html": "html", ".htm": "html"}

PathOrFile = str | os.PathLike[str] | IO[str] | None

# --------------------------------------------------------------------------- JSON schema

_INDEX = {"type": "integer", "minimum": 0}
_SPAN = {"type": "array", "items": _INDEX, "minItems": 2, "maxItems": 2}

_DIFF_ITEM = {
    "type": "object",
    "required": ["kind", "text", "lang", "start", "end", "segment", "pair", "spans"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["passage", "clause", "name", "number", "date"]},
        "text": {"type": "string"},
        "lang": {"enum": ["ar", "en"]},
        "start": _INDEX,
        "end": _INDEX,
        "segment": _INDEX,
        "pair": {"oneOf": [_INDEX, {"type": "null"}]},
        "spans": {"type": "array", "items": _SPAN},
        "value": {"type": "string"},
        "score": {"type": ["number", "null"]},
    },
}
_SHARED_ITEM = {
    "type": "object",
    "required": ["kind", "arabic", "english", "arabic_span", "english_span"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["name", "number", "date"]},
        "arabic": {"type": "string"},
        "english": {"type": "string"},
        "arabic_span": _SPAN,
        "english_span": _SPAN,
        "arabic_segment": _INDEX,
        "english_segment": _INDEX,
        "value": {"type": "string"},
    },
}
_DIFFERENCES = {
    "type": "object",
    "description": "What only one version says (bialign.differences); offsets into each text.",
    "required": ["arabic_only", "english_only", "shared"],
    "additionalProperties": False,
    "properties": {
        "clause_threshold": {"type": "number"},
        "arabic_only": {"type": "array", "items": _DIFF_ITEM},
        "english_only": {"type": "array", "items": _DIFF_ITEM},
        "shared": {"type": "array", "items": _SHARED_ITEM},
    },
}

#: JSON Schema (draft 2020-12) of the output of `to_json`.
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:bialign:schema:bialign-alignment/1",
    "title": "bialign alignment",
    "description": "An Arabic article aligned with its English counterpart (bialign.to_json).",
    "type": "object",
    "required": [
        "format",
        "signature",
        "arabic",
        "english",
        "pairs",
        "arabic_only",
        "english_only",
    ],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT_VERSION},
        "signature": {"type": "string"},
        "arabic": {"$ref": "#/$defs/article"},
        "english": {"$ref": "#/$defs/article"},
        "pairs": {"type": "array", "items": {"$ref": "#/$defs/pair"}},
        "arabic_only": {"type": "array", "items": _INDEX, "uniqueItems": True},
        "english_only": {"type": "array", "items": _INDEX, "uniqueItems": True},
        "document": {"$ref": "#/$defs/document"},
        "candidates": {"type": "array", "items": {"$ref": "#/$defs/pair"}},
        "differences": _DIFFERENCES,
    },
    "$defs": {
        "document": {
            "type": "object",
            "description": "Whether the two articles tell the same story (bialign.document).",
            "required": ["probability", "verdict", "features"],
            "additionalProperties": False,
            "properties": {
                "probability": {"type": "number", "minimum": 0, "maximum": 1},
                "verdict": {"enum": ["counterpart", "same event", "unrelated"]},
                "features": {"type": "object", "additionalProperties": {"type": "number"}},
            },
        },
        "article": {
            "type": "object",
            "required": ["lang", "source", "text", "segments"],
            "additionalProperties": False,
            "properties": {
                "lang": {"type": "string"},
                "source": {"type": ["string", "null"]},
                "text": {"type": "string"},
                "segments": {"type": "array", "items": {"$ref": "#/$defs/segment"}},
            },
        },
        "segment": {
            "type": "object",
            "required": ["index", "text", "role", "start", "end", "paragraph"],
            "additionalProperties": False,
            "properties": {
                "index": _INDEX,
                "text": {"type": "string"},
                "role": {"type": "string"},
                "start": _INDEX,
                "end": _INDEX,
                "paragraph": _INDEX,
                "lang": {
                    "type": "string",
                    "description": "Only when it differs from the article's language.",
                },
            },
        },
        "pair": {
            "type": "object",
            "required": [
                "id",
                "arabic",
                "english",
                "arabic_text",
                "english_text",
                "score",
                "link_type",
                "evidence",
            ],
            "additionalProperties": False,
            "properties": {
                "id": _INDEX,
                "arabic": {"type": "array", "items": _INDEX},
                "english": {"type": "array", "items": _INDEX},
                "arabic_text": {"type": "string"},
                "english_text": {"type": "string"},
                "score": {"type": "number"},
                "link_type": {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
                "evidence": {"$ref": "#/$defs/evidence"},
            },
        },
        "evidence": {
            "type": "object",
            "required": ["signals", "names", "numbers", "conflicts", "single_scores"],
            "additionalProperties": False,
            "properties": {
                "signals": {"type": "object", "additionalProperties": {"type": "number"}},
                "names": {"type": "array", "items": {"$ref": "#/$defs/name"}},
                "numbers": {"type": "array", "items": {"type": "string"}},
                "conflicts": {"type": "array", "items": {"type": "string"}},
                "single_scores": {
                    "type": "array",
                    "items": {
                        "type": "array",
                        "prefixItems": [_SPAN, {"type": "number"}],
                        "minItems": 2,
                        "maxItems": 2,
                    },
                },
            },
        },
        "name": {
            "type": "object",
            "required": [
                "arabic",
                "english",
                "score",
                "source",
                "arabic_segment",
                "english_segment",
                "arabic_span",
                "english_span",
            ],
            "additionalProperties": False,
            "properties": {
                "arabic": {"type": "string"},
                "english": {"type": "string"},
                "score": {"type": "number"},
                "source": {"type": "string"},
                "arabic_segment": _INDEX,
                "english_segment": _INDEX,
                "arabic_span": _SPAN,
                "english_span": _SPAN,
            },
        },
    },
}


# --------------------------------------------------------------------------- shared helpers


@dataclass(frozen=True, slots=True)
class _Row:
    """One row of the document-order view: a pair, or a one-sided segment."""

    kind: str  # "pair", "ar" or "en"
    pair_id: int | None = None
    pair: AlignedPair | None = None
    segment: Segment | None = None


def _check_min_score(min_score: Any) -> float:
    """``min_score`` as a float in [0, 1], or `OptionError`."""
    accepted = "a number from 0 to 1"
    if isinstance(min_score, bool) or not isinstance(min_score, int | float):
        raise OptionError("min_score", min_score, f"{accepted}, not {type(min_score).__name__}")
    if math.isnan(min_score) or not 0.0 <= min_score <= 1.0:
        raise OptionError("min_score", min_score, accepted)
    return float(min_score)


def _check_roles(roles: Any) -> frozenset[str] | None:
    """``roles`` as a set of role names (``None``: no filter), or an error.

    Raises:
        OptionError: ``roles`` is a string or not an iterable of strings, or is empty.
        UnknownNameError: A name is not one of `bialign.ROLES`.
    """
    if roles is None:
        return None
    accepted = f"None or an iterable of role names ({', '.join(ROLES)})"
    if isinstance(roles, str | bytes) or not isinstance(roles, Iterable):
        raise OptionError("roles", roles, accepted)
    names = list(roles)
    if not names or not all(isinstance(r, str) for r in names):
        raise OptionError("roles", roles, accepted)
    for r in names:
        if r not in ROLES:
            raise UnknownNameError("role", r, ROLES)
    return frozenset(names)


def _check_bool(option: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise OptionError(option, value, "True or False")
    return value


@dataclass(frozen=True, slots=True)
class _Filter:
    """Which pairs and one-sided segments an export keeps."""

    min_score: float = 0.0
    roles: frozenset[str] | None = None

    def keeps_segment(self, seg: Segment) -> bool:
        return self.roles is None or seg.role in self.roles

    def keeps_pair(self, res: Alignment, pid: int, pair: AlignedPair) -> bool:
        if pair.score < self.min_score:
            return False
        if self.roles is None:
            return True
        ar = (_segment(res.arabic, i, "Arabic", pid) for i in pair.arabic)
        en = (_segment(res.english, i, "English", pid) for i in pair.english)
        return all(s.role in self.roles for s in (*ar, *en))


def _filter(min_score: Any, roles: Any) -> _Filter:
    return _Filter(_check_min_score(min_score), _check_roles(roles))


def _segment(article: Article, index: int, side: str, pair_id: int | None = None) -> Segment:
    if not 0 <= index < len(article.segments):
        where = f"pair {pair_id}" if pair_id is not None else "a one-sided segment"
        raise InputError(
            f"{where} refers to {side} segment {index}, "
            f"but the {side} article has {len(article.segments)} segments",
            index,
        )
    return article.segments[index]


def _kept_pairs(res: Alignment, keep: _Filter) -> list[tuple[int, AlignedPair]]:
    """``(pair_id, pair)`` for the pairs the filter keeps."""
    return [(i, p) for i, p in enumerate(res.pairs) if keep.keeps_pair(res, i, p)]


def _one_sided(res: Alignment, keep: _Filter) -> tuple[list[Segment], list[Segment]]:
    """Arabic-only and English-only segments with a kept role, counting those of dropped pairs."""
    ar = {s.index: s for s in res.arabic_only}
    en = {s.index: s for s in res.english_only}
    for i, p in enumerate(res.pairs):
        if not keep.keeps_pair(res, i, p):
            for a in p.arabic:
                ar[a] = _segment(res.arabic, a, "Arabic", i)
            for e in p.english:
                en[e] = _segment(res.english, e, "English", i)
    return (
        [ar[k] for k in sorted(ar) if keep.keeps_segment(ar[k])],
        [en[k] for k in sorted(en) if keep.keeps_segment(en[k])],
    )


def _document_rows(res: Alignment, keep: _Filter) -> list[_Row]:
    """Pairs and one-sided segments in document order (see the module docstring)."""
    kept = _kept_pairs(res, keep)
    ar_only, en_only = _one_sided(res, keep)

    stream: list[_Row] = []
    next_en = 0  # en_only is sorted by index
    for pid, pair in kept:
        if pair.english:
            first = min(pair.english)
            while next_en < len(en_only) and en_only[next_en].index < first:
                stream.append(_Row("en", segment=en_only[next_en]))
                next_en += 1
        stream.append(_Row("pair", pid, pair))
    stream.extend(_Row("en", segment=s) for s in en_only[next_en:])

    # Arabic-only segments hang after the pair holding the closest smaller Arabic index.
    paired = sorted((a, pid) for pid, p in kept for a in p.arabic)
    paired_indices = [a for a, _ in paired]
    top: list[Segment] = []
    after: dict[int, list[Segment]] = {}
    for seg in ar_only:
        k = bisect.bisect_left(paired_indices, seg.index)
        if k == 0:
            top.append(seg)
        else:
            after.setdefault(paired[k - 1][1], []).append(seg)

    rows = [_Row("ar", segment=s) for s in top]
    for row in stream:
        rows.append(row)
        if row.kind == "pair" and row.pair_id is not None:
            rows.extend(_Row("ar", segment=s) for s in after.get(row.pair_id, ()))
    return rows


def _ids(indices: Iterable[int]) -> str:
    return " ".join(str(int(i)) for i in indices)


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


# --------------------------------------------------------------------------- CSV


def to_csv(
    res: Alignment,
    path_or_file: PathOrFile = None,
    *,
    include_unaligned: bool = False,
    min_score: float = 0.0,
    roles: Iterable[str] | None = None,
    excel: bool = False,
    layout: str = "pairs",
) -> str:
    """The pairs as CSV, one row per pair.

    With ``layout="pairs"`` (columns: `CSV_COLUMNS`), segment ids and roles are
    space-separated (``7 9``, ``body body``), in the order of the pair; ``names``
    reads ``أسعد الشيباني=Asaad al-Shaibani; …`` and ``numbers``
    ``year:2024; month:12``; ``pair_id`` is the pair's position in
    ``Alignment.pairs`` and ``score`` (the link model's probability) has four
    decimals.

    With ``layout="tidy"`` (columns: `CSV_TIDY_COLUMNS`), every cell is filled and
    `pandas.read_csv` reads ``pair_id``, ``arabic_first``, ``arabic_count``,
    ``english_first`` and ``english_count`` as integers and ``score`` as a float:
    ``*_first`` is the smallest segment id of the side and ``*_count`` the number
    of its segments. The exact ids of each side are in the long table of
    ``layout="links"`` (columns: `CSV_LINK_COLUMNS`; ``side`` is ``ar`` or ``en``,
    ``position`` the place of the segment in the pair, from 0). Writing the tidy
    layout to a path also writes that table next to it, as ``<stem>.links.csv``.

    Rows end with ``\\r\\n`` (RFC 4180); fields with commas, quotes or line
    breaks are quoted.

    Args:
        res: The alignment.
        path_or_file: Where to write (see the module docstring); ``None`` only returns.
        include_unaligned: Add one row per one-sided segment, with the other side
            empty, ``link_type`` ``1-0`` (Arabic only) or ``0-1`` (English only) and
            no score, placed in document order (see the module docstring). Only
            with ``layout="pairs"``.
        min_score: Drop the pairs scoring below it (0 to 1); their segments then
            count as one-sided.
        roles: Keep only the pairs whose segments all have one of these roles
            (`bialign.ROLES`), and only the one-sided segments with one of them;
            the segments of a dropped pair count as one-sided. ``None``: all roles.
        excel: Start with a UTF-8 byte order mark so that Excel reads Arabic correctly.
        layout: ``"pairs"``, ``"tidy"`` or ``"links"`` (see above).

    Returns:
        The CSV text (starting with ``"\\ufeff"`` when ``excel``).

    Raises:
        OptionError: An option has a value it does not accept.
        UnknownNameError: A name in ``roles`` is not a role.
        OutputError: The path cannot be written.
    """
    keep = _filter(min_score, roles)
    include_unaligned = _check_bool("include_unaligned", include_unaligned)
    excel = _check_bool("excel", excel)
    if layout not in CSV_LAYOUTS:
        raise OptionError("layout", layout, f"one of {', '.join(map(repr, CSV_LAYOUTS))}")
    if include_unaligned and layout != "pairs":
        raise OptionError(
            "include_unaligned",
            include_unaligned,
            f'False with layout={layout!r}: one-sided rows exist only in layout="pairs"',
        )
    bom = "\ufeff" if excel else ""
    if layout == "pairs":
        if include_unaligned:
            rows = _document_rows(res, keep)
        else:
            rows = [_Row("pair", pid, p) for pid, p in _kept_pairs(res, keep)]
        text = _csv_text(CSV_COLUMNS, (_csv_row(res, row) for row in rows))
        return _emit(bom + text, path_or_file)
    kept = _kept_pairs(res, keep)
    links = bom + _csv_text(CSV_LINK_COLUMNS, _csv_link_rows(kept))
    if layout == "links":
        return _emit(links, path_or_file)
    text = bom + _csv_text(CSV_TIDY_COLUMNS, (_csv_tidy_row(res, pid, p) for pid, p in kept))
    if isinstance(path_or_file, str | os.PathLike):
        target = Path(path_or_file)
        _write_atomic(target.with_name(target.stem + ".links.csv"), links)
    return _emit(text, path_or_file)


#: Columns of `to_differences_csv`.
DIFFERENCES_CSV_COLUMNS = (
    "side",
    "kind",
    "text",
    "start",
    "end",
    "segment",
    "pair",
    "count",
    "value",
    "score",
)


def to_differences_csv(res: Alignment, path: PathOrFile = None) -> str:
    """A tidy CSV of `Alignment.differences`: one row per difference item.

    Columns `DIFFERENCES_CSV_COLUMNS`: ``side`` (``only_arabic``, ``only_english`` or,
    for names, numbers and dates both articles report, ``shared_ar`` and ``shared_en``:
    one row per side, with the other side's form in ``value``), ``kind`` (``passage``, ``clause``,
    ``name``, ``number``, ``date``), ``text``, ``start``/``end`` (offsets into that
    side's `Article.text`), ``segment``, ``pair`` (a clause's link in
    `Alignment.pairs`, else empty), ``count`` (mentions), ``value`` and ``score``.
    ``pandas.read_csv`` reads it as is.

    Args:
        res: The alignment.
        path: Where to write (see the module docstring); ``None`` only returns.

    Returns:
        The CSV text.

    Raises:
        OutputError: The path cannot be written.
    """
    diff = res.differences
    rows: list[dict[str, str]] = []
    for side, items in (("only_arabic", diff.arabic_only), ("only_english", diff.english_only)):
        for i in items:
            rows.append(
                {
                    "side": side,
                    "kind": i.kind,
                    "text": i.text,
                    "start": str(i.start),
                    "end": str(i.end),
                    "segment": str(i.segment),
                    "pair": "" if i.pair is None else str(i.pair),
                    "count": str(i.count),
                    "value": i.value,
                    "score": "" if i.score is None else f"{i.score:.4f}",
                }
            )
    for sh in diff.shared:
        for lang, text, start, end, seg, other in (
            ("ar", sh.arabic, sh.arabic_start, sh.arabic_end, sh.arabic_segment, sh.english),
            ("en", sh.english, sh.english_start, sh.english_end, sh.english_segment, sh.arabic),
        ):
            rows.append(
                {
                    "side": f"shared_{lang}",
                    "kind": sh.kind,
                    "text": text,
                    "start": str(start),
                    "end": str(end),
                    "segment": str(seg),
                    "pair": "",
                    "count": "1",
                    "value": other,
                    "score": "",
                }
            )
    return _emit(_csv_text(DIFFERENCES_CSV_COLUMNS, rows), path)


def _csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


def _csv_tidy_row(res: Alignment, pid: int, p: AlignedPair) -> dict[str, str]:
    ar = [_segment(res.arabic, i, "Arabic", pid) for i in p.arabic]
    en = [_segment(res.english, i, "English", pid) for i in p.english]
    return {
        "pair_id": str(pid),
        "link_type": p.link_type,
        "score": f"{p.score:.4f}",
        "arabic_first": str(min(p.arabic)),
        "arabic_count": str(len(p.arabic)),
        "english_first": str(min(p.english)),
        "english_count": str(len(p.english)),
        "arabic_roles": " ".join(s.role for s in ar),
        "english_roles": " ".join(s.role for s in en),
        "arabic_text": p.arabic_text,
        "english_text": p.english_text,
    }


def _csv_link_rows(kept: Iterable[tuple[int, AlignedPair]]) -> Iterable[dict[str, str]]:
    for pid, p in kept:
        for side, ids in (("ar", p.arabic), ("en", p.english)):
            for pos, i in enumerate(ids):
                yield {
                    "pair_id": str(pid),
                    "side": side,
                    "position": str(pos),
                    "segment_id": str(int(i)),
                }


def _csv_row(res: Alignment, row: _Row) -> dict[str, str]:
    if row.kind == "pair" and row.pair is not None:
        p, pid = row.pair, row.pair_id
        ar = [_segment(res.arabic, i, "Arabic", pid) for i in p.arabic]
        en = [_segment(res.english, i, "English", pid) for i in p.english]
        return {
            "pair_id": str(pid),
            "arabic_ids": _ids(p.arabic),
            "english_ids": _ids(p.english),
            "link_type": p.link_type,
            "score": f"{p.score:.4f}",
            "arabic": p.arabic_text,
            "english": p.english_text,
            "arabic_roles": " ".join(s.role for s in ar),
            "english_roles": " ".join(s.role for s in en),
            "names": "; ".join(f"{n.arabic}={n.english}" for n in p.evidence.names),
            "numbers": "; ".join(p.evidence.numbers),
        }
    seg = row.segment
    assert seg is not None  # _document_rows gives one-sided rows a segment
    arabic = row.kind == "ar"
    return {
        "pair_id": "",
        "arabic_ids": str(seg.index) if arabic else "",
        "english_ids": "" if arabic else str(seg.index),
        "link_type": "1-0" if arabic else "0-1",
        "score": "",
        "arabic": seg.text if arabic else "",
        "english": "" if arabic else seg.text,
        "arabic_roles": seg.role if arabic else "",
        "english_roles": "" if arabic else seg.role,
        "names": "",
        "numbers": "",
    }


# --------------------------------------------------------------------------- JSON


def to_json(
    res: Alignment,
    path_or_file: PathOrFile = None,
    *,
    indent: int | None = 2,
    min_score: float = 0.0,
    roles: Iterable[str] | None = None,
    differences: bool = True,
) -> str:
    """The whole result as JSON (schema: `JSON_SCHEMA`); `load_json` reads it back.

    Holds the format version (``"format": "bialign-alignment/1"``), the
    signature, both articles (source text, language, ``source`` — where the
    article came from, as given to `bialign.read_article` — and segments with
    index, text, role, offsets and paragraph), the pairs (ids, texts, score, link
    type and evidence in the shape of `Evidence.to_dict`, at full precision) and
    the one-sided segments as index lists; ``"document"`` (the document-level
    judgment `Alignment.document`: ``probability``, ``verdict``, ``features``) when
    there is one, and ``"candidates"`` (the low-scoring links left out of the pairs,
    in the shape of a pair) when there are any, and ``"differences"``:
    `Alignment.differences` (`Differences.to_dict`, for the whole result whatever the
    filters; computing it embeds the clauses of the links with the sentence encoder),
    which `load_json` ignores. Non-ASCII text is written as is (UTF-8).

    Args:
        res: The alignment.
        path_or_file: Where to write (see the module docstring); ``None`` only returns.
        indent: Spaces per level; ``None`` for one compact line.
        min_score: Leave out the pairs scoring below it (0 to 1); their segments
            are then listed as one-sided. The articles are always written whole.
        roles: Keep only the pairs whose segments all have one of these roles
            (`bialign.ROLES`); the one-sided lists keep only the segments with one
            of them (those of dropped pairs included). ``None``: all roles.
        differences: Add the ``"differences"`` key (`Alignment.differences`, whose
            clause comparison runs the sentence encoder); ``False`` leaves it out.

    Returns:
        The JSON text, ending with a newline.

    Raises:
        OptionError: An option has a value it does not accept.
        UnknownNameError: A name in ``roles`` is not a role.
        InputError: A score or signal is not a finite number.
        OutputError: The path cannot be written.
    """
    keep = _filter(min_score, roles)
    if indent is not None and (isinstance(indent, bool) or not isinstance(indent, int)):
        raise OptionError("indent", indent, "None or a whole number of spaces")
    if keep == _Filter():
        pairs = list(enumerate(res.pairs))
        ar_only: Sequence[Segment] = res.arabic_only
        en_only: Sequence[Segment] = res.english_only
    else:
        pairs = _kept_pairs(res, keep)
        ar_only, en_only = _one_sided(res, keep)
    data = {
        "format": FORMAT_VERSION,
        "signature": res.signature,
        "arabic": _article_to_dict(res.arabic),
        "english": _article_to_dict(res.english),
        "pairs": [_pair_to_dict(i, p) for i, p in pairs],
        "arabic_only": [int(s.index) for s in ar_only],
        "english_only": [int(s.index) for s in en_only],
    }
    if res.document is not None:
        data["document"] = res.document.to_dict()
    if res.candidates:
        data["candidates"] = [_pair_to_dict(i, p) for i, p in enumerate(res.candidates)]
    if _check_bool("differences", differences):
        data["differences"] = res.differences.to_dict()
    try:
        text = json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError as exc:
        raise InputError(f"the alignment holds a number JSON cannot carry: {exc}") from exc
    return _emit(text + "\n", path_or_file)


def _article_to_dict(art: Article) -> dict[str, Any]:
    segments = []
    for s in art.segments:
        d: dict[str, Any] = {
            "index": int(s.index),
            "text": s.text,
            "role": s.role,
            "start": int(s.start),
            "end": int(s.end),
            "paragraph": int(s.paragraph),
        }
        if s.lang != art.lang:
            d["lang"] = s.lang
        segments.append(d)
    source = None if art.source is None else str(art.source)
    return {"lang": art.lang, "source": source, "text": art.text, "segments": segments}


def _pair_to_dict(pid: int, p: AlignedPair) -> dict[str, Any]:
    return {
        "id": pid,
        "arabic": [int(i) for i in p.arabic],
        "english": [int(i) for i in p.english],
        "arabic_text": p.arabic_text,
        "english_text": p.english_text,
        "score": float(p.score),
        "link_type": p.link_type,
        "evidence": _evidence_to_dict(p.evidence),
    }


def _evidence_to_dict(ev: Evidence) -> dict[str, Any]:
    """`Evidence.to_dict` without its rounding, so that the JSON round-trips exactly."""
    return {
        "signals": {str(k): float(v) for k, v in ev.signals.items()},
        "names": [
            {
                "arabic": n.arabic,
                "english": n.english,
                "score": float(n.score),
                "source": n.source,
                "arabic_segment": int(n.arabic_segment),
                "english_segment": int(n.english_segment),
                "arabic_span": [int(x) for x in n.arabic_span],
                "english_span": [int(x) for x in n.english_span],
            }
            for n in ev.names
        ],
        "numbers": list(ev.numbers),
        "conflicts": list(ev.conflicts),
        "single_scores": [[[int(a), int(e)], float(s)] for (a, e), s in ev.single_scores],
    }


def load_json(path_or_text: str | os.PathLike[str] | bytes | IO[str]) -> Alignment:
    """Read the output of `to_json` back into an `Alignment`.

    Args:
        path_or_text: A path, the JSON text itself (a ``str`` starting with ``{``
            or ``[``), UTF-8 bytes, or a text file object.

    Returns:
        An alignment equal to the one that was written.

    Raises:
        InputError: The file cannot be read, the text is not JSON, the ``format``
            field is missing or names another version, or the content is malformed
            (the message says where).
        EncodingError: The file is not UTF-8.
    """
    text = _json_text(path_or_text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", text
        ) from exc
    if not isinstance(data, dict) or "format" not in data:
        raise InputError(
            f"not a bialign alignment: no 'format' field (expected {FORMAT_VERSION!r})", text
        )
    fmt = data["format"]
    if fmt != FORMAT_VERSION:
        if isinstance(fmt, str) and fmt.startswith("bialign-alignment/"):
            raise InputError(
                f"unsupported format version {fmt!r}; this bialign reads {FORMAT_VERSION!r}", fmt
            )
        raise InputError(
            f"not a bialign alignment: format is {fmt!r}, expected {FORMAT_VERSION!r}", fmt
        )
    return _alignment_from_dict(data)


def _json_text(src: str | os.PathLike[str] | bytes | IO[str]) -> str:
    if isinstance(src, bytes | bytearray):
        try:
            return bytes(src).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"the JSON bytes are not UTF-8 (byte {exc.start})", "<bytes>", exc.start
            ) from exc
    if isinstance(src, str) and src.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        return src
    if isinstance(src, str | os.PathLike):
        path = Path(src)
        if isinstance(src, str) and ("\n" in src or not path.exists()):
            raise InputError(f"{_short(src)!r} is neither JSON text nor an existing file", str(src))
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {_reason(exc)}", str(path)) from exc
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"{path} is not UTF-8 (byte {exc.start})", str(path), exc.start
            ) from exc
    if hasattr(src, "read"):
        text = src.read()
        if isinstance(text, bytes):
            return _json_text(text)
        return str(text)
    raise InputTypeError(
        f"expected a path, JSON text, bytes or a file object, got {type(src).__name__}",
        src,
        expected="str | PathLike | bytes | IO[str]",
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class _Malformed(Exception):
    """Internal: a structural problem, turned into `InputError` with its location."""


def _get(obj: Any, key: str, kinds: tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict):
        raise _Malformed(f"{where} must be an object")
    if key not in obj:
        raise _Malformed(f"{where} has no {key!r}")
    value = obj[key]
    if not _is(value, kinds):
        names = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
        raise _Malformed(f"{where}.{key} must be {names}, not {type(value).__name__}")
    return value


def _is(value: Any, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int) and float in kinds:
        return True
    return isinstance(value, kinds)


def _int_list(value: Any, where: str, length: int | None = None) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(_is(x, (int,)) for x in value):
        raise _Malformed(f"{where} must be a list of integers")
    if length is not None and len(value) != length:
        raise _Malformed(f"{where} must hold {length} integers")
    return tuple(value)


def _span(value: Any, where: str) -> tuple[int, int]:
    start, end = _int_list(value, where, 2)
    return start, end


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _Malformed(f"{where} must be a list of strings")
    return tuple(value)


def _alignment_from_dict(data: dict[str, Any]) -> Alignment:
    try:
        arabic = _article_from_dict(_get(data, "arabic", (dict,), "alignment"), "arabic")
        english = _article_from_dict(_get(data, "english", (dict,), "alignment"), "english")
        pairs = []
        for i, p in enumerate(_get(data, "pairs", (list,), "alignment")):
            pairs.append(_pair_from_dict(p, f"pairs[{i}]", arabic, english))
        ar_only = _int_list(_get(data, "arabic_only", (list,), "alignment"), "arabic_only")
        en_only = _int_list(_get(data, "english_only", (list,), "alignment"), "english_only")
        signature = _get(data, "signature", (str,), "alignment")
        candidates = [
            _pair_from_dict(p, f"candidates[{i}]", arabic, english)
            for i, p in enumerate(data.get("candidates", []))
        ]
        return Alignment(
            arabic=arabic,
            english=english,
            pairs=tuple(pairs),
            arabic_only=tuple(_lookup(arabic, i, "arabic_only") for i in ar_only),
            english_only=tuple(_lookup(english, i, "english_only") for i in en_only),
            signature=signature,
            document=_document_from_dict(data.get("document")),
            candidates=tuple(candidates),
        )
    except _Malformed as exc:
        raise InputError(f"malformed bialign alignment JSON: {exc}") from None


def _document_from_dict(d: Any) -> DocumentJudgment | None:
    if d is None:
        return None
    if not isinstance(d, dict):
        raise _Malformed("document must be an object")
    prob = _get(d, "probability", (int, float), "document")
    verdict = _get(d, "verdict", (str,), "document")
    feats = _get(d, "features", (dict,), "document")
    if verdict not in VERDICTS:
        raise _Malformed(f"document verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    return DocumentJudgment(
        float(prob), verdict, MappingProxyType({str(k): float(v) for k, v in feats.items()})
    )


def _lookup(art: Article, index: int, where: str) -> Segment:
    if not 0 <= index < len(art.segments):
        raise _Malformed(f"{where} refers to segment {index}; the article has {len(art)}")
    return art.segments[index]


def _article_from_dict(d: dict[str, Any], where: str) -> Article:
    lang = _get(d, "lang", (str,), where)
    segments = []
    for i, s in enumerate(_get(d, "segments", (list,), where)):
        w = f"{where}.segments[{i}]"
        segments.append(
            Segment(
                index=_get(s, "index", (int,), w),
                text=_get(s, "text", (str,), w),
                lang=_get(s, "lang", (str,), w) if "lang" in s else lang,
                role=_get(s, "role", (str,), w),
                start=_get(s, "start", (int,), w),
                end=_get(s, "end", (int,), w),
                paragraph=_get(s, "paragraph", (int,), w),
            )
        )
    return Article(
        text=_get(d, "text", (str,), where),
        lang=lang,
        segments=tuple(segments),
        source=_get(d, "source", (str, type(None)), where),
    )


def _pair_from_dict(d: Any, where: str, arabic: Article, english: Article) -> AlignedPair:
    ar = _int_list(_get(d, "arabic", (list,), where), f"{where}.arabic")
    en = _int_list(_get(d, "english", (list,), where), f"{where}.english")
    for side, idx, art in (("arabic", ar, arabic), ("english", en, english)):
        for i in idx:
            _lookup(art, i, f"{where}.{side}")
    ev = d.get("evidence", {})
    return AlignedPair(
        arabic=ar,
        english=en,
        arabic_text=_get(d, "arabic_text", (str,), where),
        english_text=_get(d, "english_text", (str,), where),
        score=float(_get(d, "score", (float,), where)),
        evidence=_evidence_from_dict(ev, f"{where}.evidence"),
    )


def _evidence_from_dict(d: Any, where: str) -> Evidence:
    if not isinstance(d, dict):
        raise _Malformed(f"{where} must be an object")
    signals = d.get("signals", {})
    if not isinstance(signals, dict) or not all(_is(v, (float,)) for v in signals.values()):
        raise _Malformed(f"{where}.signals must map names to numbers")
    names = []
    for i, n in enumerate(d.get("names", [])):
        w = f"{where}.names[{i}]"
        names.append(
            NameEvidence(
                arabic=_get(n, "arabic", (str,), w),
                english=_get(n, "english", (str,), w),
                score=float(_get(n, "score", (float,), w)),
                source=_get(n, "source", (str,), w),
                arabic_segment=_get(n, "arabic_segment", (int,), w),
                english_segment=_get(n, "english_segment", (int,), w),
                arabic_span=_span(_get(n, "arabic_span", (list,), w), f"{w}.arabic_span"),
                english_span=_span(_get(n, "english_span", (list,), w), f"{w}.english_span"),
            )
        )
    single = []
    for i, item in enumerate(d.get("single_scores", [])):
        w = f"{where}.single_scores[{i}]"
        if not (isinstance(item, list) and len(item) == 2 and _is(item[1], (float,))):
            raise _Malformed(f"{w} must be [[arabic, english], score]")
        a, e = _span(item[0], f"{w}[0]")
        single.append(((a, e), float(item[1])))
    return Evidence(
        signals=MappingProxyType({k: float(v) for k, v in signals.items()}),
        names=tuple(names),
        numbers=_str_list(d.get("numbers", []), f"{where}.numbers"),
        conflicts=_str_list(d.get("conflicts", []), f"{where}.conflicts"),
        single_scores=tuple(single),
    )


# --------------------------------------------------------------------------- TMX

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 does not allow (C0 controls but tab and line breaks, lone surrogates, FFFE/F).
_XML_INVALID = regex.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


# A BCP 47-like language tag: a primary subtag, then subtags of 1 to 8 letters or digits.
_LANG_TAG = regex.compile(r"^([A-Za-z]{2,3})((?:-[A-Za-z0-9]{1,8})*)$")


def check_language_tag(option: str, code: Any, primary: str) -> str:
    """Check a language tag option (``arabic_code="ar-SA"``): BCP 47-like, primary ``primary``.

    Returns the tag; raises `OptionError` naming ``option`` otherwise. The CLI
    checks its ``--arabic-code``/``--english-code`` flags with it before aligning.
    """
    accepted = f'a language tag whose primary subtag is "{primary}", such as "{primary}" or '
    accepted += '"ar-SA"' if primary == "ar" else '"en-GB"'
    if not isinstance(code, str):
        raise OptionError(option, code, accepted)
    m = _LANG_TAG.match(code)
    if m is None or m.group(1).lower() != primary:
        raise OptionError(option, code, accepted)
    return code


def _tmx_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def to_tmx(
    res: Alignment,
    path_or_file: PathOrFile = None,
    *,
    min_score: float = TMX_MIN_SCORE,
    roles: Iterable[str] | None = TMX_ROLES,
    include_metadata: bool = True,
    arabic_code: str = "ar",
    english_code: str = "en",
    created: datetime | None = None,
) -> str:
    """The pairs as a TMX 1.4b translation memory (Arabic source, English target).

    One ``<tu>`` per kept pair, ``tuid`` being the pair's position in
    ``Alignment.pairs``, with ``<tuv xml:lang="ar">`` then ``<tuv xml:lang="en">``
    (or the codes given). A unit that merges several sentences on a side (a
    ``2-1`` or ``1-3`` link) is not one sentence: it gets ``segtype="block"`` and
    ``<prop type="x-segtype">merged</prop>``; the others are sentences, like the
    header's ``segtype``. The header and each unit carry ``creationdate`` (UTC,
    ``YYYYMMDDThhmmssZ``). Characters XML 1.0 forbids (control characters) are
    dropped; everything else is escaped by `xml.etree.ElementTree` (and carriage
    returns are written as ``&#13;`` so that they survive parsing).

    By default only headlines and body text scoring at least `TMX_MIN_SCORE` go
    in: bylines, captions and categories are page furniture, and lower scores are
    too often wrong for a translation memory (see docs/formats.md).

    Args:
        res: The alignment.
        path_or_file: Where to write (see the module docstring); ``None`` only returns.
        min_score: Leave out the pairs scoring below it (0 to 1).
        roles: Keep only the pairs whose segments all have one of these roles
            (`bialign.ROLES`); ``None`` keeps every role. Default: `TMX_ROLES`.
        include_metadata: Add ``<prop>`` elements: ``x-score``, ``x-link-type``,
            ``x-arabic-ids``, ``x-english-ids`` (and ``x-segtype`` on merged
            units) per unit; ``x-signature``, ``x-arabic-source`` and
            ``x-english-source`` (where each article came from, when known) in
            the header.
        arabic_code: The language tag of the Arabic side (``"ar"``, ``"ar-SA"`` …).
        english_code: The language tag of the English side (``"en"``, ``"en-GB"`` …).
        created: The creation date to write (a timezone-aware `datetime`);
            ``None``: now.

    Returns:
        The TMX document (UTF-8 declaration, two-space indentation).

    Raises:
        OptionError: An option has a value it does not accept.
        UnknownNameError: A name in ``roles`` is not a role.
        OutputError: The path cannot be written.
    """
    keep = _filter(min_score, roles)
    include_metadata = _check_bool("include_metadata", include_metadata)
    arabic_code = check_language_tag("arabic_code", arabic_code, "ar")
    english_code = check_language_tag("english_code", english_code, "en")
    if created is None:
        created = datetime.now(UTC)
    elif not isinstance(created, datetime) or created.utcoffset() is None:
        raise OptionError("created", created, "None or a timezone-aware datetime")
    stamp = _tmx_date(created)
    root, header, body = _tmx_skeleton(stamp, arabic_code)
    if include_metadata:
        _prop(header, "x-signature", res.signature)
        for kind, art in (("x-arabic-source", res.arabic), ("x-english-source", res.english)):
            if art.source is not None:
                _prop(header, kind, str(art.source))
    for pid, pair in _kept_pairs(res, keep):
        merged = len(pair.arabic) > 1 or len(pair.english) > 1
        attrs = {"tuid": str(pid), "creationdate": stamp}
        if merged:
            attrs["segtype"] = "block"
        tu = ET.SubElement(body, "tu", attrs)
        if include_metadata:
            _prop(tu, "x-score", f"{pair.score:.4f}")
            _prop(tu, "x-link-type", pair.link_type)
            _prop(tu, "x-arabic-ids", _ids(pair.arabic))
            _prop(tu, "x-english-ids", _ids(pair.english))
            if merged:
                _prop(tu, "x-segtype", "merged")
        for lang, text in ((arabic_code, pair.arabic_text), (english_code, pair.english_text)):
            tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = _xml_text(text)
    return _emit(_tmx_text(root), path_or_file)


def _tmx_skeleton(stamp: str, srclang: str) -> tuple[ET.Element, ET.Element, ET.Element]:
    """A TMX 1.4 document's root, header and (empty) body, as bialign writes them."""
    root = ET.Element("tmx", {"version": "1.4"})
    header = ET.SubElement(
        root,
        "header",
        {
            "creationtool": "bialign",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": srclang,
            "o-tmf": "bialign",
            "creationdate": stamp,
        },
    )
    return root, header, ET.SubElement(root, "body")


def _tmx_text(root: ET.Element) -> str:
    """The TMX document as text: XML declaration, two-space indentation, final newline."""
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    # XML parsers turn a raw CR into LF; a character reference keeps it. The indentation
    # holds only LF, so every CR here is content.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text.replace("\r", "&#13;") + "\n"


def _prop(parent: ET.Element, kind: str, value: str) -> None:
    ET.SubElement(parent, "prop", {"type": kind}).text = _xml_text(value)


# --------------------------------------------------------------------------- HTML

# Score bands of the HTML report: (class, lowest score, background, label); a score falls in
# the first band whose lowest score it reaches. The edges follow the held-out reliability
# table (resources/reliability.json): from TMX_MIN_SCORE up links are about 97 % right,
# from 0.7 to 0.9 about 80 %, below 0.7 about one in five. The legend shows the shares
# read from that file (`_band_shares`).
_SCORE_BANDS: tuple[tuple[str, float, str, str], ...] = (
    ("band-right", TMX_MIN_SCORE, "#c9ebc9", f"likely right (≥ {TMX_MIN_SCORE:.2f})"),
    ("band-unsure", 0.7, "#fff0bd", f"unsure (0.70–{TMX_MIN_SCORE:.2f})"),
    ("band-wrong", -math.inf, "#f9d2cc", "likely wrong (< 0.70)"),
)

#: Names are not highlighted on links scoring below this (the "likely wrong" band):
#: a highlight there would make a wrong link look supported.
_NAME_MIN_SCORE = _SCORE_BANDS[-2][1]


@functools.cache
def _reliability() -> tuple[tuple[float, float, int, float | None], ...] | None:
    """The bands of the held-out reliability table: ``(low, high, links, share right)``.

    Read once from ``resources/reliability.json``; ``None`` when the file is missing or
    malformed, so that exporting never fails on it (the legend then shows no shares).
    """
    from ._resources import resource_path

    try:
        data = json.loads(resource_path("reliability.json").read_text(encoding="utf-8"))
        bands = []
        for b in data["bands"]:
            low, high, links, share = b["low"], b["high"], b["links"], b["share_right"]
            if not all(_is(x, (int, float)) and math.isfinite(x) for x in (low, high)):
                return None
            if not _is(links, (int,)) or links < 0:
                return None
            if share is not None and not (_is(share, (int, float)) and 0 <= share <= 1):
                return None
            if links and share is None:
                return None
            bands.append((float(low), float(high), int(links), share))
    except (ResourceError, OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    return tuple(bands) or None


def _pooled_share(low: float, high: float) -> tuple[float, int] | None:
    """Share right and number of the held-out links scoring in ``[low, high)``, pooled.

    Counts the bands of the reliability table that lie inside the range (weighted by their
    links); ``None`` when the table is unavailable or holds no such link.
    """
    table = _reliability()
    if table is None:
        return None
    eps = 1e-9
    inside = [(n, s) for lo, hi, n, s in table if lo >= low - eps and hi <= high + eps and n]
    links = sum(n for n, _ in inside)
    if not links:
        return None
    return sum(n * (s or 0.0) for n, s in inside) / links, links


def _band_shares() -> dict[str, tuple[float, int] | None]:
    """Each band of `_SCORE_BANDS` (by class) with its pooled held-out share right."""
    shares: dict[str, tuple[float, int] | None] = {}
    high = math.inf
    for cls, low, *_ in _SCORE_BANDS:
        shares[cls] = _pooled_share(low, high)
        high = low
    return shares


# Roles that are page furniture rather than article text: the report can hide them.
_FURNITURE_ROLES = frozenset({"category", "byline", "dateline", "boilerplate"})

# Handles, hashtags, URLs and e-mail addresses: isolated so that the bidi algorithm keeps
# their leading @ or # (and their dots and slashes) in place inside right-to-left text.
_ISOLATE = regex.compile(
    r"(?:https?://|www\.)\S+|[@#][\p{L}\p{N}_][\p{L}\p{N}_.]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
_WORD_CHAR = regex.compile(r"[\p{L}\p{M}\p{N}]")

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 1.5rem auto; max-width: 1400px; padding: 0 1rem; color: #1f2328;
  background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans",
  "DejaVu Sans", Arial, sans-serif; }
h1 { font-size: 1.45rem; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
.sources { color: #57606a; margin: 0 0 1rem; }
.summary { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem 1rem;
  background: #f6f8fa; }
.summary h2 { margin-top: .2rem; }
.summary table { border-collapse: collapse; }
.summary th { text-align: left; font-weight: 600; padding: .15rem 1.2rem .15rem 0;
  vertical-align: top; white-space: nowrap; }
.summary td { padding: .15rem 0; }
.summary code { font-size: .85rem; word-break: break-all; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.1rem; margin: .6rem 0 0; padding: 0;
  list-style: none; font-size: .85rem; }
.legend li { display: flex; align-items: center; gap: .35rem; }
.swatch { display: inline-block; width: 1.4rem; height: .95rem; border: 1px solid #8c959f;
  border-radius: 2px; }
table.alignment { width: 100%; border-collapse: separate; border-spacing: 0 3px;
  table-layout: fixed; margin-top: 1rem; }
table.alignment th { position: sticky; top: 0; background: #fff; padding: .4rem .7rem;
  border-bottom: 2px solid #d0d7de; font-size: .9rem; }
th.ar { text-align: right; }
th.en { text-align: left; }
col.text { width: 44%; }
col.meta { width: 12%; }
td { vertical-align: top; padding: .45rem .75rem; }
td.ar { text-align: right; font-size: 1.12rem; line-height: 1.75;
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "DejaVu Sans", Arial, sans-serif; }
td.en { text-align: left; }
td.meta { text-align: center; font-size: .8rem; color: #32383f; }
td.meta .lt { font-weight: 700; font-size: .95rem; }
td.meta .ids { color: #57606a; font-size: .72rem; }
td.meta .conflict { color: #a40e26; font-weight: 600; }
td.meta .band { font-size: .7rem; color: #32383f; }
.seg { margin: 0; unicode-bidi: plaintext; }
.seg + .seg { margin-top: .35rem; padding-top: .35rem; border-top: 1px dashed #8c959f; }
.role { display: inline-block; font: 600 .66rem/1.5 system-ui, sans-serif; letter-spacing: .04em;
  text-transform: uppercase; color: #fff; background: #57606a; border-radius: 3px;
  padding: 0 .4em; margin: 0 .4em; vertical-align: .15em; }
mark { background: #ffd33d; color: inherit; padding: 0 .12em; border-radius: 2px;
  box-shadow: 0 0 0 1px #d4a72c inset; }
tr.one-sided td.text { background: #eef0f2; color: #57606a; }
tr.one-sided td.empty, .swatch.hatch { background: repeating-linear-gradient(135deg,
  #f6f8fa 0 6px, #d8dee4 6px 8px); }
tr.one-sided td.meta { background: #eef0f2; font-weight: 700; color: #57606a;
  text-transform: uppercase; font-size: .72rem; letter-spacing: .04em; }
tr.band-wrong td.text { color: #57606a; }
tr.band-wrong td.meta .score { color: #a40e26; font-weight: 700; }
.toggle { margin: 1rem .3rem 0 0; }
.toggle-label { font-size: .9rem; }
#hide-furniture:checked ~ table.alignment tr.furniture { display: none; }
.only { margin-top: 1rem; }
.only h3 { font-size: .95rem; margin: .6rem 0 .2rem; }
.only ul { margin: 0; padding-left: 1.2rem; }
.only li { margin: .15rem 0; }
.only .hint { color: #32383f; }
.only .none { color: #57606a; }
.differences { border: 1px solid #d0d7de; border-radius: 6px; padding: .4rem .9rem;
  margin: .8rem 0; }
.differences ul { margin: 0; padding-left: 1.2rem; }
.differences li { margin: .15rem 0; }
.differences .kind { font-size: .75em; color: #57606a; text-transform: uppercase; }
.differences .none { color: #57606a; }
span.extra { background: #ffe7c2; border-bottom: 2px dotted #bc4c00; }
"""


@functools.cache
def _nationalities() -> tuple[frozenset[str], frozenset[str]]:
    """Arabic and English nationality adjectives: the ``nationality`` rows of the gazetteer."""
    from ._resources import read_tsv, resource_path
    from .normalize import normalize_arabic

    ar: set[str] = set()
    en: set[str] = set()
    for row in read_tsv(resource_path("gazetteer.tsv"), ("arabic", "english", "kind")):
        if row["kind"] == "nationality":
            ar.add(normalize_arabic(row["arabic"]))
            en.update(e.strip().casefold() for e in row["english"].split("|"))
    return frozenset(ar), frozenset(en)


def _is_nationality(name: NameEvidence) -> bool:
    from .normalize import normalize_arabic

    ar, en = _nationalities()
    arabic = normalize_arabic(name.arabic)
    # A leading clitic (و ف ب ل ك) may stay on the Arabic form: "والسورية".
    forms = {arabic} | ({arabic[1:], "ال" + arabic[1:]} if arabic[:1] in "وفبلك" else set())
    return bool(forms & ar) or name.english.casefold().removesuffix("'s") in en


def _band(score: float) -> tuple[str, str]:
    """The class and label of the score band ``score`` falls in."""
    for cls, low, _, label in _SCORE_BANDS:
        if score >= low:
            return cls, label
    return _SCORE_BANDS[-1][0], _SCORE_BANDS[-1][3]


def to_html(
    res: Alignment,
    path_or_file: PathOrFile = None,
    *,
    title: str | None = None,
    min_score: float = 0.0,
    roles: Iterable[str] | None = None,
    differences: bool = True,
) -> str:
    """A self-contained side-by-side HTML report (inline CSS, no script, no external URL).

    At the very top, a "Differences" panel (`Alignment.differences`): what is only in
    Arabic, only in English, and the names, numbers and dates both share, each item
    linked to its row; the extra clauses are marked inside linked rows
    (``<span class="extra">``).

    At the top: where each article came from, then a summary (pairs by link
    type, one-sided segments per side, coverage (`Alignment.coverage`) and the
    signature), a legend of the score bands with the share of links measured
    right in each (see docs/formats.md), and "What only one version says": the
    passages only in Arabic and only in English (`Alignment.arabic_passages`,
    `Alignment.english_passages`), each linked to its row, with the names,
    numbers and dates it holds as a hint. A checkbox (CSS only) hides the page
    furniture rows (category, byline, dateline, boilerplate).

    Below, one table row per pair in English order: the Arabic cell (``dir="rtl"``,
    right-aligned), the link type, score band, score and segment ids, and the
    English cell; the row's background shows the score band. Each segment has
    its own base direction (``dir="auto"``), and handles, hashtags and URLs are
    isolated (``<bdi>``), so mixed-script text keeps its order. Matched names are
    ``<mark>``-ed in both texts, as whole words, except nationality adjectives
    and on links in the "likely wrong" band; segments that are not body text
    carry a small role label. One-sided segments stand in place (document order,
    see the module docstring), grey and hatched, labelled "Arabic only" or
    "English only".

    Args:
        res: The alignment.
        path_or_file: Where to write (see the module docstring); ``None`` only returns.
        title: The page title; by default "bialign alignment report".
        min_score: Show the pairs scoring below it (0 to 1) as one-sided content.
        roles: Show only the pairs whose segments all have one of these roles
            (`bialign.ROLES`), and only the one-sided segments with one of them;
            the segments of a dropped pair are shown as one-sided. ``None``: all.
        differences: Show the "Differences" panel and mark the extra clauses
            (runs the sentence encoder for the clauses); ``False`` leaves them out.

    Returns:
        The HTML document.

    Raises:
        OptionError: An option has a value it does not accept.
        UnknownNameError: A name in ``roles`` is not a role.
        OutputError: The path cannot be written.
    """
    keep = _filter(min_score, roles)
    if title is not None and not isinstance(title, str):
        raise OptionError("title", title, "None or a string")
    esc = html.escape
    page_title = title if title is not None else "bialign alignment report"
    rows = _document_rows(res, keep)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="bialign {esc(__version__)}">',
        f"<title>{esc(page_title)}</title>",
        "<style>" + _css() + "</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(page_title)}</h1>",
        '<p class="sources">'
        f'Arabic: <bdi class="source ar">{esc(_source_name(res.arabic))}</bdi> · '
        f'English: <bdi class="source en">{esc(_source_name(res.english))}</bdi></p>',
    ]
    diff = res.differences if _check_bool("differences", differences) else None
    if diff is not None:
        out.extend(_html_differences(res, diff, rows))
    out.extend(_html_summary(res, keep, rows))
    out.extend(
        [
            '<input type="checkbox" class="toggle" id="hide-furniture">'
            '<label class="toggle-label" for="hide-furniture">Hide page furniture '
            f"({', '.join(sorted(_FURNITURE_ROLES))})</label>",
            '<table class="alignment">',
            '<colgroup><col class="text"><col class="meta"><col class="text"></colgroup>',
            '<thead><tr><th class="ar" scope="col">Arabic</th><th scope="col">Link</th>'
            '<th class="en" scope="col">English</th></tr></thead>',
            "<tbody>",
        ]
    )
    extra = _extra_marks(res, diff) if diff is not None else {}
    for row in rows:
        out.append(_html_row(res, row, extra))
    out.extend(["</tbody>", "</table>", "</body>", "</html>"])
    return _emit("\n".join(out) + "\n", path_or_file)


def _source_name(art: Article) -> str:
    return "(not recorded)" if art.source is None else str(art.source)


def _css() -> str:
    bands = "\n".join(
        f"tr.{cls} td, .swatch.{cls} {{ background: {colour}; }}"
        for cls, _, colour, *_ in _SCORE_BANDS
    )
    return _CSS + bands + "\n"


def _html_summary(res: Alignment, keep: _Filter, rows: Sequence[_Row]) -> list[str]:
    esc = html.escape
    types: dict[str, int] = {}
    for p in res.pairs:
        types[p.link_type] = types.get(p.link_type, 0) + 1
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(types.items())) or "none"
    cov = res.coverage
    lines = [
        '<section class="summary" id="summary">',
        "<h2>Summary</h2>",
        "<table>",
    ]
    if res.document is not None:
        verdict_text = {
            "counterpart": "counterparts: one story, told for each language",
            "same event": "the same event, told differently: only well-supported links kept",
            "unrelated": "unrelated articles: no links",
        }.get(res.document.verdict, res.document.verdict)
        lines.append(
            f'<tr><th scope="row">Document</th><td class="document">{esc(verdict_text)} '
            f"(probability of counterparts {res.document.probability:.2f})</td></tr>"
        )
    lines += [
        f'<tr><th scope="row">Pairs</th><td class="pairs">{len(res.pairs)} '
        f"({esc(kinds)})"
        + (f"; {len(res.candidates)} unlikely candidates not shown" if res.candidates else "")
        + "</td></tr>",
        f'<tr><th scope="row">Arabic</th><td class="arabic-side">{len(res.arabic.segments)} '
        f"segments, {len(res.arabic_only)} Arabic only</td></tr>",
        f'<tr><th scope="row">English</th><td class="english-side">{len(res.english.segments)} '
        f"segments, {len(res.english_only)} English only</td></tr>",
        f'<tr><th scope="row">Coverage</th><td class="coverage">'
        f"Arabic {cov['arabic_segments']:.0%} of segments, {cov['arabic_chars']:.0%} of characters"
        f"; English {cov['english_segments']:.0%} of segments, "
        f"{cov['english_chars']:.0%} of characters</td></tr>",
        f'<tr><th scope="row">Signature</th><td><code class="signature">'
        f"{esc(res.signature)}</code></td></tr>",
    ]
    if keep != _Filter():
        below = sum(1 for i, p in enumerate(res.pairs) if not keep.keeps_pair(res, i, p))
        what = [f"scoring at least {keep.min_score:.2f}"] if keep.min_score > 0 else []
        if keep.roles is not None:
            what.append(f"with roles {', '.join(r for r in ROLES if r in keep.roles)}")
        lines.append(
            f'<tr><th scope="row">Shown</th><td class="filter">pairs {esc(" and ".join(what))}; '
            f"{below} other pair{'s' if below != 1 else ''} shown as one-sided"
            f"{' (their segments with the roles)' if keep.roles is not None else ''}</td></tr>"
        )
    lines.append("</table>")
    lines.append('<ul class="legend" aria-label="legend">')
    shares = _band_shares()
    for cls, _, _, label in _SCORE_BANDS:
        measured = shares.get(cls)
        text = esc(label)
        if measured is not None:
            share, links = measured
            text += (
                f": {100 * share:.0f} % of such links right in held-out tests "
                f"({links} link{'s' if links != 1 else ''})"
            )
        lines.append(f'<li><span class="swatch {cls}"></span>{text}</li>')
    lines.append('<li><span class="swatch hatch"></span>one language only</li>')
    lines.append(f"<li><mark>name</mark> matched name (not shown below {_NAME_MIN_SCORE:.2f})</li>")
    lines.append("</ul>")
    lines.extend(_html_only(res, rows))
    lines.append("</section>")
    return lines


def _html_only(res: Alignment, rows: Sequence[_Row]) -> list[str]:
    """The "What only one version says" part: one-sided passages, linked, with a hint."""
    esc = html.escape
    shown = {(r.kind, r.segment.index) for r in rows if r.kind != "pair" and r.segment}
    lines = ['<div class="only" id="only">', "<h2>What only one version says</h2>"]
    for lang, label, passages, other in (
        ("ar", "Only in Arabic", res.arabic_passages, res.english),
        ("en", "Only in English", res.english_passages, res.arabic),
    ):
        lines.append(f"<h3>{label}</h3>")
        items = []
        for passage in passages:
            segs = [s for s in passage.segments if (lang, s.index) in shown]
            if not segs:
                continue
            ids = ", ".join(str(s.index) for s in segs)
            roles = sorted({s.role for s in segs if s.role != "body"})
            hint = _passage_hint(" ".join(s.text for s in segs), lang, other.text)
            what = f"{len(segs)} segment{'s' if len(segs) != 1 else ''}"
            if roles:
                what += f" ({', '.join(roles)})"
            items.append(
                f'<li class="passage {lang}"><a href="#{lang}-{segs[0].index}">'
                f"{lang} {esc(ids)}</a>: {esc(what)}"
                + (f' — <span class="hint">{hint}</span>' if hint else "")
                + "</li>"
            )
        if items:
            lines.extend([f'<ul class="passages {lang}">', *items, "</ul>"])
        else:
            lines.append('<p class="none">nothing</p>')
    lines.append("</div>")
    return lines


def _passage_hint(text: str, lang: str, other_text: str) -> str:
    """HTML: the names (with their form on the other side) and the numbers of a passage."""
    esc = html.escape
    parts = []
    names = _passage_names(text, lang, other_text)
    if names:
        shown = [
            f'<bdi lang="ar">{esc(ar)}</bdi> ({esc(en)})' if lang == "ar" else esc(en)
            for ar, en in names[:8]
        ]
        parts.append("names: " + ", ".join(shown))
    numbers = _passage_numbers(text, lang)
    if numbers:
        parts.append("numbers: " + esc(", ".join(numbers[:8])))
    return "; ".join(parts)


@functools.lru_cache(maxsize=256)
def _passage_names(text: str, lang: str, other_text: str) -> tuple[tuple[str, str], ...]:
    """(Arabic, English) forms of the names in ``text`` that the other article also has.

    `bialign.names.match_names` finds names on both sides of a text pair, so a
    name only the passage mentions is not found.
    """
    from .names import match_names

    ar, en = (text, other_text) if lang == "ar" else (other_text, text)
    seen: dict[str, tuple[str, str]] = {}
    for m in match_names(ar, en):
        ev = NameEvidence(m.arabic, m.english, m.score, m.source, 0, 0, (0, 0), (0, 0))
        if _is_nationality(ev):
            continue
        arabic, english = m.arabic, m.english
        if lang == "ar":  # the whole word: للصين, not the fragment لصين
            arabic = ar[slice(*_whole_word(ar, *m.arabic_span))]
        else:
            english = en[slice(*_whole_word(en, *m.english_span))]
        key = (arabic if lang == "ar" else english).casefold()
        seen.setdefault(key, (arabic, english))
    return tuple(seen.values())


def _passage_numbers(text: str, lang: str) -> list[str]:
    """The number and date anchors of ``text``, dates first, as ``date 2025-11-17``."""
    from .scorers.anchors import extract_anchors

    items = extract_anchors(text, lang).items
    order = {"date": 0, "year": 1, "month": 2, "percent": 3}
    ranked = sorted(items, key=lambda i: (order.get(i.split(":", 1)[0], 4), i))
    return [i.replace(":", " ", 1) for i in ranked]


def _html_row(
    res: Alignment, row: _Row, extra: Mapping[tuple[str, int], list[_Mark]] | None = None
) -> str:
    esc = html.escape
    extra = extra or {}
    if row.kind == "pair" and row.pair is not None:
        p, pid = row.pair, row.pair_id
        cls, label = _band(p.score)
        ar = [_segment(res.arabic, i, "Arabic", pid) for i in p.arabic]
        en = [_segment(res.english, i, "English", pid) for i in p.english]
        names = [n for n in p.evidence.names if not _is_nationality(n)]
        if p.score < _NAME_MIN_SCORE:
            names = []
        ar_marks = _name_spans(names, ar, lambda n: n.arabic_segment, arabic=True)
        en_marks = _name_spans(names, en, lambda n: n.english_segment, arabic=False)
        for lang, segs, marks in (("ar", ar, ar_marks), ("en", en, en_marks)):
            for one in segs:
                for m in extra.get((lang, one.index), ()):
                    # a clause holds whole names; names inside it are dropped, not split
                    kept = [n for n in marks.get(one.index, []) if n[1] <= m[0] or n[0] >= m[1]]
                    marks[one.index] = sorted([*kept, m])
        meta = [
            f'<div class="lt">{esc(p.link_type)}</div>',
            f'<div class="score" title="{esc(label)}">{p.score:.2f}</div>',
            f'<div class="band">{esc(label.split(" (")[0])}</div>',
            f'<div class="ids">ar {", ".join(map(str, p.arabic))} · '
            f"en {', '.join(map(str, p.english))}</div>",
        ]
        if p.evidence.conflicts:
            meta.append(
                '<div class="conflict" title="the two sides disagree on these anchors">≠ '
                f"{esc(', '.join(p.evidence.conflicts))}</div>"
            )
        furniture = " furniture" if all(s.role in _FURNITURE_ROLES for s in ar + en) else ""
        return (
            f'<tr class="pair {cls}{furniture}" id="pair-{pid}">'
            f'<td class="text ar" dir="rtl" lang="ar">{_html_segments(ar, ar_marks)}</td>'
            f'<td class="meta">{"".join(meta)}</td>'
            f'<td class="text en" dir="ltr" lang="en">{_html_segments(en, en_marks)}</td></tr>'
        )
    seg = row.segment
    assert seg is not None  # _document_rows gives one-sided rows a segment
    text = _html_segments([seg], {})
    furniture = " furniture" if seg.role in _FURNITURE_ROLES else ""
    if row.kind == "ar":
        return (
            f'<tr class="one-sided arabic-only{furniture}" id="ar-{seg.index}">'
            f'<td class="text ar" dir="rtl" lang="ar">{text}</td>'
            f'<td class="meta">Arabic only<div class="ids">ar {seg.index}</div></td>'
            '<td class="empty en" dir="ltr"></td></tr>'
        )
    return (
        f'<tr class="one-sided english-only{furniture}" id="en-{seg.index}">'
        '<td class="empty ar" dir="rtl"></td>'
        f'<td class="meta">English only<div class="ids">en {seg.index}</div></td>'
        f'<td class="text en" dir="ltr" lang="en">{text}</td></tr>'
    )


_Mark = tuple[int, int, str]  # start, end, tooltip ("" for a bidi isolate)


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to the whole words it touches (``لصين`` in ``للصين``)."""
    while start > 0 and _WORD_CHAR.match(text, start - 1):
        start -= 1
    while end < len(text) and _WORD_CHAR.match(text, end):
        end += 1
    return start, end


def _name_spans(
    names: Sequence[NameEvidence],
    segments: Sequence[Segment],
    segment_of: Callable[[NameEvidence], int],
    *,
    arabic: bool,
) -> dict[int, list[_Mark]]:
    """Per segment index, the valid, non-overlapping whole-word spans of the matched names."""
    by_index = {s.index: s for s in segments}
    spans: dict[int, list[_Mark]] = {}
    for n in names:
        seg = by_index.get(segment_of(n))
        if seg is None:
            continue
        start, end = n.arabic_span if arabic else n.english_span
        if not 0 <= start < end <= len(seg.text):
            # A span that does not fit the text: fall back to the name's first occurrence.
            found = seg.text.find(n.arabic if arabic else n.english)
            if found < 0 or not (n.arabic if arabic else n.english):
                continue
            start, end = found, found + len(n.arabic if arabic else n.english)
        start, end = _whole_word(seg.text, start, end)
        other = n.english if arabic else n.arabic
        spans.setdefault(seg.index, []).append((start, end, f"{other} ({n.source}, {n.score:.2f})"))
    for marks in spans.values():
        marks.sort()
        kept: list[_Mark] = []
        for m in marks:
            if not kept or m[0] >= kept[-1][1]:
                kept.append(m)
        marks[:] = kept
    return spans


_EXTRA_TIP = "only this side says this"


def _extra_marks(res: Alignment, diff: Differences) -> dict[tuple[str, int], list[_Mark]]:
    """Per (lang, segment index), the extra clauses as marks in segment offsets."""
    out: dict[tuple[str, int], list[_Mark]] = {}
    for item in diff.items("clause"):
        art = res.arabic if item.lang == "ar" else res.english
        seg = art.segments[item.segment]
        start, end = item.start - seg.start, item.end - seg.start
        if 0 <= start < end <= len(seg.text):
            tip = f"{_EXTRA_TIP} (best match {item.score or 0:.2f})"
            out.setdefault((item.lang, item.segment), []).append((start, end, tip))
    return out


def _item_anchor(res: Alignment, lang: str, segment: int) -> str:
    """The id of the row showing a segment: its pair's row, or its one-sided row."""
    for pid, p in enumerate(res.pairs):
        if segment in (p.arabic if lang == "ar" else p.english):
            return f"pair-{pid}"
    return f"{lang}-{segment}"


def _html_differences(res: Alignment, diff: Differences, rows: Sequence[_Row]) -> list[str]:
    """The "Differences" panel: only in Arabic, only in English, shared; items linked."""
    esc = html.escape
    shown = {r.pair_id for r in rows if r.kind == "pair"}
    shown_seg = {(r.kind, r.segment.index) for r in rows if r.kind != "pair" and r.segment}

    def link(lang: str, segment: int) -> str:
        anchor = _item_anchor(res, lang, segment)
        ok = (anchor.startswith("pair-") and int(anchor[5:]) in shown) or (
            (lang, segment) in shown_seg
        )
        return f"#{anchor}" if ok else ""

    lines = ['<div class="differences" id="differences">', "<h2>Differences</h2>"]
    for lang, label, items in (
        ("ar", "Only in Arabic", diff.arabic_only),
        ("en", "Only in English", diff.english_only),
    ):
        lines.append(f"<h3>{label}</h3>")
        if not items:
            lines.append('<p class="none">nothing</p>')
            continue
        lines.append(f'<ul class="diff {lang}">')
        for item in items:
            text = _short(item.text, 160)
            count = f" ×{item.count}" if item.count > 1 else ""
            href = link(lang, item.segment)
            where = f"{lang} {item.segment}"
            where_html = f'<a href="{href}">{esc(where)}</a>' if href else esc(where)
            lines.append(
                f'<li class="{esc(item.kind)}"><span class="kind">{esc(item.kind)}</span> '
                f'<bdi dir="auto" lang="{lang}">{esc(text)}</bdi>{esc(count)} ({where_html})</li>'
            )
        lines.append("</ul>")
    lines.append("<h3>Shared names, numbers and dates</h3>")
    if diff.shared:
        lines.append('<ul class="diff shared">')
        for sh in diff.shared:
            href = link("ar", sh.arabic_segment)
            pair = (
                f'<a href="{href}">ar {sh.arabic_segment}</a>'
                if href
                else f"ar {sh.arabic_segment}"
            )
            lines.append(
                f'<li class="{esc(sh.kind)}"><span class="kind">{esc(sh.kind)}</span> '
                f'<bdi dir="auto" lang="ar">{esc(sh.arabic)}</bdi> = '
                f'<bdi dir="auto" lang="en">{esc(sh.english)}</bdi> ({pair} · '
                f"en {sh.english_segment})</li>"
            )
        lines.append("</ul>")
    else:
        lines.append('<p class="none">nothing</p>')
    lines.append("</div>")
    return lines


def _with_isolates(text: str, marks: Sequence[_Mark]) -> list[_Mark]:
    """``marks`` plus the handles, hashtags and URLs of ``text`` that no mark overlaps."""
    out = list(marks)
    for m in _ISOLATE.finditer(text):
        if not any(m.start() < e and s < m.end() for s, e, _ in marks):
            out.append((m.start(), m.end(), ""))
    return sorted(out)


def _html_segments(segments: Sequence[Segment], marks: Mapping[int, list[_Mark]]) -> str:
    esc = html.escape
    parts = []
    for seg in segments:
        role = "" if seg.role == "body" else f'<span class="role" dir="ltr">{esc(seg.role)}</span>'
        text, pos = [], 0
        for start, end, tip in _with_isolates(seg.text, marks.get(seg.index, ())):
            text.append(esc(seg.text[pos:start]))
            piece = esc(seg.text[start:end])
            if tip.startswith(_EXTRA_TIP):
                text.append(f'<span class="extra" title="{esc(tip)}">{piece}</span>')
            elif tip:
                text.append(f'<mark title="{esc(tip)}"><bdi>{piece}</bdi></mark>')
            else:
                text.append(f'<bdi class="isolate">{piece}</bdi>')
            pos = end
        text.append(esc(seg.text[pos:]))
        parts.append(
            f'<p class="seg" dir="auto" data-index="{seg.index}" data-role="{esc(seg.role)}">'
            f"{role}{''.join(text)}</p>"
        )
    return "".join(parts)


# --------------------------------------------------------------------------- write

_WRITERS: dict[str, Callable[..., str]] = {
    "csv": to_csv,
    "json": to_json,
    "tmx": to_tmx,
    "html": to_html,
}


def format_options(fmt: str) -> frozenset[str]:
    """The keyword options the writer of a format takes (for `write` and the CLI).

    Args:
        fmt: One of `FORMATS` (``"htm"`` reads as ``"html"``).

    Returns:
        The option names, e.g. ``{"include_unaligned", "min_score", "roles", "excel", "layout"}``
        for ``"csv"``.

    Raises:
        UnknownNameError: ``fmt`` is not a format.
    """
    return _OPTIONS[_format_name(fmt)]


def _format_name(fmt: Any) -> str:
    name = fmt.lower().lstrip(".") if isinstance(fmt, str) else fmt
    name = {"htm": "html"}.get(name, name)
    if name not in _WRITERS:
        raise UnknownNameError("format", str(fmt), FORMATS)
    return str(name)


def _keyword_options(writer: Callable[..., str]) -> frozenset[str]:
    params = inspect.signature(writer).parameters.values()
    return frozenset(p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY)


_OPTIONS: dict[str, frozenset[str]] = {k: _keyword_options(w) for k, w in _WRITERS.items()}


def write(
    res: Alignment,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    **options: Any,
) -> Path:
    """Write ``res`` to ``path`` in the format its extension names, atomically.

    Extensions: ``.csv``, ``.json``, ``.tmx``, ``.html`` and ``.htm`` (any case).
    The text goes to a temporary file in the same folder that then replaces
    ``path``, so an error never leaves a partial file.

    Args:
        res: The alignment.
        path: The file to write.
        format: One of `FORMATS`; overrides the extension.
        **options: Passed to the format's writer (``excel=True``, ``min_score=0.5`` …);
            `format_options` lists those each format takes.

    Returns:
        ``path`` as a `pathlib.Path`.

    Raises:
        UnknownNameError: The format (or the extension) is not one of `FORMATS`.
        OptionError: An option the format does not take, or a value it does not
            accept; nothing is written.
        OutputError: The folder does not exist, ``path`` is a folder, or it cannot be written.
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder", str(target))
    if format is None:
        suffix = target.suffix.lower()
        if suffix not in _EXTENSIONS:
            raise UnknownNameError("format", suffix.lstrip("."), FORMATS)
        name = _EXTENSIONS[suffix]
    else:
        name = _format_name(format)
    accepted = _OPTIONS[name]
    for option in options:
        if option not in accepted:
            raise OptionError(
                option,
                options[option],
                f"the {name} format takes only {', '.join(sorted(accepted))}",
                message=f"the {name} format has no option {option!r}; "
                f"it takes: {', '.join(sorted(accepted))}",
            )
    if name == "csv":
        # The tidy layout writes its links table next to the path.
        _WRITERS[name](res, target, **options)
        return target
    text = _WRITERS[name](res, None, **options)
    _write_atomic(target, text)
    return target
