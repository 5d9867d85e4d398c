"""One run at a time per output folder.

Two runs writing the same folder would interleave their renames and leave files from
different runs side by side. The lock is an advisory `flock` on `OUT/.copydesk/lock`: the
kernel releases it when the holder exits, even when it is killed, so a crashed run never
leaves a stale lock behind. The file itself stays (an empty lock file is harmless).

Taking the lock also removes the temporaries a killed run left (copydesk's own only): every
run holds the lock, also one that finds OUT current and writes nothing, which used to leave
them there.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tasks.output.paths import LOCK_FILE, is_temporary, work_folder


class OutputBusyError(RuntimeError):
    """Another run holds the output folder."""


# Folders this process holds: the CLI takes the lock before it starts the flow (so that a
# busy folder costs no Prefect start-up and prints one line), and the flow takes it again.
_held: dict[Path, int] = {}
POLL_SECONDS = 0.5


@contextmanager
def output_lock(out: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the output folder for the duration of a run. If another process holds it, wait
    up to `wait_seconds` for it to finish, then fail; within one process it is re-entrant.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with output_lock(folder), output_lock(folder):
    ...     sorted(_held.values())
    [2]
    >>> _held
    {}
    """
    key = out.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    work_folder(out)
    with open(out / LOCK_FILE, "a+", encoding="ascii", opener=_private) as handle:
        _acquire(handle, out, time.monotonic() + wait_seconds)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        _held[key] = 1
        remove_stale_temporaries(out)
        remove_stale_temporaries(work_folder(out))
        try:
            yield
        finally:
            del _held[key]
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files left by a run that was killed mid-write (copydesk's own only)."""
    for stale in folder.glob(".*.tmp"):
        if is_temporary(stale.name):
            stale.unlink(missing_ok=True)


def _private(path: str, flags: int) -> int:
    """Owner-only, and never through a link planted in OUT (ELOOP)."""
    return os.open(path, flags | os.O_NOFOLLOW, 0o600)


def _acquire(handle: TextIO, out: Path, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise OutputBusyError(
                    f"another copydesk run (pid {holder}) is writing to '{out}'; "
                    "try again when it has finished"
                ) from None
            time.sleep(POLL_SECONDS)
