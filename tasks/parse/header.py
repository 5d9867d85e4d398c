r"""Find and remove the "date" header at the top of an article.

The header sits in the first lines (before or after a title), in any of the shapes real
files carry: ``date: 2025-05-15``, ``Date=...``, ``DATE 26-FEB-1987 15:01:01.79``,
``Date:2025-05-15``, or glued in front of the first paragraph,
`` date 2025-05-15 The Trump administration ...``. (YAML front matter: `frontmatter.py`.)

A header with a separator (``:`` or ``=``) is a header whatever follows, so a value that
cannot be read is an error: the file is rejected, never silently undated. Without a
separator, "date" only starts a header when a date follows: "Date palms grow..." is text.
A date inside the body never overrides the header: only the first lines are searched.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tasks.errors import RejectedError
from tasks.models import DateHeader, RejectReason
from tasks.parse.dates import DateOrder, UnrecognizedDateError, check_plausible, read_date_value

# How many non-blank lines from the top may hold the header (a title may come first).
HEADER_SEARCH_LINES = 3
# Text after the date on the header's line is the glued first paragraph, unless it is
# clearly not prose: attached to the date without a space (Reuters' "15:01:01.79\x05\x05F"
# after control characters are removed) or a "#" comment ("# date added as guesswork").
# Such junk stays in the raw value; anything else is kept as body text, never dropped.
_GLUED_PROSE = re.compile(r"\s+(?=[^#\s])")
_KEY = re.compile(r"date(?:\s*(?P<separator>[:=])\s*|\s+)", re.IGNORECASE)


@dataclass(frozen=True)
class DateRules:
    """What a run knows about dates: today (for plausibility) and the ambiguity policy."""

    today: dt.date
    order: DateOrder = DateOrder.DMY


def read_header_value(value: str, rules: DateRules) -> tuple[DateHeader, str]:
    """Read a header value; return the header and any glued prose that followed it.

    Raises `RejectedError(invalid_date)` for an impossible or implausible date and
    `UnrecognizedDateError` when no date form starts the value.
    """
    try:
        parsed = read_date_value(value, rules.order)
        check_plausible(parsed.reading.date, rules.today)
    except UnrecognizedDateError:
        raise
    except ValueError as error:
        raise RejectedError(RejectReason.INVALID_DATE, str(error)) from None
    rest = value[parsed.end :]
    glued = _GLUED_PROSE.match(rest)
    prose = rest[glued.end() :] if glued else ""
    raw = (value[: parsed.end] if glued else value).strip()
    reading = parsed.reading
    header = DateHeader(
        date=reading.date,
        published_at=reading.published_at,
        ambiguous=reading.ambiguous,
        raw=raw,
    )
    return header, prose


def _read_header_line(line: str, rules: DateRules) -> tuple[DateHeader, str] | None:
    """The header and the glued prose when `line` starts with a date header, else None."""
    key = _KEY.match(line)
    if key is None:
        return None
    try:
        return read_header_value(line[key.end() :], rules)
    except UnrecognizedDateError as error:
        if key["separator"]:
            raise RejectedError(RejectReason.INVALID_DATE, str(error)) from None
        return None


def split_date_header(text: str, rules: DateRules) -> tuple[DateHeader | None, str]:
    r"""Return the header (None when there is none) and the text without it.

    >>> rules = DateRules(today=dt.date(2026, 1, 1))
    >>> header, rest = split_date_header(" date 2025-05-15 The Trump administration", rules)
    >>> header.date, header.raw, rest
    (datetime.date(2025, 5, 15), '2025-05-15', 'The Trump administration')
    >>> split_date_header("Date palms grow in 2025-05-15 soil.", rules)
    (None, 'Date palms grow in 2025-05-15 soil.')
    """
    lines = text.split("\n")
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if seen == HEADER_SEARCH_LINES:
            break
        seen += 1
        found = _read_header_line(line.strip(), rules)
        if found is None:
            continue
        header, prose = found
        kept = [*lines[:index], *([prose] if prose else []), *lines[index + 1 :]]
        return header, re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return None, text
