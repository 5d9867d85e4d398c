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
The posting lists are kept on disk between runs and updated in place
(tasks/match/index_store.py, tasks/match/index_update.py).
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import numpy as np
import numpy.typing as npt

from tasks.extract.formats import in_input_order
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


def source_weights(tokens: list[str]) -> dict[str, float]:
    """BM25's weight of each word of a source whose words are `tokens`: its count,
    saturated, against the source's length.

    >>> weights = source_weights(["tokyo"] + ["zinc"] * 3 + ["x"] * 246)
    >>> [round(weights[word], 2) for word in ("tokyo", "zinc")]
    [1.0, 1.57]
    >>> short, long = source_weights(["zinc"]), source_weights(["zinc"] + ["x"] * 500)
    >>> short["zinc"] > long["zinc"]  # the same count weighs less in a longer source
    True
    """
    length = K1 * (1 - B + B * len(tokens) / REFERENCE_WORDS)  # once per source
    return {word: count * (K1 + 1) / (count + length) for word, count in Counter(tokens).items()}


@dataclass(frozen=True)
class Candidate:
    source: int  # the source's number in the index
    similarity: float  # the source's score for the query's words (higher: more alike)


@dataclass(frozen=True)
class Lookup:
    """A variant's candidates, best first, and what they rested on (tasks/match/reuse.py):
    the words looked up, in order; the weight of the last when `QUERY_TERMS` were (no
    lighter word could have counted), else None; whether the fallback look-up found them;
    the query's weights."""

    candidates: list[Candidate]
    looked_up: list[str]
    cutoff: float | None
    fallback: bool
    query: dict[str, float]


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

    @classmethod
    def of(cls, sources: list[int], weights: list[float]) -> Postings:
        made = cls()
        made.sources.fromlist(sources)
        made.weights.fromlist(weights)
        return made

    def extend(self, other: Postings) -> None:
        self.sources.extend(other.sources)
        self.weights.extend(other.weights)

    def __len__(self) -> int:
        return len(self.sources)


class PostingLists(Protocol):
    """Where the index's postings are read (tasks/match/index_store.py)."""

    def held_by(self, words: Iterable[str]) -> dict[str, int]: ...
    def postings(self, word: str) -> Postings: ...
    def sources(self, numbers: Iterable[int]) -> dict[int, tuple[str, str]]: ...


class CandidateIndex:
    """Answers `top(variant_text, k)` for each variant from the index's posting lists."""

    def __init__(self, lists: PostingLists) -> None:
        self._lists = lists

    def top(self, text: str, k: int) -> list[Candidate]:
        """The `k` sources most similar to `text`, best first (ties by path)."""
        return self.lookup(text, k).candidates

    def lookup(self, text: str, k: int) -> Lookup:
        """`top`, and what it rested on."""
        query = query_weights(text)
        held = self._lists.held_by(query)
        terms = sorted(
            (
                (word, weight, held[word])
                for word, weight in query.items()
                if word in held and held[word] <= MAX_FALLBACK_POSTINGS
            ),
            key=lambda item: (-item[1], item[0]),
        )
        scores, looked_up, cutoff = self._accumulate(terms, MAX_POSTINGS, QUERY_TERMS)
        fallback = not scores.numbers.size
        if fallback:
            scores, looked_up, cutoff = self._accumulate(
                terms, MAX_FALLBACK_POSTINGS, FALLBACK_TERMS
            )
        found = [Candidate(source, similarity) for source, similarity in self._best(scores, k)]
        return Lookup(found, looked_up, None if fallback else cutoff, fallback, query)

    def _best(self, scores: Scores, k: int) -> list[tuple[int, float]]:
        """The `k` best of `scores`, equal scores in the sources' path order (read only for
        those that reach the `k`th score: a fresh index numbers sources in another order)."""
        numbers, totals = scores.numbers, scores.totals
        if len(totals) > k:
            reach = totals >= np.partition(totals, len(totals) - k)[len(totals) - k]
            numbers, totals = numbers[reach], totals[reach]
        ranked = list(zip(numbers.tolist(), totals.tolist(), strict=True))
        paths = self._lists.sources(source for source, _ in ranked)
        ranked.sort(key=lambda item: (-item[1], in_input_order(paths[item[0]][0])))
        return ranked[:k]

    def _accumulate(
        self, terms: list[tuple[str, float, int]], max_postings: int, max_terms: int
    ) -> tuple[Scores, list[str], float | None]:
        """Weighted sums over the sources, of the first `max_terms` query words held by at
        most `max_postings` sources; those words; the last one's weight if there were that
        many."""
        numbers: list[npt.NDArray[np.intc]] = []
        products: list[npt.NDArray[np.float64]] = []
        looked_up: list[str] = []
        for word, weight, held in terms:
            if held > max_postings:
                continue
            postings = self._lists.postings(word)
            numbers.append(np.frombuffer(postings.sources, dtype=np.intc))
            products.append(np.frombuffer(postings.weights, dtype=np.float64) * weight)
            looked_up.append(word)
            if len(looked_up) == max_terms:
                return Scores.summed(numbers, products), looked_up, weight
        return Scores.summed(numbers, products), looked_up, None


@dataclass(frozen=True)
class Scores:
    """The sources a look-up reached (their numbers, ascending) and each one's score."""

    numbers: npt.NDArray[np.intp]
    totals: npt.NDArray[np.float64]

    @classmethod
    def summed(
        cls, numbers: list[npt.NDArray[np.intc]], products: list[npt.NDArray[np.float64]]
    ) -> Scores:
        """Each source's products summed in the order given, one after the other, as a
        Python loop adding them to a dict did (the same floats: a tie between two sources
        stays a tie), since numpy's `bincount` adds its weights in order. Up to 8,000
        postings a look-up: 520 look-ups on the index of 118,145 files took 0.162 s against
        the loop's 0.244 s."""
        if not numbers:
            return cls(np.zeros(0, np.intp), np.zeros(0))
        sources = np.concatenate(numbers)
        sums = np.bincount(sources, weights=np.concatenate(products)).astype(np.float64, copy=False)
        present = np.zeros(len(sums), dtype=bool)
        present[sources] = True
        reached = np.flatnonzero(present)
        return cls(reached, sums[reached])


def query_weights(text: str) -> dict[str, float]:
    """(1 + ln tf) * rarity in English of each word of `text`, over their norm."""
    raw = {
        word: _tf_weight(count) * word_weight(word) for word, count in Counter(words(text)).items()
    }
    norm = math.sqrt(sum(weight * weight for weight in raw.values())) or 1.0
    return {word: weight / norm for word, weight in raw.items()}
