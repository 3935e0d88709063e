"""The self-contained side-by-side HTML report: `to_html`.

The markup and the style are Jinja2 templates, ``templates/report.html.j2`` and
``templates/report.css.j2``; this module works out what they show (the rows in document
order, the marks inside each text, the links of the differences, the legend's shares).
"""

from __future__ import annotations

import functools
import html
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from .._version import __version__
from ..errors import OptionError, ResourceError
from ..result import AlignedPair, Alignment, NameEvidence, _is
from ..segmentation import ROLES, Segment
from ._common import (
    _check_bool,
    _differences,
    _document_rows,
    _Filter,
    _filter,
    _Row,
    _segment,
    _short,
)
from ._files import PathOrFile, _emit
from ._tmx_format import TMX_MIN_SCORE

if TYPE_CHECKING:
    import jinja2

    from ..differences import Differences


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


#: The reliability tables shipped in resources/, one per link model (`_reliability`).
_RELIABILITY_FILES = ("reliability.json", "reliability_dictionary.json")


@functools.cache
def _reliability(
    weights: str | None = None,
) -> tuple[tuple[float, float, int, float | None], ...] | None:
    """The bands of a held-out reliability table: ``(low, high, links, share right)``.

    ``weights``: the version of the link model (``weights:`` in `Alignment.signature`);
    the table measured for that model (each file of `_RELIABILITY_FILES` names its
    model), so that an alignment made with a dictionary's model or your own weights
    is not shown another model's shares. ``None``: the default model's table
    (``resources/reliability.json``). ``None`` is returned when no table was measured
    for the model, or the file is missing or malformed, so that exporting never
    fails on it (the legend then shows no shares).
    """
    names = _RELIABILITY_FILES if weights is not None else _RELIABILITY_FILES[:1]
    for name in names:
        read = _read_reliability(name)
        if read is not None and (weights is None or read[0] == weights):
            return read[1]
    return None


