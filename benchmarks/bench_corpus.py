"""Benchmark of document pairing (`bialign.pairing.pair`) and of corpus alignment.

Pairing, on the NTREX comparable dev cases (read from ``../shared/data/ntrex-comparable-dev``):

* ``all``: the Arabic side of each of the 61 cases against the English sides of
  all 61; top-1 accuracy of the matches (target at least 0.98);
* ``orphans``: 31 cases whole, the Arabic of 15 other cases and the English of
  the remaining 15 (no partner); share of those 30 left unmatched (target at
  least 90 %) and top-1 accuracy on the 31 real pairs (target at least 0.97);
* ``seeds``: the Anadolu Arabic seed (002) against its English counterpart (000),
  Al Jazeera's story of the same event (001), another story (003) and another
  meeting (004): it must match 000 only; the verdict of `bialign.align` of 002
  with each is printed too.

Corpus (``--corpus N``): `bialign.corpus.run_corpus` on N distinct document pairs
made from the NTREX cases (cycled; every sentence of the k-th copy starts with a
tag word unique to k, so that no text repeats and no cache flatters the figures;
until 30 November 2026 the word ended the sentence, which left no sentence
ending in a stop and made every merged span's names and numbers be read again),
serially and on a Dask `LocalCluster` of two workers (threads); the embedding
cache is emptied before each run (``--modes`` picks the runs). Reported: wall
time, documents per minute, sentences/s, the encoder's own time for the same
sentences (the floor: every sentence embedded once, in batches, nothing else)
and the ratio to it, the peak resident memory of the process before the runs
and after each, and, with both runs, whether their output folders hold the same
bytes.

Usage::

    python benchmarks/bench_corpus.py                 # pairing figures
    python benchmarks/bench_corpus.py --corpus 12     # and a corpus run of 12 pairs
    python benchmarks/bench_corpus.py --no-pairing --corpus 2000 --modes serial
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bialign.pairing import pair  # noqa: E402
from bialign.segmentation import Article  # noqa: E402

#: The TMX date of every corpus run, so that runs can be compared byte for byte.
CREATED = datetime(2026, 1, 1, tzinfo=UTC)
NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"
SEEDS = ROOT / "seeds"
SEED_AR = "002_f2c150e3c700ff1f.txt"
SEED_OTHERS = {
    "000": "000_9b6c93be4bbc7b4e.txt",
    "001": "001_99910efe81c56d20.txt",
    "003": "003_360714d64b266035.txt",
    "004": "004_6764a29bb713b2ea.txt",
}


def load_ntrex(folder: Path = NTREX) -> list[tuple[str, Article, Article]]:
    """``(name, arabic, english)`` of every NTREX case, sentences as given."""
    out = []
    for f in sorted(folder.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        ar = Article.from_sentences(d["arabic"], lang="ar", source=f.stem)
        en = Article.from_sentences(d["english"], lang="en", source=f.stem)
        out.append((f.stem, ar, en))
    return out


def bench_all(cases: list[tuple[str, Article, Article]]) -> dict[str, float]:
    t0 = time.perf_counter()
    res = pair({n: a for n, a, _ in cases}, {n: e for n, _, e in cases})
    secs = time.perf_counter() - t0
    right = sum(1 for m in res.matches if m.arabic == m.english)
    # Top-1 of the retrieval alone: the best candidate by probability per Arabic article.
    best: dict[str, tuple[float, str]] = {}
    for c in res.candidates:
        if c.arabic not in best or c.probability > best[c.arabic][0]:
            best[c.arabic] = (c.probability, str(c.english))
    top1_cand = sum(1 for a, (_, e) in best.items() if a == e) / len(cases)
    return {
        "cases": len(cases),
        "top1": right / len(cases),
        "top1_best_candidate": top1_cand,
        "matched": len(res.matches),
        "candidates": len(res.candidates),
        "seconds": round(secs, 2),
    }


def bench_orphans(cases: list[tuple[str, Article, Article]], seed: int = 0) -> dict[str, float]:
    order = list(range(len(cases)))
    random.Random(seed).shuffle(order)
    whole, ar_only, en_only = order[:31], order[31:46], order[46:61]
    ar = {cases[i][0]: cases[i][1] for i in whole + ar_only}
    en = {cases[i][0]: cases[i][2] for i in whole + en_only}
    t0 = time.perf_counter()
    res = pair(ar, en)
    secs = time.perf_counter() - t0
    orphans = {cases[i][0] for i in ar_only} | {cases[i][0] for i in en_only}
    unmatched = set(res.arabic_unmatched) | set(res.english_unmatched)
    left = len(orphans & unmatched) / len(orphans)
    real = {cases[i][0] for i in whole}
    right = sum(1 for m in res.matches if m.arabic == m.english and m.arabic in real)
    wrong = [(m.arabic, m.english, m.probability) for m in res.matches if m.arabic != m.english]
    return {
        "orphans_unmatched": left,
        "top1_real": right / len(real),
        "wrong_matches": len(wrong),
        "wrong": wrong,
        "seconds": round(secs, 2),
    }


def bench_seeds() -> dict[str, object]:
    from bialign import align

    ar = {"002": SEEDS / SEED_AR}
    en = {k: SEEDS / f for k, f in SEED_OTHERS.items()}
    res = pair(ar, en)
    probs = {c.english: c.probability for c in res.candidates}
    verdicts = {}
    for k, f in SEED_OTHERS.items():
        doc = align(SEEDS / SEED_AR, SEEDS / f).document
        verdicts[k] = (doc.verdict, doc.probability) if doc else None
    return {
        "matches": [(m.arabic, m.english, m.probability) for m in res.matches],
        "ok": [m.english for m in res.matches] == ["000"],
        "pairing_probability": probs,
        "align_verdicts": verdicts,
    }


_LATIN = "bcdfghjklmnpqrstvwxz"
_ARABIC = "بتثجحخدذرزسشصضطظعغفق"


def _tag(k: int, letters: str) -> str:
    """A word unique to k, written with ``letters`` (no digits: they would be anchors)."""
    word = ""
    while True:
        k, r = divmod(k, len(letters))
        word = letters[r] + word
        if k == 0:
            return "ز" + word if letters is _ARABIC else "qx" + word


def distinct_pairs(
    cases: list[tuple[str, Article, Article]], n: int
) -> list[tuple[Article, Article]]:
    """N document pairs, the NTREX cases cycled, each copy's sentences tagged uniquely."""
    out = []
    for k in range(n):
        _, a, e = cases[k % len(cases)]
        ta, te = _tag(k, _ARABIC), _tag(k, _LATIN)
        out.append(
            (
                Article.from_sentences([f"{ta} {s}" for s in a.sentences], lang="ar"),
                Article.from_sentences([f"{te} {s}" for s in e.sentences], lang="en"),
            )
        )
    return out


