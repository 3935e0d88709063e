"""`write`: the format from the file extension, and the table of writers."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import OptionError, OutputError, UnknownNameError
from ..result import Alignment
from ._csv_format import to_csv
from ._files import _write_atomic
from ._html_report import to_html
from ._json_format import to_json
from ._tmx_format import to_tmx

#: The writer of each format (`write` and the CLI look writers up here).
WRITERS: Mapping[str, Callable[..., str]] = MappingProxyType(
    {"csv": to_csv, "json": to_json, "tmx": to_tmx, "html": to_html}
)

#: The formats `write` knows.
FORMATS: tuple[str, ...] = tuple(WRITERS)

#: The format each file extension (lower case, with its dot) names, for `write` and the CLI.
EXTENSIONS: Mapping[str, str] = MappingProxyType(
    {".csv": "csv", ".json": "json", ".tmx": "tmx", ".html": "html", ".htm": "html"}
)


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
    name = EXTENSIONS.get(f".{name}", name)  # "htm" is "html"
    if name not in WRITERS:
        raise UnknownNameError("format", str(fmt), FORMATS)
    return str(name)


def _keyword_options(writer: Callable[..., str]) -> frozenset[str]:
    params = inspect.signature(writer).parameters.values()
    return frozenset(p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY)


_OPTIONS: dict[str, frozenset[str]] = {k: _keyword_options(w) for k, w in WRITERS.items()}


def write(
    res: Alignment,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    **options: Any,
) -> Path:
    """Write ``res`` to ``path`` in the format its extension names, atomically.

    Extensions (`EXTENSIONS`): ``.csv``, ``.json``, ``.tmx``, ``.html`` and ``.htm``
    (any case).
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
        if suffix not in EXTENSIONS:
            raise UnknownNameError("format", suffix.lstrip("."), FORMATS)
        name = EXTENSIONS[suffix]
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
        WRITERS[name](res, target, **options)
        return target
    text = WRITERS[name](res, None, **options)
    _write_atomic(target, text)
    return target
