from __future__ import annotations

import datetime as dt

import pytest

from tasks.errors import RejectedError
from tasks.header import DateRules
from tasks.layout import looks_like_headline, split_dateline, split_title
from tasks.models import CleanDocument, RejectReason
from tasks.parse import parse_document
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
        "Boston, Massachusetts - The sheriff spoke",
        "Ends with a colon:",
    ],
)
def test_not_headlines(line: str) -> None:
    assert not looks_like_headline(line)


def test_title_needs_following_text() -> None:
    assert split_title(["Only a headline"]) == (None, ["Only a headline"])


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
