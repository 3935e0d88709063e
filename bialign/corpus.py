"""Align many article pairs and build a parallel corpus from them (its own stage).

`align_corpus` streams the alignments of many document pairs (a
`bialign.pairing.Pairing` or an iterable of ``(arabic, english)`` documents),
serially or on a Dask cluster; `run_corpus` writes them into a folder:

* ``pairs.tsv``: the document pairs, with the document probability and verdict;
* ``corpus.ar`` / ``corpus.en``: the Moses-style parallel corpus, one sentence
  pair per line (line breaks inside a text become spaces), and
  ``corpus.ids.tsv``: where each line comes from (document ids, sentence ids,
  score, link type);
* ``links.jsonl``: every link, one JSON object a line (unfiltered);
* ``corpus.tmx``: the kept links as a TMX 1.4b translation memory;
* ``alignments/``: one JSON per document pair (`bialign.export.to_json`) and,
  next to it, a ``.digest`` file: a digest of both input texts, the bialign
  version, the weights version and the document model version, and the SHA-256
  of the JSON. A resumed run keeps a pair's JSON only when both still match;
* ``manifest.json``: the signature (or the signatures, when the pairs differ),
  the settings, the counts, the pairs done and the failed ones with their error.

The corpus files are always rebuilt from the per-pair JSON files, in the order
of the pairs, so a run on a cluster, a serial run and a resumed run write the
same bytes. Every file is written to a temporary file and renamed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ._checks import whole_number
from ._version import __version__
from .errors import BialignError, InputTypeError, OptionError, OutputError, SchedulerError
from .pairing import DocumentMatch, Pairing

if TYPE_CHECKING:
    from .result import Alignment

__all__ = [
    "CORPUS_FORMAT",
    "MOSES_ROLES",
    "Manifest",
    "SchedulerError",
    "align_corpus",
    "run_corpus",
]

#: Format identifier written into ``manifest.json``.
CORPUS_FORMAT = "bialign-corpus/1"
#: Roles the Moses corpus keeps by default (every segment of a link must have one).
MOSES_ROLES: tuple[str, ...] = ("headline", "body")
#: Tasks in flight on a cluster, per worker, by default.
DEFAULT_BATCH_SIZE = 8
#: Seconds between two plain progress lines (when standard error is not a terminal).
PROGRESS_EVERY = 10.0
#: Seconds to reach a running Dask scheduler (``scheduler=``) and hear it answer, by default.
SCHEDULER_TIMEOUT = 10.0
#: Format identifier of the ``.digest`` file next to each per-pair JSON.
DIGEST_FORMAT = "bialign-corpus-digest/1"


@dataclass(frozen=True)
class _Job:
    """One document pair to align."""

    index: int
    arabic_id: str | int
    english_id: str | int
    arabic: Any
    english: Any
    match: DocumentMatch | None = None

    @property
    def label(self) -> DocumentMatch | tuple[str | int, str | int]:
        return self.match if self.match is not None else (self.arabic_id, self.english_id)

    def file_name(self) -> str:
        """A stable file name for the pair's JSON: readable stems and a hash of both ids."""
        return self._file_name

    @functools.cached_property
    def _file_name(self) -> str:  # asked for about ten times a pair; hashes its texts once
        h = hashlib.sha1()
        for side_id, doc in ((self.arabic_id, self.arabic), (self.english_id, self.english)):
            h.update(str(side_id).encode("utf-8") + b"\0")
            if isinstance(side_id, int):  # an index: the content tells pairs apart
                h.update(_content(doc).encode("utf-8", "surrogatepass") + b"\0")
        stems = "__".join(_stem(x) for x in (self.arabic_id, self.english_id))
        return f"{stems}-{h.hexdigest()[:10]}.json"

    def digest_name(self) -> str:
        """The name of the ``.digest`` file kept next to the pair's JSON."""
        return self.file_name().removesuffix(".json") + ".digest"


