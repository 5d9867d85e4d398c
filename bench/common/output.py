"""Read copydesk's documented output files and check that they account for every input."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from reuters_build import Truth

Record = dict[str, Any]


def read_jsonl(path: Path) -> list[Record]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def home_of(records: list[Record], rejected: list[Record]) -> tuple[Counter[str], dict[str, str]]:
    """How often each path appears in the output, and the record (source path) it joined."""
    seen: Counter[str] = Counter(rejection["path"] for rejection in rejected)
    home: dict[str, str] = {}
    for record in records:
        source = record["source"]["path"]
        for path in [source, *(variant["path"] for variant in record["variants"])]:
            seen[path] += 1
            home[path] = source
    return seen, home


def check_accounting(truths: list[Truth], seen: Counter[str]) -> list[str]:
    """Every corpus file exactly once; return one line per violation (empty when sound)."""
    expected = {truth.path for truth in truths}
    errors = [f"{path} missing from every output" for path in sorted(expected - set(seen))]
    errors += [f"{path} appears {n} times" for path, n in sorted(seen.items()) if n > 1]
    errors += [f"{path} is not a corpus file" for path in sorted(set(seen) - expected)]
    return errors


def same_moment(got: str | None, want: str | None) -> bool:
    """Whether two ISO datetimes (or both None) are equal, offset and all.

    Compared as values and offsets both: 15:01-05:00 and 20:01Z name the same instant but
    a record that moved the story to UTC has lost the wire's local time.
    """
    if got is None or want is None:
        return got == want
    got_at, want_at = dt.datetime.fromisoformat(got), dt.datetime.fromisoformat(want)
    return got_at == want_at and got_at.utcoffset() == want_at.utcoffset()
