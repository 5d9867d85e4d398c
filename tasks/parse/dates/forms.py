"""The date forms copydesk reads, each a regular expression anchored at the value's start.

English month names only (a fixed language, so the same header always means the same date).
Numeric dates: year first is always year-month-day; dotted (15.05.2025) is day-month-year,
the convention of every locale that writes dots; slashes and dashes (05/06/2025) are
ambiguous and resolved by the configured `DateOrder`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

MONTHS = {
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
# RFC 2822 zone names; with any other name the time is kept without an offset.
ZONES = {"ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5}
ZONES |= {"mst": -7, "mdt": -6, "pst": -8, "pdt": -7}


class DateOrder(StrEnum):
    """How to read a numeric date whose first two numbers could both be day or month."""

    DMY = "dmy"
    MDY = "mdy"
    REJECT = "reject"


class AmbiguousDateError(ValueError):
    pass


class UnknownMonthError(ValueError):
    """A word stands where a month name would: the value is not a date in English."""


@dataclass(frozen=True)
class Reading:
    date: dt.date
    published_at: dt.datetime | None
    ambiguous: bool = False


Builder = Callable[[dict[str, str], DateOrder], Reading]

_MON = r"(?P<month_name>[A-Za-z]{3,9})\.?"
_TIME = r"(?P<hour>\d{1,3}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?"
_OFFSET = r"(?P<offset>[+-]\d{2}(?::?\d{2})?|Z)"


def _month(parts: dict[str, str]) -> int:
    if parts.get("month"):
        return int(parts["month"])
    number = MONTHS.get(parts["month_name"].lower())
    if number is None:
        raise UnknownMonthError(f"unknown month name {parts['month_name']!r}")
    return number


def _zone(parts: dict[str, str]) -> dt.tzinfo | None:
    offset, name = parts.get("offset"), (parts.get("zone") or "").lower()
    if offset:
        if offset.upper() == "Z":
            return dt.UTC
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        return dt.timezone(sign * dt.timedelta(minutes=minutes))
    if name in ZONES:
        return dt.timezone(dt.timedelta(hours=ZONES[name]))
    return None


def _read(parts: dict[str, str], day: int, month: int, ambiguous: bool = False) -> Reading:
    """The date, and the time when one is given and valid (an impossible time such as
    Reuters' "605:12:19" is dropped: the date itself is still certain)."""
    date = dt.date(int(parts["year"]), month, day)
    published_at = None
    if parts.get("hour"):
        fraction = (parts.get("fraction") or "").ljust(6, "0")
        try:
            clock = dt.time(
                int(parts["hour"]), int(parts["minute"]), int(parts.get("second") or 0),
                int(fraction), tzinfo=_zone(parts),
            )  # fmt: skip
            published_at = dt.datetime.combine(date, clock)
        except ValueError:
            published_at = None
    return Reading(date, published_at, ambiguous)


def _named(parts: dict[str, str], order: DateOrder) -> Reading:
    return _read(parts, int(parts["day"]), _month(parts))


def _either_order(parts: dict[str, str], order: DateOrder) -> Reading:
    first, second = int(parts["first"]), int(parts["second_number"])
    if first > 12 or second > 12 or first == second:
        day, month = (first, second) if first > 12 else (second, first)
        return _read(parts, day, month)
    if order is DateOrder.REJECT:
        raise AmbiguousDateError(
            f"ambiguous date: {first:02d}/{second:02d} could be day/month or month/day"
        )
    day, month = (first, second) if order is DateOrder.DMY else (second, first)
    return _read(parts, day, month, ambiguous=True)


FORMS: tuple[tuple[re.Pattern[str], Builder], ...] = tuple(
    (re.compile(pattern + r"(?!\d)", re.IGNORECASE), builder)
    for pattern, builder in (
        (  # iso
            rf"(?P<year>\d{{4}})-(?P<month>\d{{2}})-(?P<day>\d{{2}})(?:[T ]{_TIME}\s?{_OFFSET}?)?",
            _named,
        ),
        (  # rfc2822
            rf"(?:[A-Za-z]{{3}},\s*)?(?P<day>\d{{1,2}})\s+{_MON}\s+(?P<year>\d{{4}})\s+{_TIME}"
            rf"(?:\s*(?:(?P<offset>[+-]\d{{4}})|(?P<zone>UTC?|GMT|Z|[ECMP][SD]T)\b))?",
            _named,
        ),
        (  # reuters
            rf"(?P<day>\d{{1,2}})-{_MON}-(?P<year>\d{{4}})(?:\s+{_TIME})?",
            _named,
        ),
        (  # month_day_year
            rf"{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})",
            _named,
        ),
        (  # day_month_year
            rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON},?\s+(?P<year>\d{{4}})",
            _named,
        ),
        (r"(?P<year>\d{4})[/.](?P<month>\d{1,2})[/.](?P<day>\d{1,2})", _named),  # year_first
        (r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})", _named),  # dotted_dmy
        (  # numeric
            r"(?P<first>\d{1,2})(?P<sep>[/-])(?P<second_number>\d{1,2})(?P=sep)(?P<year>\d{4})",
            _either_order,
        ),
    )
)
