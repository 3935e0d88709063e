"""The ``bialign`` command line.

Subcommands:

* ``bialign align ARABIC_FILE ENGLISH_FILE [-o OUT] [--format csv|json|tmx|html] …``
* ``bialign segment FILE [--format text|json|tsv]``
* ``bialign demo [--out DIR]``: align the seed pair and write CSV and HTML.

Errors are one line on stderr and exit code 1; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ._version import __version__
from .errors import BialignError, EncodingError, InputError, OutputError

__all__ = ["main"]

#: Inputs longer than this (characters, both files) get a progress line before aligning.
LONG_INPUT = 100_000
SEED_ARABIC = "002_f2c150e3c700ff1f.txt"
SEED_ENGLISH = "000_9b6c93be4bbc7b4e.txt"


def _read_text(path: str) -> str:
    """Read a UTF-8 file (``-`` for standard input) with a clear error when it is not."""
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise InputError(f"{path}: no such file", path) from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a folder, not a file", path) from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); "
            "convert it first, e.g. iconv -f WINDOWS-1256 -t UTF-8",
            path,
            exc.start,
        ) from None


def _progress(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- segment


def _cmd_segment(args: argparse.Namespace, out: TextIO) -> int:
    from .segmentation import read_article

    art = read_article(_read_text(args.file), lang=args.lang, source=args.file)
    if args.format == "json":
        payload = {
            "source": args.file,
            "lang": art.lang,
            "segments": [
                {
                    "index": s.index,
                    "role": s.role,
                    "paragraph": s.paragraph,
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                }
                for s in art.segments
            ],
        }
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "tsv":
        out.write("index\trole\tparagraph\tstart\tend\ttext\n")
        for s in art.segments:
            out.write(f"{s.index}\t{s.role}\t{s.paragraph}\t{s.start}\t{s.end}\t{s.text}\n")
    else:
        for s in art.segments:
            out.write(f"{s.index:>3} {s.role:<11} {s.text}\n")
    return 0


# --------------------------------------------------------------------------- align


def _format_for(args: argparse.Namespace) -> str:
    from .export import FORMATS

    if args.format:
        return str(args.format)
    if args.output:
        ext = Path(args.output).suffix.lower().lstrip(".")
        ext = {"htm": "html"}.get(ext, ext)
        if ext in FORMATS:
            return ext
        from .errors import UnknownNameError

        raise UnknownNameError("output format (from the file extension)", ext or "(none)", FORMATS)
    return "csv"


def _cmd_align(args: argparse.Namespace, out: TextIO) -> int:
    from . import export
    from .aligner import align

    fmt = _format_for(args)
    if not 0.0 <= args.min_score <= 1.0:
        raise InputError(
            f"--min-score must be between 0 and 1, not {args.min_score:g}", args.min_score
        )
    if args.output:
        folder = Path(args.output).resolve().parent
        if not folder.is_dir():
            raise OutputError(f"{args.output}: the folder {folder} does not exist", args.output)
    arabic = _read_text(args.arabic)
    english = _read_text(args.english)
    t0 = time.perf_counter()
    if len(arabic) + len(english) > LONG_INPUT:
        _progress(args, f"bialign: aligning {args.arabic} with {args.english} …")
    res = align(arabic, english, translator=args.translator, embedding=not args.no_embedding)
    _progress(args, f"bialign: {res.summary()} ({time.perf_counter() - t0:.1f} s)")
    options: dict[str, object] = {}
    if fmt in ("csv", "tmx", "html"):
        options["min_score"] = args.min_score
    if fmt == "csv":
        options["include_unaligned"] = args.include_unaligned
        options["excel"] = args.excel
    if args.output:
        export.write(res, args.output, format=fmt, **options)
        _progress(args, f"bialign: wrote {args.output}")
    else:
        writer = {
            "csv": export.to_csv,
            "json": export.to_json,
            "tmx": export.to_tmx,
            "html": export.to_html,
        }[fmt]
        out.write(writer(res, None, **options))  # type: ignore[operator]
    return 0


# --------------------------------------------------------------------------- demo


def _find_seeds(explicit: str | None) -> Path:
    candidates = (
        [Path(explicit)] if explicit else [Path("seeds"), Path(__file__).parents[1] / "seeds"]
    )
    for c in candidates:
        if (c / SEED_ARABIC).is_file() and (c / SEED_ENGLISH).is_file():
            return c
    raise OutputError(
        "the seed articles were not found; run from the repository or pass --seeds DIR",
        str(candidates[0]),
    )


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from . import export
    from .aligner import align

    seeds = _find_seeds(args.seeds)
    outdir = Path(args.out)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{outdir}: cannot create the folder ({exc.strerror})", str(outdir)
        ) from None
    arabic = _read_text(str(seeds / SEED_ARABIC))
    english = _read_text(str(seeds / SEED_ENGLISH))
    t0 = time.perf_counter()
    res = align(arabic, english)
    elapsed = time.perf_counter() - t0
    csv_path = export.write(res, outdir / "seed_pairs.csv", include_unaligned=True)
    html_path = export.write(
        res,
        outdir / "seed_report.html",
        title="bialign: Anadolu seed pair (Arabic 002 ↔ English 000)",
    )
    out.write(
        f"Aligned seeds/{SEED_ARABIC} (Arabic) with seeds/{SEED_ENGLISH} (English) "
        f"in {elapsed:.1f} s\n"
    )
    out.write(f"  {res.summary()}\n")
    for p in res.pairs[:6]:
        out.write(f"  {p.link_type:>4} {p.score:.2f}  {p.english_text[:70]}\n")
    if len(res.pairs) > 6:
        out.write(f"  … {len(res.pairs) - 6} more pairs\n")
    out.write(f"Wrote {csv_path} and {html_path}\n")
    return 0


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs)."""
    from .export import FORMATS

    ap = argparse.ArgumentParser(
        prog="bialign",
        description="Align an Arabic news article with its English counterpart.",
    )
    ap.add_argument("--version", action="version", version=f"bialign {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    al = sub.add_parser("align", parents=[common], help="align two articles and write the pairs")
    io_ = al.add_argument_group("input and output")
    io_.add_argument(
        "arabic", metavar="ARABIC_FILE", help="the Arabic article (UTF-8; - for stdin)"
    )
    io_.add_argument(
        "english", metavar="ENGLISH_FILE", help="the English article (UTF-8; - for stdin)"
    )
    io_.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file (default: stdout); its extension sets the format",
    )
    io_.add_argument("-f", "--format", choices=FORMATS, help="output format (default: csv)")
    sc = al.add_argument_group("scoring")
    sc.add_argument(
        "--translator",
        metavar="MODEL",
        help="a transformers translation model name or folder, e.g. Helsinki-NLP/opus-mt-ar-en",
    )
    sc.add_argument(
        "--no-embedding",
        action="store_true",
        help="with --translator: use the translation model alone",
    )
    fl = al.add_argument_group("filtering")
    fl.add_argument(
        "--include-unaligned",
        action="store_true",
        help="CSV: add a row for every one-language segment",
    )
    fl.add_argument(
        "--min-score",
        type=float,
        default=0.0,
        metavar="X",
        help="drop pairs scoring below X (0..1)",
    )
    fl.add_argument("--excel", action="store_true", help="CSV: add a BOM so Excel reads Arabic")
    al.set_defaults(func=_cmd_align)

    sg = sub.add_parser(
        "segment", parents=[common], help="split one article into sentences with roles"
    )
    sg.add_argument("file", metavar="FILE", help="the article (UTF-8; - for stdin)")
    sg.add_argument("-f", "--format", choices=("text", "json", "tsv"), default="text")
    sg.add_argument("--lang", choices=("ar", "en"), help="the language (default: detected)")
    sg.set_defaults(func=_cmd_segment)

    dm = sub.add_parser(
        "demo", parents=[common], help="align the seed pair; write CSV and HTML report"
    )
    dm.add_argument("--out", default="out", help="output folder (default: out)")
    dm.add_argument("--seeds", help="folder holding the seed articles (default: ./seeds)")
    dm.set_defaults(func=_cmd_demo)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args, sys.stdout))
    except BialignError as exc:
        print(f"bialign: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bialign: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
