r"""Find and remove the "date" header at the top of an article.

Headers come in two shapes:

* on a line of their own, ``date: 2025-05-15`` or ``Date: May 15, 2025`` (also ``Date=``);
* glued in front of the first paragraph, `` date 2025-05-15 The Trump administration ...``,
  as some exporters write them.

A header with an explicit separator (``:`` or ``=``) is a header whatever follows, so a value
that cannot be read is an error (the file is rejected, never silently undated). Without a
separator, "date" is only a header when a complete date follows: "Date palms grow..." is text.
Only the first lines are searched, so a date inside the body never overrides the header.
"""

from __future__ import annotations

import datetime as dt
import re

from tasks.dates import DATE_VALUE, check_plausible, parse_date_value
from tasks.errors import RejectedError
from tasks.models import RejectReason

# How many non-blank lines from the top may hold the header (a title may come first).
HEADER_SEARCH_LINES = 3

_OWN_LINE = re.compile(r"date\s*[:=]\s*(?P<value>.*?)\s*", re.IGNORECASE)
_GLUED = re.compile(rf"date\s*[:=]?\s*(?P<value>{DATE_VALUE})(?:\s+(?P<rest>\S.*))?", re.IGNORECASE)


def split_date_header(text: str, today: dt.date) -> tuple[dt.date | None, str]:
    r"""Return the header's date (None when there is no header) and the text without it.

    >>> today = dt.date(2026, 1, 1)
    >>> split_date_header(" date 2025-05-15 The Trump administration", today)
    (datetime.date(2025, 5, 15), 'The Trump administration')
    >>> split_date_header("Title\n\nDate: May 15, 2025\n\nBody.", today)
    (datetime.date(2025, 5, 15), 'Title\n\nBody.')
    >>> split_date_header("Date palms grow in 2025-05-15 soil.", today)
    (None, 'Date palms grow in 2025-05-15 soil.')
    >>> split_date_header("Date: someday soon\n\nBody.", today)
    Traceback (most recent call last):
    tasks.errors.RejectedError: invalid_date: unrecognized date 'someday soon'
    """
    lines = text.split("\n")
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if seen == HEADER_SEARCH_LINES:
            break
        seen += 1
        found = _read_header_line(line.strip(), today)
        if found is None:
            continue
        date, rest = found
        kept = [*lines[:index], *([rest] if rest else []), *lines[index + 1 :]]
        return date, _drop_blank_edges("\n".join(kept))
    return None, text


def _read_header_line(line: str, today: dt.date) -> tuple[dt.date, str] | None:
    """The date and the rest of the line when `line` is a header, else None."""
    glued = _GLUED.fullmatch(line)
    if glued is not None:
        value, rest = glued["value"], glued["rest"] or ""
    else:
        own = _OWN_LINE.fullmatch(line)
        if own is None:
            return None
        value, rest = own["value"], ""
    try:
        date = parse_date_value(value)
        check_plausible(date, today)
    except ValueError as error:
        raise RejectedError(RejectReason.INVALID_DATE, str(error)) from None
    return date, rest


def _drop_blank_edges(text: str) -> str:
    """Collapse the blank lines a removed header leaves behind."""
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
