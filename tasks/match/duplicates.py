"""Exact duplicates among sources: one record per story, not one per copy."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from tasks.models import ParsedDocument


@dataclass(frozen=True)
class SourceGroups:
    canonical: list[ParsedDocument]  # one per distinct body, in path order
    duplicates: list[tuple[ParsedDocument, str]]  # (copy, path of its canonical source)


def same_text_key(body: str) -> str:
    r"""The body with its line wrapping and spacing folded: copies re-wrapped by another
    feed are the same text.

    >>> same_text_key("One line\nwrapped  here.\n\nTwo.")
    'One line wrapped here. Two.'
    """
    return " ".join(body.split())


def _publication_order(source: ParsedDocument) -> tuple[dt.date, str]:
    assert source.header is not None, "only dated documents are sources"
    return source.header.date, source.path


def group_duplicate_sources(sources: Sequence[ParsedDocument]) -> SourceGroups:
    """Group sources whose clean bodies are identical up to line wrapping. The canonical
    copy is the earliest dated one (the original publication), then the first by path; the
    others are listed on its record as duplicate variants, each with its own date.

    >>> from tasks.models import DateHeader, Provenance
    >>> def doc(path, day, body):
    ...     origin = Provenance(path=path, sha256="0" * 64, encoding="", encoding_reason="",
    ...                         fixes=[])
    ...     date = DateHeader(date=dt.date(2025, 5, day), published_at=None, ambiguous=False,
    ...                       raw="")
    ...     return ParsedDocument(origin=origin, header=date, title=None, place=None, body=body)
    >>> groups = group_duplicate_sources([doc("a", 16, "x"), doc("b", 15, "x"), doc("c", 1, "y")])
    >>> [s.path for s in groups.canonical], [(d.path, c) for d, c in groups.duplicates]
    (['b', 'c'], [('a', 'b')])
    """
    # Keyed by a digest of the folded text, not the text: a second copy of every source's
    # body (gigabytes at a million sources) is never held at once.
    by_body: dict[bytes, list[ParsedDocument]] = {}
    for source in sources:
        digest = hashlib.blake2b(same_text_key(source.body).encode(), digest_size=16).digest()
        by_body.setdefault(digest, []).append(source)
    canonical: list[ParsedDocument] = []
    duplicates: list[tuple[ParsedDocument, str]] = []
    for group in by_body.values():
        first, *copies = sorted(group, key=_publication_order)
        canonical.append(first)
        duplicates.extend((copy, first.path) for copy in copies)
    canonical.sort(key=lambda source: source.path)
    return SourceGroups(canonical, duplicates)
