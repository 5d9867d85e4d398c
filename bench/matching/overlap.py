"""How much text two documents share, measured independently of copydesk's own scoring.

5-word shingles, as BBC's near_duplicates.json uses. Containment (the share of A's shingles
found in B) is the measure that matters for labels: when most of an article's text appears
verbatim in another one (a live page quoting an earlier report), an undated copy of it has
two defensible answers, so the benchmark keeps such articles out of labelled roles.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping

from rapidfuzz.distance import Levenshtein

SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+")

Shingle = tuple[str, ...]


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[Shingle]:
    """
    >>> sorted(shingles("A b c d e f", 5))
    [('a', 'b', 'c', 'd', 'e'), ('b', 'c', 'd', 'e', 'f')]
    """
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}


def containment(inner: str, outer: str) -> float:
    """Share of `inner`'s shingles that occur in `outer` (0 when `inner` has none)."""
    first = shingles(inner)
    return len(first & shingles(outer)) / len(first) if first else 0.0


def most_contained(texts: Mapping[str, str]) -> dict[str, tuple[float, str | None]]:
    """For each text, the largest share of its shingles found in one other text, and which.

    An inverted index over shingles keeps this linear in the total text, not quadratic.
    """
    sets = {key: shingles(text) for key, text in texts.items()}
    holders: defaultdict[Shingle, list[str]] = defaultdict(list)
    for key, found in sets.items():
        for shingle in found:
            holders[shingle].append(key)
    result: dict[str, tuple[float, str | None]] = {}
    for key, found in sets.items():
        shared: Counter[str] = Counter()
        for shingle in found:
            shared.update(other for other in holders[shingle] if other != key)
        if not shared or not found:
            result[key] = (0.0, None)
            continue
        other, count = min(shared.items(), key=lambda item: (-item[1], item[0]))
        result[key] = (count / len(found), other)
    return result


def char_error_rate(copy: str, original: str) -> float:
    """Character edits per character (normalized Levenshtein distance), whitespace folded:
    how noisy an OCR copy is, the same measure for real and generated noise.

    >>> round(char_error_rate("tbe  cat", "the cat"), 3)
    0.143
    """
    return float(
        Levenshtein.normalized_distance(" ".join(copy.split()), " ".join(original.split()))
    )
