r"""The units matching works on: words for finding candidates, sentences for scoring them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.utils import default_process

from tasks.parse.layout import split_paragraphs

_WORD = re.compile(r"\w\w+")
# A sentence ends at . ! ? (and any closing quotes or brackets) before whitespace and a
# capital (in any script), digit or opening quote. Abbreviations like "U.S. Immigration"
# split too early, which costs nothing: both sides of a pair are split the same way.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?\w)")


def words(text: str) -> list[str]:
    """Lower-cased words of two or more letters or digits.

    >>> words("The U.S. sheriff's 2 cars")
    ['the', 'sheriff', 'cars']
    """
    return _WORD.findall(text.lower())


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends followed by a capital or digit, in any script.

    >>> split_sentences("Москва заявила. Вчера всё было. Élysée said so. it went on")
    ['Москва заявила.', 'Вчера всё было.', 'Élysée said so. it went on']
    """
    pieces: list[str] = []
    for piece in _SENTENCE_BREAK.split(text):
        start = piece.lstrip("\"'“‘([")[:1]
        if pieces and start and not (start.isupper() or start.isdigit()):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return pieces


@dataclass(frozen=True)
class Segments:
    """A text cut into units (sentences or words), each with the paragraph it stands in."""

    texts: list[str]
    paragraph_of: list[int]  # 0-based paragraph index of each sentence
    paragraph_count: int


def sentences(text: str) -> Segments:
    r"""Sentences of every paragraph, lower case, punctuation removed, empty ones dropped.

    >>> split = sentences('He left. "We stay," she said!\n\nNew paragraph')
    >>> split.texts, split.paragraph_of, split.paragraph_count
    (['he left', 'we stay she said', 'new paragraph'], [0, 0, 1], 2)
    """
    texts: list[str] = []
    paragraph_of: list[int] = []
    paragraphs = split_paragraphs(text)
    for number, paragraph in enumerate(paragraphs):
        for sentence in split_sentences(paragraph.replace("\n", " ")):
            processed = " ".join(default_process(sentence).split())
            if processed:
                texts.append(processed)
                paragraph_of.append(number)
    return Segments(texts, paragraph_of, len(paragraphs))


# Function words carry no evidence that two texts are the same story: any two English
# articles share "the ... of ... said ..." in order.
STOP_WORDS = frozenset(
    """the of and to in a is that for on it with as was at by he be this from are have has had
    his her its their they we you not but or an which were will would been who said more one
    all there when than also after about up out into over new two can could may first last
    year years some what other only just like mr mrs she him them our your these those""".split()  # noqa: SIM905 (a list literal would take 100 lines)
)
# Letters OCR confuses, folded to one: "rn" and "m", "1", "l" and "i", "0" and "o", ...
_OCR_FOLD = str.maketrans({"1": "l", "i": "l", "!": "l", "0": "o", "c": "e", "5": "s", "u": "n"})


def _fold(word: str) -> str:
    return word.replace("rn", "m").translate(_OCR_FOLD)


_FOLDED_STOP_WORDS = frozenset(_fold(word) for word in STOP_WORDS)


def content_words(text: str) -> Segments:
    """Words that carry evidence, in order, each folded to its OCR skeleton first (so that
    OCR's "thc" is still recognized as "the").

    >>> content_words("The Colonial Treasury").texts == content_words("Thc Co1onial Trcasury").texts
    True
    """
    texts: list[str] = []
    paragraph_of: list[int] = []
    paragraphs = split_paragraphs(text)
    for number, paragraph in enumerate(paragraphs):
        for word in words(paragraph):
            folded = _fold(word)
            if len(folded) > 2 and folded not in _FOLDED_STOP_WORDS:
                texts.append(folded)
                paragraph_of.append(number)
    return Segments(texts, paragraph_of, len(paragraphs))
