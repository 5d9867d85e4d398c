"""The ledger: every input file of a run, its SHA-256 and what became of it.

`ledger.jsonl` sits next to the articles, one line per input in path order, so a user (or
the next run) can tell which files a run saw, in which version, and where each one went,
without reading the records. The run state condenses the same facts, plus everything else
the output depends on, into one hash: a run whose state equals the last written one's has
nothing to do.
"""

from __future__ import annotations

import hashlib
import json
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


def run_state(
    code: str, settings: Mapping[str, object], hashes: Mapping[str, str], unread: Iterable[str]
) -> str:
    """SHA-256 of what a run's output is a function of: the code, the settings, every file
    read (path and content hash) and every file that could not be read (path, reason and
    detail, so that a new reason is never hidden behind the old one).

    >>> a = run_state("c", {"threshold": 50}, {"a.txt": "0" * 64}, [])
    >>> a == run_state("c", {"threshold": 50}, {"a.txt": "0" * 64}, [])
    True
    >>> a == run_state("c", {"threshold": 50}, {"a.txt": "1" * 64}, [])
    False
    """
    facts = {
        "code": code,
        "settings": dict(sorted(settings.items())),
        "files": sorted(hashes.items()),
        "unread": sorted(unread),
    }
    return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()
