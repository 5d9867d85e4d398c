"""Strict, reproducible reading of a date header's value.

Only explicit, complete dates are accepted: no part is ever filled in from today, there are
no relative dates ("yesterday"), and day-first versus month-first is never guessed (see
`DateOrder`). The value is read from its start with the longest matching form in `FORMS`;
what follows (Reuters' trailing junk, a comment) is kept in the raw value but not read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tasks.parse.dates.forms import FORMS, AmbiguousDateError, DateOrder, Reading, UnknownMonthError

EARLIEST = dt.date(1800, 1, 1)


class UnrecognizedDateError(ValueError):
    """No date form starts the value: it may not be a date header at all."""


class ImpossibleDateError(ValueError):
    """A date form matched but names no real day (2021-02-30), or is ambiguous by policy."""


@dataclass(frozen=True)
class DateValue:
    reading: Reading
    end: int  # where the date expression ends in the value


def read_date_value(value: str, order: DateOrder = DateOrder.DMY) -> DateValue:
    """Read the date at the start of `value`; raise ValueError naming the value.

    >>> read_date_value("2025-05-15").reading.date
    datetime.date(2025, 5, 15)
    >>> read_date_value("Thu, 15 May 2025 14:03:00 -0400").reading.published_at.isoformat()
    '2025-05-15T14:03:00-04:00'
    >>> read_date_value("26-FEB-1987 15:01:01.79&#5;F").end
    23
    >>> read_date_value("05/06/2025", DateOrder.MDY).reading
    Reading(date=datetime.date(2025, 5, 6), published_at=None, ambiguous=True)
    >>> for value in ("2021-02-30", "someday soon"):
    ...     try:
    ...         read_date_value(value)
    ...     except ValueError as error:
    ...         print(type(error).__name__, error)
    ImpossibleDateError impossible date '2021-02-30': day is out of range for month
    UnrecognizedDateError unrecognized date 'someday soon'
    """
    best = None
    for pattern, builder in FORMS:
        found = pattern.match(value)
        if found and (best is None or found.end() > best[0].end()):
            best = (found, builder)
    if best is None:
        raise UnrecognizedDateError(f"unrecognized date {value.strip()!r}")
    found, builder = best
    parts = {name: text for name, text in found.groupdict().items() if text is not None}
    try:
        reading = builder(parts, order)
    except AmbiguousDateError as error:
        raise ImpossibleDateError(f"{error} in {value.strip()!r}") from None
    except UnknownMonthError as error:
        raise UnrecognizedDateError(f"unrecognized date {value.strip()!r}: {error}") from None
    except ValueError as error:
        raise ImpossibleDateError(f"impossible date {found.group(0)!r}: {error}") from None
    return DateValue(reading, found.end())


def check_plausible(date: dt.date, today: dt.date) -> None:
    """Reject dates before 1800 or more than a day after `today` (clock skew across zones).

    >>> check_plausible(dt.date(1799, 12, 31), dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ValueError: implausible date 1799-12-31: before 1800-01-01
    >>> check_plausible(dt.date(2025, 1, 3), dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ValueError: implausible date 2025-01-03: after 2025-01-02, a day past today
    """
    latest = today + dt.timedelta(days=1)
    if date < EARLIEST:
        raise ValueError(f"implausible date {date}: before {EARLIEST}")
    if date > latest:
        raise ValueError(f"implausible date {date}: after {latest}, a day past today")
