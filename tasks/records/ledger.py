"""The ledger: every input file of a run, its SHA-256 and what became of it.

`ledger.jsonl` sits next to the articles, one line per input in path order, so a user (or
the next run) can tell which files a run saw, in which version, and where each one went,
without reading the records (the run state, `tasks/output/state.py`, condenses the same
facts into one hash).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from tasks.models import ArticleRecord, Model, Rejection, RejectReason, Sha256

Outcome = Literal["source", "variant", "duplicate", "rejected"]


class LedgerEntry(Model):
    path: str
    sha256: Sha256 | None = None  # None when the file could not be read
    outcome: Outcome
    record: str | None = None  # the id of the record it is part of
    reason: RejectReason | None = None  # why it was rejected


def build_ledger(
    hashes: Mapping[str, str], records: Iterable[ArticleRecord], rejected: Iterable[Rejection]
) -> list[LedgerEntry]:
    """One entry per input, in path order; `hashes` holds the SHA-256 of every file read."""
    entries = [
        LedgerEntry(path=r.path, sha256=hashes.get(r.path), outcome="rejected", reason=r.reason)
        for r in rejected
    ]
    for record in records:
        entries.append(_entry(record.source.path, hashes, "source", record.id))
        for variant in record.variants:
            outcome: Outcome = "duplicate" if variant.duplicate else "variant"
            entries.append(_entry(variant.path, hashes, outcome, record.id))
    return sorted(entries, key=lambda entry: entry.path)


def _entry(path: str, hashes: Mapping[str, str], outcome: Outcome, record: str) -> LedgerEntry:
    return LedgerEntry(path=path, sha256=hashes[path], outcome=outcome, record=record)
