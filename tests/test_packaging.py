"""Release habits: one version number, the pre-commit hooks of `make lint`, the build check in CI.

(The build check itself, `make build-check`, builds the wheel and runs it in a fresh virtual
environment; it takes minutes, so CI runs it after the tests rather than from here.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import bialign

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_is_written_once() -> None:
    """pyproject.toml takes the version from bialign/_version.py instead of repeating it."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "bialign/_version.py"
    source = (ROOT / "bialign" / "_version.py").read_text(encoding="utf-8")
    # hatch's regex source reads the first `__version__ = "..."`.
    assert re.findall(r'^__version__ = "([^"]+)"$', source, re.M) == [bialign.__version__]


def test_the_cli_reports_the_version() -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "bialign", "--version"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    assert out.stdout.strip() == f"bialign {bialign.__version__}"


def _make_recipe(target: str) -> list[str]:
    """The command lines of a Makefile target."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"{target}:"))
    recipe = []
    for ln in lines[start + 1 :]:
        if not ln.startswith("\t"):
            break
        recipe.append(ln.strip())
    return recipe


def test_pre_commit_runs_what_make_lint_runs() -> None:
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    lint = _make_recipe("lint")
    for tool in ("ruff check", "ruff format"):
        line = next(ln for ln in lint if f"bin/{tool}" in ln)
        folders = line.split(tool, 1)[1].split()
        folders = [f for f in folders if not f.startswith("-")]
        hook = next(h for h in hooks.values() if h["entry"].startswith(tool))
        assert hook["language"] == "system"  # the environment's tools, no download
        for folder in folders:
            assert re.match(hook["files"], f"{folder}/module.py"), (tool, folder)
        assert not re.match(hook["files"], "docs/hooks.py")  # what make lint leaves alone
    mypy = hooks["mypy"]
    assert mypy["entry"] == "mypy" and mypy["pass_filenames"] is False  # [tool.mypy] files


def test_ci_runs_the_build_check_after_the_tests() -> None:
    steps = [
        ln.strip()
        for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if ln.strip().startswith("make ")
    ]
    assert steps == ["make test", "make build-check"]
    assert any(".ci/build-check" in ln for ln in _make_recipe("build-check"))
