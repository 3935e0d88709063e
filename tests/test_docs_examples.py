"""The code examples of the documentation run, and the reference parts of the docs stay complete.

Convention in the pages (Markdown, under ``docs/``):

* a fenced ````python`` block on the line right after ``<!-- test -->`` is run on its own, in
  a fresh Python process (so that no example depends on the side effects of another: a user
  copies one block, not the page), with the working directory at the repository root and
  ``HF_HUB_OFFLINE=1``; the test fails when a block raises;
* a block after ``<!-- test: continued -->`` continues the example before it: it runs in the
  same process and namespace, after the blocks since the last plain ``<!-- test -->``;
* a fenced block right after ``<!-- test-file: PATH -->`` is written to ``PATH`` (relative to
  the repository root, inside the git-ignored ``out/``) before the page's blocks run, and
  removed afterwards. A file named ``test_*.py`` is then run with pytest.

* a fenced block right after ``<!-- output -->`` is pasted output, compared with the real one
  (each line without its trailing white space; a line holding only ``…`` stands for any number
  of lines left out):

  - a ``console`` block is run: each line starting with ``$ `` is a command, run with bash
    from the repository root (``bialign`` is the checkout's, the terminal 80 columns wide),
    and the lines after it are what it prints on standard output and standard error;
  - any other block is what the tested example before it on the page (the last
    ``<!-- test -->`` or ``<!-- test: continued -->`` block above it) printed;

* ``<!-- output: skip REASON -->`` marks pasted output that is not compared (timings, absolute
  paths, files that are not in the repository), saying why. A ``text`` block right after a
  tested example's code is taken for its output, so it must carry one of the two markers.

The marker may be indented (inside an admonition); the fence must then have the same indent.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

#: The pages whose examples are run. Pages that align articles load the sentence
#: encoder and take more than 10 s, so they are marked slow.
FAST_PAGES = (
    "segmentation.md",
    "guides/outlets.md",
    "guides/names.md",
    "guides/corpus.md",
    "guides/differences.md",
    "cli.md",
)
SLOW_PAGES = (
    "index.md",
    "quickstart.md",
    "concepts/alignment.md",
    "guides/extending.md",
    "guides/offline.md",
    "guides/dictionaries.md",
)

_MARKER = re.compile(
    r"^(?P<indent>[ \t]*)<!--\s*test(?::\s*(?P<continued>continued)|-file:\s*(?P<path>\S+))?"
    r"\s*-->\s*$"
)
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)\s*$")
_OUTPUT_MARKER = re.compile(
    r"^(?P<indent>[ \t]*)<!--\s*output(?::\s*skip\s+(?P<reason>\S.*?))?\s*-->\s*$"
)


def _fence(lines: list[str], i: int, indent: str, where: str) -> tuple[str, list[str], int]:
    """The fenced block opening on line ``i`` (0-based): its language, its lines without
    the indent, and the index of its closing fence."""
    fence = _FENCE_OPEN.match(lines[i]) if i < len(lines) else None
    if fence is None or fence["indent"] != indent:
        raise AssertionError(f"{where}: a marker must be followed by a code fence")
    body = []
    for k in range(i + 1, len(lines)):
        if lines[k].strip() == "```" and lines[k].startswith(indent + "```"):
            return fence["lang"], body, k
        body.append(lines[k][len(indent) :] if lines[k].startswith(indent) else lines[k])
    raise AssertionError(f"{where}: unclosed code fence")


@dataclass(frozen=True)
class Block:
    """One marked block of a page."""

    page: str
    line: int  # line number of the first line of code (1-based)
    lang: str
    code: str
    path: str | None  # where to write it, for test-file blocks
    continued: bool = False  # runs after the blocks before it, in their process


def marked_blocks(page: str) -> list[Block]:
    """The blocks of ``docs/<page>`` that carry a test marker, in page order."""
    lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
    blocks = []
    for i, line in enumerate(lines):
        marker = _MARKER.match(line)
        if not marker:
            continue
        where = f"docs/{page}:{i + 1}"
        lang, body, _ = _fence(lines, i + 1, marker["indent"], where)
        path = marker["path"]
        if path is None and lang != "python":
            raise AssertionError(f"{where}: <!-- test --> marks a {lang!r} block")
        if path is not None and not path.startswith("out/"):
            raise AssertionError(f"{where}: test files go under out/, not {path}")
        continued = marker["continued"] is not None
        if continued and not any(b.path is None for b in blocks):
            raise AssertionError(f"{where}: 'test: continued' with no example before it")
        code = textwrap.dedent("\n".join(body)) + "\n"
        blocks.append(Block(page, i + 3, lang, code, path, continued))
    return blocks


@dataclass(frozen=True)
class Output:
    """A pasted output block of a page."""

    page: str
    line: int  # line number of its first line (1-based)
    lang: str
    text: str
    skip: str | None  # why it is not compared, or None
    example: int | None  # the line of the tested example it shows the output of (not console)


def output_blocks(page: str) -> list[Output]:
    """The blocks of ``docs/<page>`` marked as output, in page order."""
    lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
    examples = [b.line for b in marked_blocks(page) if b.path is None]
    out = []
    for i, line in enumerate(lines):
        marker = _OUTPUT_MARKER.match(line)
        if not marker:
            continue
        where = f"docs/{page}:{i + 1}"
        lang, body, _ = _fence(lines, i + 1, marker["indent"], where)
        example = None
        if lang != "console":
            before = [n for n in examples if n < i + 1]
            if not before and marker["reason"] is None:
                raise AssertionError(f"{where}: an output block with no tested example before it")
            example = before[-1] if before else None
        out.append(Output(page, i + 3, lang, "\n".join(body), marker["reason"], example))
    return out


def same_output(expected: str, actual: str) -> bool:
    """Whether ``actual`` is the pasted ``expected`` output: line by line, trailing white space
    and blank lines at both ends ignored, a line holding only ``…`` standing for any lines."""
    lines = [ln.rstrip() for ln in expected.strip("\n").splitlines()]
    if not lines:
        return not actual.strip()
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if ln.strip() == "…" else re.escape(ln) + r"[ \t]*\n" for ln in lines
    )
    text = "\n".join(ln.rstrip() for ln in actual.strip("\n").splitlines()) + "\n"
    return re.fullmatch(pattern, text) is not None


def console_commands(text: str) -> list[tuple[str, str]]:
    """The ``$ `` commands of a console block, each with the lines printed after it."""
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
        else:
            raise AssertionError(f"a console block starts with output, not a command: {line!r}")
    return [(cmd, "\n".join(printed)) for cmd, printed in out]


def mismatch(where: str, expected: str, actual: str) -> str:
    """The difference between a pasted output and the real one, for an assertion message."""
    diff = difflib.unified_diff(
        expected.strip("\n").splitlines(),
        actual.strip("\n").splitlines(),
        "pasted",
        "real",
        lineterm="",
    )
    return f"{where}: the pasted output is not the real one\n" + "\n".join(diff)


def chains(blocks: list[Block]) -> list[list[Block]]:
    """The runnable blocks grouped into examples: a plain block starts one, continued ones join."""
    out: list[list[Block]] = []
    for b in blocks:
        if b.path is not None:
            continue
        if b.continued:
            out[-1].append(b)
        else:
            out.append([b])
    return out


# Runs in the child process: exec each block with its page's line numbers, so that a
# traceback points at the Markdown line.
_RUNNER = """
import contextlib, io, json, sys
ns = {"__name__": "__main__"}
printed = []
try:
    for page, line, code in json.load(sys.stdin):
        buffer = io.StringIO()
        try:
            with contextlib.redirect_stdout(buffer):
                exec(compile("\\n" * (line - 1) + code, "docs/" + page, "exec"), ns)
        finally:
            printed.append(buffer.getvalue())
            sys.stdout.write(buffer.getvalue())
