"""The JSON form: `to_json` and `load_json`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from ..document import VERDICTS, DocumentJudgment
from ..errors import EncodingError, InputError, InputTypeError, OptionError
from ..result import AlignedPair, Alignment, Evidence, NameEvidence
from ..segmentation import Article, Segment
from ._common import _check_bool, _Filter, _filter, _kept_pairs, _one_sided, _short
from ._files import PathOrFile, _emit, _reason
from ._schema import FORMAT_VERSION


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
