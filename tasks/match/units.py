r"""The units matching works on: words for finding candidates, sentences for scoring them."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Sentences:
    """A text's sentences, normalized for fuzzy comparison, with the paragraph of each."""

    texts: list[str]
    paragraph_of: list[int]  # 0-based paragraph index of each sentence
    paragraph_count: int


def sentences(text: str) -> Sentences:
    r"""Sentences of every paragraph, lower case, punctuation removed, empty ones dropped.

    >>> split = sentences('He left. "We stay," she said!\n\nNew paragraph')
    >>> split.texts, split.paragraph_of, split.paragraph_count
    (['he left', 'we stay she said', 'new paragraph'], [0, 0, 1], 2)
    """
    texts: list[str] = []
    paragraph_of: list[int] = []
    paragraphs = [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]
    for number, paragraph in enumerate(paragraphs):
        for sentence in _SENTENCE_BREAK.split(paragraph.replace("\n", " ")):
            processed = " ".join(default_process(sentence).split())
            if processed:
                texts.append(processed)
                paragraph_of.append(number)
    return Sentences(texts, paragraph_of, len(paragraphs))
