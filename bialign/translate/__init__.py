"""Machine translation as an alignment signal.

The Arabic spans are translated into English, once each, and every translation is
compared with every English span by a standard MT metric (chrF by default, or
BLEU). A span whose translation shares many character n-grams with an English
sentence probably says the same thing.

Three pieces, each usable on its own:

* a **translator** — anything with a ``name`` and
  ``translate(arabic_texts) -> english_texts``: `TransformersTranslator`
  runs any sequence-to-sequence model of the ``transformers`` library (for example
  ``Helsinki-NLP/opus-mt-ar-en``), `FunctionTranslator` wraps a plain
  function;
* a `TranslationCache`, in memory or in an SQLite file, so that a corpus is
  translated only once;
* the `TranslationScorer`, which follows the scorer protocol of
  `bialign.scorers.base`.

The metric functions `chrf_matrix` and `bleu_matrix` give exactly
sacrebleu's sentence-level chrF and BLEU (divided by 100) for every pair of a
hypothesis list and a reference list, while extracting each text's n-grams only
once.

Neither ``torch`` nor ``transformers`` is imported until a model is loaded.

The package is cut along those seams: `bialign.translate.translators` (the
`Translator` protocol, `FunctionTranslator`), `bialign.translate.seq2seq`
(`TransformersTranslator`), `bialign.translate.loading` (finding a model: a
folder, the local Hugging Face cache, the hub), `bialign.translate.cache` and
`bialign.translate.metrics`; the scorer lives with the other scorers, in
`bialign.scorers.translation`. Import the names from `bialign.translate` (or
`bialign`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import TruncationWarning
from .cache import TranslationCache
from .metrics import Metric, bleu_matrix, chrf_matrix
from .seq2seq import DEFAULT_MODEL, TransformersTranslator
from .translators import FunctionTranslator, TranslationStats, Translator

if TYPE_CHECKING:
    from ..scorers.translation import TranslationScorer

__all__ = [
    "DEFAULT_MODEL",
    "FunctionTranslator",
    "Metric",
    "TransformersTranslator",
    "TranslationCache",
    "TranslationScorer",
    "TranslationStats",
    "Translator",
    "TruncationWarning",
    "bleu_matrix",
    "chrf_matrix",
]


def __getattr__(name: str) -> Any:
    # The scorer imports this package's modules, so it is loaded on first use rather
    # than here: importing either package first then never meets a half-initialised one.
    if name == "TranslationScorer":
        from ..scorers.translation import TranslationScorer

        globals()[name] = TranslationScorer
        return TranslationScorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
