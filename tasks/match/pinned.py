"""Sentences pinned between aligned neighbours: a lower bar where the alignment leaves little
doubt about what a sentence stands for.

Machine translation paraphrases, from Japanese above all: a sentence and its translation are
often 45-59 alike, under the 60 that a pair anywhere in the texts needs (two unrelated
sentences reach 55). But a variant sentence whose neighbours on both sides are aligned, with
at most `PINNED_GAP` sentences between them on each side, can only stand for those few
source sentences: sentence aligners anchor on their confident pairs and then align the gaps
between them (Moore, 2002; hunalign), and so does this. In such a gap a pair counts from
`PINNED_MIN_SIMILARITY`, in order, one to one; the texts' starts and ends bound the first
and last gaps. On the labelled and WMT benchmarks a gap of 3 let through a BBC article that
shares half its sentences verbatim with another (its other sentences, on the same story,
found partners in the gaps): docs/benchmarks.md.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process

from tasks.match.links import align_with_links

PINNED_MIN_SIMILARITY = 45.0
PINNED_GAP = 2


def pinned_pairs(
    variant: list[str], source: list[str], pairs: tuple[tuple[int, int], ...], weights: np.ndarray
) -> tuple[float, tuple[tuple[int, int], ...]]:
    """The pairs found in the small gaps the aligned `pairs` leave, and their gain (the
    variant text they cover, `weights`, times how alike).

    >>> source = ["the council met", "residents opposed the route for years", "the vote passed"]
    >>> variant = ["the council met", "the locals fought it for years", "the vote passed"]
    >>> weights = np.array([len(text) for text in variant], dtype=np.float64)
    >>> gain, found = pinned_pairs(variant, source, ((0, 0), (2, 2)), weights)
    >>> found, round(float(gain / weights[1]), 1)  # 59.7 alike: under 60, pinned
    (((1, 1),), 59.7)
    """
    anchors = [(-1, -1), *sorted(set(pairs)), (len(variant), len(source))]
    gained, found = 0.0, []
    for (first_v, first_s), (next_v, next_s) in pairwise(anchors):
        rows, columns = list(range(first_v + 1, next_v)), list(range(first_s + 1, next_s))
        if not rows or not columns or max(len(rows), len(columns)) > PINNED_GAP:
            continue
        alike = process.cdist(
            [variant[i] for i in rows],
            [source[j] for j in columns],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=PINNED_MIN_SIMILARITY,
            dtype=np.float64,
        )
        none_two = np.zeros((len(rows), len(columns) - 1))
        none_one = np.zeros((len(rows) - 1, len(columns)))
        gain, inner = align_with_links(weights[rows][:, None] * alike, none_two, none_one)
        gained += gain
        found += [(rows[p], columns[q]) for p, q in inner]
    return gained, tuple(found)