def _read_reliability(
    name: str,
) -> tuple[str | None, tuple[tuple[float, float, int, float | None], ...]] | None:
    """A reliability file's model version and bands; ``None`` when missing or malformed."""
    from .._resources import resource_path

    try:
        data = json.loads(resource_path(name).read_text(encoding="utf-8"))
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
        weights = data.get("weights")
    except (ResourceError, OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    if not bands:
        return None
    return (weights if isinstance(weights, str) else None), tuple(bands)


def _pooled_share(low: float, high: float, weights: str | None) -> tuple[float, int] | None:
    """Share right and number of the held-out links scoring in ``[low, high)``, pooled.

    Counts the bands of the reliability table that lie inside the range (weighted by their
    links); ``None`` when the table is unavailable or holds no such link.
    """
    table = _reliability(weights)
    if table is None:
        return None
    eps = 1e-9
    inside = [(n, s) for lo, hi, n, s in table if lo >= low - eps and hi <= high + eps and n]
    links = sum(n for n, _ in inside)
    if not links:
        return None
    return sum(n * (s or 0.0) for n, s in inside) / links, links


def _band_shares(weights: str | None = None) -> dict[str, tuple[float, int] | None]:
    """Each band of `_SCORE_BANDS` (by class) with its pooled held-out share right
    (for the link model ``weights``; see `_reliability`)."""
    shares: dict[str, tuple[float, int] | None] = {}
    high = math.inf
    for cls, low, *_ in _SCORE_BANDS:
        shares[cls] = _pooled_share(low, high, weights)
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


@functools.cache
def _nationalities() -> tuple[frozenset[str], frozenset[str]]:
    """Arabic and English nationality adjectives: the ``nationality`` rows of the gazetteer."""
    from .._resources import read_tsv, resource_path
    from ..normalize import normalize_arabic

    ar: set[str] = set()
    en: set[str] = set()
    for row in read_tsv(resource_path("gazetteer.tsv"), ("arabic", "english", "kind")):
        if row["kind"] == "nationality":
            ar.add(normalize_arabic(row["arabic"]))
            en.update(e.strip().casefold() for e in row["english"].split("|"))
    return frozenset(ar), frozenset(en)


def _is_nationality(name: NameEvidence) -> bool:
    from ..normalize import normalize_arabic

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

    After the summary (with the document judgment), a "Differences" panel
    (`Alignment.differences`, of the result as shown when ``min_score`` or ``roles``
    filter it): what is only in Arabic, only in English, and the names, numbers and
    dates both share, each item linked to its row; the extra clauses are marked inside
    their rows (``<span class="extra">``).

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
    rows = _document_rows(res, keep)
    diff = _differences(res, keep) if _check_bool("differences", differences) else None
    extra = _extra_marks(res, diff) if diff is not None else {}
    shown = None
    if keep != _Filter():
        shown = {
            "min_score": keep.min_score,
            "roles": None if keep.roles is None else [r for r in ROLES if r in keep.roles],
            "others": sum(1 for i, p in enumerate(res.pairs) if not keep.keeps_pair(res, i, p)),
        }
    shares = _band_shares(_weights_version(res.signature))
    bands = [
        {"name": cls, "colour": colour, "label": label, "measured": _measured(shares.get(cls))}
        for cls, _, colour, label in _SCORE_BANDS
    ]
    text = _template().render(
        res=res,
        title=title,
        version=__version__,
        differences=_differences_view(res, diff, rows) if diff is not None else None,
        shown=shown,
        bands=bands,
        name_min_score=_NAME_MIN_SCORE,
        only=_only_view(res, rows),
        furniture_roles=sorted(_FURNITURE_ROLES),
        rows=[_row_view(res, row, extra) for row in rows],
    )
    return _emit(text, path_or_file)


def _weights_version(signature: str) -> str | None:
    """The link model's version in a signature (``weights:…``); ``None`` when there is none."""
    for part in signature.split("|")[1:]:
        key, sep, value = part.partition(":")
        if sep and key == "weights":
            return value
    return None


# --------------------------------------------------------------------------- templates

#: The template of the page; it includes the style, ``report.css.j2``.
_TEMPLATE = "report.html.j2"


@functools.cache
def _environment() -> jinja2.Environment:
    """The Jinja2 environment of the report's templates (``bialign/export/templates``).

    Made on the first report, so that jinja2 is imported only when HTML is written.
    Autoescaping is on; values are escaped as `html.escape` does (``&quot;``, ``&#x27;``),
    as the report always was.
    """
    import jinja2
    import markupsafe

    def escape(value: Any) -> Any:
        return value if hasattr(value, "__html__") else markupsafe.Markup(html.escape(str(value)))

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bialign.export", "templates"),
        autoescape=True,
        finalize=escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["shorten"] = _short
    return env


def _template() -> jinja2.Template:
    return _environment().get_template(_TEMPLATE)


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of a segment's text: ``text``, a matched ``name``, an ``extra`` clause or a
    bidi ``isolate`` (a handle, hashtag or URL); ``tip`` is the tooltip of names and clauses."""

    text: str
    kind: str
    tip: str = ""


@dataclass(frozen=True, slots=True)
class _SegmentView:
    index: int
    role: str
    pieces: tuple[_Piece, ...]


@dataclass(frozen=True, slots=True)
class _RowView:
    """One row of the table: a pair (``kind`` ``"pair"``) or a one-sided segment (``"ar"``,
    ``"en"``, with its ``index``), its texts as segments, its band and whether it is furniture."""

    kind: str
    furniture: bool
    arabic: tuple[_SegmentView, ...] = ()
    english: tuple[_SegmentView, ...] = ()
    pair_id: int | None = None
    pair: AlignedPair | None = None
    band: dict[str, str] | None = None
    index: int | None = None


def _measured(share: tuple[float, int] | None) -> dict[str, float] | None:
    return None if share is None else {"share": share[0], "links": share[1]}


def _only_view(res: Alignment, rows: Sequence[_Row]) -> list[dict[str, Any]]:
    """The "What only one version says" part: per side, the one-sided passages shown."""
    shown = {(r.kind, r.segment.index) for r in rows if r.kind != "pair" and r.segment}
    sides = []
    for lang, passages, other in (
        ("ar", res.arabic_passages, res.english),
        ("en", res.english_passages, res.arabic),
    ):
        items = []
        for passage in passages:
            segs = [s for s in passage.segments if (lang, s.index) in shown]
            if not segs:
                continue
            text = " ".join(s.text for s in segs)
            items.append(
                {
                    "first": segs[0].index,
                    "ids": [s.index for s in segs],
                    "count": len(segs),
                    "roles": sorted({s.role for s in segs if s.role != "body"}),
                    "names": _passage_names(text, lang, other.text),
                    "numbers": _passage_numbers(text, lang),
                }
            )
        sides.append({"lang": lang, "passages": items})
    return sides


@functools.lru_cache(maxsize=256)
def _passage_names(text: str, lang: str, other_text: str) -> tuple[tuple[str, str], ...]:
    """(Arabic, English) forms of the names in ``text`` that the other article also has.

    `bialign.names.match_names` finds names on both sides of a text pair, so a
    name only the passage mentions is not found.
    """
    from ..names import match_names

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
    from ..scorers.anchors import extract_anchors

    items = extract_anchors(text, lang).items
    order = {"date": 0, "year": 1, "month": 2, "percent": 3}
    ranked = sorted(items, key=lambda i: (order.get(i.split(":", 1)[0], 4), i))
    return [i.replace(":", " ", 1) for i in ranked]


def _row_view(
    res: Alignment, row: _Row, extra: Mapping[tuple[str, int], list[_Mark]] | None = None
) -> _RowView:
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
        return _RowView(
            kind="pair",
            furniture=all(s.role in _FURNITURE_ROLES for s in ar + en),
            arabic=_segment_views(ar, ar_marks),
            english=_segment_views(en, en_marks),
            pair_id=pid,
            pair=p,
            band={"name": cls, "label": label},
        )
    seg = row.segment
    assert seg is not None  # _document_rows gives one-sided rows a segment
    # The clauses a partly shared one-sided sentence adds to its partner.
    added = sorted(extra.get((row.kind, seg.index), ()))
    view = _segment_views([seg], {seg.index: added} if added else {})
    return _RowView(
        kind=row.kind,
        furniture=seg.role in _FURNITURE_ROLES,
        arabic=view if row.kind == "ar" else (),
        english=view if row.kind == "en" else (),
        index=seg.index,
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
            tip = f"{_EXTRA_TIP} (best match {item.score or 0:.3f})"
            if item.partner is not None:  # a partly shared one-sided sentence
                other = "English" if item.lang == "ar" else "Arabic"
                tip = f"{_EXTRA_TIP} ({other} {item.partner} renders the rest; best match "
                tip += f"{item.score or 0:.3f})"
            out.setdefault((item.lang, item.segment), []).append((start, end, tip))
    return out


def _item_anchor(res: Alignment, lang: str, segment: int) -> str:
    """The id of the row showing a segment: its pair's row, or its one-sided row."""
    for pid, p in enumerate(res.pairs):
        if segment in (p.arabic if lang == "ar" else p.english):
            return f"pair-{pid}"
    return f"{lang}-{segment}"


def _differences_view(res: Alignment, diff: Differences, rows: Sequence[_Row]) -> dict[str, Any]:
    """The "Differences" panel: each item with the link to its row (``""`` when not shown)."""
    shown = {r.pair_id for r in rows if r.kind == "pair"}
    shown_seg = {(r.kind, r.segment.index) for r in rows if r.kind != "pair" and r.segment}

    def link(lang: str, segment: int) -> str:
        anchor = _item_anchor(res, lang, segment)
        if anchor.startswith("pair-") and int(anchor[5:]) in shown:
            return f"#{anchor}"
        # A segment of a pair the filters dropped is shown as a one-sided row.
        return f"#{lang}-{segment}" if (lang, segment) in shown_seg else ""

    def label(item: Any) -> str:
        """Where an item is: its segment, or a passage's first and last ("ar 18–24")."""
        if item.kind != "passage":
            return f"{item.lang} {item.segment}"
        art = res.arabic if item.lang == "ar" else res.english
        last = next((s.index for s in reversed(art.segments) if s.start < item.end), item.segment)
        return f"{item.lang} {item.segment}" + (f"–{last}" if last > item.segment else "")

    sides = [
        {"lang": lang, "entries": [(i, link(lang, i.segment), label(i)) for i in items]}
        for lang, items in (("ar", diff.arabic_only), ("en", diff.english_only))
    ]
    shared = [(sh, link("ar", sh.arabic_segment)) for sh in diff.shared]
    return {"sides": sides, "shared": shared}


def _with_isolates(text: str, marks: Sequence[_Mark]) -> list[_Mark]:
    """``marks`` plus the handles, hashtags and URLs of ``text`` that no mark overlaps."""
    out = list(marks)
    for m in _ISOLATE.finditer(text):
        if not any(m.start() < e and s < m.end() for s, e, _ in marks):
            out.append((m.start(), m.end(), ""))
    return sorted(out)


def _segment_views(
    segments: Sequence[Segment], marks: Mapping[int, list[_Mark]]
) -> tuple[_SegmentView, ...]:
    """Each segment's text cut into pieces at its marks (names, extra clauses, isolates)."""
    views = []
    for seg in segments:
        pieces, pos = [], 0
        for start, end, tip in _with_isolates(seg.text, marks.get(seg.index, ())):
            pieces.append(_Piece(seg.text[pos:start], "text"))
            kind = "extra" if tip.startswith(_EXTRA_TIP) else "name" if tip else "isolate"
            pieces.append(_Piece(seg.text[start:end], kind, tip))
            pos = end
        pieces.append(_Piece(seg.text[pos:], "text"))
        views.append(_SegmentView(seg.index, seg.role, tuple(pieces)))
    return tuple(views)
