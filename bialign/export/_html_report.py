"""The self-contained side-by-side HTML report: `to_html`."""

from __future__ import annotations

import functools
import html
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import regex

from .._version import __version__
from ..errors import OptionError, ResourceError
from ..result import Alignment, NameEvidence, _is
from ..segmentation import ROLES, Article, Segment
from ._common import _check_bool, _document_rows, _Filter, _filter, _Row, _segment, _short
from ._files import PathOrFile, _emit
from ._tmx_format import TMX_MIN_SCORE

if TYPE_CHECKING:
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


@functools.cache
def _reliability() -> tuple[tuple[float, float, int, float | None], ...] | None:
    """The bands of the held-out reliability table: ``(low, high, links, share right)``.

    Read once from ``resources/reliability.json``; ``None`` when the file is missing or
    malformed, so that exporting never fails on it (the legend then shows no shares).
    """
    from .._resources import resource_path

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
