"""The JSON form: `to_json` and `load_json`."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from ..errors import EncodingError, InputError, InputTypeError, OptionError
from ..result import Alignment
from ._common import (
    _check_bool,
    _differences,
    _Filter,
    _filter,
    _kept_pairs,
    _one_sided,
    _short,
)
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

    Holds the format version (``"format": "bialign-alignment/1"``), then
    `Alignment.to_dict` at full precision (``precision=None``): the signature, both
    articles (source text, language, ``source`` — where the article came from, as given
    to `bialign.read_article` — and segments with index, text, role, offsets and
    paragraph), the pairs (ids, texts, score, link type and evidence, as
    `AlignedPair.to_dict` writes them) and the one-sided segments as index lists;
    ``"document"`` (the document-level judgment `Alignment.document`: ``probability``,
    ``verdict``, ``features``) when there is one, and ``"candidates"`` (the low-scoring
    links left out of the pairs, in the shape of a pair) when there are any; then
    ``"differences"``: `Alignment.differences` (`Differences.to_dict`; computing it
    embeds the clauses of the links with the sentence encoder), which `load_json`
    ignores. With ``min_score`` or ``roles``, they are those of the result as written:
    a dropped pair's segments are one-sided there too, and the items of segments with
    another role are left out. Non-ASCII text is written as is (UTF-8).

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
    kept: set[int] | None = None
    if keep != _Filter():
        kept = {pid for pid, _ in _kept_pairs(res, keep)}
        ar_only, en_only = _one_sided(res, keep)
    data = {"format": FORMAT_VERSION, **res.to_dict(precision=None)}
    if kept is not None:
        data["pairs"] = [p for p in data["pairs"] if p["id"] in kept]
        data["arabic_only"] = [int(s.index) for s in ar_only]
        data["english_only"] = [int(s.index) for s in en_only]
    if _check_bool("differences", differences):
        data["differences"] = _differences(res, keep).to_dict()
    try:
        text = json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError as exc:
        raise InputError(f"the alignment holds a number JSON cannot carry: {exc}") from exc
    return _emit(text + "\n", path_or_file)


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
    return Alignment.from_dict(data)


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
