from __future__ import annotations

import datetime as dt

import pytest

from tasks.dates import parse_date_value
from tasks.errors import RejectedError
from tasks.header import split_date_header
from tasks.models import RejectReason
from tests.conftest import TODAY

MAY_15 = dt.date(2025, 5, 15)


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2025-05-15", MAY_15),
        ("May 15, 2025", MAY_15),
        ("May 15 2025", MAY_15),
        ("15 May 2025", MAY_15),
        ("Sept. 3, 2024", dt.date(2024, 9, 3)),
        ("sep 3, 2024", dt.date(2024, 9, 3)),
        ("  May   15,  2025 ", MAY_15),
        ("2024-02-29", dt.date(2024, 2, 29)),
    ],
)
def test_parse_date_value(value: str, date: dt.date) -> None:
    assert parse_date_value(value) == date


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2021-02-30", "impossible date '2021-02-30': day is out of range for month"),
        ("2025-13-01", "impossible date '2025-13-01': month must be in 1..12"),
        ("Mayo 15, 2025", "unrecognized date 'Mayo 15, 2025'"),
        ("15/05/2025", "unrecognized date '15/05/2025'"),
        ("yesterday", "unrecognized date 'yesterday'"),
        ("May 2025", "unrecognized date 'May 2025'"),
        ("", "unrecognized date ''"),
    ],
)
def test_parse_date_value_errors(value: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date_value(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "date", "rest"),
    [
        (" date 2025-05-15 The Trump administration", MAY_15, "The Trump administration"),
        ("date 2025-05-15 The text.\n\nMore.", MAY_15, "The text.\n\nMore."),
        ("date: 2025-05-15\n\nBody.", MAY_15, "Body."),
        ("Date: May 15, 2025\nBody.", MAY_15, "Body."),
        ("DATE: 15 May 2025\n\nBody.", MAY_15, "Body."),
        ("Date=2025-05-15\n\nBody.", MAY_15, "Body."),
        ("Date:2025-05-15\n\nBody.", MAY_15, "Body."),
        ("date 2025-05-15\n\nBody.", MAY_15, "Body."),
        ("A title\n\nDate: May 15, 2025\n\nBody.", MAY_15, "A title\n\nBody."),
        # No header: text that merely starts with the word, or a date deeper in the body.
        ("Date palms grow well.\n\nBody.", None, "Date palms grow well.\n\nBody."),
        (
            "Title\n\nOne.\n\nTwo.\n\nDate: 2025-05-15",
            None,
            "Title\n\nOne.\n\nTwo.\n\nDate: 2025-05-15",
        ),
        ("Body only.", None, "Body only."),
    ],
)
def test_split_date_header(text: str, date: dt.date | None, rest: str) -> None:
    assert split_date_header(text, TODAY) == (date, rest)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Date: someday soon\n\nBody.", "unrecognized date 'someday soon'"),
        (
            "date: 2021-02-30\n\nBody.",
            "impossible date '2021-02-30': day is out of range for month",
        ),
        (
            "date 2021-02-30 Glued body.",
            "impossible date '2021-02-30': day is out of range for month",
        ),
        ("Date: 1799-12-31\n\nBody.", "implausible date 1799-12-31: before 1800-01-01"),
        (
            "Date: 2026-01-03\n\nBody.",
            "implausible date 2026-01-03: after 2026-01-02, a day past today",
        ),
        ("Date:\n\nBody.", "unrecognized date ''"),
    ],
)
def test_invalid_header_rejects(text: str, detail: str) -> None:
    with pytest.raises(RejectedError) as caught:
        split_date_header(text, TODAY)
    assert (caught.value.reason, caught.value.detail) == (RejectReason.INVALID_DATE, detail)


def test_tomorrow_is_still_plausible() -> None:
    assert split_date_header("Date: 2026-01-02\n\nBody.", TODAY)[0] == dt.date(2026, 1, 2)
