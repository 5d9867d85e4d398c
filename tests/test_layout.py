from __future__ import annotations

import datetime as dt

import pytest

from tasks.errors import RejectedError
from tasks.models import CleanDocument, RejectReason
from tasks.parse.header import DateRules
from tasks.parse.layout import looks_like_headline, split_dateline, split_title
from tasks.parse.parse import parse_document
from tests.conftest import TODAY
from tests.helpers import origin

RULES = DateRules(today=TODAY)


@pytest.mark.parametrize(
    "line",
    [
        '"Everyone needs to take a step back"',
        "Ad sales boost Time Warner profit",
        "Why is the pound falling?",
        "2004: a year in review",
        "‘We will not give up’",
        "TAIWAN TO SEEK HIGHER TEXTILE EXPORTS TO U.S.",
        "Talks with the U.S.",
        "<COFAB INC> BUYS GULFEX FOR UNDISCLOSED AMOUNT",
        "BONUS WHEAT FLOUR FOR NORTH YEMEN -- USDA",
        "(MARSHALL STEEL LTD) YEAR NET",
        "BC-WORLD-HIGHLIGHTS",
    ],
)
def test_headlines(line: str) -> None:
    assert looks_like_headline(line)


@pytest.mark.parametrize(
    "line",
    [
        "He said the talks had failed.",
        "By Jane Smith",
        "Word",
        "a lower-case start is a sentence fragment",
        "Two lines\nare a paragraph",
        "x " * 30,
        "Boston, Massachusetts - The sheriff spoke to reporters on Monday.",
        "Talks failed, officials said.",
        "Ends with a colon:",
    ],
)
def test_not_headlines(line: str) -> None:
    assert not looks_like_headline(line)


def test_title_needs_following_text() -> None:
    assert split_title(["Only a headline"]) == (None, ["Only a headline"])


def test_a_line_continued_in_lower_case_is_not_a_title() -> None:
    paragraphs = ["Sweden's Nordbanken banking group", "said it would postpone the auction."]
    assert split_title(paragraphs) == (None, paragraphs)


def test_a_wire_headline_stays_a_title_above_a_lower_case_start() -> None:
    paragraphs = [
        "USDA TO REDUCE CITRUS ESTIMATING PROGRAM",
        "the U.S. Agriculture Department said.",
    ]
    assert split_title(paragraphs) == (paragraphs[0], paragraphs[1:])


@pytest.mark.parametrize(
    ("paragraph", "place", "rest"),
    [
        ("Boston, Massachusetts - Sheriff speaks.", "Boston, Massachusetts", "Sheriff speaks."),
        ("LONDON (Reuters) - Shares fell.", "LONDON", "Shares fell."),
        ("WASHINGTON — The Senate voted.", "WASHINGTON", "The Senate voted."),
        ("Rio de Janeiro -- Carnival began.", "Rio de Janeiro", "Carnival began."),
        ("The minister - a veteran - resigned.", None, "The minister - a veteran - resigned."),
        ("One Two Three Four Five - too long.", None, "One Two Three Four Five - too long."),
        ("No dateline here.", None, "No dateline here."),
        ("ECONOMIC SPOTLIGHT - BANKAMERICA <BAC>", None, "ECONOMIC SPOTLIGHT - BANKAMERICA <BAC>"),
        (
            "VEREINS- UND WESTBANK raised its dividend.",
            None,
            "VEREINS- UND WESTBANK raised its dividend.",
        ),
    ],
)
def test_split_dateline(paragraph: str, place: str | None, rest: str) -> None:
    assert split_dateline([paragraph, "Next."]) == (place, [rest, "Next."])


def _clean(text: str) -> CleanDocument:
    return CleanDocument(origin=origin(), text=text)


def test_parse_document_order_header_title_dateline() -> None:
    text = "A headline\n\nDate: 2025-05-15\n\nPARIS (AFP) - First sentence.\n\nSecond."
    document = parse_document(_clean(text), RULES)
    assert document.header is not None
    assert (document.header.date, document.title, document.place, document.body) == (
        dt.date(2025, 5, 15),
        "A headline",
        "PARIS",
        "First sentence.\n\nSecond.",
    )
    assert document.role == "source"


def test_parse_document_without_header_is_a_variant() -> None:
    document = parse_document(_clean("Some text."), RULES)
    assert (document.header, document.title, document.body, document.role) == (
        None,
        None,
        "Some text.",
        "variant",
    )


def test_header_only_document_is_empty() -> None:
    with pytest.raises(RejectedError) as caught:
        parse_document(_clean("Date: 2025-05-15"), RULES)
    assert caught.value.reason == RejectReason.EMPTY
