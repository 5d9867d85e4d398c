"""The ledger: every input file of a run, its SHA-256 and what became of it.

`ledger.jsonl` sits next to the articles, one line per input in path order (a feed's
articles in line order), so a user (or the next run) can tell which files a run saw, in
which version, and where each one went, without reading the records (the run state,
`tasks/output/state.py`, condenses the same facts into one hash).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import repeat
from operator import contains, itemgetter
from typing import Literal, get_args

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


LINES_AT_ONCE = 10_000  # lines joined into one chunk: a chunk per line cost more than the lines


def ledger_lines(
    hashes: Mapping[str, str], plans: Iterable[Planned], rejected: Iterable[Rejection]
) -> Iterator[bytes]:
    """One JSON line per input, in path order (`in_input_order`), `LINES_AT_ONCE` lines to
    a chunk; `hashes` holds the SHA-256 of every file read (a placed document's ref has its
    own: looking a million paths up in it cost 0.4 s). The order is settled on plain tuples
    (a million entries as models took most of a gigabyte): each entry's path, SHA-256,
    outcome and the end of its line, made once for all the files of a record (a million
    records' ends made thrice each cost 3 s)."""
    rows: list[Row] = [
        (rejection.path, hashes.get(rejection.path), "rejected", ledger_end(None, rejection.reason))
        for rejection in rejected
    ]
    for plan in plans:
        source, end = plan.source, ledger_end(plan.id, None)
        rows.append((source.path, source.sha256, "source", end))
        rows += [(item.document.path, item.document.sha256,
                  "duplicate" if item.duplicate else "variant", end)
                 for item in plan.attached]  # fmt: skip
    rows.sort(key=_row_order(rows))
    for start in range(0, len(rows), LINES_AT_ONCE):
        batch = rows[start : start + LINES_AT_ONCE]
        yield b"".join([ledger_line(*row) for row in batch])


Row = tuple[str, str | None, Outcome, bytes]  # path, SHA-256, outcome, `ledger_end`


def _row_order(rows: list[Row]) -> Callable[[Row], str]:
    """The rows' sort key: their paths, in input order when a feed's articles are among
    them (a path without `#` is its own key: a million rows sort 0.3 s faster by it)."""
    if any(map(contains, map(itemgetter(0), rows), repeat("#"))):
        return lambda row: in_input_order(row[0])
    return itemgetter(0)


def ledger_line(path: str, sha256: str | None, outcome: Outcome, end: bytes) -> bytes:
    r"""`LedgerEntry(...).model_dump_json()` and a newline, byte for byte, without making
    and validating a model: the fields are this run's own checked values, and a million
    models cost 6 s of a 1M-file run's write. The path is encoded by pydantic's own JSON
    encoder; the other fields are hex digits, the outcome's and reason's fixed codes, or
    null. `end`: the line's record and reason, `ledger_end`'s.

    >>> ledger_line("a.txt", None, "rejected", ledger_end(None, RejectReason.EMPTY))
    b'{"path":"a.txt","sha256":null,"outcome":"rejected","record":null,"reason":"empty"}\n'
    """
    return b'{"path":%b,"sha256":%b,"outcome":"%b%b' % (
        to_json(path),
        _quoted(sha256),
        _OUTCOMES[outcome],
        end,
    )


_OUTCOMES: dict[str, bytes] = {outcome: outcome.encode() for outcome in get_args(Outcome)}


def ledger_end(record: str | None, reason: RejectReason | None) -> bytes:
    """The end of a ledger line, after its outcome: the record it went to, or why it was
    rejected."""
    return b'","record":%b,"reason":%b}\n' % (_quoted(record), _quoted(reason and reason.value))


def _quoted(text: str | None) -> bytes:
    """A string of plain ASCII (no quote, backslash or control character) as JSON."""
    return b"null" if text is None else b'"%b"' % text.encode()
