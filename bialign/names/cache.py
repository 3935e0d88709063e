"""The bounded caches of the name matcher, and `clear_caches` to empty them all.

Name matching is memoised at several levels (a word's Buckwalter form, a parsed
sentence, the similarity of two spellings), because an article compares the same
sentences and names many times. Every cache is a least-recently-used cache of a fixed
size, chosen to hold the working set of one large article pair (2,000 × 2,000
sentences), so a long corpus run does not grow them without end; together they hold
at most about 260,000 entries (some tens of megabytes). `clear_caches` empties them,
for instance to free the memory after a corpus or to reload edited data files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

__all__ = ["clear_caches", "lru", "on_clear", "once"]

T = TypeVar("T")

# The `cache_clear` of every cache made with `lru`, and other clearers of results.
_CLEARERS: list[Callable[[], None]] = []
# The `cache_clear` of every data file loaded with `once`.
_DATA_CLEARERS: list[Callable[[], None]] = []


def lru(maxsize: int) -> Callable[[Callable[..., T]], functools._lru_cache_wrapper[T]]:
    """`functools.lru_cache` of ``maxsize`` entries that `clear_caches` empties."""
    if maxsize < 1:
        raise ValueError("a cache needs room for at least one entry")

    def decorate(fn: Callable[..., T]) -> functools._lru_cache_wrapper[T]:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _CLEARERS.append(cached.cache_clear)
        return cached

    return decorate


def once(fn: Callable[[], T]) -> functools._lru_cache_wrapper[T]:
    """Cache the result of a function without arguments (a data file, once loaded).

    `clear_caches` empties it too, so the next call loads the data again.
    """
    if fn.__code__.co_argcount:
        raise TypeError(f"{fn.__name__} takes arguments: use lru(maxsize)")
    cached = functools.cache(fn)  # one entry at most, without an LRU list to keep up
    _DATA_CLEARERS.append(cached.cache_clear)
    return cached


def on_clear(clear: Callable[[], None]) -> None:
    """Have `clear_caches` also call ``clear`` (for a cache that is not an `lru`)."""
    _CLEARERS.append(clear)


def clear_caches(*, data: bool = True) -> None:
    """Empty every cache of `bialign.names` and of the ``"names"`` scorer.

    Results do not change: the caches fill again as names are matched. With
    ``data=True`` the data files (gazetteer, transliteration tables, stop-words)
    are also read again on next use, so edits to them take effect; ``data=False``
    keeps them loaded and frees only the cached results.

    Examples:
        >>> from bialign.names import clear_caches, name_similarity
        >>> round(name_similarity("الشيباني", "Shaibani"), 2)
        0.97
        >>> clear_caches()
        >>> round(name_similarity("الشيباني", "Shaibani"), 2)
        0.97
    """
    for clear in (*_CLEARERS, *(_DATA_CLEARERS if data else ())):
        clear()
