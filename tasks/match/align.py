"""Score a variant against one candidate source by aligning their sentences in order.

A reprint, an edit, a truncation, an OCR copy and a translation all keep the source's
sentences in the source's order; another outlet's article on the same event shares names and
vocabulary but neither its sentences nor their order. So: compare every variant sentence with
every source sentence (rapidfuzz, C speed), keep pairs that are clearly alike, and find the
in-order one-to-one alignment that covers the most variant text (a weighted longest common
subsequence), refined where a translation merged or split sentences (links.py) or
paraphrased one between aligned neighbours (pinned.py). The score is the share of the
variant's text so aligned, weighted by how alike the aligned sentences are: 100 for an
exact copy, ~0 for an unrelated article.

OCR loses punctuation, so an OCR copy can come out as a few page-long "sentences" that no
source sentence resembles. `align_words` covers that case: the share of the variant's
content words (OCR-folded, see units.py) that appear in the source in the same order (a
longest common subsequence, bit-parallel in rapidfuzz). A match is scored by the better of
the two measures; both require the source's order, which another article does not share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from tasks.match.links import ANCHORS, linked_alignment
from tasks.match.pinned import pinned_pairs

# token_sort_ratio of two unrelated English sentences is typically 35-55; a sentence and its
# edited, OCR'd or round-trip translated copy typically scores 65-100 (see docs/matching.md).
SENTENCE_MIN_SIMILARITY = 60.0
# A sentence this alike is a copy (edits change a word or two; another article's sentence
# on the same event scores 60-70 at most in the BBC corpus).
VERBATIM_SIMILARITY = 95.0
# Alignments cost memory in (variant units x source units): texts longer than this are
# compared by their first units only (2,000 sentences is ~40 articles; 20,000 words ~50).
MAX_SENTENCES = 2_000
MAX_WORDS = 20_000


@dataclass(frozen=True)
class Alignment:
    score: float  # 0..100
    pairs: tuple[tuple[int, int], ...]  # (variant sentence, source sentence), in order
    # How alike the aligned units are (0..100, weighted by length): words align only when
    # equal, sentences when 60 or more alike (see evidence.py for why it matters).
    similarity: float = 0.0


def align_sentences(variant: list[str], source: list[str], links: bool = True) -> Alignment:
    """Best in-order alignment of `variant` sentences onto `source` sentences; unless `links`
    is False, refined where a translation strays from one-to-one (`_refined`).

    >>> source = ["the sheriff urged calm", "ice arrests met resistance", "he deals with ice"]
    >>> copy = align_sentences(source[:2], source)
    >>> copy.score, copy.pairs
    (100.0, ((0, 0), (1, 1)))
    >>> align_sentences(["markets rallied on friday"], source).score
    0.0
    >>> added = align_sentences(["the sheriff urged calm today", "markets rallied"], source)
    >>> added.score, added.similarity
    (57.3, 88.0)
    >>> swapped = align_sentences([source[2], source[0], source[1]], source)
    >>> swapped.score, swapped.pairs
    (100.0, ((0, 2), (1, 0), (2, 1)))
    """
    variant, source = variant[:MAX_SENTENCES], source[:MAX_SENTENCES]
    if not variant or not source:
        return Alignment(0.0, ())
    similarity = process.cdist(
        variant,
        source,
        scorer=fuzz.token_sort_ratio,
        score_cutoff=SENTENCE_MIN_SIMILARITY,
        dtype=np.float64,
    )
    weights = sentence_weights(variant)
    gain = weights[:, None] * similarity
    table = _fill_table(gain)
    in_order, pairs = float(table[-1, -1]), _trace_pairs(table, gain)
    if links and len(pairs) >= ANCHORS:
        in_order, pairs = _refined(variant, source, similarity, weights, in_order, pairs)
    moved = _moved_verbatim(similarity, pairs)
    total = in_order + sum(gain[i, j] for i, j in moved)
    aligned = sorted(pairs + moved)
    covered = sorted({i for i, _ in aligned})  # a link pairs one sentence twice
    covered_weight = weights[covered].sum()
    likeness = total / covered_weight if covered_weight else 0.0
    return Alignment(
        float(round(total / weights.sum(), 2)), tuple(aligned), float(round(likeness, 2))
    )


def sentence_weights(sentences: list[str]) -> np.ndarray:
    """Each sentence's weight in the score: its length, and 0 for a repeat of an earlier
    one (a feed's site name or "Advertisement" line repeated must not dilute the score).

    >>> sentence_weights(["yahoo news", "the vote passed", "yahoo news"]).tolist()
    [10.0, 15.0, 0.0]
    """
    seen: set[str] = set()
    weights = np.zeros(len(sentences))
    for number, sentence in enumerate(sentences):
        if sentence not in seen:
            weights[number] = len(sentence)
            seen.add(sentence)
    return weights


def _refined(
    variant: list[str],
    source: list[str],
    similarity: np.ndarray,
    weights: np.ndarray,
    in_order: float,
    pairs: tuple[tuple[int, int], ...],
) -> tuple[float, tuple[tuple[int, int], ...]]:
    """A one-to-one alignment refined where a translation strays from it: links of one
    sentence to two (links.py), then the pairs pinned in the small gaps left (pinned.py).
    Both rest on an alignment that exists (`ANCHORS` pairs or more)."""
    cutoff = SENTENCE_MIN_SIMILARITY
    linked = linked_alignment(variant, source, similarity, weights, pairs, cutoff)
    if linked is not None and linked[0] > in_order:
        in_order, pairs = linked
    pinned_gain, pinned = pinned_pairs(variant, source, pairs, weights)
    return in_order + pinned_gain, tuple(sorted(pairs + pinned))


def _moved_verbatim(
    similarity: np.ndarray, pairs: tuple[tuple[int, int], ...]
) -> tuple[tuple[int, int], ...]:
    """Sentences left out of the in-order alignment that are near-verbatim copies of an
    unused source sentence: an edit that moved a paragraph keeps its sentences word for word,
    which another article never does, so they count even out of order."""
    used_variant = {i for i, _ in pairs}
    used_source = {j for _, j in pairs}
    moved: list[tuple[int, int]] = []
    for i in range(similarity.shape[0]):
        if i in used_variant:
            continue
        j = int(np.argmax(similarity[i]))
        if similarity[i, j] >= VERBATIM_SIMILARITY and j not in used_source:
            moved.append((i, j))
            used_source.add(j)
    return tuple(moved)


def _fill_table(gain: np.ndarray) -> np.ndarray:
    """table[i, j]: best total gain aligning the first i variant with the first j source
    sentences. Each row is a running maximum, so a row costs one vectorized pass."""
    rows, columns = gain.shape
    table = np.zeros((rows + 1, columns + 1))
    for i in range(rows):
        step = np.maximum(table[i, 1:], table[i, :-1] + gain[i])
        table[i + 1, 1:] = np.maximum.accumulate(step)
    return table


def _trace_pairs(table: np.ndarray, gain: np.ndarray) -> tuple[tuple[int, int], ...]:
    pairs: list[tuple[int, int]] = []
    i, j = gain.shape
    while i > 0 and j > 0:
        if table[i, j] == table[i - 1, j]:
            i -= 1
        elif table[i, j] == table[i, j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return tuple(reversed(pairs))


def align_words(variant: list[str], source: list[str]) -> Alignment:
    """Share (0-100) of the variant's words found in the source in the same order, and
    which words those are.

    >>> align_words(["sheriff", "urged", "calm", "today"], ["sheriff", "calm", "urged"])
    Alignment(score=50.0, pairs=((0, 0), (1, 2)), similarity=100.0)
    """
    variant, source = variant[:MAX_WORDS], source[:MAX_WORDS]
    if not variant:
        return Alignment(0.0, ())
    pairs = tuple(
        (block.src_start + offset, block.dest_start + offset)
        for block in LCSseq.opcodes(variant, source)
        if block.tag == "equal"
        for offset in range(block.src_end - block.src_start)
    )
    return Alignment(round(100.0 * len(pairs) / len(variant), 2), pairs, 100.0 if pairs else 0.0)
