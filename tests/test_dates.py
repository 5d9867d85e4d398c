"""Every date value form copydesk reads, and every way a value is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks.parse.dates import DateOrder, ImpossibleDateError, UnrecognizedDateError, read_date_value

MAY_15 = dt.date(2025, 5, 15)
EDT = dt.timezone(dt.timedelta(hours=-4))
UTC = dt.UTC


def _at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
    microsecond: int = 0, zone: dt.tzinfo | None = None,
) -> dt.datetime:  # fmt: skip
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone)


@pytest.mark.parametrize(
    ("value", "date", "published_at"),
    [
        ("2025-05-15", MAY_15, None),
        ("2025-05-15T14:03:00-04:00", MAY_15, _at(2025, 5, 15, 14, 3, zone=EDT)),
        ("2025-05-15T14:03:00Z", MAY_15, _at(2025, 5, 15, 14, 3, zone=UTC)),
        ("2025-05-15 14:03:00.250+00:00", MAY_15, _at(2025, 5, 15, 14, 3, 0, 250000, zone=UTC)),
        ("2025-05-15T14:03-0400", MAY_15, _at(2025, 5, 15, 14, 3, zone=EDT)),
        ("2025-05-15T14:03", MAY_15, _at(2025, 5, 15, 14, 3)),
        # The calendar date is the one written, in the header's own zone.
        ("2025-05-15T23:30:00-04:00", MAY_15, _at(2025, 5, 15, 23, 30, zone=EDT)),
        ("Thu, 15 May 2025 14:03:00 -0400", MAY_15, _at(2025, 5, 15, 14, 3, zone=EDT)),
        ("15 May 2025 14:03 GMT", MAY_15, _at(2025, 5, 15, 14, 3, zone=UTC)),
        ("Thu, 15 May 2025 14:03:00 EDT", MAY_15, _at(2025, 5, 15, 14, 3, zone=EDT)),
        ("May 15, 2025", MAY_15, None),
        ("May 15 2025", MAY_15, None),
        ("May 15th, 2025", MAY_15, None),
        ("15 May 2025", MAY_15, None),
        ("15 May, 2025", MAY_15, None),
        ("Sept. 3, 2024", dt.date(2024, 9, 3), None),
        ("2025/05/15", MAY_15, None),
        ("2025.05.15", MAY_15, None),
        ("15.05.2025", MAY_15, None),
        ("5.6.2025", dt.date(2025, 6, 5), None),  # dots: day first, never ambiguous
        ("15/05/2025", MAY_15, None),  # 15 cannot be a month: not ambiguous
        ("05/15/2025", MAY_15, None),
        ("05-15-2025", MAY_15, None),
        ("05/05/2025", dt.date(2025, 5, 5), None),
        ("26-FEB-1987 15:01:01.79", dt.date(1987, 2, 26), _at(1987, 2, 26, 15, 1, 1, 790000)),
        # Reuters' malformed values: double spaces, trailing junk, an impossible hour.
        ("3-MAR-1987  13:04:18.47", dt.date(1987, 3, 3), _at(1987, 3, 3, 13, 4, 18, 470000)),
        (
            "27-MAR-1987 14:04:26.14\x05\x05F",
            dt.date(1987, 3, 27),
            _at(1987, 3, 27, 14, 4, 26, 140000),
        ),
        ("9-APR-1987 00:00:00.00    # guesswork", dt.date(1987, 4, 9), _at(1987, 4, 9)),
        ("31-MAR-1987 605:12:19.12", dt.date(1987, 3, 31), None),
        ("26-Feb-1987", dt.date(1987, 2, 26), None),
    ],
)
def test_read_date_value(value: str, date: dt.date, published_at: dt.datetime | None) -> None:
    reading = read_date_value(value).reading
    assert (reading.date, reading.published_at, reading.ambiguous) == (date, published_at, False)


@pytest.mark.parametrize(
    ("order", "date"),
    [(DateOrder.DMY, dt.date(2025, 6, 5)), (DateOrder.MDY, dt.date(2025, 5, 6))],
)
def test_ambiguous_numeric_dates_follow_the_policy(order: DateOrder, date: dt.date) -> None:
    for value in ("05/06/2025", "05-06-2025", "5/6/2025"):
        reading = read_date_value(value, order).reading
        assert (reading.date, reading.ambiguous) == (date, True)


def test_ambiguous_dates_can_be_refused() -> None:
    with pytest.raises(ImpossibleDateError) as caught:
        read_date_value("05/06/2025", DateOrder.REJECT)
    assert str(caught.value) == (
        "ambiguous date: 05/06 could be day/month or month/day in '05/06/2025'"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2021-02-30", "impossible date '2021-02-30': day is out of range for month"),
        ("2025-13-01", "impossible date '2025-13-01': month must be in 1..12"),
        ("31/04/2025", "impossible date '31/04/2025': day is out of range for month"),
        ("30 Feb 2024", "impossible date '30 Feb 2024': day is out of range for month"),
    ],
)
def test_impossible_dates(value: str, message: str) -> None:
    with pytest.raises(ImpossibleDateError) as caught:
        read_date_value(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "value",
    [
        "someday soon",
        "yesterday",
        "May 2025",  # no day: never filled in
        "15 May",  # no year: never taken from today
        "15/05",
        "2025-05-1599",  # digits run on: not a date
        "",
    ],
)
def test_unrecognized_values(value: str) -> None:
    with pytest.raises(UnrecognizedDateError):
        read_date_value(value)


def test_unknown_month_name_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedDateError) as caught:
        read_date_value("15 Foo 2025")
    assert str(caught.value) == "unrecognized date '15 Foo 2025': unknown month name 'Foo'"
