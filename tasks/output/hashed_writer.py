"""Writing a data file while its lines are still being made: the bytes are written to the
file, hashed and their lines counted in a thread of their own.

Making the lines (records copied or built, the ledger's entries) is Python and holds the
interpreter's lock; writing a chunk to a file and hashing it (SHA-256 of more than 2 KB at a
time) release it. So with a second core the bytes go out while the next lines are made,
instead of after them: the output of a 1 %-new rerun at 118,145 files is about 90 MB, at a
million about 900 MB, and writing and hashing it took about a third of the write stage.
The queue between the two holds at most `QUEUED` chunks (of about a megabyte each,
tasks/output/write.py `joined`): memory stays flat however large the file.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from types import TracebackType
from typing import BinaryIO

from tasks.models import OutputFile

QUEUED = 4  # chunks made but not yet written: the maker waits beyond that


class HashedWriter:
    """Writes the chunks it is given to `handle` in a thread of its own, hashing them and
    counting their lines; `written` says what the file holds once the block ends. An error
    of the writing thread is raised in the maker's, at its next `write` or at the end.

    >>> import io
    >>> with HashedWriter(io.BytesIO()) as writer:
    ...     writer.write(b"a\\nb\\n")
    >>> writer.written.lines, writer.written.sha256[:12]
    (2, '911169ddaaf1')
    """

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
        self._digest = hashlib.sha256()
        self._lines = 0
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="copydesk-writer", daemon=True)
        self._written: OutputFile | None = None

    def __enter__(self) -> HashedWriter:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._queue.put(None)  # the end: the thread drains what is queued, then stops
        self._thread.join()
        if error is None:
            self._raise_error()
            self._written = OutputFile(sha256=self._digest.hexdigest(), lines=self._lines)

    def write(self, chunk: bytes) -> None:
        """Queue `chunk` to be written (the maker waits while `QUEUED` chunks are)."""
        self._raise_error()
        if chunk:
            self._queue.put(chunk)

    @property
    def written(self) -> OutputFile:
        """The SHA-256 and line count of what was written; only once the block ended well."""
        if self._written is None:
            raise RuntimeError("the file is not written yet")
        return self._written

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _drain(self) -> None:
        """The writing thread: every chunk until the end, written, hashed and counted; after
        an error the rest are taken and dropped (the maker must never wait on a full queue)."""
        while (chunk := self._queue.get()) is not None:
            if self._error is not None:
                continue
            try:
                self._handle.write(chunk)
                self._digest.update(chunk)
                self._lines += chunk.count(b"\n")
            except BaseException as error:  # handed to the maker's thread
                self._error = error
