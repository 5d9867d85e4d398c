"""JSON Lines feeds written as scrapers write them: one article a line. copydesk names each
line's article ``<feed path>#<N>`` (tasks/extract/formats.py: `part_name`, `feed_of`), and
the benchmarks name their truth with the same functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path


def feed_line(record: Mapping[str, object]) -> str:
    """One article as a feed's line: compact JSON, UTF-8 left as it is (as scrapers write).

    >>> feed_line({"title": "Café", "text": "One.\\n\\nTwo."})
    '{"title": "Café", "text": "One.\\\\n\\\\nTwo."}\\n'
    """
    return json.dumps(record, ensure_ascii=False) + "\n"


def write_feed(path: Path, records: Iterable[Mapping[str, object]]) -> None:
    """Write the records to `path`, one a line, in order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as feed:
        feed.writelines(feed_line(record) for record in records)
