"""One run at a time per output folder.

Two runs writing the same folder would interleave their renames and leave files from
different runs side by side. The lock is an advisory `flock` on `OUT/.copydesk/lock`: the
kernel releases it when the holder exits, even when it is killed, so a crashed run never
leaves a stale lock behind. The file itself stays (an empty lock file is harmless).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = Path(".copydesk", "lock")


class OutputBusyError(RuntimeError):
    """Another run holds the output folder."""


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output folder for the duration of a run; fail at once if another run does.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with output_lock(folder):
    ...     with output_lock(folder):
    ...         pass
    Traceback (most recent call last):
    tasks.lock.OutputBusyError: another copydesk run (pid ...) is writing to ...
    """
    (out / LOCK_FILE).parent.mkdir(parents=True, exist_ok=True)
    with (out / LOCK_FILE).open("a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise OutputBusyError(
                f"another copydesk run (pid {holder}) is writing to '{out}'; "
                "try again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
