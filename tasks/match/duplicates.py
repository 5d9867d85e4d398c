"""Exact duplicates among sources: one record per story, not one per copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tasks.extract.formats import in_input_order
from tasks.memory import paused_garbage_collection
from tasks.refs import DocumentRef


@dataclass(frozen=True)
class SourceGroups:
    canonical: list[DocumentRef]  # one per distinct body, in path order (`in_input_order`)
    duplicates: list[tuple[DocumentRef, str]]  # (copy, path of its canonical source)


def _publication_order(source: DocumentRef) -> tuple[dt.date, str]:
    assert source.date is not None, "only dated documents are sources"
    return source.date, in_input_order(source.path)


@paused_garbage_collection()  # lists and tuples a source, kept for the run, no cycles
def group_duplicate_sources(sources: Sequence[DocumentRef]) -> SourceGroups:
    """Group sources whose clean bodies are identical up to line wrapping (equal
    `body_key`s). The canonical copy is the earliest dated one (the original publication),
    then the first by path; the others are listed on its record as duplicate variants, each
    with its own date.

    >>> from tasks.refs import body_key
    >>> def ref(path, day, body):
    ...     return DocumentRef(path, "0" * 64, dt.date(2025, 5, day), body_key(body), "")
    >>> groups = group_duplicate_sources([ref("a", 16, "x"), ref("b", 15, "x"), ref("c", 1, "y")])
    >>> [s.path for s in groups.canonical], [(d.path, c) for d, c in groups.duplicates]
    (['b', 'c'], [('a', 'b')])
    """
    by_body: dict[bytes, list[DocumentRef]] = {}
    for source in sources:
        by_body.setdefault(source.body_key, []).append(source)
    canonical: list[DocumentRef] = []
    duplicates: list[tuple[DocumentRef, str]] = []
    for group in by_body.values():
        first, *copies = sorted(group, key=_publication_order)
        canonical.append(first)
        duplicates.extend((copy, first.path) for copy in copies)
    canonical.sort(key=lambda source: in_input_order(source.path))
    return SourceGroups(canonical, duplicates)
