"""Candidate sources for a variant: an inverted index queried with the variant's rarest words.

Scoring every variant against every source is quadratic. Instead each source's words go into
an inverted index, and a variant is looked up only by its `QUERY_TERMS` most distinctive words
(highest tf-idf among words some source has): names, places and numbers, which survive
reprints, OCR noise and translation alike. Posting lists of words most sources share carry
almost no evidence and are skipped, which bounds the work per variant; the whole step grows
linearly with the corpus.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from tasks.match.units import words

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


@cache
def _tf_weight(tf: int) -> float:
    """1 + log tf: a word's weight in a document before idf (the same few counts recur)."""
    return 1.0 + math.log(tf)


@dataclass(frozen=True)
class Candidate:
    source: int  # index into the sources the index was built from
    similarity: float  # cosine of tf-idf vectors over the query terms, 0..1


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
        self._postings: dict[str, Postings] = defaultdict(Postings)
        document_frequency: Counter[str] = Counter()
        for text in source_texts:
            document_frequency.update(set(words(text)))
        total = len(source_texts)
        self._idf = {
            word: math.log((1 + total) / (1 + df)) + 1.0 for word, df in document_frequency.items()
        }
        indexed = {word for word, df in document_frequency.items() if df <= MAX_FALLBACK_POSTINGS}
        # Each text is split into words twice (here and above) rather than holding every
        # source's word counts at once: that peak (about 200 MB at 20,000 sources) stayed in
        # the process after the build.
        postings = self._postings
        for number, text in enumerate(source_texts):
            for word, weight in self._weigh(Counter(words(text))).items():
                if word in indexed:
                    postings[word].add(number, weight)

    def _weigh(self, count: Counter[str]) -> dict[str, float]:
        """Unit-length vector of (1 + log tf) * idf over the words the sources know."""
        idf = self._idf
        raw = {word: _tf_weight(tf) * idf[word] for word, tf in count.items() if word in idf}
        norm = math.sqrt(sum(weight * weight for weight in raw.values())) or 1.0
        return {word: weight / norm for word, weight in raw.items()}

    def top(self, text: str, k: int) -> list[Candidate]:
        """The `k` sources most similar to `text`, best first (ties by source order)."""
        query = self._weigh(Counter(words(text)))
        terms = sorted(query.items(), key=lambda item: (-item[1], item[0]))
        scores = self._accumulate(terms, MAX_POSTINGS, QUERY_TERMS)
        if not scores:
            scores = self._accumulate(terms, MAX_FALLBACK_POSTINGS, FALLBACK_TERMS)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [Candidate(source, similarity) for source, similarity in ranked[:k]]

    def _accumulate(
        self, terms: list[tuple[str, float]], max_postings: int, max_terms: int
    ) -> dict[int, float]:
        """Dot products with the sources over the first `max_terms` query words whose
        posting lists are at most `max_postings` long."""
        scores: dict[int, float] = defaultdict(float)
        looked_up = 0
        for word, weight in terms:
            postings = self._postings.get(word)
            if not postings or len(postings) > max_postings:
                continue
            for source, source_weight in zip(postings.sources, postings.weights, strict=True):
                scores[source] += weight * source_weight
            looked_up += 1
            if looked_up == max_terms:
                break
        return scores
