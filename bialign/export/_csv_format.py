"""The CSV exports: `to_csv` (three layouts) and `to_differences_csv`."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..errors import OptionError
from ..result import AlignedPair, Alignment
from ._common import _check_bool, _document_rows, _filter, _ids, _kept_pairs, _Row, _segment
from ._files import PathOrFile, _emit, _write_atomic

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
            'layout="pairs"',
            f'include_unaligned=True works only with layout="pairs" (one-sided rows exist '
            f"only there), not with layout={layout!r}",
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
    "partner",
)


def to_differences_csv(res: Alignment, path: PathOrFile = None) -> str:
    """A tidy CSV of `Alignment.differences`: one row per difference item.

    Columns `DIFFERENCES_CSV_COLUMNS`: ``side`` (``only_arabic``, ``only_english`` or,
    for names, numbers and dates both articles report, ``shared_ar`` and ``shared_en``:
    one row per side, with the other side's form in ``value``), ``kind`` (``passage``, ``clause``,
    ``name``, ``number``, ``date``), ``text``, ``start``/``end`` (offsets into that
    side's `Article.text`), ``segment``, ``pair`` (a clause's link in
    `Alignment.pairs`, else empty), ``count`` (mentions), ``value``, ``score`` and
    ``partner`` (for a clause of a partly shared one-sided sentence, the other side's
    segment that renders the rest of it, else empty).
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
                    "partner": "" if i.partner is None else str(i.partner),
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
                    "partner": "",
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
