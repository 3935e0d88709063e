"""Corpus building: `bialign.corpus.align_corpus` and `run_corpus`, serial and on Dask."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bialign.corpus import Manifest, align_corpus, run_corpus
from bialign.errors import (
    InputTypeError,
    OptionError,
    OutputError,
    ResourceError,
    UnknownNameError,
)
from bialign.pairing import pair

ROOT = Path(__file__).resolve().parents[1]

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
FILES = ("pairs.tsv", "corpus.ar", "corpus.en", "corpus.ids.tsv", "links.jsonl", "corpus.tmx")

# Short articles written for these tests (headline, then body), one story per pair.
STORIES = {
    "flood": (
        "فيضانات في الإسكندرية\n\nضربت فيضانات شديدة مدينة الإسكندرية يوم الثلاثاء. "
        "قالت السلطات إن 12 شخصا لقوا حتفهم.\n\nأغلقت المدارس في المدينة لمدة ثلاثة أيام.",
        "Floods in Alexandria\n\nSevere floods hit the city of Alexandria on Tuesday. "
        "Authorities said 12 people were killed.\n\nSchools in the city were closed for "
        "three days.",
    ),
    "match": (
        "المغرب يهزم البرتغال\n\nفاز المنتخب المغربي على البرتغال بهدف نظيف. سجل يوسف "
        "النصيري هدف المباراة الوحيد في الشوط الأول.\n\nيلتقي المغرب مع فرنسا في نصف النهائي.",
        "Morocco beat Portugal\n\nMorocco's national team beat Portugal one-nil. Youssef "
        "En-Nesyri scored the only goal of the match in the first half.\n\nMorocco will face "
        "France in the semi-final.",
    ),
    "bank": (
        "تركيا ترفع الفائدة\n\nرفع البنك المركزي التركي سعر الفائدة إلى 45 في المئة. يهدف "
        "القرار إلى كبح التضخم المرتفع.\n\nتراجعت الليرة التركية أمام الدولار بعد الإعلان.",
        "Turkey raises rates\n\nTurkey's central bank raised its interest rate to 45 percent. "
        "The decision aims to curb high inflation.\n\nThe Turkish lira fell against the dollar "
        "after the announcement.",
    ),
}


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    ar, en = tmp_path / "ar", tmp_path / "en"
    ar.mkdir()
    en.mkdir()
    for name, (a, e) in STORIES.items():
        (ar / f"{name}.txt").write_text(a, encoding="utf-8")
        (en / f"{name}.txt").write_text(e, encoding="utf-8")
    return ar, en


def pairs_of(ar: Path, en: Path) -> list[tuple[Path, Path]]:
    return [(ar / f"{k}.txt", en / f"{k}.txt") for k in STORIES]


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def serial_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest, Path, Path]:
    base = tmp_path_factory.mktemp("serial")
    ar, en = base / "ar", base / "en"
    ar.mkdir()
    en.mkdir()
    for name, (a, e) in STORIES.items():
        (ar / f"{name}.txt").write_text(a, encoding="utf-8")
        (en / f"{name}.txt").write_text(e, encoding="utf-8")
    out = base / "out"
    manifest = run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN)
    return out, manifest, ar, en


def test_run_writes_every_file(serial_run: tuple[Path, Manifest, Path, Path]) -> None:
    out, manifest, _, _ = serial_run
    for name in (*FILES, "manifest.json"):
        assert (out / name).is_file(), name
    assert len(list((out / "alignments").glob("*.json"))) == 3
    assert list(out.rglob("*.tmp")) == []
    assert manifest.counts["pairs"] == manifest.counts["done"] == 3
    assert manifest.counts["failed"] == 0
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["format"] == "bialign-corpus/1"
    assert data["signature"].startswith("bialign|")
    assert data["signatures"] == {data["signature"]: 3}
    assert len(list((out / "alignments").glob("*.digest"))) == 3
    assert data["counts"] == manifest.counts
    assert data["settings"]["roles"] == ["body", "headline"]


def test_moses_corpus_lines_up(serial_run: tuple[Path, Manifest, Path, Path]) -> None:
    out, manifest, _, _ = serial_run
    ar = (out / "corpus.ar").read_text(encoding="utf-8").splitlines()
    en = (out / "corpus.en").read_text(encoding="utf-8").splitlines()
    ids = (out / "corpus.ids.tsv").read_text(encoding="utf-8").splitlines()
    assert len(ar) == len(en) == len(ids) - 1 == manifest.counts["moses_lines"] > 6
    assert ids[0].split("\t") == [
        "arabic",
        "english",
        "arabic_ids",
        "english_ids",
        "score",
        "link_type",
    ]
    i = en.index("Severe floods hit the city of Alexandria on Tuesday.")
    assert ar[i] == "ضربت فيضانات شديدة مدينة الإسكندرية يوم الثلاثاء."
    assert ids[i + 1].split("\t")[0].endswith("flood.txt")
    links = [json.loads(x) for x in (out / "links.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(links) == manifest.counts["links"]
    assert set(links[0]) >= {"arabic_doc", "english_doc", "arabic_ids", "score", "roles"}
    pairs = (out / "pairs.tsv").read_text(encoding="utf-8").splitlines()
    assert len(pairs) == 4 and pairs[1].split("\t")[3] == "counterpart"


def test_tmx_holds_the_kept_links(serial_run: tuple[Path, Manifest, Path, Path]) -> None:
    import xml.etree.ElementTree as ET

    out, manifest, _, _ = serial_run
    root = ET.parse(out / "corpus.tmx").getroot()
    units = root.findall("body/tu")
    assert len(units) == manifest.counts["tmx_units"] > 0
    assert root.find("header").get("creationdate") == "20260102T030405Z"
    scores = [float(u.find("prop[@type='x-score']").text) for u in units]
    assert min(scores) >= 0.9  # the TMX default of bialign.export


def test_resume_skips_done_pairs_and_writes_the_same(
    serial_run: tuple[Path, Manifest, Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    import bialign.corpus

    out = tmp_path / "copy"
    shutil.copytree(serial_run[0], out)
    ar, en = serial_run[2], serial_run[3]
    before = snapshot(out)

    def never(*_a: object) -> None:
        raise AssertionError("a done pair was aligned again")

    monkeypatch.setattr(bialign.corpus, "_align_job", never)
    again = run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN)
    assert again.counts["skipped"] == 3
    after = snapshot(out)
    before.pop("manifest.json")
    after.pop("manifest.json")
    assert after == before


def test_filters_and_dedupe(serial_run: tuple[Path, Manifest, Path, Path], tmp_path: Path) -> None:
    import shutil

    _, base, ar, en = serial_run
    # The same story under other file names: another pair, whose sentence pairs are duplicates.
    shutil.copy(ar / "flood.txt", tmp_path / "flood-copy.ar.txt")
    shutil.copy(en / "flood.txt", tmp_path / "flood-copy.en.txt")
    pairs = [*pairs_of(ar, en), (tmp_path / "flood-copy.ar.txt", tmp_path / "flood-copy.en.txt")]
    m = run_corpus(pairs, tmp_path / "o", progress=False, roles=["body"], created=WHEN)
    lines = (tmp_path / "o" / "corpus.en").read_text(encoding="utf-8").splitlines()
    assert "Floods in Alexandria" not in lines  # a headline
    assert len(lines) == len(set(lines))
    assert m.counts["duplicates"] > 0 and m.counts["duplicate_pairs"] == 0
    m2 = run_corpus(
        pairs, tmp_path / "o", progress=False, dedupe=False, min_score=1.0, created=WHEN
    )
    assert m2.counts["skipped"] == 4
    assert m2.counts["moses_lines"] < base.counts["moses_lines"]


def test_a_pair_given_twice_is_aligned_and_counted_once(
    serial_run: tuple[Path, Manifest, Path, Path], tmp_path: Path
) -> None:
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(serial_run[0], out)
    ar, en = serial_run[2], serial_run[3]
    flood = (ar / "flood.txt", en / "flood.txt")
    m = run_corpus([*pairs_of(ar, en), flood, flood], out, progress=False, created=WHEN)
    assert m.counts["pairs"] == 5 and m.counts["done"] == 3
    assert m.counts["skipped"] == 3 and m.counts["duplicate_pairs"] == 2
    assert m.counts["links"] == serial_run[1].counts["links"]  # not the flood links again
    assert "2 given twice" in m.summary()


def test_a_failed_pair_given_twice_fails_once(folders: tuple[Path, Path], tmp_path: Path) -> None:
    ar, en = folders
    (en / "empty.txt").write_text("   \n", encoding="utf-8")
    bad = (ar / "bank.txt", en / "empty.txt")
    m = run_corpus([bad, bad], tmp_path / "o", progress=False)
    assert m.counts["failed"] == 1 and m.counts["duplicate_pairs"] == 1
    assert m.counts["done"] == m.counts["skipped"] == 0
    assert len(m.failed) == 1


def test_resume_aligns_again_a_pair_whose_file_changed(
    serial_run: tuple[Path, Manifest, Path, Path], tmp_path: Path
) -> None:
    """The per-pair JSON is named after the ids: its `.digest` tells that the text changed."""
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(serial_run[0], out)
    ar, en = tmp_path / "ar", tmp_path / "en"
    shutil.copytree(serial_run[2], ar)
    shutil.copytree(serial_run[3], en)
    run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN)  # the new paths: aligned
    before = (out / "corpus.en").read_text(encoding="utf-8")
    assert "Severe floods hit the city of Alexandria on Tuesday." in before
    (en / "flood.txt").write_text(
        "Floods in Alexandria\n\nSevere floods struck Alexandria on Tuesday, killing "
        "12 people.\n\nSchools in the city stayed closed for three days.",
        encoding="utf-8",
    )
    m = run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN)
    assert m.counts["skipped"] == 2 and m.counts["done"] == 3 and m.counts["failed"] == 0
    after = (out / "corpus.en").read_text(encoding="utf-8")
    assert "Severe floods hit the city of Alexandria on Tuesday." not in after
    assert "Severe floods struck Alexandria on Tuesday, killing 12 people." in after
    again = run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN)
    assert again.counts["skipped"] == 3


def test_resume_aligns_again_a_damaged_json(
    serial_run: tuple[Path, Manifest, Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    import bialign.corpus

    out = tmp_path / "copy"
    shutil.copytree(serial_run[0], out)
    ar, en = serial_run[2], serial_run[3]
    before = snapshot(out)
    damaged = sorted((out / "alignments").glob("*.json"))[0]
    damaged.write_text('{"trunc', encoding="utf-8")
    m = run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN)
    assert m.counts["failed"] == 0 and m.counts["skipped"] == 2 and m.counts["done"] == 3
    after = snapshot(out)
    before.pop("manifest.json")
    after.pop("manifest.json")
    assert after == before

    def never(*_a: object) -> None:
        raise AssertionError("a done pair was aligned again")

    monkeypatch.setattr(bialign.corpus, "_align_job", never)
    assert run_corpus(pairs_of(ar, en), out, progress=False).counts["skipped"] == 3


def test_resume_aligns_again_after_a_version_change(
    serial_run: tuple[Path, Manifest, Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    import bialign.corpus

    out = tmp_path / "copy"
    shutil.copytree(serial_run[0], out)
    ar, en = serial_run[2], serial_run[3]
    stamp = bialign.corpus._run_stamp()
    assert stamp["weights"] != "unavailable" and stamp["doc"] != "unavailable"
    monkeypatch.setattr(bialign.corpus, "_run_stamp", lambda spec: {**stamp, "weights": "other"})
    m = run_corpus(pairs_of(ar, en)[:1], out, progress=False, created=WHEN)
    assert m.counts["skipped"] == 0 and m.counts["done"] == 1


def test_mixed_signatures_are_reported(
    serial_run: tuple[Path, Manifest, Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import hashlib
    import shutil
    import xml.etree.ElementTree as ET

    import bialign.corpus

    out = tmp_path / "copy"
    shutil.copytree(serial_run[0], out)
    ar, en = serial_run[2], serial_run[3]
    assert serial_run[1].signatures == {serial_run[1].signature: 3}
    # One pair aligned with other settings (its digest rewritten to match, as a run would).
    path = sorted((out / "alignments").glob("*.json"))[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["signature"] = data["signature"].replace("anchors:yes", "anchors:no")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    digest = path.with_suffix(".digest")
    record = json.loads(digest.read_text(encoding="utf-8"))
    record["json_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    digest.write_text(json.dumps(record), encoding="utf-8")

    def never(*_a: object) -> None:
        raise AssertionError("a done pair was aligned again")

    monkeypatch.setattr(bialign.corpus, "_align_job", never)
    m = run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN)
    assert m.counts["skipped"] == 3
    assert m.signature is None and m.mixed_signatures
    assert sorted(m.signatures.values()) == [1, 2]
    assert "2 different signatures" in m.summary()
    saved = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert saved["signature"] is None and saved["signatures"] == m.signatures
    header = ET.parse(out / "corpus.tmx").getroot().find("header")
    assert header is not None and header.find("prop[@type='x-signature']") is None


@pytest.fixture(scope="module")
def running_cluster() -> Iterator[Any]:
    """A real `LocalCluster` started apart from bialign (two worker processes, one thread
    each), reached only by its scheduler's address, as a user's cluster would be."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster


