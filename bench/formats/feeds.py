"""JSON Lines feeds as copydesk reads them: one article a line, each an input of its own
named ``<feed path>#<N>`` (N: the feed's line, from 1).

Benchmarks name their truth the same way, so a record's ``source.path``, a variant's
``path`` and a rejection's ``path`` find their story without knowing how the reader works.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

FEED_SUFFIXES = (".jsonl", ".ndjson")


def input_name(feed: str, line: int) -> str:
    """The input copydesk makes of line `line` of `feed` (a path inside INPUT).

    >>> input_name("feeds/sources.jsonl", 3)
    'feeds/sources.jsonl#3'
    """
    return f"{feed}#{line}"


def split_name(name: str) -> tuple[str, int | None]:
    """(the file, its line) for a feed's article; (the file, None) for a file of its own.

    >>> split_name("feeds/sources.jsonl#3"), split_name("txt/a.txt")
    (('feeds/sources.jsonl', 3), ('txt/a.txt', None))
    """
    file, mark, line = name.rpartition("#")
    if mark and file.endswith(FEED_SUFFIXES) and line.isdigit():
        return file, int(line)
    return name, None


def format_of(name: str) -> str:
    """An input's format, as its name says: "jsonl" for a feed's article, else the suffix.

    >>> format_of("feeds/variants.jsonl#12"), format_of("md/business-001.md")
    ('jsonl', 'md')
    """
    return "jsonl" if split_name(name)[1] is not None else name.rsplit(".", 1)[-1]


def feed_line(record: Mapping[str, object]) -> str:
    """One article as a feed's line: compact JSON, UTF-8 left as it is (as scrapers write).

    >>> feed_line({"title": "Café", "text": "One.\\n\\nTwo."})
    '{"title": "Café", "text": "One.\\\\n\\\\nTwo."}\\n'
    """
    return json.dumps(record, ensure_ascii=False) + "\n"


def write_feed(path: Path, records: Iterable[Mapping[str, object]]) -> int:
    """Write the records to `path`, one a line, in order; return how many (the last N)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = 0
    with path.open("w", encoding="utf-8", newline="\n") as feed:
        for record in records:
            feed.write(feed_line(record))
            lines += 1
    return lines
