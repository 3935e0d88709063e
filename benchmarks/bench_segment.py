"""Segmentation speed: linear in the size of the article.

Builds articles of 1, 2.5, 5 and 10 MB by repeating the Arabic and English
seed articles' bodies, segments each once, and prints the time, the
throughput and the time per MB (flat when the cost is linear).

Usage::

    python benchmarks/bench_segment.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bialign import read_article  # noqa: E402


def build(seed: str, megabytes: float) -> str:
    text = (ROOT / "seeds" / seed).read_text(encoding="utf-8")
    body = text.split("\n\n", 6)[-1]  # keep the header once, repeat the rest
    target = int(megabytes * 1_000_000)
    parts = [text]
    size = len(text.encode("utf-8"))
    step = len(body.encode("utf-8")) + 2
    while size < target:
        parts.append(body)
        size += step
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 2.5, 5, 10])
    args = ap.parse_args(argv)
    read_article("warm up.")  # load the pattern files once
    print(f"{'article':<8} {'MB':>5} {'segments':>9} {'seconds':>8} {'s/MB':>6}")
    for seed, label in (
        ("002_f2c150e3c700ff1f.txt", "Arabic"),
        ("000_9b6c93be4bbc7b4e.txt", "English"),
    ):
        for mb in args.sizes:
            text = build(seed, mb)
            real_mb = len(text.encode("utf-8")) / 1_000_000
            t0 = time.perf_counter()
            art = read_article(text)
            took = time.perf_counter() - t0
            n = len(art.segments)
            print(f"{label:<8} {real_mb:5.1f} {n:9d} {took:8.2f} {took / real_mb:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