def _input_bytes(doc: Any) -> bytes:
    """The bytes a document's alignment depends on (a file's content, not its name)."""
    from .segmentation import Article

    if isinstance(doc, os.PathLike):
        try:
            with open(doc, "rb") as fh:
                return b"file:" + fh.read()
        except OSError as exc:  # the alignment fails too; it never matches a digest kept
            return f"unreadable:{type(exc).__name__}".encode()
    if isinstance(doc, Article):
        return b"article:" + repr((doc.text, doc.lang, doc.segments)).encode(
            "utf-8", "surrogatepass"
        )
    if isinstance(doc, str):
        return b"text:" + doc.encode("utf-8", "surrogatepass")
    try:
        items = [str(x) for x in doc]
    except TypeError:
        return b"other:" + repr(doc).encode("utf-8", "surrogatepass")
    return b"sentences:" + json.dumps(items, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _run_stamp(dictionary: str | None = None) -> dict[str, str]:
    """What, besides the inputs, a pair's alignment depends on: the versions in its signature
    (and, with a bilingual dictionary, its name)."""
    stamp = {"version": __version__, "weights": "unavailable", "doc": "unavailable"}
    try:
        from ._resources import resource_path
        from .aligner import DICTIONARY_WEIGHTS, load_weights

        path = resource_path(DICTIONARY_WEIGHTS) if dictionary else None
        stamp["weights"] = str(load_weights(path).version)
    except Exception:  # the alignments fail with the reason; nothing to resume either
        pass
    if dictionary:
        stamp["dictionary"] = _job_dictionary(dictionary).name
    try:
        from .document import load_document_model

        stamp["doc"] = str(load_document_model().version)
    except Exception:
        pass
    return stamp


def _pair_digest(job: _Job, stamp: dict[str, str]) -> str:
    """SHA-256 of both input documents and the run's versions (`_run_stamp`)."""
    h = hashlib.sha256()
    parts = [json.dumps(stamp, sort_keys=True).encode("utf-8")]
    parts += [_input_bytes(job.arabic), _input_bytes(job.english)]
    for part in parts:
        h.update(f"{len(part)}:".encode("ascii"))
        h.update(part)
    return h.hexdigest()


def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _resumable(adir: Path, job: _Job, digest: str) -> bool:
    """Whether the pair's JSON is intact and was aligned from these inputs by these versions."""
    try:
        record = json.loads((adir / job.digest_name()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("format") == DIGEST_FORMAT
        and record.get("inputs") == digest
        and record.get("json_sha256") == _sha256_file(adir / job.file_name())
    )


def _content(doc: Any) -> str:
    from .segmentation import Article

    if isinstance(doc, Article):
        return doc.text
    if isinstance(doc, str):
        return doc
    if isinstance(doc, os.PathLike):
        return os.fspath(doc)
    return "\n".join(map(str, doc))


def _stem(doc_id: str | int) -> str:
    name = Path(doc_id).stem if isinstance(doc_id, str) else f"doc{doc_id}"
    return re.sub(r"[^\w.-]+", "_", name)[:40] or "doc"


def _side_id(doc: Any, index: int) -> str | int:
    from .segmentation import Article

    if isinstance(doc, os.PathLike):
        return os.fspath(doc)
    if isinstance(doc, Article) and doc.source:
        return doc.source
    return index


def _jobs(pairs: Any) -> list[_Job]:
    """The jobs of a `Pairing` (its matches, in Arabic input order) or of ``(ar, en)`` items."""
    if isinstance(pairs, Pairing):
        order = {k: i for i, k in enumerate(pairs.arabic_ids)}
        matches = sorted(pairs.matches, key=lambda m: order.get(m.arabic, len(order)))
        return [
            _Job(
                i,
                m.arabic,
                m.english,
                pairs.sources[("arabic", m.arabic)],
                pairs.sources[("english", m.english)],
                m,
            )
            for i, m in enumerate(matches)
        ]
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise InputTypeError(
            "pairs must be a bialign.pairing.Pairing or an iterable of (arabic, english) "
            f"documents, not {type(pairs).__name__}",
            pairs,
            expected="Pairing | Iterable[tuple]",
        )
    out = []
    for i, item in enumerate(pairs):
        if isinstance(item, str | bytes) or not isinstance(item, Sequence) or len(item) != 2:
            raise InputTypeError(
                f"pair {i} must be an (arabic, english) tuple of documents, "
                f"not {type(item).__name__}",
                item,
                expected="tuple[doc, doc]",
            )
        ar, en = item
        out.append(_Job(i, _side_id(ar, i), _side_id(en, i), ar, en))
    return out


# --------------------------------------------------------------------------- workers


def _check_dictionary(dictionary: Any) -> str | None:
    """The dictionary option of a run, as the text the workers load it from; read once
    here, so that a missing file or package fails before any work."""
    if dictionary is None:
        return None
    if isinstance(dictionary, os.PathLike):
        dictionary = os.fspath(dictionary)
    if not isinstance(dictionary, str):
        raise OptionError(
            "dictionary",
            dictionary,
            "None, 'buckwalter', a glossary's path or several joined by +",
            "a corpus run takes the dictionary by name or path (each worker loads it once), "
            f"not a {type(dictionary).__name__}",
        )
    _job_dictionary(dictionary)
    return dictionary


@functools.lru_cache(maxsize=8)
def _job_dictionary(spec: str) -> Any:
    """A run's bilingual dictionary, loaded once per process (`bialign.dictionary`)."""
    from .dictionary import load_dictionary

    return load_dictionary(spec)


def _align_job(
    arabic: Any, english: Any, dictionary: str | None = None
) -> tuple[str | None, int, str | None]:
    """Align one pair: ``(json_text, sentences, None)`` or ``(None, 0, error)``.

    Runs in this process or on a Dask worker; the encoder loads once per process
    (`bialign.aligner._Signals`), and so does the ``dictionary``, given by name or
    path. Any error is returned, not raised, so that one bad document does not
    stop the run.
    """
    from .aligner import align
    from .export import to_json

    try:
        res = align(arabic, english, dictionary=_job_dictionary(dictionary) if dictionary else None)
        return (
            to_json(res, differences=False),
            len(res.arabic.segments) + len(res.english.segments),
            None,
        )
    except Exception as exc:
        return None, 0, f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def _load_encoder() -> None:
    from .aligner import _Signals

    _Signals.embedding().embed(["."])  # type: ignore[attr-defined]


def _worker_threads(workers: int) -> int:
    """The encoder threads of each of ``workers`` worker processes on this machine.

    The thread default shared out (`bialign.scorers.embedding.default_threads`,
    the cores up to 8, divided by ``workers``, at least 1), unless
    ``BIALIGN_THREADS`` is set, which then holds for each worker. Measured on 2
    cores (244 NTREX pairs, two worker processes): one encoder thread each took
    2.92× the encoder's own time, two each (4 threads on 2 cores) 7.48×, and one
    process aligning serially 2.91×.
    """
    from .scorers.embedding import THREADS_VARIABLE, default_threads

    if os.environ.get(THREADS_VARIABLE, "").strip():
        return default_threads()
    return max(1, default_threads() // max(1, workers))


def _encoder_plugin() -> Any:
    """A Dask `WorkerPlugin` that loads the sentence encoder once when a worker starts."""
    from distributed import WorkerPlugin

    class EncoderPlugin(WorkerPlugin):
        name = "bialign-encoder"

        def setup(self, worker: Any) -> None:
            _load_encoder()

    return EncoderPlugin()


def _probe_scheduler(address: str, timeout: float) -> None:
    """Check that a Dask scheduler answers at ``address`` within ``timeout`` seconds.

    Dask bounds the TCP connection by its timeout but not the handshake that
    follows, so a server that answers without being a scheduler (a dashboard's
    HTTP port, a proxy) would hang `distributed.Client` for good. This asks the
    server who it is under one deadline, on an event loop of its own in a
    thread of its own (so it also works under a running loop, as in Jupyter).

    Raises:
        SchedulerError: Nothing answers in time, the answer is not Dask's, or
            the server is a Dask worker or nanny rather than the scheduler.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect

    async def ask() -> Any:
        # Dask retries a refused connection until its own deadline: a later one than
        # ours, so that every timeout is reported the same way.
        comm = await connect(address, timeout=2 * timeout + 1)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> Any:
        return await asyncio.wait_for(ask(), timeout)

    def fail(reason: str) -> SchedulerError:
        return SchedulerError(f"cannot reach the Dask scheduler at {address}: {reason}", address)

    with ThreadPoolExecutor(1, thread_name_prefix="bialign-probe") as pool:
        try:
            answer = pool.submit(lambda: asyncio.run(bounded())).result()
        except TimeoutError as exc:  # our deadline (asyncio.wait_for)
            raise fail(f"no answer from a Dask scheduler within {timeout:g} s") from exc
        except Exception as exc:
            reason = _one_line(str(exc))[:200]
            reason = f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__
            if not isinstance(exc, OSError):  # bytes that are not Dask's: a garbled frame …
                reason = f"the server there does not speak Dask's protocol ({reason})"
            raise fail(reason) from exc
    kind = answer.get("type") if isinstance(answer, dict) else None
    if kind != "Scheduler":
        what = f"a Dask {kind}" if isinstance(kind, str) else "not a Dask server"
        raise fail(f"the server there is {what}, not a scheduler")


@contextlib.contextmanager
def _client(
    client: Any,
    workers: int | None,
    scheduler: str | None,
    processes: bool,
    timeout: float,
) -> Iterator[Any]:
    """The Dask client to use: the one given, a new `LocalCluster`, one connected to an address.

    ``timeout``: seconds to reach the ``scheduler`` and hear it answer.
    """
    if client is not None:
        yield client
        return
    if workers is None and scheduler is None:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a dependency
        from .errors import MissingDependencyError

        raise MissingDependencyError("running on a Dask cluster", "dask[distributed]") from exc
    if scheduler is not None:
        _probe_scheduler(scheduler, timeout)
        try:
            connected = Client(scheduler, timeout=timeout)
        except Exception as exc:  # lost between the probe and now
            reason = _one_line(str(exc)) or type(exc).__name__
            raise SchedulerError(
                f"cannot reach the Dask scheduler at {scheduler}: {reason}", scheduler
            ) from exc
        with connected as c:
            try:  # a scheduler without workers would wait for one forever
                c.wait_for_workers(1, timeout=timeout)
            except Exception as exc:
                raise SchedulerError(
                    f"the Dask scheduler at {scheduler} has no worker after {timeout:g} s: start "
                    f"some (dask worker {scheduler}) or raise scheduler_timeout",
                    scheduler,
                ) from exc
            c.register_plugin(_encoder_plugin())
            yield c
        return
    from .scorers.embedding import THREADS_VARIABLE

    # Worker processes each load an encoder: each gets its share of the cores.
    extra = {"env": {THREADS_VARIABLE: str(_worker_threads(workers or 1))}} if processes else {}
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            **extra,
            # A free port: None does not turn the dashboard off, it takes 8787 (a warning when
            # another cluster holds it).
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as c,
    ):
        c.register_plugin(_encoder_plugin())
        yield c


def _results(
    jobs: Sequence[_Job], client: Any, batch_size: int, dictionary: str | None = None
) -> Iterator[tuple[_Job, str | None, int, str | None]]:
    """Run the jobs; yield ``(job, json_text, sentences, error)`` in job order."""
    if client is None:
        for job in jobs:
            yield (job, *_align_job(job.arabic, job.english, dictionary))
        return
    n_workers = max(1, len(client.scheduler_info().get("workers", {})) or 1)
    ahead = max(1, batch_size * n_workers)
    futures: list[tuple[_Job, Any]] = []
    it = iter(jobs)
    try:
        for job in it:
            futures.append(
                (job, client.submit(_align_job, job.arabic, job.english, dictionary, pure=False))
            )
            if len(futures) >= ahead:
                break
        while futures:
            job, fut = futures.pop(0)
            yield (job, *fut.result())
            nxt = next(it, None)
            if nxt is not None:
                futures.append(
                    (
                        nxt,
                        client.submit(_align_job, nxt.arabic, nxt.english, dictionary, pure=False),
                    )
                )
    finally:
        for _, fut in futures:
            fut.cancel()


def _check_run_options(
    workers: Any, scheduler: Any, client: Any, batch_size: Any, scheduler_timeout: Any = None
) -> float:
    """Check the run options; returns the seconds to reach a scheduler."""
    whole_number("workers", workers, allow_none=True)
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        raise OptionError(
            "scheduler", scheduler, "None or a scheduler address like tcp://host:8786"
        )
    given = [
        n
        for n, v in (("workers", workers), ("scheduler", scheduler), ("client", client))
        if v is not None
    ]
    if len(given) > 1:
        raise OptionError(given[1], "given", f"only one of {' and '.join(given)}")
    whole_number("batch_size", batch_size)
    if scheduler_timeout is None:
        return SCHEDULER_TIMEOUT
    if (
        isinstance(scheduler_timeout, bool)
        or not isinstance(scheduler_timeout, int | float)
        or not 0 < scheduler_timeout < math.inf
    ):
        raise OptionError(
            "scheduler_timeout", scheduler_timeout, "None or a number of seconds above 0"
        )
    return float(scheduler_timeout)


def align_corpus(
    pairs: Pairing | Iterable[tuple[Any, Any]],
    *,
    progress: bool = False,
    client: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    scheduler_timeout: float | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_error: str = "raise",
    dictionary: str | os.PathLike[str] | None = None,
) -> Iterator[tuple[DocumentMatch | tuple[str | int, str | int], Alignment]]:
    """Align many document pairs, one after the other or on a Dask cluster.

    Args:
        pairs: A `bialign.pairing.Pairing` (its matches are aligned) or an
            iterable of ``(arabic, english)`` documents (texts, `pathlib.Path`
            files, lists of sentences or `Article` objects).
        progress: Show a progress bar (plain lines when standard error is not a terminal).
        client: A `distributed.Client` to run on.
        workers: Start a Dask `LocalCluster` of this many one-thread workers
            (in this process: they share its encoder) for the run.
        scheduler: The address of a running Dask scheduler (``tcp://host:8786``)
            to connect to for the run; each of its workers loads the encoder once.
        scheduler_timeout: Seconds to reach the ``scheduler`` and hear it answer;
            ``None``: `SCHEDULER_TIMEOUT` (10 s).
        batch_size: Tasks kept in flight per worker.
        on_error: ``"raise"``: a pair that fails raises `bialign.BialignError`
            with the pair and the cause; ``"skip"``: it is left out.
        dictionary: A bilingual dictionary for every alignment, as `bialign.align`
            takes it but by name or path only (``"buckwalter"``, a glossary's
            path, several joined by ``+``): each worker loads it once.

    Yields:
        ``(match, alignment)`` in the order of the pairs: ``match`` is the
        `DocumentMatch` of a pairing, or the ``(arabic_id, english_id)`` of the
        pair (the path as a string, the article's source, or the pair's index).

    Raises:
        OptionError: An option has a value it does not take; before any work.
        InputTypeError: ``pairs`` is not a pairing or an iterable of pairs.
        SchedulerError: The ``scheduler`` does not answer within
            ``scheduler_timeout``, or what answers is not a Dask scheduler.
    """
    from .export import load_json

    timeout = _check_run_options(workers, scheduler, client, batch_size, scheduler_timeout)
    if on_error not in ("raise", "skip"):
        raise OptionError("on_error", on_error, '"raise" or "skip"')
    if not isinstance(progress, bool):
        raise OptionError("progress", progress, "True or False")
    spec = _check_dictionary(dictionary)
    jobs = _jobs(pairs)
    bar = _Progress(len(jobs), progress)
    with _client(client, workers, scheduler, False, timeout) as c:
        try:
            for job, text, n, error in _results(jobs, c, batch_size, spec):
                bar.update(n)
                if error is not None:
                    if on_error == "raise":
                        raise BialignError(
                            f"pair {job.arabic_id!r} / {job.english_id!r} failed: {error}"
                        )
                    continue
                assert text is not None  # a job without an error carries its JSON
                yield job.label, load_json(text)
        finally:
            bar.close()


# --------------------------------------------------------------------------- progress


class _Progress:
    """A tqdm bar on a terminal, plain periodic lines otherwise; nothing when off."""

    def __init__(self, total: int, enabled: bool, stream: IO[str] | None = None) -> None:
        self.total = total
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.done = 0
        self.sentences = 0
        self.t0 = time.perf_counter()
        self.last = self.t0
        self.bar = None
        if enabled and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=self.stream, dynamic_ncols=True)

    def update(self, sentences: int) -> None:
        if not self.enabled:
            return
        self.done += 1
        self.sentences += sentences
        rate = self.sentences / max(time.perf_counter() - self.t0, 1e-9)
        if self.bar is not None:
            self.bar.set_postfix_str(f"{rate:.0f} sentences/s", refresh=False)
            self.bar.update(1)
            return
        now = time.perf_counter()
        if now - self.last >= PROGRESS_EVERY or self.done == self.total:
            self.last = now
            print(
                f"bialign: {self.done}/{self.total} document pairs, {rate:.0f} sentences/s",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --------------------------------------------------------------------------- files


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only when complete (temporary file, then rename)."""
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {path}: {(exc.strerror or exc)}", str(path)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _field(value: object) -> str:
    return re.sub(r"[\t\r\n]+", " ", str(value))


@dataclass(frozen=True)
class Manifest:
    """What `run_corpus` did (also written as ``manifest.json``).

    Attributes:
        out_dir: The output folder.
        signature: The aligner's signature when every pair has the same one;
            ``None`` when they differ (see ``signatures``) or no pair was aligned.
        settings: The filters: ``min_score``, ``roles``, ``tmx_min_score``,
            ``tmx_roles``, ``dedupe``.
        counts: ``pairs`` (as given), ``done`` (in the corpus, resumed ones
            included), ``skipped`` (resumed from an earlier run, not aligned
            again), ``duplicate_pairs`` (a pair given again in the same run: left
            out, counted once per repeat), ``failed``, ``links``,
            ``moses_lines``, ``tmx_units``, ``duplicates`` (duplicate sentence
            pairs dropped from the Moses corpus).
        done: The pairs aligned, as dicts with ``arabic``, ``english`` and ``file``.
        failed: The pairs (or documents) that failed, with ``error``.
        signatures: Each signature found in the per-pair JSON files and how many
            pairs carry it (more than one entry: the corpus mixes settings or
            versions).
    """

    out_dir: Path
    signature: str | None
    settings: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    done: tuple[dict[str, Any], ...] = ()
    failed: tuple[dict[str, Any], ...] = ()
    signatures: dict[str, int] = field(default_factory=dict)

    @property
    def mixed_signatures(self) -> bool:
        """Whether the pairs in the corpus were aligned with different signatures."""
        return len(self.signatures) > 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": CORPUS_FORMAT,
            "version": __version__,
            "signature": self.signature,
            "signatures": self.signatures,
            "settings": self.settings,
            "counts": self.counts,
            "done": list(self.done),
            "failed": list(self.failed),
        }

    def summary(self) -> str:
        c = self.counts
        repeated = c.get("duplicate_pairs", 0)
        text = (
            f"{c.get('done', 0)} of {c.get('pairs', 0)} document pairs aligned "
            f"({c.get('skipped', 0)} already done, {c.get('failed', 0)} failed"
            + (f", {repeated} given twice" if repeated else "")
            + f"); {c.get('links', 0)} links, {c.get('moses_lines', 0)} corpus lines, "
            f"{c.get('tmx_units', 0)} TMX units, {c.get('duplicates', 0)} duplicates dropped"
        )
        if self.mixed_signatures:
            text += f"; warning: {len(self.signatures)} different signatures (see manifest.json)"
        return text


def _check_out_dir(out_dir: Any) -> Path:
    if not isinstance(out_dir, str | os.PathLike):
        raise InputTypeError(
            f"out_dir must be a str or pathlib.Path, not {type(out_dir).__name__}", out_dir, "path"
        )
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: is a file, not a folder", str(path))
    try:
        (path / "alignments").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot create the folder ({exc.strerror or exc})", str(path)
        ) from exc
    return path


def _keeps(res: Alignment, pair: Any, min_score: float, roles: frozenset[str] | None) -> bool:
    if pair.score < min_score:
        return False
    if roles is None:
        return True
    segs = [res.arabic.segments[i] for i in pair.arabic] + [
        res.english.segments[j] for j in pair.english
    ]
    return all(s.role in roles for s in segs)


def run_corpus(
    pairs: Pairing | Iterable[tuple[Any, Any]],
    out_dir: str | os.PathLike[str],
    *,
    min_score: float | None = None,
    roles: Iterable[str] | None = None,
    dedupe: bool = True,
    resume: bool = True,
    workers: int | None = None,
    scheduler: str | None = None,
    scheduler_timeout: float | None = None,
    progress: bool = True,
    processes: bool = False,
    created: datetime | None = None,
    dictionary: str | os.PathLike[str] | None = None,
) -> Manifest:
    """Align many document pairs and write a parallel corpus into ``out_dir``.

    See the module docstring for the files. Pairs that fail (a file that is not
    UTF-8, an empty or one-language document …) are recorded in the manifest and
    the run goes on.

    Args:
        pairs: A `bialign.pairing.Pairing` or an iterable of ``(arabic, english)``
            documents (see `align_corpus`).
        out_dir: The output folder (created if missing).
        min_score: Leave the links scoring below it out of the Moses corpus and
            the TMX; ``None``: every link in the Moses corpus and the TMX default
            (`bialign.export.TMX_MIN_SCORE`) in the TMX.
        roles: Keep only the links whose segments all have one of these roles;
            ``None``: `MOSES_ROLES` (headline and body) in the Moses corpus and
            `bialign.export.TMX_ROLES` in the TMX.
        dedupe: Drop exact duplicate sentence pairs (the first one stays).
        resume: Skip the pairs whose JSON under ``alignments/`` is intact and was
            aligned from the same input texts by the same bialign, weights and
            document model versions (its ``.digest`` file says so); any other pair
            is aligned again and its files are replaced.
        workers: Start a Dask `LocalCluster` of this many one-thread workers.
        scheduler: The address of a running Dask scheduler (``tcp://host:8786``).
        scheduler_timeout: Seconds to reach the ``scheduler`` and hear it answer;
            ``None``: `SCHEDULER_TIMEOUT` (10 s).
        progress: A progress bar on standard error (plain lines when it is not a terminal).
        processes: With ``workers``: start each worker in its own process (each
            loads the encoder once) rather than as threads of this process.
        created: The TMX creation date (a timezone-aware `datetime`); ``None``: now.
        dictionary: A bilingual dictionary for every alignment, by name or path
            (see `align_corpus`). A pair aligned without it, or with another, is
            aligned again on resume.

    Returns:
        The `Manifest`.

    Raises:
        OptionError: An option has a value it does not take; before any work.
        UnknownNameError: A name in ``roles`` is not a role.
        OutputError: ``out_dir`` is a file or cannot be created or written.
        SchedulerError: The Dask ``scheduler`` does not answer within
            ``scheduler_timeout``, or what answers is not a Dask scheduler.
    """
    from .export import TMX_MIN_SCORE, TMX_ROLES, _check_min_score, _check_roles

    timeout = _check_run_options(workers, scheduler, None, DEFAULT_BATCH_SIZE, scheduler_timeout)
    for name, value in (("dedupe", dedupe), ("resume", resume), ("progress", progress)):
        if not isinstance(value, bool):
            raise OptionError(name, value, "True or False")
    if not isinstance(processes, bool):
        raise OptionError("processes", processes, "True or False")
    if created is not None and (not isinstance(created, datetime) or created.utcoffset() is None):
        raise OptionError("created", created, "None or a timezone-aware datetime")
    spec = _check_dictionary(dictionary)
    moses_min = 0.0 if min_score is None else _check_min_score(min_score)
    tmx_min = TMX_MIN_SCORE if min_score is None else moses_min
    moses_roles = frozenset(MOSES_ROLES) if roles is None else _check_roles(roles)
    tmx_roles = frozenset(TMX_ROLES) if roles is None else moses_roles
    jobs = _jobs(pairs)
    out = _check_out_dir(out_dir)
    adir = out / "alignments"
    failed: list[dict[str, Any]] = []
    if isinstance(pairs, Pairing):
        failed += [{side: key, "error": msg} for side, key, msg in pairs.failed]
    first: dict[str, _Job] = {}
    for j in jobs:  # a pair given twice is aligned (and written) once
        first.setdefault(j.file_name(), j)
    unique = [j for j in jobs if first[j.file_name()] is j]
    stamp = _run_stamp(spec)
    digests = {j.index: _pair_digest(j, stamp) for j in unique}
    todo = [j for j in unique if not (resume and _resumable(adir, j, digests[j.index]))]
    skipped = len(unique) - len(todo)
    pair_failed: dict[int, str] = {}
    for j in todo:  # its files, if any, are stale or damaged: never trusted again
        with contextlib.suppress(OSError):
            (adir / j.digest_name()).unlink()
    bar = _Progress(len(todo), progress)
    try:
        with _client(None, workers, scheduler, processes, timeout) as c:
            for job, text, n, error in _results(todo, c, DEFAULT_BATCH_SIZE, spec):
                bar.update(n)
                if error is not None:
                    pair_failed[job.index] = error
                    continue
                data = (text or "").encode("utf-8", "surrogatepass")
                with _atomic(adir / job.file_name()) as fh:
                    fh.write(text or "")
                record = {
                    "format": DIGEST_FORMAT,
                    "inputs": digests[job.index],
                    "json_sha256": hashlib.sha256(data).hexdigest(),
                    **stamp,
                }
                with _atomic(adir / job.digest_name()) as fh:
                    fh.write(json.dumps(record, sort_keys=True) + "\n")
    finally:
        bar.close()
    manifest = _assemble(
        out,
        jobs,
        pair_failed,
        failed,
        skipped=skipped,
        filters=(moses_min, moses_roles, tmx_min, tmx_roles),
        dedupe=dedupe,
        created=created or datetime.now(UTC),
    )
    return manifest


#: The depth of a ``<tu>`` in a TMX document (``<tmx>`` 0, ``<body>`` 1), for its indentation.
_TU_LEVEL = 2


def _tu_text(tu: ET.Element) -> str:
    """One ``<tu>`` as `bialign.export._tmx_text` writes it inside the whole document."""
    ET.indent(tu, space="  ", level=_TU_LEVEL)
    return ET.tostring(tu, encoding="unicode").replace("\r", "&#13;")


def _write_tmx(fh: IO[str], skeleton: str, units: IO[str] | None) -> None:
    """The TMX document: ``skeleton`` (header, empty body) with the ``units`` written into
    its body; the same bytes as `bialign.export._tmx_text` of the whole tree."""
    if units is None:
        fh.write(skeleton)
        return
    empty = "\n  <body />\n"
    before, found, after = skeleton.rpartition(empty)
    assert found, "the TMX skeleton has an empty <body />"
    fh.write(before + "\n  <body>")
    units.seek(0)
    shutil.copyfileobj(units, fh)
    fh.write("\n  </body>\n" + after)


def _assemble(
    out: Path,
    jobs: Sequence[_Job],
    pair_failed: dict[int, str],
    failed: list[dict[str, Any]],
    *,
    skipped: int,
    filters: tuple[float, frozenset[str] | None, float, frozenset[str] | None],
    dedupe: bool,
    created: datetime,
) -> Manifest:
    """Write the corpus files from the per-pair JSON files, in the order of the pairs."""
    from .export import _XML_LANG, _prop, _tmx_date, _tmx_skeleton, _tmx_text, _xml_text, load_json

    moses_min, moses_roles, tmx_min, tmx_roles = filters
    adir = out / "alignments"
    counts = dict.fromkeys(("links", "moses_lines", "tmx_units", "duplicates"), 0)
    done: list[dict[str, Any]] = []
    # Digests of the sentence pairs written (for dedupe): 16 bytes a pair, not its texts.
    seen_moses: set[bytes] = set()
    seen_tmx: set[bytes] = set()
    signatures: dict[str, int] = {}
    seen_files: set[str] = set()
    duplicate_pairs = 0
    root, header, _ = _tmx_skeleton(_tmx_date(created), "ar")
    with (
        # The TMX units, written as they come: the header, written first, ends up
        # holding the signature, known only once every pair has been read.
        tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n", dir=out) as tmx_units,
        _atomic(out / "pairs.tsv") as pairs_tsv,
        _atomic(out / "corpus.ar") as moses_ar,
        _atomic(out / "corpus.en") as moses_en,
        _atomic(out / "corpus.ids.tsv") as ids_tsv,
        _atomic(out / "links.jsonl") as links,
    ):
        pairs_tsv.write("arabic\tenglish\tprobability\tverdict\tlinks\tfile\n")
        ids_tsv.write("arabic\tenglish\tarabic_ids\tenglish_ids\tscore\tlink_type\n")
        for job in jobs:
            if job.file_name() in seen_files:  # given again in this run: counted once, apart
                duplicate_pairs += 1
                continue
            seen_files.add(job.file_name())
            path = adir / job.file_name()
            if job.index in pair_failed or not path.is_file():
                failed.append(
                    {
                        "arabic": job.arabic_id,
                        "english": job.english_id,
                        "error": pair_failed.get(job.index, "no alignment file"),
                    }
                )
                continue
            try:
                res = load_json(path)
            except Exception as exc:  # a damaged file from an earlier run: report it, go on
                failed.append(
                    {
                        "arabic": job.arabic_id,
                        "english": job.english_id,
                        "error": f"{type(exc).__name__}: {_one_line(str(exc))}",
                    }
                )
                continue
            signatures[res.signature] = signatures.get(res.signature, 0) + 1
            rel = f"alignments/{job.file_name()}"
            done.append({"arabic": job.arabic_id, "english": job.english_id, "file": rel})
            doc = res.document
            pairs_tsv.write(
                "\t".join(
                    [
                        _field(job.arabic_id),
                        _field(job.english_id),
                        f"{doc.probability:.4f}" if doc else "",
                        doc.verdict if doc else "",
                        str(len(res.pairs)),
                        rel,
                    ]
                )
                + "\n"
            )
            for p in res.pairs:
                counts["links"] += 1
                ar_text, en_text = _one_line(p.arabic_text), _one_line(p.english_text)
                roles = sorted(
                    {res.arabic.segments[i].role for i in p.arabic}
                    | {res.english.segments[j].role for j in p.english}
                )
                record = {
                    "arabic_doc": job.arabic_id,
                    "english_doc": job.english_id,
                    "arabic_ids": list(p.arabic),
                    "english_ids": list(p.english),
                    "arabic": p.arabic_text,
                    "english": p.english_text,
                    "score": p.score,
                    "link_type": p.link_type,
                    "roles": roles,
                }
                links.write(json.dumps(record, ensure_ascii=False) + "\n")
                key = hashlib.blake2b(
                    f"{ar_text}\n{en_text}".encode("utf-8", "surrogatepass"), digest_size=16
                ).digest()
                if _keeps(res, p, moses_min, moses_roles):
                    if dedupe and key in seen_moses:
                        counts["duplicates"] += 1
                    else:
                        seen_moses.add(key)
                        moses_ar.write(ar_text + "\n")
                        moses_en.write(en_text + "\n")
                        ids_tsv.write(
                            "\t".join(
                                [
                                    _field(job.arabic_id),
                                    _field(job.english_id),
                                    " ".join(map(str, p.arabic)),
                                    " ".join(map(str, p.english)),
                                    f"{p.score:.4f}",
                                    p.link_type,
                                ]
                            )
                            + "\n"
                        )
                        counts["moses_lines"] += 1
                if _keeps(res, p, tmx_min, tmx_roles) and not (dedupe and key in seen_tmx):
                    seen_tmx.add(key)
                    counts["tmx_units"] += 1
                    tu = ET.Element("tu", {"tuid": str(counts["tmx_units"])})
                    for kind, value in (
                        ("x-score", f"{p.score:.4f}"),
                        ("x-link-type", p.link_type),
                        ("x-arabic-doc", str(job.arabic_id)),
                        ("x-english-doc", str(job.english_id)),
                        ("x-arabic-ids", " ".join(map(str, p.arabic))),
                        ("x-english-ids", " ".join(map(str, p.english))),
                    ):
                        _prop(tu, kind, value)
                    for lang, text in (("ar", p.arabic_text), ("en", p.english_text)):
                        tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
                        ET.SubElement(tuv, "seg").text = _xml_text(text)
                    tmx_units.write("\n" + "  " * _TU_LEVEL + _tu_text(tu))
        signature = next(iter(signatures)) if len(signatures) == 1 else None
        if signature is not None:
            _prop(header, "x-signature", signature)
        with _atomic(out / "corpus.tmx") as fh:
            _write_tmx(fh, _tmx_text(root), tmx_units if counts["tmx_units"] else None)
    counts = {
        "pairs": len(jobs),
        "done": len(done),
        "skipped": skipped,
        "duplicate_pairs": duplicate_pairs,
        "failed": len(failed),
        **counts,
    }
    settings = {
        "min_score": moses_min,
        "roles": sorted(moses_roles) if moses_roles is not None else None,
        "tmx_min_score": tmx_min,
        "tmx_roles": sorted(tmx_roles) if tmx_roles is not None else None,
        "dedupe": dedupe,
    }
    manifest = Manifest(
        out, signature, settings, counts, tuple(done), tuple(failed), dict(signatures)
    )
    with _atomic(out / "manifest.json") as fh:
        fh.write(json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return manifest