def test_a_running_scheduler_by_address_gives_the_same_bytes(
    serial_run: tuple[Path, Manifest, Path, Path],
    running_cluster: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``scheduler=ADDR`` (API) and ``--scheduler ADDR`` (CLI) connect to the running
    cluster (no cluster of their own), write the serial run's bytes, and each worker loads
    the encoder once however many runs reuse it."""
    import distributed

    from bialign import corpus
    from bialign.cli import main
    from bialign.export import to_json

    out, _, ar, en = serial_run
    address = running_cluster.scheduler_address

    def no_local_cluster(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("started a LocalCluster instead of connecting to the address")

    monkeypatch.setattr(distributed, "LocalCluster", no_local_cluster)
    m = run_corpus(
        pairs_of(ar, en), tmp_path / "api", scheduler=address, progress=False, created=WHEN
    )
    assert m.counts["done"] == 3 and not m.failed
    assert snapshot(tmp_path / "api") == snapshot(out)

    streamed = list(align_corpus(pairs_of(ar, en), scheduler=address))
    serial = list(align_corpus(pairs_of(ar, en)))
    assert [label for label, _ in streamed] == [label for label, _ in serial]
    assert [to_json(r) for _, r in streamed] == [to_json(r) for _, r in serial]

    class Frozen(datetime):  # the CLI dates its TMX now; the serial run used WHEN
        @classmethod
        def now(cls, tz: Any = None) -> Frozen:  # type: ignore[override]
            return cls.fromtimestamp(WHEN.timestamp(), tz)

    monkeypatch.setattr(corpus, "datetime", Frozen)
    known = tmp_path / "known.tsv"
    known.write_text("".join(f"{a}\t{e}\n" for a, e in pairs_of(ar, en)), encoding="utf-8")
    argv = ["corpus", str(ar), str(en), "--pairs", str(known), "--scheduler", address]
    assert main([*argv, "-o", str(tmp_path / "cli"), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert snapshot(tmp_path / "cli") == snapshot(out)

    with distributed.Client(address) as c:
        loads = c.run(_encoder_loads)
        plugins = c.run(_plugin_names)
        cached = c.run(_embedded_texts)
    assert len(loads) == 2 and set(loads.values()) == {1}, loads
    assert all("bialign-encoder" in names for names in plugins.values()), plugins
    assert sum(cached.values()) > 0  # the workers embedded the sentences, not this process


def _encoder_loads() -> int:
    from bialign.scorers.embedding import _load

    return _load.cache_info().misses


def _plugin_names(dask_worker: Any) -> list[str]:
    return sorted(dask_worker.plugins)


def _embedded_texts() -> int:
    from bialign.aligner import _Signals

    return int(_Signals.embedding().cache_info[0])  # type: ignore[attr-defined]


@contextlib.contextmanager
def _listener(reply: bytes | None) -> Iterator[str]:
    """A TCP server on a free local port that is not Dask: it sends ``reply`` (or nothing)
    to each connection and keeps it open, as an HTTP port or a proxy might."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()
    kept: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            if reply is not None:
                conn.sendall(reply)
            kept.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in kept:
            conn.close()
        server.close()


def _refused_address() -> str:
    with socket.socket() as s:  # a port just freed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def _finishes(fn: Any, seconds: float = 60.0) -> BaseException | None:
    """Run ``fn`` in a thread; the exception it raised. Fails the test if it hangs
    (the bound is far above the 1 s timeout used: it tells a hang from an answer)."""
    caught: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "hangs instead of reporting the scheduler"
    return caught[0] if caught else None


@pytest.mark.parametrize(
    ("server", "reason"),
    [
        ("refused", "no answer from a Dask scheduler within 1 s"),
        ("silent", "no answer from a Dask scheduler within 1 s"),
        ("http", "no answer from a Dask scheduler within 1 s|does not speak Dask's protocol"),
        ("worker", "the server there is a Dask Worker, not a scheduler"),
    ],
)
def test_a_bad_scheduler_address_is_a_bialign_error(
    server: str, reason: str, running_cluster: Any, tmp_path: Path
) -> None:
    """Nothing listening, a server that never answers, an HTTP server, a Dask worker: each
    gives a one-line `SchedulerError`, within ``scheduler_timeout``, never a hang."""
    from bialign.corpus import SchedulerError
    from bialign.errors import BialignError

    http = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
    with contextlib.ExitStack() as stack:
        if server == "refused":
            address = _refused_address()
        elif server == "worker":
            address = next(iter(running_cluster.scheduler_info["workers"]))
        else:
            address = stack.enter_context(_listener(http if server == "http" else None))

        def run() -> None:
            run_corpus([("x", "y")], tmp_path / "o", scheduler=address, scheduler_timeout=1)

        error = _finishes(run)
    assert isinstance(error, SchedulerError), repr(error)
    assert isinstance(error, BialignError) and isinstance(error, OSError)
    assert error.address == address
    assert re.match(rf"cannot reach the Dask scheduler at {re.escape(address)}: ", str(error))
    assert re.search(reason, str(error)) and "\n" not in str(error)
    assert not (tmp_path / "o" / "corpus.ar").exists()

    stream = align_corpus([("x", "y")], scheduler=address, scheduler_timeout=1)
    assert isinstance(_finishes(lambda: list(stream)), SchedulerError)


def test_a_scheduler_without_workers_is_a_bialign_error(tmp_path: Path) -> None:
    """A running scheduler that has no worker gives a `SchedulerError` after the timeout
    (it used to wait for a worker forever)."""
    from distributed import LocalCluster

    from bialign.corpus import SchedulerError

    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster:
        address = cluster.scheduler_address

        def run() -> None:
            run_corpus([("x", "y")], tmp_path / "o", scheduler=address, scheduler_timeout=1)

        error = _finishes(run)
    assert isinstance(error, SchedulerError), repr(error)
    assert f"the Dask scheduler at {address} has no worker after 1 s" in str(error)
    assert not (tmp_path / "o" / "corpus.ar").exists()


def test_the_cli_reports_a_bad_scheduler_in_one_line(
    folders: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bialign import corpus
    from bialign.cli import main

    monkeypatch.setattr(corpus, "SCHEDULER_TIMEOUT", 0.5)  # the default the CLI uses
    ar, en = folders
    address = _refused_address()
    code = main(["corpus", str(ar), str(en), "-o", str(tmp_path / "o"), "--scheduler", address])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1] == (
        f"bialign: error: cannot reach the Dask scheduler at {address}: "
        "no answer from a Dask scheduler within 0.5 s"
    )
    assert not any("Traceback" in line for line in err)


def test_a_failing_document_is_recorded_and_the_run_goes_on(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    ar, en = folders
    (ar / "bad.txt").write_bytes(STORIES["flood"][0].encode("cp1256"))
    (en / "empty.txt").write_text("   \n", encoding="utf-8")
    pairs = [
        (ar / "bad.txt", en / "flood.txt"),
        (ar / "match.txt", en / "match.txt"),
        (ar / "bank.txt", en / "empty.txt"),
    ]
    m = run_corpus(pairs, tmp_path / "o", progress=False)
    assert m.counts["done"] == 1 and m.counts["failed"] == 2
    errors = {f["arabic"]: f["error"] for f in m.failed}
    assert "Windows-1256" in errors[str(ar / "bad.txt")]
    assert "EmptyInputError" in errors[str(ar / "bank.txt")]


def test_align_corpus_streams_in_order(folders: tuple[Path, Path]) -> None:
    ar, en = folders
    got = list(align_corpus(pairs_of(ar, en)))
    assert [label for label, _ in got] == [
        (str(ar / f"{k}.txt"), str(en / f"{k}.txt")) for k in STORIES
    ]
    assert all(res.document and res.document.verdict == "counterpart" for _, res in got)
    with pytest.raises(Exception, match="failed"):
        list(align_corpus([(ar / "flood.txt", en / "nothing.txt")]))
    assert list(align_corpus([(ar / "flood.txt", en / "nothing.txt")], on_error="skip")) == []


def test_a_pairing_feeds_the_corpus(folders: tuple[Path, Path], tmp_path: Path) -> None:
    ar, en = folders
    (en / "extra.txt").write_text(
        "Frog found\n\nA new species of frog was discovered in the Amazon rainforest.",
        encoding="utf-8",
    )
    pairing = pair(ar, en)
    assert len(pairing.matches) == 3 and pairing.english_unmatched == (str(en / "extra.txt"),)
    got = list(align_corpus(pairing))
    assert [label.arabic for label, _ in got] == sorted(str(p) for p in ar.iterdir())
    m = run_corpus(pairing, tmp_path / "o", progress=False)
    assert m.counts["done"] == 3


def test_progress_lines_when_stderr_is_not_a_terminal(
    folders: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ar, en = folders
    run_corpus(pairs_of(ar, en)[:1], tmp_path / "o", progress=True)
    err = capsys.readouterr().err
    assert "1/1 document pairs" in err and "sentences/s" in err
    assert "\r" not in err


def test_dask_local_cluster_gives_the_same_bytes(
    serial_run: tuple[Path, Manifest, Path, Path], tmp_path: Path
) -> None:
    """Two one-thread workers of a real `LocalCluster` (in this process: processes=False),
    with the encoder's cache emptied first so that the workers embed every sentence again."""
    import bialign

    out, _, ar, en = serial_run
    bialign.clear_caches()
    m = run_corpus(pairs_of(ar, en), tmp_path / "d", workers=2, progress=False, created=WHEN)
    assert m.counts["done"] == 3
    assert snapshot(tmp_path / "d") == snapshot(out)


@pytest.mark.slow
def test_dask_worker_processes_give_the_same_bytes(
    serial_run: tuple[Path, Manifest, Path, Path], tmp_path: Path
) -> None:
    """Worker processes each load the encoder once (about 15 s on 2 cores)."""
    out, _, ar, en = serial_run
    m = run_corpus(
        pairs_of(ar, en), tmp_path / "p", workers=2, processes=True, progress=False, created=WHEN
    )
    assert m.counts["done"] == 3
    assert snapshot(tmp_path / "p") == snapshot(out)


def test_worker_processes_share_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of N worker processes gets the cores divided by N encoder threads (at least 1);
    ``BIALIGN_THREADS``, when set, holds for each worker instead."""
    from bialign.corpus import _worker_threads
    from bialign.scorers.embedding import default_threads

    monkeypatch.delenv("BIALIGN_THREADS", raising=False)
    cores = default_threads()
    assert _worker_threads(1) == cores
    assert _worker_threads(2) == max(1, cores // 2)
    assert _worker_threads(10 * cores) == 1
    monkeypatch.setenv("BIALIGN_THREADS", "3")
    assert _worker_threads(2) == 3


@pytest.mark.slow
def test_local_worker_processes_get_their_share_of_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker processes of bialign's own `LocalCluster` load their encoder with their
    share of the cores (more threads than cores made a two-process run 2.6 times slower)."""
    from bialign.corpus import _client
    from bialign.scorers.embedding import default_threads

    monkeypatch.delenv("BIALIGN_THREADS", raising=False)
    with _client(None, 2, None, True, 30.0) as c:
        seen = c.run(default_threads)
    assert list(seen.values()) == [max(1, default_threads() // 2)] * 2


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"workers": 0}, OptionError),
        ({"workers": 2, "scheduler": "tcp://127.0.0.1:1"}, OptionError),
        ({"scheduler": "localhost"}, OptionError),
        ({"scheduler": "tcp://127.0.0.1:1", "scheduler_timeout": 0}, OptionError),
        ({"scheduler": "tcp://127.0.0.1:1", "scheduler_timeout": float("nan")}, OptionError),
        ({"scheduler": "tcp://127.0.0.1:1", "scheduler_timeout": True}, OptionError),
        ({"min_score": 2}, OptionError),
        ({"roles": "body"}, OptionError),
        ({"roles": ["body", "lede"]}, UnknownNameError),
        ({"dedupe": "no"}, OptionError),
        ({"resume": None}, OptionError),
        ({"created": datetime(2026, 1, 1)}, OptionError),
    ],
)
def test_bad_options_are_refused_before_any_work(
    kwargs: dict, error: type[Exception], tmp_path: Path
) -> None:
    with pytest.raises(error):
        run_corpus([("x", "y")], tmp_path / "o", **kwargs)
    assert not (tmp_path / "o").exists()


def test_bad_pairs_and_output(tmp_path: Path) -> None:
    with pytest.raises(InputTypeError):
        run_corpus("ar.txt", tmp_path / "o")
    with pytest.raises(InputTypeError):
        run_corpus([("only one",)], tmp_path / "o")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError):
        run_corpus([("x", "y")], tmp_path / "file")
    with pytest.raises(OptionError):
        list(align_corpus([], batch_size=0))


