"""The command line: subcommands, outputs, and one-line errors with exit code 1."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

import bialign.aligner
import bialign.export
import bialign.segmentation
from bialign import cli
from bialign._resources import resource_dir
from bialign.cli import main
from bialign.errors import LanguageWarning, OutputError, TruncationWarning

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

    def test_tsv_escapes_tabs_and_backslashes(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        f = tmp_path / "tabs.txt"
        f.write_text("Syria\tand China agreed\tMonday. Mr. Wang spoke of C:\\x.\n", "utf-8")
        code, out, _ = run(capsys, "segment", str(f), "-f", "tsv")
        rows = out.splitlines()
        assert code == 0 and len(rows) > 1
        assert all(len(r.split("\t")) == 6 for r in rows)
        texts = [r.split("\t")[5] for r in rows[1:]]
        assert "Syria\\tand China agreed\\tMonday." in texts
        assert "C:\\\\x." in texts[-1]

    def test_tsv_field_round_trip(self) -> None:
        text = "a\tb\nc\rd\\t e"
        escaped = cli.tsv_field(text)
        assert "\t" not in escaped and "\n" not in escaped and "\r" not in escaped
        unescaped = escaped.encode("ascii").decode("unicode_escape")
        assert unescaped == text

    def test_json_source(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Syria and China agreed.")))
            code, out, _ = run(capsys, "segment", "-", "-f", "json")
        assert code == 0 and json.loads(out)["source"] == "stdin"


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

    def test_records_sources(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out = tmp_path / "result.json"
        assert main(["align", AR, EN, "-o", str(out), "-q"]) == 0
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["arabic"]["source"] == AR and data["english"]["source"] == EN
        html = tmp_path / "report.html"
        assert main(["align", AR, EN, "-o", str(html), "-q"]) == 0
        text = html.read_text(encoding="utf-8")
        assert Path(AR).name in text and Path(EN).name in text

    def test_stdin_source(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(Path(AR).read_bytes())))
        out = tmp_path / "result.json"
        assert main(["align", "-", EN, "-o", str(out), "-q"]) == 0
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["arabic"]["source"] == "stdin" and data["english"]["source"] == EN

    def test_summary_then_wrote(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out = tmp_path / "pairs.csv"
        code, _out, err = run(capsys, "align", AR, EN, "-o", str(out))
        lines = err.splitlines()
        assert code == 0 and len(lines) == 2 and out.is_file()
        assert lines[0].startswith("bialign: ") and "pairs" in lines[0]
        assert lines[1] == f"bialign: wrote {out}"

    def test_flags_for_another_format_warn(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(
            capsys, "align", AR, EN, "-q", "-f", "json", "--excel", "--layout", "tidy"
        )
        assert code == 0 and json.loads(out)["format"].startswith("bialign-alignment/")
        assert err.splitlines() == [
            "bialign: warning: --excel does not apply to json output; ignored",
            "bialign: warning: --layout does not apply to json output; ignored",
        ]

    def test_tmx_defaults_apply_unless_given(self, capsys: pytest.CaptureFixture[str]) -> None:
        default = run(capsys, "align", AR, EN, "-q", "-f", "tmx")[1]
        everything = run(
            capsys, "align", AR, EN, "-q", "-f", "tmx", "--min-score", "0", "--roles", "all"
        )[1]
        assert 0 < default.count("<tu ") < everything.count("<tu ")
        assert "--roles" not in capsys.readouterr().err

    def test_tmx_language_codes(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(
            capsys,
            "align",
            AR,
            EN,
            "-q",
            "-f",
            "tmx",
            "--arabic-code",
            "ar-SY",
            "--english-code",
            "en-GB",
        )
        assert code == 0 and 'xml:lang="ar-SY"' in out and 'xml:lang="en-GB"' in out

    def test_roles(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "align", AR, EN, "-q", "--roles", "headline, body")
        rows = list(csv.DictReader(io.StringIO(out)))
        assert code == 0 and rows
        roles = {
            r for row in rows for r in (row["arabic_roles"] + " " + row["english_roles"]).split()
        }
        assert roles <= {"headline", "body"} and "body" in roles

    def test_layout(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "align", AR, EN, "-q", "--layout", "tidy")
        header = next(csv.reader(io.StringIO(out)))
        assert code == 0 and tuple(header) == bialign.export.CSV_TIDY_COLUMNS

    def test_include_unaligned_and_min_score(self, tmp_path: Path) -> None:
        out = tmp_path / "all.csv"
        main(["align", AR, EN, "-o", str(out), "--include-unaligned", "--min-score", "0.5", "-q"])
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        kinds = {r["link_type"] for r in rows}
        assert {"1-0", "0-1"} <= kinds
        assert all(float(r["score"]) >= 0.5 for r in rows if r["score"])

    def test_differences_csv(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out, diff = tmp_path / "pairs.csv", tmp_path / "differences.csv"
        code, _, err = run(capsys, "align", AR, EN, "-o", str(out), "--differences", str(diff))
        assert code == 0 and out.exists() and f"wrote {diff}" in err
        rows = list(csv.DictReader(diff.open(encoding="utf-8")))
        assert tuple(rows[0]) == bialign.export.DIFFERENCES_CSV_COLUMNS
        sides = {r["side"] for r in rows}
        assert {"only_arabic", "only_english", "shared_ar", "shared_en"} <= sides
        assert any(r["kind"] == "name" and r["text"] == "Xi Jinping" for r in rows)


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
        assert f"{empty}: the text is empty" in self.one_line_error(capsys, "align", str(empty), EN)

    def test_empty_standard_input_is_named(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import io

        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
        assert "stdin: the text is empty" in self.one_line_error(capsys, "align", AR, "-")

    def test_no_letters(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        f = tmp_path / "digits.txt"
        f.write_text("123 456", encoding="utf-8")
        assert "Arabic or Latin" in self.one_line_error(capsys, "segment", str(f))

    def test_language_errors_name_the_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        f = tmp_path / "digits.txt"
        f.write_text("123 456", encoding="utf-8")
        line = self.one_line_error(capsys, "align", str(f), EN)
        assert str(f) in line and "Arabic or Latin" in line
        line = self.one_line_error(capsys, "align", EN, EN)
        assert f"the Arabic side ({EN}) is not Arabic" in line

    def test_include_unaligned_needs_the_pairs_layout_before_any_work(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(bialign.aligner, "align", _never)
        line = self.one_line_error(
            capsys, "align", AR, EN, "--layout", "tidy", "--include-unaligned"
        )
        assert "--include-unaligned works only with --layout pairs" in line
        assert "--layout tidy" in line and "=" not in line

    def test_include_unaligned_with_tidy_is_only_ignored_for_another_format(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        out = tmp_path / "res.json"
        code, _, err = run(
            capsys, "align", AR, EN, "-o", str(out), "--layout", "tidy", "--include-unaligned"
        )
        assert code == 0 and out.exists()
        assert "--include-unaligned does not apply to json output" in err

    def test_an_unknown_flag_names_its_command(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as info:
            main(["align", AR, EN, "--bogus"])
        err = capsys.readouterr().err.strip()
        assert info.value.code == 2
        assert err == (
            "bialign: error: align: unrecognized arguments: --bogus (see bialign align --help)"
        )

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

    def test_differences_file_checked_first(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(bialign.aligner, "align", _never)
        missing = tmp_path / "missing" / "d.csv"
        line = self.one_line_error(capsys, "align", AR, EN, "--differences", str(missing))
        assert str(missing) in line
        same = tmp_path / "out.csv"
        line = self.one_line_error(
            capsys, "align", AR, EN, "-o", str(same), "--differences", str(same)
        )
        assert "--differences" in line and not same.exists()
        # The same file by another path.
        monkeypatch.chdir(tmp_path)
        line = self.one_line_error(
            capsys, "align", AR, EN, "-o", "out.csv", "--differences", f"../{tmp_path.name}/out.csv"
        )
        assert "another file than --output" in line and not same.exists()
        line = self.one_line_error(capsys, "align", AR, EN, "--differences", "d.json")
        assert ".csv" in line and not (tmp_path / "d.json").exists()

    def test_outputs_never_overwrite_an_input(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(bialign.aligner, "align", _never)
        ar = tmp_path / "ar.csv"
        ar.write_text(Path(AR).read_text(encoding="utf-8"), encoding="utf-8")
        before = ar.read_bytes()
        for flag in ("-o", "--differences"):
            line = self.one_line_error(capsys, "align", str(ar), EN, flag, str(ar))
            assert "input articles" in line
        assert ar.read_bytes() == before

    def test_a_flag_before_the_command_is_the_programs(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(SystemExit):
            main(["-q", "align", AR, EN])
        assert capsys.readouterr().err.strip().endswith("(see bialign --help)")

    def test_both_from_stdin(self, capsys: pytest.CaptureFixture[str]) -> None:
        line = self.one_line_error(capsys, "align", "-", "-")
        assert "only one side may come from standard input" in line

    def test_output_is_a_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(bialign.aligner, "align", _never)
        line = self.one_line_error(capsys, "align", "nope.txt", EN, "-o", str(tmp_path))
        assert str(tmp_path) in line and "folder" in line

    def test_output_under_a_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(bialign.aligner, "align", _never)
        (tmp_path / "file.txt").write_text("x", encoding="utf-8")
        out = tmp_path / "file.txt" / "out.csv"
        line = self.one_line_error(capsys, "align", "nope.txt", EN, "-o", str(out))
        assert "not a folder" in line

    @pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere"
    )
    def test_output_folder_not_writable(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(bialign.aligner, "align", _never)
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        try:
            line = self.one_line_error(capsys, "align", AR, EN, "-o", str(folder / "out.csv"))
        finally:
            folder.chmod(0o700)
        assert "cannot write" in line
        assert list(folder.iterdir()) == []

    def test_write_failure_is_the_only_line(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        def fail(*_args: object, **_kwargs: object) -> None:
            raise OutputError("out.csv: cannot write (disk full)", "out.csv")

        monkeypatch.setattr(bialign.export, "write", fail)
        line = self.one_line_error(capsys, "align", AR, EN, "-o", str(tmp_path / "out.csv"))
        assert "disk full" in line

    def test_usage_error_is_one_line(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as exit_:
            main(["segment", "--format", "xml", AR])
        err = capsys.readouterr().err
        assert exit_.value.code == 2
        assert err.splitlines() == [err.strip()] and err.startswith("bialign: error: segment: ")
        assert "'xml'" in err and "bialign segment --help" in err

    @pytest.mark.parametrize(
        ("flag", "value"),
        [
            ("--roles", "headlines"),
            ("--roles", ","),
            ("--arabic-code", "en"),
            ("--english-code", "e"),
        ],
    )
    def test_bad_export_flag(
        self,
        flag: str,
        value: str,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setattr(bialign.aligner, "align", _never)
        line = self.one_line_error(capsys, "align", AR, EN, "-f", "tmx", flag, value)
        assert flag in line

    def test_utf16(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        f = tmp_path / "utf16.txt"
        f.write_bytes("Syria and China agreed.".encode("utf-16"))
        assert "UTF-16" in self.one_line_error(capsys, "segment", str(f))

    def test_stdin_not_utf8(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        data = "سوريا والصين".encode("cp1256")
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        assert "stdin: not UTF-8" in self.one_line_error(capsys, "segment", "-")

    def test_wrong_lang(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.one_line_error(capsys, "segment", "--lang", "ar", EN)

    def test_stdout_not_utf8(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
        assert "PYTHONIOENCODING=utf-8" in self.one_line_error(capsys, "segment", AR)

    def test_arabic_code_pages_and_english_to_ascii_are_accepted(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from bialign.cli import _check_stdout

        for enc in ("cp1256", "iso8859-6", "utf-8"):
            _check_stdout(io.TextIOWrapper(io.BytesIO(), encoding=enc))
        f = tmp_path / "en.txt"
        f.write_text("Syria and China agreed on Monday.", encoding="utf-8")
        buf = io.BytesIO()
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buf, encoding="ascii"))
        assert main(["segment", str(f)]) == 0
        sys.stdout.flush()
        assert b"Syria and China agreed" in buf.getvalue()

    def test_the_stream_that_failed_is_named(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from bialign.cli import _unencodable

        try:
            "سوريا".encode("ascii")
        except UnicodeEncodeError as exc:
            error = exc
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="utf-8"))
        monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(io.BytesIO(), encoding="cp1252"))
        assert _unencodable(error).endswith("encoding cp1252 of standard error")
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
        assert _unencodable(error).endswith("encoding iso8859-1 of standard output")

    @pytest.mark.parametrize("command", [("align", AR, EN), ("demo", "--seeds", "nodir")])
    def test_stdout_that_cannot_hold_arabic_is_refused_before_any_work(
        self,
        command: tuple[str, ...],
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setattr(bialign.aligner, "align", _never)
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="cp1252"))
        line = self.one_line_error(capsys, *command)
        assert "encoding cp1252, which cannot hold Arabic; set PYTHONIOENCODING=utf-8" in line
        assert ("--output" in line) == (command[0] == "align")

    def test_bad_min_score(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "min-score" in self.one_line_error(capsys, "align", AR, EN, "--min-score", "2")


def _never(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the CLI aligned although the output cannot be written")


class TestWarnings:
    @pytest.mark.parametrize("category", [LanguageWarning, TruncationWarning])
    def test_one_line(
        self,
        category: type[Warning],
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        real = bialign.segmentation.read_article

        def warning_read_article(text: str, **kw: object) -> object:
            warnings.warn("the text does not read as English\n(French words)", category, 2)
            return real(text, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(bialign.segmentation, "read_article", warning_read_article)
        code, out, err = run(capsys, "segment", EN)
        assert code == 0 and out
        assert err == "bialign: warning: the text does not read as English (French words)\n"

    def test_language_warning(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        f = tmp_path / "fr.txt"
        f.write_text(
            "Le ministre est arrivé à Pékin pour des entretiens avec les dirigeants "
            "de la Chine sur la sécurité.\n",
            encoding="utf-8",
        )
        code, out, err = run(capsys, "segment", "--lang", "en", str(f))
        assert code == 0 and out
        assert len(err.splitlines()) == 1 and err.startswith("bialign: warning: ")
        assert "French" in err

    def test_other_warnings_untouched(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        real = bialign.segmentation.read_article

        def warning_read_article(text: str, **kw: object) -> object:
            warnings.warn("something else", RuntimeWarning, 2)
            return real(text, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(bialign.segmentation, "read_article", warning_read_article)
        with pytest.warns(RuntimeWarning, match="something else"):
            assert run(capsys, "segment", EN)[0] == 0


class TestDemo:
    def test_shows_both_sides(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "demo", "--out", str(tmp_path), "--seeds", str(ROOT / "seeds"))
        assert code == 0
        lines = out.splitlines()
        ar_lines = [ln for ln in lines if "  ar  " in ln]
        en_lines = [ln for ln in lines if "  en  " in ln]
        assert len(ar_lines) == len(en_lines) == 6
        assert any("سوريا" in ln for ln in ar_lines)
        assert any("1-1" in ln for ln in ar_lines)
        assert "Arabic only" in out and "English only" in out
        assert max(len(ln) for ln in lines if "Wrote" not in ln) <= 100

    def test_bad_seeds_folder(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(capsys, "demo", "--out", str(tmp_path), "--seeds", str(tmp_path))
        assert code == 1 and err.startswith("bialign: error: --seeds ")
        assert len(err.splitlines()) == 1 and "does not hold" in err
        code, _, err = run(capsys, "demo", "--seeds", str(tmp_path / "nodir"))
        assert code == 1 and err.rstrip().endswith("nodir: no such folder")

    def test_find_seeds_outside_the_repo(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        seeds = cli._find_seeds(None)
        assert (seeds / cli.SEED_ARABIC).is_file() and (seeds / cli.SEED_ENGLISH).is_file()

    def test_find_seeds_in_the_packaged_data(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """As from a wheel: no ./seeds, no checkout, the seeds in the package data."""
        data = tmp_path / "_data"
        (data / "seeds").mkdir(parents=True)
        for name in (cli.SEED_ARABIC, cli.SEED_ENGLISH):
            (data / "seeds" / name).write_bytes((ROOT / "seeds" / name).read_bytes())
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(cli, "_REPO_SEEDS", tmp_path / "no-checkout" / "seeds")
        monkeypatch.setenv("BIALIGN_RESOURCES", str(data))
        resource_dir.cache_clear()
        try:
            assert cli._find_seeds(None) == data / "seeds"
        finally:
            monkeypatch.delenv("BIALIGN_RESOURCES")
            resource_dir.cache_clear()


@pytest.mark.slow
def test_wheel_holds_the_seeds(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("bialign-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for seed in (cli.SEED_ARABIC, cli.SEED_ENGLISH):
        assert f"bialign/_data/seeds/{seed}" in names


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


# --------------------------------------------------------------------------- corpus


def _corpus_folders(tmp_path: Path) -> tuple[Path, Path]:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    ar, en = tmp_path / "ar", tmp_path / "en"
    ar.mkdir()
    en.mkdir()
    (ar / "anadolu.txt").write_bytes((seeds / "002_f2c150e3c700ff1f.txt").read_bytes())
    (en / "anadolu.txt").write_bytes((seeds / "000_9b6c93be4bbc7b4e.txt").read_bytes())
    (en / "other.txt").write_bytes((seeds / "003_360714d64b266035.txt").read_bytes())
    return ar, en


def test_corpus_pairs_folders_and_writes_the_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ar, en = _corpus_folders(tmp_path)
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "corpus", str(ar), str(en), "-o", str(out))
    assert code == 0, err
    assert stdout == ""
    assert "1 of 1 document pairs aligned" in err
    rows = (out / "pairs.tsv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and rows[1].startswith(f"{ar / 'anadolu.txt'}\t{en / 'anadolu.txt'}")
    n = len((out / "corpus.ar").read_text(encoding="utf-8").splitlines())
    assert n == len((out / "corpus.en").read_text(encoding="utf-8").splitlines()) > 3
    # With the pairs given (the pairs.tsv just written), quiet, every role, no resume.
    code, _, err = run(
        capsys,
        "corpus",
        str(ar),
        str(en),
        "-o",
        str(tmp_path / "o2"),
        "--pairs",
        str(out / "pairs.tsv"),
        "--roles",
        "all",
        "--min-score",
        "0.5",
        "--no-dedupe",
        "--no-resume",
        "-q",
    )
    assert code == 0 and err == ""
    manifest = json.loads((tmp_path / "o2" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["min_score"] == 0.5 and manifest["settings"]["dedupe"] is False
    assert len(manifest["settings"]["roles"]) == len(bialign.segmentation.ROLES)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--workers", "0"], "--workers must be at least 1"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
        (["--min-score", "3"], "--min-score must be a number from 0 to 1"),
        (["--roles", "body,lede"], "'lede' is not a role"),
        (["--pairs", "missing.tsv"], "missing.tsv: no such file"),
    ],
)
def test_corpus_refuses_bad_options_before_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    ar, en = _corpus_folders(tmp_path)
    code, _, err = run(capsys, "corpus", str(ar), str(en), "-o", str(tmp_path / "o"), *extra)
    assert code == 1 and message in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_corpus_needs_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "corpus", str(tmp_path / "none"), str(tmp_path), "-o", "x")
    assert code == 1 and "no such folder" in err
