"""bialign: align an Arabic news article with its separately written English counterpart.

>>> import bialign
>>> res = bialign.align(arabic_text, english_text)          # doctest: +SKIP
>>> for pair in res.pairs: print(pair.link_type, pair.score)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .document import DocumentJudgment
from .errors import (
    BialignError,
    EmptyInputError,
    EncodingError,
    InputError,
    InputTypeError,
    LanguageError,
    LanguageWarning,
    MarkupWarning,
    MissingDependencyError,
    ModelError,
    OptionError,
    OutputError,
    ResourceError,
    SchedulerError,
    TruncationWarning,
    UnknownNameError,
)
from .normalize import normalize_arabic, normalize_english
from .result import AlignedPair, Alignment, Evidence, NameEvidence, Passage
from .segmentation import (
    ROLES,
    Article,
    LayoutPatterns,
    Segment,
    check_language,
    decode_text,
    detect_language,
    load_layout_patterns,
    outlet_names,
    read_article,
    read_text_file,
    segment,
)

if TYPE_CHECKING:
    from .aligner import AlignOptions, Signature, Weights, align, load_weights
    from .corpus import Manifest, align_corpus, run_corpus
    from .dictionary import BilingualDictionary, DictionaryScorer, load_dictionary
    from .differences import DifferenceItem, Differences, SharedItem, split_clauses
    from .export import load_json, to_differences_csv, write
    from .names import NameMatch, NameScorer, match_names, name_similarity, romanize
    from .pairing import DocumentMatch, Pairing, pair
    from .scorers import FunctionScorer, Scorer, available_scorers, get_scorer, register_scorer
    from .scorers.anchors import AnchorScorer, extract_anchors
    from .scorers.embedding import EmbeddingScorer
    from .scorers.lexical import LexicalScorer
    from .translate import (
        FunctionTranslator,
        TransformersTranslator,
        TranslationCache,
        TranslationScorer,
        Translator,
    )

__all__ = [
    "ROLES",
    "AlignOptions",
    "AlignedPair",
    "Alignment",
    "AnchorScorer",
    "Article",
    "BialignError",
    "BilingualDictionary",
    "DictionaryScorer",
    "DifferenceItem",
    "Differences",
    "DocumentJudgment",
    "DocumentMatch",
    "EmbeddingScorer",
    "EmptyInputError",
    "EncodingError",
    "Evidence",
    "FunctionScorer",
    "FunctionTranslator",
    "InputError",
    "InputTypeError",
    "LanguageError",
    "LanguageWarning",
    "LayoutPatterns",
    "LexicalScorer",
    "Manifest",
    "MarkupWarning",
    "MissingDependencyError",
    "ModelError",
    "NameEvidence",
    "NameMatch",
    "NameScorer",
    "OptionError",
    "OutputError",
    "Pairing",
    "Passage",
    "ResourceError",
    "SchedulerError",
    "Scorer",
    "Segment",
    "SharedItem",
    "Signature",
    "TransformersTranslator",
    "TranslationCache",
    "TranslationScorer",
    "Translator",
    "TruncationWarning",
    "UnknownNameError",
    "Weights",
    "__version__",
    "align",
    "align_corpus",
    "available_scorers",
    "check_language",
    "clear_caches",
    "decode_text",
    "detect_language",
    "extract_anchors",
    "get_scorer",
    "load_dictionary",
    "load_json",
    "load_layout_patterns",
    "load_weights",
    "match_names",
    "name_similarity",
    "normalize_arabic",
    "normalize_english",
    "outlet_names",
    "pair",
    "read_article",
    "read_text_file",
    "register_scorer",
    "romanize",
    "run_corpus",
    "segment",
    "split_clauses",
    "to_differences_csv",
    "write",
]

# Heavier modules load on first use, so `import bialign` stays fast and never
# imports numpy-heavy models, transformers or torch.
_LAZY = {
    "Weights": "aligner",
    "AlignOptions": "aligner",
    "Signature": "aligner",
    "align": "aligner",
    "load_weights": "aligner",
    "load_json": "export",
    "BilingualDictionary": "dictionary",
    "DictionaryScorer": "dictionary",
    "load_dictionary": "dictionary",
    "Manifest": "corpus",
    "DifferenceItem": "differences",
    "Differences": "differences",
    "SharedItem": "differences",
    "split_clauses": "differences",
    "to_differences_csv": "export",
    "align_corpus": "corpus",
    "run_corpus": "corpus",
    "DocumentMatch": "pairing",
    "Pairing": "pairing",
    "pair": "pairing",
    "write": "export",
    "NameMatch": "names",
    "NameScorer": "names",
    "match_names": "names",
    "name_similarity": "names",
    "romanize": "names",
    "FunctionScorer": "scorers",
    "Scorer": "scorers",
    "available_scorers": "scorers",
    "get_scorer": "scorers",
    "register_scorer": "scorers",
    "AnchorScorer": "scorers.anchors",
    "extract_anchors": "scorers.anchors",
    "EmbeddingScorer": "scorers.embedding",
    "LexicalScorer": "scorers.lexical",
    "FunctionTranslator": "translate",
    "TransformersTranslator": "translate",
    "TranslationCache": "translate",
    "TranslationScorer": "translate",
    "Translator": "translate",
}


def clear_caches() -> None:
    """Empty bialign's caches of text results, to free memory between large jobs.

    Clears the sentence encoder's vectors (its model stays loaded), the name
    matcher's cached results (`bialign.names.clear_caches`; its data files stay
    loaded), the number anchors', the language check's and the normalisation caches.
    Every cache is bounded anyway; results do not change, only the time to
    compute them again.
    """
    import sys

    from . import normalize

    for fn in (normalize.normalize_arabic, normalize.normalize_english):
        fn.cache_clear()
    normalize.normalize_for_encoder.cache_clear()
    segmentation = sys.modules.get(f"{__name__}.segmentation")
    if segmentation is not None:  # a few whole texts, read for their language
        segmentation._letter_counts.cache_clear()
        segmentation._without_non_words.cache_clear()
    anchors = sys.modules.get(f"{__name__}.scorers.anchors")
    if anchors is not None:
        anchors.extract_anchors.cache_clear()
    dictionary = sys.modules.get(f"{__name__}.dictionary")
    if dictionary is not None:
        dictionary.english_stems.cache_clear()
    names = sys.modules.get(f"{__name__}.names")
    if names is not None:
        names.clear_caches(data=False)  # cached results; the data files stay loaded
    aligner = sys.modules.get(f"{__name__}.aligner")
    if aligner is not None:
        for scorer in (aligner._Signals._built.get("embedding") or (None, None))[1:]:
            clear = getattr(scorer, "clear_cache", None)
            if callable(clear):
                clear()


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bialign' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
