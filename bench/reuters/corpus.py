"""Read the Reuters-21578 SGML files into plain stories, keeping every DATE value verbatim.

The benchmark's ground truth comes from here, so this reader is deliberately simpler than
the product's: regular expressions over the SGML, and a date parser that only knows the one
``D-MON-YYYY`` prefix Reuters always starts with. Nothing in it shares code with copydesk.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SGML_GLOB = "reut2-*.sgm"
EXPECTED_SGML_FILES = 22

_ELEMENT = re.compile(r"<REUTERS\b[^>]*\bNEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.DOTALL)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL) for name in ("DATE", "TITLE")}
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.DOTALL)
_END_MARKER = re.compile(r"\s*&#3;\s*$")
_CHAR_REF = re.compile(r"&#(\d+);")
# This copy of the corpus marks each new paragraph with a literal "&\t" at the line start.
_PARAGRAPH_MARK = re.compile(r"^&\\t", re.MULTILINE)
# The well-formed value: day (space-padded), month, year, time with centiseconds, nothing else.
_CANONICAL_DATE = re.compile(r"(?:\d\d| \d)-[A-Z]{3}-\d{4} \d\d:\d\d:\d\d\.\d\d")
_DATE_PREFIX = re.compile(r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# Terminal escapes (ESC [ B), C0 controls and DEL: wire noise (Reuters' &#127; inside
# words), never content.
_CONTROL = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Story:
    """One Reuters element with a BODY: the raw DATE value, the title and the body text."""

    newid: int
    raw_date: str
    title: str
    body: str

    @property
    def malformed(self) -> bool:
        """Whether the DATE deviates from Reuters' fixed-width form (junk, double spaces...)."""
        return _CANONICAL_DATE.fullmatch(self.raw_date) is None


def unescape(text: str) -> str:
    """Undo the SGML escaping: &lt; &gt; &amp; and numeric character references.

    Numeric references (&#127;, &#5;) stand for control characters in SGML, so they become
    those characters; `normalize_words` drops them from the truth. ``&amp;`` goes last so an
    escaped ``&amp;lt;`` stays the literal text ``&lt;``.
    """
    text = _CHAR_REF.sub(lambda found: chr(int(found.group(1))), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean_body(raw: str) -> str:
    """The body as an article file would carry it: the end marker dropped, entities undone,
    and the corpus' "&\\t" paragraph marks turned into blank lines (line breaks kept)."""
    body = _END_MARKER.sub("", raw)
    body = _PARAGRAPH_MARK.sub("\n", body)
    return unescape(body).strip("\n")


def normalize_words(text: str) -> str:
    """Whitespace-normalized text without control characters: what a faithful body keeps."""
    return " ".join(_CONTROL.sub("", text).split())


def true_date(raw: str) -> dt.date:
    """The story's date from the ``D-MON-YYYY`` prefix every Reuters DATE value starts with.

    >>> true_date(" 5-MAR-1987 09:15:05.40")
    datetime.date(1987, 3, 5)
    """
    found = _DATE_PREFIX.match(raw)
    if found is None:
        raise ValueError(f"no D-MON-YYYY prefix in DATE {raw!r}")
    day, month, year = found.groups()
    return dt.date(int(year), _MONTHS.index(month.upper()) + 1, int(day))


def true_time(raw: str) -> dt.time | None:
    """The HH:MM:SS.cc after the date when it is a valid clock time (not "605:12:19").

    >>> true_time("3-MAR-1987  13:04:18.47&#5;&#5;&#5;F")
    datetime.time(13, 4, 18, 470000)
    """
    found = re.match(r"\s*\S+\s+(\d{1,3}):(\d\d):(\d\d)(?:\.(\d{1,6}))?", raw)
    if found is None:
        return None
    hour, minute, second = (int(part) for part in found.groups()[:3])
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second, int((found.group(4) or "").ljust(6, "0")))


def parse_sgml(text: str) -> Iterator[Story]:
    """Every element with a BODY, in file order (elements without one are index cards)."""
    for found in _ELEMENT.finditer(text):
        element = found.group(2)
        body = _BODY.search(element)
        date = _FIELD["DATE"].search(element)
        if body is None or date is None:
            continue
        title = _FIELD["TITLE"].search(element)
        yield Story(
            newid=int(found.group(1)),
            raw_date=date.group(1),
            title=" ".join(unescape(title.group(1)).split()) if title else "",
            body=clean_body(body.group(1)),
        )


def load_stories(reuters_dir: Path, limit: int | None = None) -> list[Story]:
    """All stories of the 22 files, sorted by NEWID; the first `limit` when given.

    The files are ASCII with a few stray high bytes, so latin-1 reads every byte as itself.
    """
    files = sorted(reuters_dir.glob(SGML_GLOB))
    if len(files) != EXPECTED_SGML_FILES:
        sys.exit(f"expected {EXPECTED_SGML_FILES} {SGML_GLOB} files in {reuters_dir}")
    stories = [story for path in files for story in parse_sgml(path.read_text(encoding="latin-1"))]
    stories.sort(key=lambda story: story.newid)
    return stories[:limit] if limit is not None else stories
