"""The ledger: every input file of a run, its SHA-256 and what became of it.

`ledger.jsonl` sits next to the articles, one line per input in path order (a feed's
articles in line order), so a user (or the next run) can tell which files a run saw, in
which version, and where each one went, without reading the records (the run state,
`tasks/output/state.py`, condenses the same facts into one hash).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

from pydantic_core import to_json

from tasks.extract.formats import in_input_order
from tasks.models import Model, Rejection, RejectReason, Sha256
from tasks.records.records import Planned

Outcome = Literal["source", "variant", "duplicate", "rejected"]


class LedgerEntry(Model):
    """A line of `ledger.jsonl`, for its readers (`ledger_line` writes it)."""

    path: str
    sha256: Sha256 | None = None  # None when the file could not be read
    outcome: Outcome
    record: str | None = None  # the id of the record it is part of
    reason: RejectReason | None = None  # why it was rejected


def ledger_lines(
    hashes: Mapping[str, str], plans: Iterable[Planned], rejected: Iterable[Rejection]
) -> Iterator[bytes]:
    """One JSON line per input, in path order (`in_input_order`); `hashes` holds the
    SHA-256 of every file read. The order is settled on plain tuples (a million entries as
    models took most of a gigabyte), and each line is written as it is needed by `ledger_line`."""
    rows: list[tuple[str, Outcome, str | None, RejectReason | None]] = [
        (rejection.path, "rejected", None, rejection.reason) for rejection in rejected
    ]
    for plan in plans:
        rows.append((plan.source.path, "source", plan.id, None))
        for item in plan.attached:
            rows.append((item.document.path, "duplicate" if item.duplicate else "variant",
                         plan.id, None))  # fmt: skip
    rows.sort(key=lambda row: in_input_order(row[0]))
    for path, outcome, record, reason in rows:
        yield ledger_line(path, hashes.get(path), outcome, record, reason)


def ledger_line(
    path: str,
    sha256: str | None,
    outcome: Outcome,
    record: str | None,
    reason: RejectReason | None,
) -> bytes:
    r"""`LedgerEntry(...).model_dump_json()` and a newline, byte for byte, without making
    and validating a model: the fields are this run's own checked values, and a million
    models cost 6 s of a 1M-file run's write. The path is encoded by pydantic's own JSON
    encoder; the other fields are hex digits, the outcome's and reason's fixed codes, or
    null.

    >>> ledger_line("a.txt", None, "rejected", None, RejectReason.EMPTY)
    b'{"path":"a.txt","sha256":null,"outcome":"rejected","record":null,"reason":"empty"}\n'
    """
    return b'{"path":%b,"sha256":%b,"outcome":"%b","record":%b,"reason":%b}\n' % (
        to_json(path),
        _quoted(sha256),
        outcome.encode(),
        _quoted(record),
        _quoted(reason and reason.value),
    )


def _quoted(text: str | None) -> bytes:
    """A string of plain ASCII (no quote, backslash or control character) as JSON."""
    return b"null" if text is None else b'"%b"' % text.encode()
