r"""The units matching works on: words for finding candidates, sentences for scoring them."""

from __future__ import annotations

import re

from rapidfuzz.utils import default_process

_WORD = re.compile(r"\w\w+")
# A sentence ends at . ! ? (and any closing quotes or brackets) before whitespace and a
# capital, digit or opening quote. Abbreviations like "U.S. Immigration" split too early,
# which costs nothing: both sides of a pair are split the same way.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def words(text: str) -> list[str]:
    """Lower-cased words of two or more letters or digits.

    >>> words("The U.S. sheriff's 2 cars")
    ['the', 'sheriff', 'cars']
    """
    return _WORD.findall(text.lower())


def sentences(text: str) -> list[str]:
    r"""Sentences of every paragraph, normalized for fuzzy comparison (lower case, no
    punctuation), empty ones dropped.

    >>> sentences('He left. "We stay," she said!\n\nNew paragraph')
    ['he left', 'we stay she said', 'new paragraph']
    """
    units: list[str] = []
    for paragraph in text.split("\n\n"):
        for sentence in _SENTENCE_BREAK.split(paragraph.replace("\n", " ")):
            processed = " ".join(default_process(sentence).split())
            if processed:
                units.append(processed)
    return units
