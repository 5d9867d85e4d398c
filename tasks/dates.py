"""Strict parsing of a date header's value.

Only explicit, complete dates are accepted: no part is ever filled in from today, no relative
dates ("yesterday"), no guessing between day-first and month-first. A value that is not one
of the accepted forms is an error, never silently "undated".
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})"
_YEAR = r"(?P<year>\d{4})"

# Each accepted form as a regular expression with named groups; order does not matter
# because the forms cannot overlap.
DATE_FORMS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"{_YEAR}-(?P<month_number>\d{{2}})-(?P<day>\d{{2}})"),  # 2025-05-15
    re.compile(rf"{_MONTH} {_DAY},? {_YEAR}"),  # May 15, 2025
    re.compile(rf"{_DAY} {_MONTH},? {_YEAR}"),  # 15 May 2025
)
# Where a value ends inside running text ("date 2025-05-15 The ..."): the forms with their
# named groups made anonymous, so the pattern can be embedded in a larger one.
DATE_VALUE = "|".join(re.sub(r"\(\?P<\w+>", "(?:", form.pattern) for form in DATE_FORMS)


def parse_date_value(value: str) -> dt.date:
    """Read a complete date in one of `DATE_FORMS`; raise ValueError naming the value.

    >>> parse_date_value("2025-05-15"), parse_date_value("May 15, 2025")
    (datetime.date(2025, 5, 15), datetime.date(2025, 5, 15))
    >>> parse_date_value("15 Sept. 2025")
    datetime.date(2025, 9, 15)
    >>> parse_date_value("2021-02-30")
    Traceback (most recent call last):
    ValueError: impossible date '2021-02-30': day is out of range for month
    >>> parse_date_value("someday soon")
    Traceback (most recent call last):
    ValueError: unrecognized date 'someday soon'
    """
    text = " ".join(value.split())
    for form in DATE_FORMS:
        found = form.fullmatch(text)
        if found is None:
            continue
        parts = found.groupdict()
        month = _month_number(parts)
        if month is None:
            continue
        try:
            return dt.date(int(parts["year"]), month, int(parts["day"]))
        except ValueError as error:
            raise ValueError(f"impossible date {value!r}: {error}") from None
    raise ValueError(f"unrecognized date {value!r}")


def _month_number(parts: dict[str, str | None]) -> int | None:
    if parts.get("month_number"):
        return int(parts["month_number"] or 0)
    return _MONTHS.get((parts.get("month") or "").lower())


def check_plausible(date: dt.date, today: dt.date) -> None:
    """Reject dates before 1800 or more than a day after `today` (clock skew across zones).

    >>> check_plausible(dt.date(1799, 12, 31), dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ValueError: implausible date 1799-12-31: before 1800-01-01
    >>> check_plausible(dt.date(2025, 1, 3), dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ValueError: implausible date 2025-01-03: after 2025-01-02, a day past today
    """
    earliest = dt.date(1800, 1, 1)
    latest = today + dt.timedelta(days=1)
    if date < earliest:
        raise ValueError(f"implausible date {date}: before {earliest}")
    if date > latest:
        raise ValueError(f"implausible date {date}: after {latest}, a day past today")
