"""The re-implemented baseline aligners of ``benchmarks/baselines.py``, without any model.

The embedding methods get a fake encoder (a normalised bag of words: a text
shares a direction with another as far as they share words), the searches a
hand-made cost table.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "baselines.py"
_spec = importlib.util.spec_from_file_location("bialign_baselines", _PATH)
assert _spec is not None and _spec.loader is not None
bl = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bl
_spec.loader.exec_module(bl)


class BagOfWords:
    """Fake encoder: one dimension per word, vectors L2-normalised."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64))
        for k, t in enumerate(texts):
            for w in t.split():
                out[k, self.vocab.setdefault(w, len(self.vocab))] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


# Arabic 2 and 3 are merged into English 3 (a 2-1 link); English 1 is English-only.
ARABIC = ["aa ab ac", "ba bb bc", "ca cb cc", "da db dc", "ea eb ec"]
ENGLISH = ["aa ab ac", "xa xb xc", "ba bb bc", "ca cb cc da db dc", "ea eb ec"]
EXPECTED = {(0, 0), (1, 2), (2, 3), (3, 3), (4, 4)}


class TestMonotoneSearch:
    def test_least_cost_path_from_a_cost_table(self) -> None:
        """The search follows a hand-made table: a 0-1 bead, then a 2-1 bead."""
        inf = 9.0
        c11 = np.full((3, 3), inf)
        c11[0, 0] = 0.0
        c21 = np.full((2, 3), inf)
        c21[1, 2] = 0.1  # Arabic 1-2 with English 2
        costs = {
            (1, 1): c11,
            (1, 0): np.full((3, 4), 1.0),
            (0, 1): np.full((4, 3), 0.5),
            (2, 1): c21,
        }
        beads = bl.monotone_search(costs, 3, 3)
        assert beads == [((0,), (0,)), ((), (1,)), ((1, 2), (2,))]
        assert bl.beads_to_pairs(beads) == {(0, 0), (1, 2), (2, 2)}

    def test_unreachable_cell_raises(self) -> None:
        """Without deletion beads, unequal lengths cannot be covered by 1-1 beads."""
        with pytest.raises(ValueError, match="no path"):
            bl.monotone_search({(1, 1): np.zeros((2, 3))}, 2, 3)


class TestMonotoneDP:
    def test_fixed_penalty_recovers_deletion_and_merge(self) -> None:
        """A fixed deletion penalty: English 1 is left one-sided, Arabic 2+3 merge."""
        pairs = bl.monotone_dp(ARABIC, ENGLISH, 0.5, embed=BagOfWords())
        assert pairs == EXPECTED

    def test_percentile_penalty_recovers_deletion_and_merge(self) -> None:
        """The penalty taken from the document's own 1-1 costs gives the same path."""
        pairs = bl.monotone_dp_percentile(ARABIC, ENGLISH, 15, embed=BagOfWords())
        assert pairs == EXPECTED

    def test_with_2_2_beads(self) -> None:
        """Allowing 2-2 beads does not disturb a path that needs none."""
        pairs = bl.monotone_dp(ARABIC, ENGLISH, 0.5, beads=bl.BEADS_22, embed=BagOfWords())
        assert pairs == EXPECTED

    def test_costly_deletion_absorbs_the_one_sided_sentence(self) -> None:
        """Above the cost of a merge, the English-only sentence joins a neighbour's link."""
        pairs = bl.monotone_dp(ARABIC, ENGLISH, 2.0, embed=BagOfWords())
        assert pairs != EXPECTED and {j for _, j in pairs} == set(range(len(ENGLISH)))

    def test_empty_side(self) -> None:
        assert bl.monotone_dp([], ENGLISH, 0.5, embed=BagOfWords()) == set()


class TestGaleChurch:
    def test_recovers_deletion_between_merges_and_2_1_merges(self) -> None:
        """Lengths alone: two 2-1 merges and the Arabic-only sentence between them."""
        ar = ["a" * 100, "a" * 86, "a" * 50, "a" * 93, "a" * 93]
        en = ["e" * 200, "e" * 200]
        pairs = bl.gale_church(ar, en, ratio=1.075)
        assert pairs == {(0, 0), (1, 0), (3, 1), (4, 1)}

    def test_prefers_absorbing_a_one_sided_sentence(self) -> None:
        """With a neighbour to join, a 2-1 bead beats a 1-0 bead (prior 0.0445 vs 0.00495)."""
        ar = ["a" * 100, "a" * 40, "a" * 120]
        en = ["e" * 100, "e" * 120]
        pairs = bl.gale_church(ar, en, ratio=1.0)
        assert pairs in ({(0, 0), (1, 0), (2, 1)}, {(0, 0), (1, 1), (2, 1)})

    def test_length_cost_is_finite_for_extreme_lengths(self) -> None:
        """The tail probability does not underflow to log(0)."""
        costs = bl.gale_church_costs(["a" * 5000], ["e"], ratio=1.0)
        assert all(np.isfinite(t).all() for t in costs.values())


class TestMutualBest:
    def test_threshold(self) -> None:
        """A mutual best pair of cosine 0.75 is linked at 0.7, not at 0.8."""
        ar = ["aa ab ac ad", "ba bb bc bd"]
        en = ["aa ab ac zz", "qq rr ss tt"]
        embed = BagOfWords()
        assert bl.mutual_best(ar, en, 0.7, embed=embed) == {(0, 0)}
        assert bl.mutual_best(ar, en, 0.8, embed=embed) == set()

    def test_only_mutual(self) -> None:
        """English 1's best is Arabic 0, but Arabic 0 prefers English 0: no link for it."""
        ar = ["aa ab ac ad"]
        en = ["aa ab ac ad", "aa ab"]
        assert bl.mutual_best(ar, en, 0.0, embed=BagOfWords()) == {(0, 0)}
