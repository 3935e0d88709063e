"""The command line: subcommands, outputs, and one-line errors with exit code 1."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bialign.cli import main

ROOT = Path(__file__).resolve().parents[1]
AR = str(ROOT / "seeds" / "002_f2c150e3c700ff1f.txt")
EN = str(ROOT / "seeds" / "000_9b6c93be4bbc7b4e.txt")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class TestSegment:
    def test_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "segment", EN, "--format", "json")
        data = json.loads(out)
        assert code == 0 and data["lang"] == "en"
        assert data["segments"][1]["role"] == "headline"
        source = Path(EN).read_text(encoding="utf-8")
        for s in data["segments"]:
            assert source[s["start"] : s["end"]] == s["text"]

    def test_text_and_tsv(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "segment", AR)[1].splitlines()[1].split()[1] == "headline"
        tsv = run(capsys, "segment", AR, "-f", "tsv")[1]
        assert tsv.splitlines()[0] == "index\trole\tparagraph\tstart\tend\ttext"


class TestAlign:
    def test_csv_to_stdout(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(capsys, "align", AR, EN)
        rows = list(csv.DictReader(io.StringIO(out)))
        assert code == 0 and rows and rows[0]["link_type"]
        assert "pairs" in err  # progress/summary on stderr

    @pytest.mark.parametrize("ext", ["csv", "json", "tmx", "html"])
    def test_format_from_extension(self, tmp_path: Path, ext: str) -> None:
        out = tmp_path / f"pairs.{ext}"
        assert main(["align", AR, EN, "-o", str(out), "-q"]) == 0
        text = out.read_text(encoding="utf-8-sig")
        assert text.strip()
        if ext == "json":
            assert json.loads(text)["format"].startswith("bialign-alignment/")

    def test_include_unaligned_and_min_score(self, tmp_path: Path) -> None:
        out = tmp_path / "all.csv"
        main(["align", AR, EN, "-o", str(out), "--include-unaligned", "--min-score", "0.5", "-q"])
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        kinds = {r["link_type"] for r in rows}
        assert {"1-0", "0-1"} <= kinds
        assert all(float(r["score"]) >= 0.5 for r in rows if r["score"])


class TestErrors:
    def one_line_error(self, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
        code, _out, err = run(capsys, *argv)
        assert code == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("bialign: error: ")
        return lines[0]

    def test_not_utf8(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        bad = tmp_path / "cp1256.txt"
        bad.write_bytes("سوريا والصين".encode("cp1256"))
        assert "not UTF-8" in self.one_line_error(capsys, "segment", str(bad))

    def test_missing_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "no such file" in self.one_line_error(capsys, "align", "nope.txt", EN)

    def test_empty_article(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        empty = tmp_path / "empty.txt"
        empty.write_text("  \n", encoding="utf-8")
        self.one_line_error(capsys, "align", str(empty), EN)

    def test_no_letters(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        f = tmp_path / "digits.txt"
        f.write_text("123 456", encoding="utf-8")
        assert "Arabic or Latin" in self.one_line_error(capsys, "segment", str(f))

    def test_swapped(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "swapped" in self.one_line_error(capsys, "align", EN, AR)

    def test_unknown_format(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out = tmp_path / "pairs.docx"
        self.one_line_error(capsys, "align", AR, EN, "-o", str(out))
        assert not out.exists()

    def test_unwritable_output(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out = tmp_path / "missing" / "pairs.csv"
        self.one_line_error(capsys, "align", AR, EN, "-o", str(out))
        assert not out.parent.exists()

    def test_bad_min_score(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "min-score" in self.one_line_error(capsys, "align", AR, EN, "--min-score", "2")


def test_python_dash_m_and_console_script() -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "bialign", "--version"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0 and out.stdout.startswith("bialign ")


def test_demo_writes_csv_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path), "--seeds", str(ROOT / "seeds"))
    assert code == 0
    assert (tmp_path / "seed_pairs.csv").stat().st_size > 1000
    assert "<html" in (tmp_path / "seed_report.html").read_text(encoding="utf-8")
    assert "pairs" in out