def test_a_corpus_with_a_dictionary(
    folders: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every alignment of the run uses the dictionary (signature, dictionary weights);
    resume skips only pairs aligned with the same one; a missing source fails first."""
    from bialign import Signature, load_weights
    from bialign.cli import main
    from bialign.export import to_json

    ar, en = folders
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("تعاون\tcooperation\nأمن\tsecurity\n", encoding="utf-8")
    out = tmp_path / "out"
    m = run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN, dictionary=glossary)
    assert m.counts["done"] == 3 and not m.failed and m.signature is not None
    sig = Signature.parse(m.signature)
    assert sig.dictionary == "glossary:terms.tsv"
    assert sig.weights == load_weights(ROOT / "resources" / "weights_dictionary.json").version
    again = run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN, dictionary=glossary)
    assert again.counts["skipped"] == 3
    plain = run_corpus(pairs_of(ar, en), out, progress=False, created=WHEN)
    assert plain.counts["skipped"] == 0 and plain.counts["done"] == 3
    assert plain.signature is not None and "dictionary" not in plain.signature
    serial = list(align_corpus(pairs_of(ar, en), dictionary=str(glossary)))
    assert all("dictionary:glossary:terms.tsv" in r.signature for _, r in serial)
    on_dask = list(align_corpus(pairs_of(ar, en), dictionary=str(glossary), workers=2))
    assert [to_json(r) for _, r in on_dask] == [to_json(r) for _, r in serial]

    with pytest.raises(ResourceError):
        run_corpus(pairs_of(ar, en), tmp_path / "o2", dictionary=tmp_path / "none.tsv")
    assert not (tmp_path / "o2").exists()
    with pytest.raises(OptionError):
        run_corpus(pairs_of(ar, en), tmp_path / "o3", dictionary=3)  # type: ignore[arg-type]
    code = main(
        ["corpus", str(ar), str(en), "-o", str(tmp_path / "o4"), "-q", "--dictionary", "x.tsv"]
    )
    assert code == 1 and "cannot read the glossary" in capsys.readouterr().err
    assert not (tmp_path / "o4").exists()
