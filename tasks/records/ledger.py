"""The ledger: every input file of a run, its SHA-256 and what became of it.

`ledger.jsonl` sits next to the articles, one line per input in path order, so a user (or
the next run) can tell which files a run saw, in which version, and where each one went,
without reading the records (the run state, `tasks/output/state.py`, condenses the same
facts into one hash).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

from tasks.models import Model, Rejection, RejectReason, Sha256
from tasks.records.records import Planned

Outcome = Literal["source", "variant", "duplicate", "rejected"]


class LedgerEntry(Model):
    path: str
    sha256: Sha256 | None = None  # None when the file could not be read
    outcome: Outcome
    record: str | None = None  # the id of the record it is part of
    reason: RejectReason | None = None  # why it was rejected


def build_ledger(
    hashes: Mapping[str, str], plans: Iterable[Planned], rejected: Iterable[Rejection]
) -> Iterator[LedgerEntry]:
    """One entry per input, in path order; `hashes` holds the SHA-256 of every file read.
    The order is settled on plain tuples, and each entry made as it is written (a million
    entries as models took most of a gigabyte)."""
    rows: list[tuple[str, Outcome, str | None, RejectReason | None]] = [
        (rejection.path, "rejected", None, rejection.reason) for rejection in rejected
    ]
    for plan in plans:
        rows.append((plan.source.path, "source", plan.id, None))
        for item in plan.attached:
            rows.append((item.document.path, "duplicate" if item.duplicate else "variant",
                         plan.id, None))  # fmt: skip
    rows.sort(key=lambda row: row[0])
    for path, outcome, record, reason in rows:
        yield LedgerEntry(
            path=path, sha256=hashes.get(path), outcome=outcome, record=record, reason=reason
        )