finally:
    with open(sys.argv[1], "w", encoding="utf-8") as fh:
        json.dump(printed, fh)
"""


def run_page(page: str) -> None:
    blocks = marked_blocks(page)
    assert blocks, f"docs/{page} has no runnable example"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    written: list[Path] = []
    made: list[Path] = []
    printed: dict[int, str] = {}  # what each example printed, by its first line
    try:
        for b in blocks:
            if b.path is not None:
                target = ROOT / b.path
                missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
                made += [p for p in missing if p not in made]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(b.code, encoding="utf-8")
                written.append(target)
        for chain in chains(blocks):
            code = [(b.page, b.line, b.code) for b in chain]
            with tempfile.TemporaryDirectory() as tmp:
                outputs = Path(tmp) / "printed.json"
                proc = subprocess.run(
                    [sys.executable, "-c", _RUNNER, str(outputs)],
                    input=json.dumps(code),
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=900,
                )
                where = f"docs/{page}:{chain[0].line}"
                assert proc.returncode == 0, f"{where}:\n{proc.stdout}\n{proc.stderr}"
                texts = json.loads(outputs.read_text(encoding="utf-8"))
                printed.update(zip((b.line for b in chain), texts, strict=True))
        for target in written:
            if target.name.startswith("test_") and target.suffix == ".py":
                proc = subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(target)],
                    cwd=ROOT,
                    env={**env, "PYTHONDONTWRITEBYTECODE": "1"},  # no __pycache__ left in out/
                    capture_output=True,
                    text=True,
                    timeout=900,
                )
                assert proc.returncode == 0, f"{target}:\n{proc.stdout}\n{proc.stderr}"
        check_outputs(page, printed, env)
    finally:
        for target in written:
            target.unlink(missing_ok=True)
        for folder in made:  # deepest first; only the folders this run created, if empty
            with contextlib.suppress(OSError):
                folder.rmdir()


def check_outputs(page: str, printed: dict[int, str], env: dict[str, str]) -> None:
    """Each pasted output of the page is the real one (see the module's docstring)."""
    with tempfile.TemporaryDirectory() as tmp:
        # `bialign` on the PATH runs the checkout (python -m bialign from the repository root).
        shim = Path(tmp) / "bialign"
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bialign "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
        console_env = {
            **env,
            "PATH": f"{tmp}{os.pathsep}{env.get('PATH', '')}",
            "PYTHONPATH": str(ROOT),
            "COLUMNS": "80",
        }
        for o in output_blocks(page):
            where = f"docs/{page}:{o.line}"
            if o.skip is not None:
                continue
            if o.example is not None:
                real = printed[o.example]
                assert same_output(o.text, real), mismatch(where, o.text, real)
                continue
            for command, expected in console_commands(o.text):
                proc = subprocess.run(
                    ["bash", "-c", command],
                    cwd=ROOT,
                    env=console_env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=900,
                )
                real = proc.stdout
                assert same_output(expected, real), mismatch(
                    f"{where} ($ {command})", expected, real
                )


@pytest.mark.parametrize("page", FAST_PAGES)
def test_examples_run(page: str) -> None:
    """The marked examples of a page that does not align articles run without error."""
    run_page(page)


@pytest.mark.slow
@pytest.mark.parametrize("page", SLOW_PAGES)
def test_alignment_examples_run(page: str) -> None:
    """The marked examples of a page that aligns articles run without error."""
    run_page(page)


def test_every_marker_is_well_formed() -> None:
    """Every test marker in the docs is followed by a code block (a typo would skip it)."""
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    found = {page: marked_blocks(page) for page in pages}
    assert set(FAST_PAGES) | set(SLOW_PAGES) == {p for p, b in found.items() if b}
    for page in pages:
        for n, line in enumerate((DOCS / page).read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"<!--\s*test", line):
                assert _MARKER.match(line), f"docs/{page}:{n}: malformed marker {line.strip()!r}"


def test_pasted_outputs_are_marked() -> None:
    """A ``text`` block right after a tested example's code (nothing but blank lines between)
    is its output, so it is marked to be compared or skipped; output markers are well formed,
    and those compared stand in pages whose examples run."""
    run = set(FAST_PAGES) | set(SLOW_PAGES)
    problems = []
    for path in sorted(DOCS.rglob("*.md")):
        page = path.relative_to(DOCS).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            where = f"docs/{page}:{i + 1}"
            if re.search(r"<!--\s*output", line) and not _OUTPUT_MARKER.match(line):
                problems.append(f"{where}: malformed marker {line.strip()!r}")
            marker = _MARKER.match(line)
            if marker is None or marker["path"] is not None:
                continue
            end = _fence(lines, i + 1, marker["indent"], where)[2]
            after = next((ln for ln in lines[end + 1 :] if ln.strip()), "")
            fence = _FENCE_OPEN.match(after)
            if fence is not None and fence["lang"] == "text":
                problems.append(f"{where}: the output after this example has no output marker")
        outputs = output_blocks(page)
        if page not in run and any(o.skip is None for o in outputs):
            problems.append(f"docs/{page}: output markers in a page whose examples do not run")
    assert not problems, "\n".join(problems)


def test_outputs_are_compared_loosely_only_where_marked() -> None:
    """Trailing spaces and blank edges do not count; ``…`` stands for lines left out."""
    assert same_output("a\nb  \n", "\na\nb\n\n")
    assert not same_output("a\nb", "a\nc")
    assert not same_output("a", "a\nb")  # a line more is a difference
    assert same_output("head\n…\ntail", "head\n1\n2\ntail")
    assert same_output("head\n…\ntail", "head\ntail")
    assert not same_output("head\n…\ntail", "head\n1\n")
    assert same_output("", "\n") and not same_output("", "a")
    assert console_commands("$ echo a\na\n$ true") == [("echo a", "a"), ("true", "")]


def test_blocks_run_alone_unless_continued(tmp_path: Path) -> None:
    """A plain block starts its own example; a continued block joins the one before it."""
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- test -->\n```python\nx = 1\n```\n"
        "<!-- test: continued -->\n```python\ny = x\n```\n"
        "<!-- test -->\n```python\nz = 2\n```\n",
        encoding="utf-8",
    )
    global DOCS
    saved, DOCS = DOCS, tmp_path
    try:
        grouped = chains(marked_blocks("page.md"))
    finally:
        DOCS = saved
    assert [[b.code for b in chain] for chain in grouped] == [["x = 1\n", "y = x\n"], ["z = 2\n"]]


