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

The marker may be indented (inside an admonition); the fence must then have the same indent.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
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
)

_MARKER = re.compile(
    r"^(?P<indent>[ \t]*)<!--\s*test(?::\s*(?P<continued>continued)|-file:\s*(?P<path>\S+))?"
    r"\s*-->\s*$"
)
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)\s*$")


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
        fence = _FENCE_OPEN.match(lines[i + 1]) if i + 1 < len(lines) else None
        if fence is None or fence["indent"] != marker["indent"]:
            raise AssertionError(f"{where}: a test marker must be followed by a code fence")
        indent = fence["indent"]
        body = []
        for k in range(i + 2, len(lines)):
            if lines[k].strip() == "```" and lines[k].startswith(indent + "```"):
                break
            body.append(lines[k][len(indent) :] if lines[k].startswith(indent) else lines[k])
        else:
            raise AssertionError(f"{where}: unclosed code fence")
        path = marker["path"]
        if path is None and fence["lang"] != "python":
            raise AssertionError(f"{where}: <!-- test --> marks a {fence['lang']!r} block")
        if path is not None and not path.startswith("out/"):
            raise AssertionError(f"{where}: test files go under out/, not {path}")
        continued = marker["continued"] is not None
        if continued and not any(b.path is None for b in blocks):
            raise AssertionError(f"{where}: 'test: continued' with no example before it")
        code = textwrap.dedent("\n".join(body)) + "\n"
        blocks.append(Block(page, i + 3, fence["lang"], code, path, continued))
    return blocks


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
import json, sys
ns = {"__name__": "__main__"}
for page, line, code in json.load(sys.stdin):
    exec(compile("\\n" * (line - 1) + code, "docs/" + page, "exec"), ns)
"""


def run_page(page: str) -> None:
    blocks = marked_blocks(page)
    assert blocks, f"docs/{page} has no runnable example"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    written: list[Path] = []
    made: list[Path] = []
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
            proc = subprocess.run(
                [sys.executable, "-c", _RUNNER],
                input=json.dumps(code),
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            where = f"docs/{page}:{chain[0].line}"
            assert proc.returncode == 0, f"{where}:\n{proc.stdout}\n{proc.stderr}"
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
    finally:
        for target in written:
            target.unlink(missing_ok=True)
        for folder in made:  # deepest first; only the folders this run created, if empty
            with contextlib.suppress(OSError):
                folder.rmdir()


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
