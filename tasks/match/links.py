"""Links of one sentence to two: where a translation merged two sentences or split one.

Sentence aligners for parallel text (Gale and Church, 1993) link a sentence to two of the
other side's when a translator merged or split them; a one-to-one alignment leaves all three
out, since neither half resembles the merged sentence enough (machine translation from
Japanese does this often: "... in the XVIII century. the name ..."). Two conditions keep
chance out, because two long sentences joined resemble a third by chance more often than one
sentence does:
- the two sides' lengths agree within `LENGTH_RATIO` (translations keep lengths close: the
  observation Gale and Church's aligner rests on);
- the link is more alike than either of its two sentences alone: it explains more than a
  one-to-one pair would.
Links refine an alignment that exists: they are looked for only when the one-to-one one has
at least `ANCHORS` pairs (a text that shares no sentence with a source has no merged ones
either, and most candidates, other articles, cost no more than before), and only to cover
the sentences it left out (a copy, every sentence aligned, costs nothing more either).
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz

LENGTH_RATIO = 1.5
ANCHORS = 2


def linked_alignment(
    variant: list[str],
    source: list[str],
    single: np.ndarray,
    weights: np.ndarray,
    pairs: tuple[tuple[int, int], ...],
    cutoff: float,
) -> tuple[float, tuple[tuple[int, int], ...]] | None:
    """The best in-order alignment with links, when the one-to-one `pairs` leave a sentence
    out that a link could take in (None otherwise); `single` holds the one-to-one
    similarities (0 under `cutoff`), `weights` the variant's sentences. A link is
    looked for only where it could fit in order: between the aligned pairs around it."""
    left_out, beside = _open(pairs, len(variant), len(source))
    if not left_out and not beside:
        return None
    before, after = _neighbours(pairs, len(variant), len(source))
    length_v = [len(text) for text in variant]
    length_s = [len(text) for text in source]
    one_two = np.zeros((len(variant), len(source) - 1))
    two_one = np.zeros((len(variant) - 1, len(source)))
    windows = [(i, max(before[i], 0), min(after[i], len(source) - 1)) for i in left_out]
    windows += [(i, max(before[i] - 1, 0), min(after[i] + 1, len(source) - 1)) for i in beside]
    for i, first, last in windows:  # source pairs (j, j + 1) within first..last
        for j in range(first, last):
            if _agree(length_v[i], length_s[j] + length_s[j + 1]):
                alike = _alike(variant[i], f"{source[j]} {source[j + 1]}", cutoff)
                if alike > max(single[i, j], single[i, j + 1]):
                    one_two[i, j] = alike * weights[i]
    for k in sorted({k for i in left_out for k in (i - 1, i) if 0 <= k < len(variant) - 1}):
        joined = length_v[k] + length_v[k + 1]
        for j in range(max(before[k], 0), min(after[k + 1], len(source) - 1) + 1):
            if _agree(joined, length_s[j]):
                alike = _alike(f"{variant[k]} {variant[k + 1]}", source[j], cutoff)
                if alike > max(single[k, j], single[k + 1, j]):
                    two_one[k, j] = alike * (weights[k] + weights[k + 1])
    return align_with_links(weights[:, None] * single, one_two, two_one)


def _open(
    pairs: tuple[tuple[int, int], ...], variant: int, source: int
) -> tuple[list[int], list[int]]:
    """Where a link could take in a sentence the one-to-one `pairs` left out: the variant
    sentences left out, and those aligned next to a source sentence left out.

    >>> _open(((0, 0), (2, 2)), 4, 4)
    ([1, 3], [0, 2])
    """
    aligned_v, aligned_s = {i for i, _ in pairs}, {j for _, j in pairs}
    left_out = [i for i in range(variant) if i not in aligned_v]
    free = set(range(source)) - aligned_s
    beside = sorted(i for i, j in pairs if {j - 1, j + 1} & free) if source > 1 else []
    return left_out, beside


def _neighbours(
    pairs: tuple[tuple[int, int], ...], variant: int, source: int
) -> tuple[list[int], list[int]]:
    """For each variant sentence, the source sentence of the nearest aligned pair at or
    before it (-1: none) and at or after it (`source`: none): where its links must fit.

    >>> _neighbours(((1, 0), (3, 4)), 5, 6)
    ([-1, 0, 0, 4, 4], [0, 0, 4, 4, 6])
    """
    aligned: dict[int, list[int]] = {}
    for i, j in pairs:
        aligned.setdefault(i, []).append(j)
    before, after = [-1] * variant, [source] * variant
    nearest = -1
    for k in range(variant):
        nearest = max(aligned[k]) if k in aligned else nearest
        before[k] = nearest
    nearest = source
    for k in reversed(range(variant)):
        nearest = min(aligned[k]) if k in aligned else nearest
        after[k] = nearest
    return before, after


def align_with_links(
    gain: np.ndarray, one_two: np.ndarray, two_one: np.ndarray
) -> tuple[float, tuple[tuple[int, int], ...]]:
    """The best in-order alignment using one-to-one pairs (`gain`) and links; its total gain
    and its pairs (a link is two pairs sharing a sentence)."""
    rows, columns = gain.shape
    table = np.zeros((rows + 1, columns + 1))
    for i in range(rows):
        step = np.maximum(table[i, 1:], table[i, :-1] + gain[i])
        if columns > 1:
            step[1:] = np.maximum(step[1:], table[i, :-2] + one_two[i])
        if i > 0:
            step = np.maximum(step, table[i - 1, :-1] + two_one[i - 1])
        table[i + 1, 1:] = np.maximum.accumulate(step)
    return float(table[-1, -1]), _trace(table, gain, one_two, two_one)


def _trace(
    table: np.ndarray, gain: np.ndarray, one_two: np.ndarray, two_one: np.ndarray
) -> tuple[tuple[int, int], ...]:
    pairs: list[tuple[int, int]] = []
    i, j = gain.shape
    while i > 0 and j > 0:
        value = table[i, j]
        if value == table[i - 1, j]:
            i -= 1
        elif value == table[i, j - 1]:
            j -= 1
        elif value == table[i - 1, j - 1] + gain[i - 1, j - 1]:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif j > 1 and value == table[i - 1, j - 2] + one_two[i - 1, j - 2]:
            pairs += [(i - 1, j - 1), (i - 1, j - 2)]
            i, j = i - 1, j - 2
        else:  # the only move left: a link of two variant sentences to one
            assert i > 1 and value == table[i - 2, j - 1] + two_one[i - 2, j - 1]
            pairs += [(i - 1, j - 1), (i - 2, j - 1)]
            i, j = i - 2, j - 1
    return tuple(reversed(pairs))


def _alike(first: str, second: str, cutoff: float) -> float:
    return float(fuzz.token_sort_ratio(first, second, score_cutoff=cutoff))


def _agree(first: float, second: float) -> bool:
    return first <= LENGTH_RATIO * second and second <= LENGTH_RATIO * first
