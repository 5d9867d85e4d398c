"""Every "date" header shape copydesk finds, and every way a header is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks.errors import RejectedError
from tasks.models import CleanDocument, RejectReason
from tasks.parse.dates import DateOrder
from tasks.parse.header import DateRules, split_date_header
from tasks.parse.parse import parse_document
from tests.conftest import TODAY
from tests.helpers import origin

MAY_15 = dt.date(2025, 5, 15)
RULES = DateRules(today=TODAY)


@pytest.mark.parametrize(
    ("text", "date", "raw", "rest"),
    [
        (
            " date 2025-05-15 The Trump administration is here.",
            MAY_15,
            "2025-05-15",
            "The Trump administration is here.",
        ),
        (
            "date 2025-05-15 The text goes on.\n\nMore.",
            MAY_15,
            "2025-05-15",
            "The text goes on.\n\nMore.",
        ),
        ("date: 2025-05-15\n\nBody.", MAY_15, "2025-05-15", "Body."),
        ("Date: May 15, 2025\nBody.", MAY_15, "May 15, 2025", "Body."),
        ("DATE: 15 May 2025\n\nBody.", MAY_15, "15 May 2025", "Body."),
        ("DATE 15 May 2025\n\nBody.", MAY_15, "15 May 2025", "Body."),
        ("Date=2025-05-15\n\nBody.", MAY_15, "2025-05-15", "Body."),
        ("Date = 2025/05/15\n\nBody.", MAY_15, "2025/05/15", "Body."),
        ("Date:2025-05-15\n\nBody.", MAY_15, "2025-05-15", "Body."),
        ("date 15.05.2025\n\nBody.", MAY_15, "15.05.2025", "Body."),
        (
            "Date: Thu, 15 May 2025 14:03:00 -0400\n\nBody.",
            MAY_15,
            "Thu, 15 May 2025 14:03:00 -0400",
            "Body.",
        ),
        ("Date: 2025-05-15T14:03:00Z\n\nBody.", MAY_15, "2025-05-15T14:03:00Z", "Body."),
        ("A title\n\nDate: May 15, 2025\n\nBody.", MAY_15, "May 15, 2025", "A title\n\nBody."),
        ("Title\nDate: 2025-05-15\nBody.", MAY_15, "2025-05-15", "Title\nBody."),
        # Reuters: glued junk is kept in the raw value, not taken for the body.
        (
            "DATE 27-MAR-1987 14:04:26.14F\n\nBody.",
            dt.date(1987, 3, 27),
            "27-MAR-1987 14:04:26.14F",
            "Body.",
        ),
        (
            "date 9-APR-1987 00:00:00.00    # date added as guesswork\n\nBody.",
            dt.date(1987, 4, 9),
            "9-APR-1987 00:00:00.00    # date added as guesswork",
            "Body.",
        ),
        # Text after the date is body unless clearly not prose: nothing is dropped.
        ("date: 2025-05-15 (updated)\n\nBody.", MAY_15, "2025-05-15", "(updated)\n\nBody."),
        (
            " date 1987-03-03 <Royal Bank of Canada>, in reporting a\nloss",
            dt.date(1987, 3, 3),
            "1987-03-03",
            "<Royal Bank of Canada>, in reporting a\nloss",
        ),
        (
            " date 1987-03-03 British Columbia\nsaid today",
            dt.date(1987, 3, 3),
            "1987-03-03",
            "British Columbia\nsaid today",
        ),
        (
            " date 1987-03-03 5507 tonnes were sold",
            dt.date(1987, 3, 3),
            "1987-03-03",
            "5507 tonnes were sold",
        ),
    ],
)
def test_header_forms(text: str, date: dt.date, raw: str, rest: str) -> None:
    header, remaining = split_date_header(text, RULES)
    assert header is not None
    assert (header.date, header.raw, remaining) == (date, raw, rest)


@pytest.mark.parametrize(
    "text",
    [
        "Date palms grow well.\n\nBody.",
        "Dateline: Boston\n\nBody.",
        "Title\n\nOne.\n\nTwo.\n\nDate: 2025-05-15",  # deeper than the header lines
        "The date 2025-05-15 was chosen.\n\nBody.",
        "Date 12 Smith 2020 was a good night.\n\nBody.",  # not a month: ordinary text
        "Body only.",
    ],
)
def test_no_header(text: str) -> None:
    assert split_date_header(text, RULES) == (None, text)


def test_a_date_in_the_body_never_overrides_the_header() -> None:
    header, _ = split_date_header("Date: 2025-05-15\n\nOn 3 June 2024 it began.", RULES)
    assert header is not None and header.date == MAY_15


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Date: someday soon\n\nBody.", "unrecognized date 'someday soon'"),
        ("Date:\n\nBody.", "unrecognized date ''"),
        ("Date: May 2025\n\nBody.", "unrecognized date 'May 2025'"),
        (
            "date: 2021-02-30\n\nBody.",
            "impossible date '2021-02-30': day is out of range for month",
        ),
        (
            "date 2021-02-30 Glued body text here.",
            "impossible date '2021-02-30': day is out of range for month",
        ),
        ("Date: 1799-12-31\n\nBody.", "implausible date 1799-12-31: before 1800-01-01"),
        (
            "Date: 2026-01-03\n\nBody.",
            "implausible date 2026-01-03: after 2026-01-02, a day past today",
        ),
    ],
)
def test_invalid_headers_reject(text: str, detail: str) -> None:
    with pytest.raises(RejectedError) as caught:
        split_date_header(text, RULES)
    assert (caught.value.reason, caught.value.detail) == (RejectReason.INVALID_DATE, detail)


def test_tomorrow_is_still_plausible() -> None:
    header, _ = split_date_header("Date: 2026-01-02\n\nBody.", RULES)
    assert header is not None and header.date == dt.date(2026, 1, 2)


def test_ambiguous_header_is_flagged_and_policy_applies() -> None:
    text = "Date: 05/06/2025\n\nBody."
    for order, date in ((DateOrder.DMY, dt.date(2025, 6, 5)), (DateOrder.MDY, dt.date(2025, 5, 6))):
        header, _ = split_date_header(text, DateRules(today=TODAY, order=order))
        assert header is not None and (header.date, header.ambiguous) == (date, True)
    with pytest.raises(RejectedError) as caught:
        split_date_header(text, DateRules(today=TODAY, order=DateOrder.REJECT))
    assert caught.value.detail == (
        "ambiguous date: 05/06 could be day/month or month/day in '05/06/2025'"
    )


def _parse(text: str) -> tuple[object, ...]:
    document = parse_document(CleanDocument(origin=origin(), text=text), RULES)
    header = document.header
    return (header and header.date, header and header.published_at, document.title, document.body)


def test_yaml_front_matter() -> None:
    text = '---\ntitle: "Storm: the aftermath"\ndate: 2025-05-15T08:00:00+01:00\n---\n\nBody.'
    zone = dt.timezone(dt.timedelta(hours=1))
    assert _parse(text) == (
        MAY_15,
        dt.datetime(2025, 5, 15, 8, tzinfo=zone),
        "Storm: the aftermath",
        "Body.",
    )


def test_front_matter_title_keeps_a_headline_like_first_paragraph_in_the_body() -> None:
    text = "---\ntitle: Real title\ndate: 2025-05-15\n---\n\nShort first line\n\nMore."
    assert _parse(text)[2:] == ("Real title", "Short first line\n\nMore.")


def test_front_matter_without_date_falls_back_to_header_lines() -> None:
    text = "---\nauthor: A. Writer\n---\n\nDate: 15 May 2025\n\nBody."
    assert _parse(text)[0] == MAY_15


def test_front_matter_with_bad_date_rejects() -> None:
    with pytest.raises(RejectedError) as caught:
        _parse("---\ndate: soon\n---\n\nBody.")
    assert caught.value.detail == "unrecognized date 'soon'"
