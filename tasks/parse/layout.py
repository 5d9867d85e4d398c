r"""Recognize a headline and a dateline at the top of an article body.

A headline is a short, single-line first paragraph that does not read like a sentence (no
final period, except after an abbreviation such as "U.S."; wire headlines in capitals always
qualify) and is followed by more text that does not continue it in lower case. A dateline is
the place-name prefix news agencies put before the first sentence, e.g.
"Boston, Massachusetts - " or "LONDON (Reuters) - ".
Both are only taken when unmistakable: a wrong title is worse than none, because the record
would then present a sentence of the body as the story's headline.
"""

from __future__ import annotations

import re

MAX_TITLE_CHARS = 150
MAX_TITLE_WORDS = 20
MAX_PLACE_WORDS = 4

_SENTENCE_END = (".", ",", ";", ":")
_SENTENCE_CLOSE = (".", "!", "?", '"', "”", "’", ")")
_ABBREVIATION_END = re.compile(r"\b(?:[A-Z]\.){2,}$")  # U.S. U.K. E.U.
_HEADLINE_START = "\"'“‘<(["
_BYLINE = re.compile(r"by\s+[A-Z]", re.IGNORECASE)
_PLACE_WORD = r"(?:[A-Z][\w.'’-]*|de|da|del|do|la|le|al|el|am|upon|on)"
_DATELINE = re.compile(
    rf"(?P<place>[A-Z][\w.'’-]*(?:,?\s{_PLACE_WORD})*)(?:\s*\([^)]{{1,40}}\))?\s+[-–—]{{1,2}}\s+"
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
    >>> looks_like_headline("TAIWAN TO SEEK HIGHER TEXTILE EXPORTS TO U.S.")
    True
    >>> looks_like_headline("He said the talks had failed.")
    False
    >>> looks_like_headline("By Jane Smith")
    False
    """
    words = paragraph.split()
    capitals = not any(character.islower() for character in paragraph)
    ends_like_sentence = paragraph.endswith(_SENTENCE_END) and not (
        capitals or _ABBREVIATION_END.search(paragraph)
    )
    return (
        "\n" not in paragraph
        and len(paragraph) <= MAX_TITLE_CHARS
        and (2 if not capitals else 1) <= len(words) <= MAX_TITLE_WORDS
        and not ends_like_sentence
        and (paragraph[0].isupper() or paragraph[0].isdigit() or paragraph[0] in _HEADLINE_START)
        and _BYLINE.match(paragraph) is None
    )


def split_title(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Take the first paragraph as the title when it is a headline and text follows it.

    >>> split_title(["Ad sales boost profit", "Quarterly profits jumped."])
    ('Ad sales boost profit', ['Quarterly profits jumped.'])
    >>> split_title(["Ad sales boost profit"])
    (None, ['Ad sales boost profit'])
    """
    if (
        len(paragraphs) >= 2
        and looks_like_headline(paragraphs[0])
        and not _continued_in_lower_case(paragraphs[0], paragraphs[1])
    ):
        return paragraphs[0], paragraphs[1:]
    return None, paragraphs


def _continued_in_lower_case(first: str, second: str) -> bool:
    """A mixed-case line followed by lower case is a sentence split by a stray paragraph
    break ("Sweden's Nordbanken banking group" / "said it would ..."). A line in capitals is
    a wire headline even when the story below it starts in lower case (a cut dateline)."""
    return second[0].islower() and any(character.islower() for character in first)


def split_dateline(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """Take a dateline off the first paragraph.

    >>> split_dateline(["Boston, Massachusetts - Essex County Sheriff Kevin Coppinger calls."])
    ('Boston, Massachusetts', ['Essex County Sheriff Kevin Coppinger calls.'])
    >>> split_dateline(["LONDON (Reuters) - Shares fell."])
    ('LONDON', ['Shares fell.'])
    >>> split_dateline(["The minister - a veteran - resigned."])
    (None, ['The minister - a veteran - resigned.'])
    >>> split_dateline(["BONUS WHEAT FLOUR FOR NORTH YEMEN -- USDA"])
    (None, ['BONUS WHEAT FLOUR FOR NORTH YEMEN -- USDA'])
    """
    if not paragraphs:
        return None, paragraphs
    found = _DATELINE.match(paragraphs[0])
    # A dateline opens a sentence; "ECONOMIC SPOTLIGHT - BANKAMERICA <BAC>" is a headline.
    is_sentence = paragraphs[0].rstrip().endswith(_SENTENCE_CLOSE)
    if found is None or not is_sentence or len(found["place"].split()) > MAX_PLACE_WORDS:
        return None, paragraphs
    return found["place"], [paragraphs[0][found.end() :], *paragraphs[1:]]
