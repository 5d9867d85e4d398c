r"""Recognize a headline and a dateline at the top of an article body.

A headline is a short, single-line first paragraph that does not read like a sentence (no
final period) and is followed by more text. A dateline is the place-name prefix news agencies
put before the first sentence, e.g. "Boston, Massachusetts - " or "LONDON (Reuters) - ".
Both are only taken when unmistakable: a wrong title is worse than none, because the record
would then present a sentence of the body as the story's headline.
"""

from __future__ import annotations

import re

MAX_TITLE_CHARS = 150
MAX_TITLE_WORDS = 20
MAX_PLACE_WORDS = 4

_SENTENCE_END = (".", ",", ";", ":")
_BYLINE = re.compile(r"by\s+[A-Z]", re.IGNORECASE)
_PLACE_WORD = r"(?:[A-Z][\w.'’-]*|de|da|del|do|la|le|al|el|am|upon|on)"
_DATELINE = re.compile(
    rf"(?P<place>[A-Z][\w.'’-]*(?:,?\s{_PLACE_WORD})*)\s*(?:\([^)]{{1,40}}\))?\s*[-–—]{{1,2}}\s+(?=\S)"
)


def split_paragraphs(text: str) -> list[str]:
    r"""Paragraphs are separated by blank lines (the cleaner guarantees exactly one).

    >>> split_paragraphs("One.\n\nTwo,\nstill two.")
    ['One.', 'Two,\nstill two.']
    """
    return [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]


def looks_like_headline(paragraph: str) -> bool:
    """
    >>> looks_like_headline('"Everyone needs to take a step back"')
    True
    >>> looks_like_headline("Ad sales boost Time Warner profit")
    True
    >>> looks_like_headline("He said the talks had failed.")
    False
    >>> looks_like_headline("By Jane Smith")
    False
    """
    words = paragraph.split()
    return (
        "\n" not in paragraph
        and len(paragraph) <= MAX_TITLE_CHARS
        and 2 <= len(words) <= MAX_TITLE_WORDS
        and not paragraph.endswith(_SENTENCE_END)
        and (paragraph[0].isupper() or paragraph[0].isdigit() or paragraph[0] in "\"'“‘")
        and _BYLINE.match(paragraph) is None
        and _DATELINE.match(paragraph) is None
    )


def split_title(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Take the first paragraph as the title when it is a headline and text follows it.

    >>> split_title(["Ad sales boost profit", "Quarterly profits jumped."])
    ('Ad sales boost profit', ['Quarterly profits jumped.'])
    >>> split_title(["Ad sales boost profit"])
    (None, ['Ad sales boost profit'])
    """
    if len(paragraphs) >= 2 and looks_like_headline(paragraphs[0]):
        return paragraphs[0], paragraphs[1:]
    return None, paragraphs


def split_dateline(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Take a dateline off the first paragraph.

    >>> split_dateline(["Boston, Massachusetts - Essex County Sheriff Kevin Coppinger calls."])
    ('Boston, Massachusetts', ['Essex County Sheriff Kevin Coppinger calls.'])
    >>> split_dateline(["LONDON (Reuters) - Shares fell."])
    ('LONDON', ['Shares fell.'])
    >>> split_dateline(["The minister - a veteran - resigned."])
    (None, ['The minister - a veteran - resigned.'])
    """
    if not paragraphs:
        return None, paragraphs
    found = _DATELINE.match(paragraphs[0])
    if found is None or len(found["place"].split()) > MAX_PLACE_WORDS:
        return None, paragraphs
    return found["place"], [paragraphs[0][found.end() :], *paragraphs[1:]]