def test_cli_page_names_every_option() -> None:
    """docs/cli.md mentions every subcommand and every option of the parser."""
    from bialign.cli import build_parser

    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and a.dest == "command")
    missing = []
    for name, sub in subparsers.choices.items():
        if f"bialign {name}" not in page:
            missing.append(f"bialign {name}")
        for action in sub._actions:
            missing += [f"{name} {opt}" for opt in action.option_strings if opt not in page]
    assert not missing, f"docs/cli.md does not mention: {', '.join(missing)}"


def test_alignment_page_describes_every_feature() -> None:
    """docs/concepts/alignment.md has a row for every feature of the link model."""
    from bialign.aligner import FEATURES

    page = (DOCS / "concepts" / "alignment.md").read_text(encoding="utf-8")
    missing = [f for f in FEATURES if f"| `{f}` |" not in page]
    assert not missing, f"docs/concepts/alignment.md does not describe: {', '.join(missing)}"


def test_segmentation_page_describes_every_role() -> None:
    """docs/segmentation.md has a row for every role."""
    from bialign import ROLES

    page = (DOCS / "segmentation.md").read_text(encoding="utf-8")
    assert [r for r in ROLES if f"| `{r}` |" not in page] == []


def test_alignment_page_shows_the_measured_reliability() -> None:
    """The reliability and per-slice tables of docs/concepts/alignment.md are those of
    resources/reliability.json (written by benchmarks/fit_weights.py --folds)."""
    from _benchmarks import load_benchmark

    mod = load_benchmark("fit_weights")
    table = json.loads((ROOT / "resources" / "reliability.json").read_text(encoding="utf-8"))
    page = (DOCS / "concepts" / "alignment.md").read_text(encoding="utf-8")
    for name, rows in mod.docs_tables(table).items():
        assert f"<!-- {name} -->\n" + "\n".join(rows) + f"\n<!-- /{name} -->" in page, name
    from bialign import load_weights

    assert table["weights"] == load_weights().version


_REST_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|data|attr|exc|obj|const):`")


def test_docstrings_use_markdown_not_rest_roles() -> None:
    """mkdocstrings renders Markdown; a reST role would be printed literally in the reference."""
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted((ROOT / "bialign").rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if _REST_ROLE.search(line)
    ]
    assert not found


def test_docs_build_fails_on_an_unrendered_role() -> None:
    """The mkdocs hook (docs/hooks.py) stops the build when a page shows a reST role."""
    import importlib.util
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    assert spec and spec.loader
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="reference/api.md"))
    assert hooks.on_page_content("<p>See <code>Article</code>.</p>", page) == (
        "<p>See <code>Article</code>.</p>"
    )
    with pytest.raises(PluginError, match=":class:"):
        hooks.on_page_content("<p>See :class:<code>Article</code>.</p>", page)
