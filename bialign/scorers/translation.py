"""The translation scorer: translate the Arabic spans and compare with an MT metric.

`TranslationScorer` follows the scorer protocol of `bialign.scorers.base`; its
translators, cache and metrics are in `bialign.translate`, which re-exports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, get_args

import numpy as np

from ..errors import InputTypeError, UnknownNameError
from ..translate._checks import _check_output, _check_texts
from ..translate.cache import TranslationCache
from ..translate.metrics import (
    Metric,
    _bleu_from_features,
    _char_ngrams,
    _CharNgrams,
    _chrf_from_features,
    _word_ngrams,
    _WordNgrams,
)
from ..translate.seq2seq import DEFAULT_MODEL, TransformersTranslator
from ..translate.translators import Translator
from .base import check_matrix

__all__ = ["TranslationScorer"]

_FEATURE_MEMO_LIMIT = 100_000


class TranslationScorer:
    """Score Arabic–English pairs by translating the Arabic and comparing with an MT metric.

    Each distinct Arabic span is translated once (translators keep a cache), and
    each translation is compared with each English span:

    * ``"chrf"`` — sacrebleu's sentence chrF / 100 (character n-grams, robust to
      inflection and transliteration differences);
    * ``"bleu"`` — sacrebleu's sentence BLEU (``tokenize="intl"``,
      ``effective_order=True``) / 100;
    * ``"chrf+bleu"`` — their mean.

    Examples:
        >>> from bialign.translate import FunctionTranslator
        >>> table = {"وصل الوزير إلى بكين": "The minister arrived in Beijing"}
        >>> scorer = TranslationScorer(FunctionTranslator(table.get, name="table"))
        >>> english = ["It rained.", "The minister reached Beijing."]
        >>> int(scorer.score(["وصل الوزير إلى بكين"], english).argmax())
        1

    Args:
        translator: A `Translator`; a model name or folder, which builds a
            `TransformersTranslator` with ``translator_kwargs``; or ``None``
            for `DEFAULT_MODEL`.
        metric: ``"chrf"``, ``"bleu"`` or ``"chrf+bleu"``.
        **translator_kwargs: Passed to `TransformersTranslator` (``device``,
            ``batch_size``, ``cache`` …) when ``translator`` is a name.

    Raises:
        UnknownNameError: ``metric`` is not one of the three.
        InputTypeError: ``translator`` is neither a translator nor a name, or
            ``translator_kwargs`` are given with a translator object.
    """

    name = "translation"

    def __init__(
        self,
        translator: Translator | str | os.PathLike[str] | None = None,
        *,
        metric: Metric = "chrf",
        **translator_kwargs: Any,
    ) -> None:
        metrics = get_args(Metric)
        if metric not in metrics:
            raise UnknownNameError("metric", str(metric), metrics)
        if translator is None:
            translator = DEFAULT_MODEL
        if isinstance(translator, str | os.PathLike):
            translator = TransformersTranslator(translator, **translator_kwargs)
        elif translator_kwargs:
            raise InputTypeError(
                "translator options ("
                + ", ".join(sorted(translator_kwargs))
                + ") apply only when translator is a model name",
                translator,
                expected="str",
            )
        if not callable(getattr(translator, "translate", None)):
            raise InputTypeError(
                f"translator must have a translate() method, not {type(translator).__name__}",
                translator,
                expected="Translator",
            )
        self.translator: Translator = translator
        self.metric: Metric = metric
        self._translator_name = str(getattr(translator, "name", type(translator).__name__))
        # translators of this module cache themselves; others get a memo here
        own = getattr(translator, "cache", None)
        self._memo: TranslationCache | None = (
            None if isinstance(own, TranslationCache) else TranslationCache()
        )
        self._char_features: dict[str, _CharNgrams] = {}
        self._word_features: dict[str, _WordNgrams] = {}

    def __repr__(self) -> str:
        return f"TranslationScorer({self._translator_name!r}, metric={self.metric!r})"

    def signature(self) -> str:
        """Every setting that changes the scores, as one string.

        Examples:
            ``"translation:chrf|model:Helsinki-NLP/opus-mt-ar-en|beams:1|max_len:256|sacrebleu:2.6.0"``
            (``beams`` and ``max_len`` appear for a `TransformersTranslator`,
            ``tok:intl`` for the BLEU metrics).
        """
        import sacrebleu

        parts = [f"translation:{self.metric}", f"model:{self._translator_name}"]
        if isinstance(self.translator, TransformersTranslator):
            parts += [f"beams:{self.translator.num_beams}", f"max_len:{self.translator.max_length}"]
        if "bleu" in self.metric:
            parts.append("tok:intl")
        parts.append(f"sacrebleu:{sacrebleu.__version__}")
        return "|".join(parts)

    def translations(self, arabic: Sequence[str]) -> list[str]:
        """The English translation of each Arabic span (each distinct span translated once).

        Raises:
            InputTypeError: ``arabic`` is not a list of str.
            ModelError: The translator failed or returned something other than one
                str per text.
        """
        texts = _check_texts(arabic, "arabic")
        unique = list(dict.fromkeys(texts))
        if self._memo is None:
            out = self.translator.translate(unique)
            found = dict(
                zip(unique, _check_output(out, len(unique), self._translator_name), strict=True)
            )
        else:
            name = self._translator_name
            found = self._memo.get_many(name, unique)
            missing = [t for t in unique if t not in found]
            if missing:
                out = self.translator.translate(missing)
                new = dict(zip(missing, _check_output(out, len(missing), name), strict=True))
                self._memo.put_many(name, new.items())
                found.update(new)
        return [found[t] for t in texts]

    #: Spans are scored exactly as Bleualign does: each sentence is translated
    #: once and a merged span's translation is its sentences' translations joined.
    spans_exact = True

    def score_spans(
        self, arabic: Sequence[Sequence[str]], english: Sequence[Sequence[str]]
    ) -> np.ndarray:
        """Score spans given as lists of sentences; each sentence is translated once.

        The translation of a merged Arabic span is the translations of its
        sentences joined with a space, compared with the English sentences joined.
        """
        flat = list(dict.fromkeys(t for span in arabic for t in span))
        table = dict(zip(flat, self.translations(flat), strict=True)) if flat else {}
        hyps = [" ".join(table[t] for t in span) for span in arabic]
        return self._score_translations(hyps, [" ".join(span) for span in english])

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        """Score every Arabic span against every English span.

        Args:
            arabic: Arabic spans (sentences or merged neighbours).
            english: English spans.

        Returns:
            A float array of shape ``(len(arabic), len(english))`` in [0, 1]. Empty
            inputs give an empty matrix, without translating anything.

        Raises:
            InputTypeError: An argument is not a list of str.
            ModelError: The translator failed.
        """
        ar = _check_texts(arabic, "arabic")
        en = _check_texts(english, "english")
        if not ar or not en:
            return np.zeros((len(ar), len(en)), dtype=np.float64)
        return self._score_translations(self.translations(ar), en)

    def _score_translations(self, hyps: list[str], en: list[str]) -> np.ndarray:
        if not hyps or not en:
            return np.zeros((len(hyps), len(en)), dtype=np.float64)
        uh = list(dict.fromkeys(hyps))
        ue = list(dict.fromkeys(en))
        rows, cols = _positions(uh, hyps), _positions(ue, en)
        parts: list[np.ndarray] = []
        if self.metric in ("chrf", "chrf+bleu"):
            parts.append(
                _chrf_from_features(
                    self._features(uh, self._char_features, _char_ngrams),
                    self._features(ue, self._char_features, _char_ngrams),
                )
            )
        if self.metric in ("bleu", "chrf+bleu"):
            parts.append(
                _bleu_from_features(
                    self._features(uh, self._word_features, _word_ngrams),
                    self._features(ue, self._word_features, _word_ngrams),
                )
            )
        unique_scores = parts[0] if len(parts) == 1 else (parts[0] + parts[1]) / 2
        return check_matrix(unique_scores[np.ix_(rows, cols)], self.name)

    @staticmethod
    def _features(
        texts: list[str], memo: dict[str, Any], extract: Callable[[str], Any]
    ) -> list[Any]:
        if len(memo) > _FEATURE_MEMO_LIMIT:
            memo.clear()
        out = []
        for text in texts:
            feats = memo.get(text)
            if feats is None:
                feats = memo[text] = extract(text)
            out.append(feats)
        return out


def _positions(unique: list[str], texts: list[str]) -> np.ndarray:
    index = {t: i for i, t in enumerate(unique)}
    return np.array([index[t] for t in texts], dtype=np.intp)
