"""The counters the Reuters evaluation fills in (small, mutable, and named for the report),
and how it compares a body or a moment with the truth."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

SNIPPET = 80
MAX_EXAMPLES = 10


@dataclass
class Tally:
    """Hits out of a total, for one row of a breakdown table."""

    total: int = 0
    hits: int = 0

    def add(self, hit: bool) -> None:
        self.total += 1
        self.hits += hit

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0


def total(tallies: list[Tally]) -> Tally:
    """The sum of a breakdown: the overall row."""
    return Tally(sum(t.total for t in tallies), sum(t.hits for t in tallies))


@dataclass
class Outcome:
    """Where the files of one header form ended up: what a user would see per form."""

    files: int = 0
    sources: int = 0
    duplicates: int = 0
    undated_variants: int = 0
    rejected: int = 0


@dataclass
class Examples:
    """A count with its first few examples, so a report line can name concrete files."""

    count: int = 0
    items: list[str] = field(default_factory=list)

    def add(self, item: str, limit: int = MAX_EXAMPLES) -> None:
        self.count += 1
        if len(self.items) < limit:
            self.items.append(item)


@dataclass
class BodyScores:
    """Exact body equality (after whitespace normalization), broken down several ways."""

    by_encoding: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_newline: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_form: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_title: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    ratios: list[float] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    examples: defaultdict[str, list[dict[str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )


def first_difference(got: str, want: str) -> dict[str, str]:
    """The 80 characters from where the two texts first differ."""
    index = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b), None)
    start = min(len(got), len(want)) if index is None else index
    return {"got": got[start : start + SNIPPET], "want": want[start : start + SNIPPET]}


def mismatch_kind(got: str, want: str) -> str:
    """Name the shape of a body difference, so causes can be counted rather than guessed."""
    if got.endswith(" " + want):
        return "extra text before the body (title, dateline or header left in)"
    if want.endswith(" " + got):
        return "body start missing (taken as title, dateline or header)"
    if got.startswith(want) or want.startswith(got):
        return "body end differs"
    return "text differs inside the body"


def same_moment(got: str | None, want: str | None) -> bool:
    """Whether two ISO datetimes (or both None) are equal, offset and all.

    Compared as values and offsets both: 15:01-05:00 and 20:01Z name the same instant but
    a record that moved the story to UTC has lost the wire's local time.
    """
    if got is None or want is None:
        return got == want
    got_at, want_at = dt.datetime.fromisoformat(got), dt.datetime.fromisoformat(want)
    return got_at == want_at and got_at.utcoffset() == want_at.utcoffset()