def _empty_embedding_cache() -> None:
    import bialign

    bialign.clear_caches()


def _peak_rss_mb() -> int:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


class _RssSampler:
    """The process's resident memory every second during a run, with the pairs done by then
    (the ``.digest`` files written), to tell memory that grows with the corpus from memory
    that stays bounded."""

    def __init__(self, folder: Path, every: float = 1.0) -> None:
        import threading

        self.folder, self.every = folder, every
        self.samples: list[tuple[int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss_mb(self) -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024)
        return 0

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            done = sum(1 for _ in self.folder.glob("*.digest")) if self.folder.is_dir() else 0
            self.samples.append((done, self._rss_mb()))

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def curve(self, points: int = 10) -> list[tuple[int, int]]:
        """About ``points`` samples, evenly spread, the last one (the file assembly) included."""
        if not self.samples:
            return []
        step = max(1, len(self.samples) // points)
        picked = self.samples[::step]
        return picked if picked[-1] == self.samples[-1] else [*picked, self.samples[-1]]


def bench_corpus(
    cases: list[tuple[str, Article, Article]],
    n: int,
    modes: tuple[str, ...] = ("serial", "dask-2"),
    keep: Path | None = None,
    floor_run: bool = True,
) -> dict[str, object]:
    from bench_speed import _floor as encoder_floor

    from bialign.corpus import run_corpus

    pairs = distinct_pairs(cases, n)
    sentences = sum(len(a) + len(e) for a, e in pairs)
    out: dict[str, object] = {"pairs": n, "sentences": sentences}
    texts = [s for a, e in pairs for s in (*a.sentences, *e.sentences)]
    # The floor: the loaded encoder embedding every sentence once, in batches, nothing else.
    floor = encoder_floor(texts) if floor_run else 0.0
    del texts
    out["encoder_floor_seconds"] = round(floor, 2)
    # The process's peak so far: the inputs, the loaded encoder, the floor's batches.
    out["peak_rss_mb_before_runs"] = _peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = keep or Path(tmp_dir)
        for label in modes:
            workers = {"serial": None, "dask-2": 2}[label]
            _empty_embedding_cache()
            t0 = time.perf_counter()
            with _RssSampler(Path(tmp) / label / "alignments") as rss:
                man = run_corpus(
                    pairs, Path(tmp) / label, workers=workers, progress=False, created=CREATED
                )
            secs = time.perf_counter() - t0
            out[label] = {
                "seconds": round(secs, 2),
                "documents_per_minute": round(n / secs * 60, 1),
                "sentences_per_s": round(sentences / secs, 1),
                "ratio_to_encoder_floor": round(secs / floor, 2) if floor else None,
                "links": man.counts.get("links"),
                "failed": man.counts.get("failed"),
                "peak_rss_mb_after": _peak_rss_mb(),
                "rss_mb_by_pairs_done": rss.curve(),
            }
        out["peak_rss_mb"] = _peak_rss_mb()
        if len(modes) == 2:
            files = [sorted(p for p in (Path(tmp) / m).rglob("*") if p.is_file()) for m in modes]
            names = [
                [p.relative_to(Path(tmp) / m) for p in f] for m, f in zip(modes, files, strict=True)
            ]
            out["identical_output"] = names[0] == names[1] and all(
                a.read_bytes() == b.read_bytes() for a, b in zip(*files, strict=True)
            )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=int, default=0, metavar="N", help="also run a corpus of N")
    ap.add_argument(
        "--modes",
        default="serial,dask-2",
        help="the corpus runs: serial, dask-2 (a two-worker LocalCluster) or both "
        "(default; then also whether their output folders hold the same bytes)",
    )
    ap.add_argument("--no-pairing", action="store_true", help="skip the pairing figures")
    ap.add_argument(
        "--no-floor", action="store_true", help="skip the encoder floor (and the ratio to it)"
    )
    ap.add_argument("--keep", type=Path, metavar="DIR", help="write the corpus runs here")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    if not modes or set(modes) - {"serial", "dask-2"}:
        ap.error("--modes takes serial, dask-2 or serial,dask-2")
    figures: dict[str, object] = {}
    cases = load_ntrex() if NTREX.is_dir() else []
    if cases and not args.no_pairing:
        figures["all"] = bench_all(cases)
        print("all-vs-all:", figures["all"], flush=True)
        figures["orphans"] = bench_orphans(cases)
        print("orphans:", figures["orphans"], flush=True)
    if not args.no_pairing:
        figures["seeds"] = bench_seeds()
        print("seeds:", figures["seeds"], flush=True)
    if args.corpus and cases:
        figures["corpus"] = bench_corpus(
            cases, args.corpus, modes, args.keep, floor_run=not args.no_floor
        )
        print("corpus:", figures["corpus"], flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
