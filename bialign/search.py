"""The search: links from scored candidates (core links, merges, gap filling, monotone pass).

Runs on a `bialign.aligner.ScoredPair` (its candidate blocks and their
probabilities) and returns the links as `_Bead` objects; `bialign.aligner.select`
conditions them on the document judgment and the calibrated score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .segmentation import ROLES

if TYPE_CHECKING:
    from .aligner import ScoredPair

#: Roles of running text: a subheading (crosshead) may be taken for body text by one
#: side's segmentation, so the two may link; every other role is page furniture.
TEXT_ROLES = frozenset({"body", "subheading"})
#: Page furniture: pairs only with the same role, and never joins a link by gap filling.
HEADER_ROLES = frozenset(ROLES) - TEXT_ROLES


@dataclass
class _Bead:
    ar: list[int]
    en: list[int]
    p: float


def _search(ctx: ScoredPair) -> list[_Bead]:
    w = ctx.weights
    ar_bead: dict[int, _Bead] = {}
    en_bead: dict[int, _Bead] = {}
    beads: list[_Bead] = []
    # 1. Links of shape 1-1, 2-1 and 1-2, most probable first; a sentence joins one link.
    cands: list[tuple[float, int, int, int]] = []
    for order, name in enumerate(("1-1", "2-1", "1-2")):
        b = ctx.blocks[name]
        for g, h in np.argwhere(b.p >= w.link_threshold).tolist():
            cands.append((-float(b.p[g, h]), order, g, h))
    cands.sort()
    blocks = [ctx.blocks[n] for n in ("1-1", "2-1", "1-2")]
    # Datelines are one block per side however many lines show them
    # ("Istanbul" + "إسطنبول / الأناضول" ↔ "ISTANBUL"): they align as a whole.
    p11 = ctx.blocks["1-1"].p
    ar_dl = [s.index for s in ctx.ar.segments if s.role == "dateline"]
    en_dl = [s.index for s in ctx.en.segments if s.role == "dateline"]
    if ar_dl and en_dl and ctx.mask[ar_dl[0], en_dl[0]] and not ctx.mask.all():
        best = float(p11[np.ix_(ar_dl, en_dl)].max())
        if best >= w.link_threshold:
            bead = _Bead(ar_dl, en_dl, best)
            beads.append(bead)
            ar_bead.update(dict.fromkeys(ar_dl, bead))
            en_bead.update(dict.fromkeys(en_dl, bead))
    for neg_p, order, g, h in cands:
        b = blocks[order]
        ga, he = b.a_groups[g], b.e_groups[h]
        if any(i in ar_bead for i in ga) or any(j in en_bead for j in he):
            continue
        bead = _Bead(list(ga), list(he), -neg_p)
        beads.append(bead)
        ar_bead.update(dict.fromkeys(ga, bead))
        en_bead.update(dict.fromkeys(he, bead))
    # 2. Merges: a left-over sentence joins the link of its best counterpart, also
    #    when not adjacent, when the merged span scores about as well.
    sim = ctx.blocks["1-1"].feats["sim"]
    n, m = sim.shape
    changed = True
    while changed:
        changed = False
        options: list[tuple[float, str, int, int]] = []
        for i in range(n):
            if i not in ar_bead and m:
                j = int(np.argmax(sim[i]))
                if sim[i, j] >= w.extend_threshold and j in en_bead:
                    options.append((float(sim[i, j]), "ar", i, j))
        for j in range(m):
            if j not in en_bead and n:
                i = int(np.argmax(sim[:, j]))
                if sim[i, j] >= w.extend_threshold and i in ar_bead:
                    options.append((float(sim[i, j]), "en", j, i))
        options.sort(key=lambda o: (-o[0], o[1], o[2]))
        for _, side, k, other in options:
            taken = ar_bead if side == "ar" else en_bead
            if k in taken:
                continue
            bead = en_bead[other] if side == "ar" else ar_bead[other]
            grow, fixed = (bead.ar, bead.en) if side == "ar" else (bead.en, bead.ar)
            if len(grow) >= w.max_merge or len(fixed) > 1:
                continue  # merges grow one side only: n-1 or 1-n
            if min(abs(k - x) for x in grow) > w.max_gap:
                continue
            new = tuple(sorted([*grow, k]))
            if side == "ar":
                trial = ctx.block((new,), (tuple(bead.en),))
            else:
                trial = ctx.block((tuple(bead.ar),), (new,))
            pm = float(trial.p[0, 0])
            if pm >= bead.p - w.merge_tolerance:
                grow[:] = list(new)
                taken[k] = bead
                bead.p = pm
                changed = True
    _split_links(ctx, beads, ar_bead, en_bead)
    _fill_gaps(ctx, beads, ar_bead, en_bead)
    _monotone_pass(ctx, beads, ar_bead, en_bead)
    return beads


#: How many of a left-over sentence's most similar left-over counterparts
#: `_split_links` tries as the two halves of one link.
SPLIT_CANDIDATES = 3
#: How many left-over sentences `_split_links` scores in one block.
SPLIT_BATCH = 16


def _split_links(
    ctx: ScoredPair, beads: list[_Bead], ar_bead: dict[int, _Bead], en_bead: dict[int, _Bead]
) -> None:
    """Link a left-over sentence to two left-over sentences of the other side that are apart.

    A sentence rendered by two sentences that are not neighbours (a paragraph
    moved between the halves of a translation) has no 1-2 candidate, and
    neither half alone scores as a link. For each sentence no link holds, the
    pairs among its `SPLIT_CANDIDATES` most similar left-over counterparts that
    are not adjacent are scored as one span; the best becomes a link when it
    reaches the link threshold and beats each half alone.
    """
    w = ctx.weights
    sim = ctx.blocks["1-1"].feats["sim"]
    p11 = ctx.blocks["1-1"].p
    n, m = sim.shape
    header_a, header_e = _headers(ctx)
    found: list[tuple[float, str, int, tuple[int, int]]] = []
    for side, count in (("ar", n), ("en", m)):
        taken, other_taken = (ar_bead, en_bead) if side == "ar" else (en_bead, ar_bead)
        headers, other_headers = (header_a, header_e) if side == "ar" else (header_e, header_a)
        rows = sim if side == "ar" else sim.T
        singles = p11 if side == "ar" else p11.T
        tries: dict[int, list[tuple[int, int]]] = {}
        for i in range(count):
            if i in taken or i in headers:
                continue
            free = [
                j
                for j in np.argsort(-rows[i], kind="stable")[: SPLIT_CANDIDATES + 4].tolist()
                if j not in other_taken and j not in other_headers and rows[i, j] > 0
            ][:SPLIT_CANDIDATES]
            pairs = [
                (min(a, b), max(a, b))
                for x, a in enumerate(free)
                for b in free[x + 1 :]
                if abs(a - b) > 1
            ]
            if pairs:
                tries[i] = pairs
        # A few sentences at a time in one block: each tried against every span tried
        # for them (one block per sentence costs its overhead every time; one for all
        # would grow with the square of the left-over sentences of a long pair).
        items = list(tries.items())
        for c0 in range(0, len(items), SPLIT_BATCH):
            batch = items[c0 : c0 + SPLIT_BATCH]
            singles_tried = tuple((i,) for i, _ in batch)
            spans = tuple(sorted({ab for _, pairs in batch for ab in pairs}))
            where = {ab: k for k, ab in enumerate(spans)}
            if side == "ar":
                probs = ctx.block(singles_tried, spans, every_pair=True).p
            else:
                probs = ctx.block(spans, singles_tried, every_pair=True).p.T
            for row, (i, pairs) in enumerate(batch):
                pk, (a, b) = max((float(probs[row, where[ab]]), ab) for ab in pairs)
                if pk >= w.link_threshold and pk > max(singles[i, a], singles[i, b]):
                    found.append((pk, side, i, (a, b)))
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    for pk, side, i, (a, b) in found:
        taken, other_taken = (ar_bead, en_bead) if side == "ar" else (en_bead, ar_bead)
        if i in taken or a in other_taken or b in other_taken:
            continue
        bead = _Bead([i], [a, b], pk) if side == "ar" else _Bead([a, b], [i], pk)
        beads.append(bead)
        taken[i] = bead
        other_taken[a] = bead
        other_taken[b] = bead


#: Above this many cells, the monotone pass only looks within this many
#: sentences of the anchor path, which keeps long documents linear.
_DP_FULL_CELLS = 250_000
_DP_BAND = 40


def _monotone_pass(
    ctx: ScoredPair, beads: list[_Bead], ar_bead: dict[int, _Bead], en_bead: dict[int, _Bead]
) -> None:
    """Add the links of the best monotone path whose sentences are still free.

    A dynamic programme over the candidate probabilities (1-1, 2-1, 1-2 links and
    one-sided sentences) finds the monotone path that maximises the sum of
    ``p - dp_threshold`` over its links, as a monotone aligner would; its links
    that do not clash with the links already made are added. This brings back
    the global consistency of a monotone path without giving up crossing links.
    """
    w = ctx.weights
    if w.dp_threshold >= 1.0:
        return
    total = len(ctx.ar.segments) + len(ctx.en.segments)
    if total == 0 or (len(ar_bead) + len(en_bead)) / total < w.dp_min_coverage:
        return
    p11, p21, p12 = (ctx.blocks[k].p for k in ("1-1", "2-1", "1-2"))
    n, m = p11.shape
    if n == 0 or m == 0:
        return
    theta = w.dp_threshold
    if n * m <= _DP_FULL_CELLS:
        lo = np.zeros(n + 1, dtype=np.int64)
        hi = np.full(n + 1, m, dtype=np.int64)
    else:
        assert ctx.stats is not None
        ai, aj = ctx.stats.anchors
        rows = np.arange(n + 1) - 0.5
        centre = np.interp(rows, ai, aj)
        # Before the first anchor and after the last, the path may also keep the anchor's
        # offset (one side opens with sentences the other lacks) rather than head for the
        # corner: the band covers both lines there.
        parallel = centre
        if len(ai) > 2:
            parallel = np.where(rows < ai[1], aj[1] - (ai[1] - rows), centre)
            parallel = np.where(rows > ai[-2], aj[-2] + (rows - ai[-2]), parallel)
        lo = np.clip(np.floor(np.minimum(centre, parallel)) - _DP_BAND, 0, m).astype(np.int64)
        hi = np.clip(np.ceil(np.maximum(centre, parallel)) + _DP_BAND, 0, m).astype(np.int64)
    neg = -1e18
    score = np.full((n + 1, m + 1), neg)
    back = np.zeros((n + 1, m + 1), dtype=np.int8)  # 1 skip-ar, 2 skip-en, 3 1-1, 4 2-1, 5 1-2
    score[0, 0] = 0.0
    for i in range(n + 1):
        for j in range(max(0, int(lo[i]) - 2), min(m, int(hi[i]) + 2) + 1):
            if i == 0 and j == 0:
                continue
            best, move = neg, 0
            if i > 0 and score[i - 1, j] > best:
                best, move = score[i - 1, j], 1
            if j > 0 and score[i, j - 1] > best:
                best, move = score[i, j - 1], 2
            if i > 0 and j > 0:
                v = score[i - 1, j - 1] + p11[i - 1, j - 1] - theta
                if v > best:
                    best, move = v, 3
            if i > 1 and j > 0:
                v = score[i - 2, j - 1] + p21[i - 2, j - 1] - theta
                if v > best:
                    best, move = v, 4
            if i > 0 and j > 1:
                v = score[i - 1, j - 2] + p12[i - 1, j - 2] - theta
                if v > best:
                    best, move = v, 5
            score[i, j] = best
            back[i, j] = move
    i, j = n, m
    path: list[tuple[list[int], list[int], float]] = []
    while i > 0 or j > 0:
        move = int(back[i, j])
        if move == 1:
            i -= 1
        elif move == 2:
            j -= 1
        elif move == 3:
            path.append(([i - 1], [j - 1], float(p11[i - 1, j - 1])))
            i, j = i - 1, j - 1
        elif move == 4:
            path.append(([i - 2, i - 1], [j - 1], float(p21[i - 2, j - 1])))
            i, j = i - 2, j - 1
        elif move == 5:
            path.append(([i - 1], [j - 2, j - 1], float(p12[i - 1, j - 2])))
            i, j = i - 1, j - 2
        else:  # unreachable cell outside the band: stop
            break
    # Headers are placed by their role, not by the path (see _fill_gaps).
    header_a, header_e = _headers(ctx)
    for a, e, pb in reversed(path):
        if any(x in ar_bead for x in a) or any(y in en_bead for y in e):
            continue
        if any(x in header_a for x in a) or any(y in header_e for y in e):
            continue
        bead = _Bead(a, e, pb)
        beads.append(bead)
        ar_bead.update(dict.fromkeys(a, bead))
        en_bead.update(dict.fromkeys(e, bead))


def _headers(ctx: ScoredPair) -> tuple[set[int], set[int]]:
    """Indices of the page-furniture segments (headline, byline, caption, ...) of each side.

    Empty when the role rule does not apply (``roles=False``, or a side without
    page roles): then a header may pair with anything, like a body sentence.
    """
    if ctx.mask.all():
        return set(), set()
    return (
        {s.index for s in ctx.ar.segments if s.role in HEADER_ROLES},
        {s.index for s in ctx.en.segments if s.role in HEADER_ROLES},
    )


def _fill_gaps(
    ctx: ScoredPair, beads: list[_Bead], ar_bead: dict[int, _Bead], en_bead: dict[int, _Bead]
) -> None:
    """Link left-over sentences that share a gap between two consecutive links.

    Walking the links in Arabic order, a gap is the run of unlinked Arabic
    sentences between two links that also follow each other in English, and
    the unlinked English sentences between them (also before the first and
    after the last link). Inside a gap of at most ``max_fill`` sentences on each
    side, a one-to-one pair needs only the gap threshold: its position is
    already supported by the links around it.
    """
    w = ctx.weights
    if w.gap_threshold >= 1.0:
        return
    p = ctx.blocks["1-1"].p
    n, m = p.shape
    # Page furniture is placed by its role, not by its neighbours: a header's
    # only candidates are the other side's headers of that role, so the links
    # around it add no evidence, and it pairs only on its own probability.
    header_a, header_e = _headers(ctx)
    order = sorted(beads, key=lambda b: (min(b.ar), min(b.en)))
    bounds = [(-1, -1), *((max(b.ar), max(b.en)) for b in order), (n, m)]
    starts = [(-1, -1), *((min(b.ar), min(b.en)) for b in order), (n, m)]
    for k in range(len(bounds) - 1):
        a0, e0 = bounds[k]
        a1, e1 = starts[k + 1]
        if e1 <= e0:
            continue  # the links cross: no gap between them
        gap_a = [i for i in range(a0 + 1, a1) if i not in ar_bead and i not in header_a]
        gap_e = [j for j in range(e0 + 1, e1) if j not in en_bead and j not in header_e]
        if len(gap_a) > w.max_fill or len(gap_e) > w.max_fill:
            continue  # a wide gap between sparse links says nothing about position
        cands = sorted(
            (
                (float(p[i, j]), i, j)
                for i in gap_a
                for j in gap_e
                if ctx.mask[i, j] and p[i, j] >= w.gap_threshold
            ),
            key=lambda c: (-c[0], c[1], c[2]),
        )
        for pij, i, j in cands:
            if i in ar_bead or j in en_bead:
                continue
            bead = _Bead([i], [j], pij)
            beads.append(bead)
            ar_bead[i] = bead
            en_bead[j] = bead
