"""Candidate sources for a variant: an inverted index queried with the variant's rarest words.

Scoring every variant against every source is quadratic. Instead each source's words go into
an inverted index, and a variant is looked up only by its `QUERY_TERMS` most distinctive words:
names, places and numbers, which survive reprints, OCR noise and translation alike. Posting
lists of words many sources share carry almost no evidence and are skipped, which bounds the
work per variant; the whole step grows linearly with the corpus.

A variant's candidates depend only on the sources that share its words, so that a run can
tell which variants a new, changed or deleted source can reach (tasks/match/reuse.py).
Nothing is counted over the whole archive (inverse document frequency used the number of
sources: one new source changed every weight):
- a query word weighs (1 + ln tf) times its rarity in English (tasks/match/weights.py,
  fixed), over the text's own norm: a variant's query is its text's alone;
- a source's weight for a word is BM25's saturated count, normalized by the source's length
  against a fixed reference length: the source's own text alone decides it;
- which query words are looked up depends on how many sources hold each (at most
  `MAX_POSTINGS`): an archive's boilerplate ("reuters", "mln", rare in English) is skipped.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from tasks.match.units import words
from tasks.match.weights import word_weight

QUERY_TERMS = 40
# A word found in more sources than this says little about which one a variant copies
# ("the", "said", "government"), so it is not looked up. An absolute bound (not a share of
# the corpus) keeps the work per variant constant: matching grows linearly with the corpus.
MAX_POSTINGS = 200
# A variant made only of common words (Reuters' one-line dividend notices) finds no candidate
# that way; it is then looked up by its `FALLBACK_TERMS` rarest words among those in at most
# `MAX_FALLBACK_POSTINGS` sources: still a constant bound per variant.
FALLBACK_TERMS = 5
MAX_FALLBACK_POSTINGS = 2000
# BM25's usual constants (Robertson and Zaragoza, 2009): how soon repeats stop adding, and how
# much a long source is discounted. The reference length is fixed (a news story's typical
# length), not the archive's mean, so that a source's weights are its own.
K1, B = 1.2, 0.75
REFERENCE_WORDS = 250


@cache
def _tf_weight(tf: int) -> float:
    """1 + log tf: a query word's count, damped (the same few counts recur)."""
    return 1.0 + math.log(tf)


def source_weight(count: int, length: int) -> float:
    """BM25's weight of a word found `count` times in a source of `length` words.

    >>> [round(source_weight(count, REFERENCE_WORDS), 2) for count in (1, 3, 30)]
    [1.0, 1.57, 2.12]
    >>> source_weight(1, 2 * REFERENCE_WORDS) < source_weight(1, REFERENCE_WORDS)
    True
    """
    return count * (K1 + 1) / (count + K1 * (1 - B + B * length / REFERENCE_WORDS))


@dataclass(frozen=True)
class Candidate:
    source: int  # index into the sources the index was built from
    similarity: float  # the source's score for the query's words (higher: more alike)


@dataclass(frozen=True)
class Lookup:
    """A variant's candidates, best first, and what they rested on (tasks/match/reuse.py):
    the words looked up, in order; the weight of the last when `QUERY_TERMS` were (no
    lighter word could have counted), else None; whether the fallback look-up found them."""

    candidates: list[Candidate]
    looked_up: list[str]
    cutoff: float | None
    fallback: bool


class Postings:
    """The sources a word occurs in and its weight in each, as two flat arrays: a list of
    (int, float) tuples took about 90 bytes an entry, these take 12 (a million and more
    entries at 20,000 sources)."""

    __slots__ = ("sources", "weights")

    def __init__(self) -> None:
        self.sources = array("i")
        self.weights = array("d")  # the same doubles as Python's floats: scores do not change

    def add(self, source: int, weight: float) -> None:
        self.sources.append(source)
        self.weights.append(weight)

    def __len__(self) -> int:
        return len(self.sources)


class CandidateIndex:
    """Built once from the sources; answers `top(variant_text, k)` for each variant."""

    def __init__(self, source_texts: Sequence[str]) -> None:
        document_frequency: Counter[str] = Counter()
        for text in source_texts:
            document_frequency.update(set(words(text)))
        indexed = {word for word, df in document_frequency.items() if df <= MAX_FALLBACK_POSTINGS}
        # Each text is split into words twice (here and above) rather than holding every
        # source's word counts at once: that peak (about 200 MB at 20,000 sources) stayed in
        # the process after the build.
        self._postings = source_postings(source_texts, indexed.__contains__)

    def top(self, text: str, k: int) -> list[Candidate]:
        """The `k` sources most similar to `text`, best first (ties by source order)."""
        return self.lookup(text, k).candidates

    def lookup(self, text: str, k: int) -> Lookup:
        """`top`, and what it rested on."""
        query = query_weights(text)
        terms = sorted(
            ((word, weight) for word, weight in query.items() if word in self._postings),
            key=lambda item: (-item[1], item[0]),
        )
        scores, looked_up, cutoff = self._accumulate(terms, MAX_POSTINGS, QUERY_TERMS)
        fallback = not scores
        if fallback:
            scores, looked_up, cutoff = self._accumulate(
                terms, MAX_FALLBACK_POSTINGS, FALLBACK_TERMS
            )
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        found = [Candidate(source, similarity) for source, similarity in ranked[:k]]
        return Lookup(found, looked_up, None if fallback else cutoff, fallback)

    def _accumulate(
        self, terms: list[tuple[str, float]], max_postings: int, max_terms: int
    ) -> tuple[dict[int, float], list[str], float | None]:
        """Weighted sums over the sources, of the first `max_terms` query words whose
        posting lists are at most `max_postings` long; those words; the last one's weight
        if there were that many."""
        scores: dict[int, float] = defaultdict(float)
        looked_up: list[str] = []
        for word, weight in terms:
            postings = self._postings[word]
            if len(postings) > max_postings:
                continue
            for source, in_source in zip(postings.sources, postings.weights, strict=True):
                scores[source] += weight * in_source
            looked_up.append(word)
            if len(looked_up) == max_terms:
                return scores, looked_up, weight
        return scores, looked_up, None


def query_weights(text: str) -> dict[str, float]:
    """(1 + ln tf) * rarity in English of each word of `text`, over their norm."""
    raw = {
        word: _tf_weight(count) * word_weight(word) for word, count in Counter(words(text)).items()
    }
    norm = math.sqrt(sum(weight * weight for weight in raw.values())) or 1.0
    return {word: weight / norm for word, weight in raw.items()}


def source_postings(texts: Sequence[str], indexed: Callable[[str], bool]) -> dict[str, Postings]:
    """The posting lists of the `indexed` words of `texts` (numbered in order)."""
    postings: dict[str, Postings] = defaultdict(Postings)
    for number, text in enumerate(texts):
        tokens = words(text)
        for word, count in Counter(tokens).items():
            if indexed(word):
                postings[word].add(number, source_weight(count, len(tokens)))
    return dict(postings)  # a look-up of an unknown word adds nothing
