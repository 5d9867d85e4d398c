"""How much a word tells about which article a text copies: its rarity in English at large,
the same in every run, whatever the archive holds.

Weights used to be inverse document frequencies over the run's own sources, so one new source
changed every word's weight and every variant's candidates had to be found again. A fixed
reference makes a variant's candidates depend only on the sources that share its words
(tasks/match/candidates.py), which is what lets a run re-match only what a change can reach.

The reference is wordfreq's "large" English list (321,180 words, frequencies pooled from
Wikipedia, news, books, subtitles and web text, so no single genre decides), read once per
process. A word's weight is its information content, -ln(frequency): "the" 2.9, "said" 6.9,
"government" 7.9, "boston" 10.0. Words the list does not know (names, OCR misreadings, other
scripts) weigh as its rarest (it stops at a frequency of 1e-8: 18.4): as evidence they count
as the rarest words do. Corpus-specific boilerplate ("reuters", "mln") is rare in English
but common in an archive; the candidate index skips such words by how many sources hold them,
which depends only on the sources that share them.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

LANGUAGE, WORDLIST = "en", "large"
FLOOR = 1e-8  # the frequency of the list's rarest words: the weight of a word it lacks


@cache
def reference_weights() -> dict[str, float]:
    """The list's weights (wordfreq keeps digits as 0s; `_number_weight` handles numbers).

    Made once per process, bucket by bucket: wordfreq stores its words in buckets of one
    frequency each (a centibel apart), so each bucket's weight is computed once, not each
    word's (0.22 s against 0.41-0.47 s for `get_frequency_dict` and a weight per word).
    wordfreq is imported here, not with this module: a run that matches nothing in this
    process (its workers match) does not pay its 0.4 s import.
    """
    import wordfreq

    weights: dict[str, float] = {}
    for index, bucket in enumerate(wordfreq.get_frequency_list(LANGUAGE, WORDLIST)):
        frequency = wordfreq.cB_to_freq(-index)  # as get_frequency_dict has it
        weights.update(dict.fromkeys(bucket, -math.log(max(frequency, FLOOR))))
    return weights


@lru_cache(maxsize=1 << 18)  # every variant's every word, in matching and reuse: 1.7x faster
def word_weight(word: str) -> float:
    """-ln(frequency) of a lower-case word, `FLOOR` for words the list lacks.

    >>> [round(word_weight(word), 1) for word in ["the", "said", "boston", "zqxj"]]
    [2.9, 6.9, 10.0, 18.4]
    >>> word_weight("1987") < word_weight("48213")  # a year is commoner than a 5-digit number
    True
    """
    # A letter is never a digit: the scan for digits runs only on the few other words
    # (this runs for every word of every variant).
    if not word.isalpha() and any(character.isdigit() for character in word):
        return _number_weight(word)
    weight = reference_weights().get(word)
    return -math.log(FLOOR) if weight is None else weight


def make_tables() -> None:
    """Make now the tables `word_weight` reads: the reference weights, and wordfreq's own
    frequency table, which it makes (0.3-0.4 s) the first time a word with a digit is
    weighed."""
    reference_weights()
    _number_weight("0")


@lru_cache(maxsize=1 << 16)
def _number_weight(word: str) -> float:
    """wordfreq's estimate for a token with digits (by digit count; years are common)."""
    import wordfreq

    frequency = wordfreq.word_frequency(word, LANGUAGE, wordlist=WORDLIST, minimum=FLOOR)
    return -math.log(frequency)
