"""Lines copied from the file an earlier run wrote, in ranges: the lines a run keeps follow
each other in that file as they do in the new one, so they are read a range at a time (a
read per megabyte), not a line at a time (`articles.jsonl`'s lines, tasks/output/
record_lines.py; the kept match decisions, tasks/output/decisions.py)."""

from __future__ import annotations

import os

from tasks.output.write import JOINED_BYTES


class ChangedWhileCopied(OSError):
    """The earlier file is shorter than what was read of it says: it was edited (by hand)
    since it was checked."""


def read_exactly(descriptor: int, offset: int, length: int, name: str) -> bytes:
    """`length` bytes at `offset` of the file open as `descriptor` (named `name`)."""
    read = os.pread(descriptor, length, offset)
    if len(read) != length:
        raise ChangedWhileCopied(f"{name} changed while its lines were copied")
    return read


class CopiedRanges:
    """Ranges of the file open as `descriptor` (named `name` in errors), read as they are
    asked for: a line that continues the last range extends it, up to `JOINED_BYTES`.

    >>> import tempfile
    >>> with tempfile.TemporaryFile() as old:
    ...     _ = old.write(b"a\\nbb\\nc\\n")
    ...     old.flush()
    ...     ranges = CopiedRanges(old.fileno(), "old.jsonl")
    ...     together = [ranges.add(0, 2), ranges.add(2, 3), ranges.flush()]
    ...     apart = [ranges.add(0, 2), ranges.add(5, 2), ranges.flush()]  # "bb" left out
    >>> together, apart
    ([None, None, b'a\\nbb\\n'], [None, b'a\\n', b'c\\n'])
    """

    def __init__(self, descriptor: int, name: str) -> None:
        self._descriptor = descriptor
        self._name = name
        self._start = self._end = 0

    def add(self, offset: int, length: int) -> bytes | None:
        """Take the line at `offset`; the bytes of the range it does not continue, if any."""
        if offset == self._end and self._end - self._start < JOINED_BYTES:
            self._end += length
            return None
        done = self.flush()
        self._start, self._end = offset, offset + length
        return done

    def flush(self) -> bytes | None:
        """The bytes of the range taken so far, if any."""
        length = self._end - self._start
        if not length:
            return None
        copied = read_exactly(self._descriptor, self._start, length, self._name)
        self._start = self._end
        return copied
