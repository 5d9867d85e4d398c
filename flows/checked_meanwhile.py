"""Whether OUT is current, found by a child process while the CLI imports Prefect.

With a configured Prefect server (PREFECT_API_URL) every run is recorded there, also one
that has nothing to do (flows/up_to_date.py), so the CLI imports Prefect and the flow
(about 2 s) and starts a flow run even when OUT is current. The walk that tells (2-3 s on
118,145 files) needs no Prefect: a forked child walks and checks on the other core while
this process imports, and says only what it found, OUT's summary or nothing. The flow run
then returns that summary without walking again (`handed_over`).

Not a thread: the walk's `stat` calls let go of the GIL and the import takes it back each
time, and walk and import together took longer than one after the other (6.2 s against
5.3 s, measured). Nor is the walk shipped back when OUT is not current: pickling 118,145
files took 2 s, more than it saves; the flow walks again, as it did before, and a child
that failed (its error is the flow's walk's to report) changes nothing either. The child
ignores the signals the CLI handles and ends as soon as the CLI ends
(flows/interrupts.py), however it ends.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from flows.interrupts import start_worker
from flows.options import IngestOptions
from flows.up_to_date import current_output, offer, walk_input
from tasks.models import RunSummary


@contextmanager
def checked_meanwhile(input_dir: Path, out: Path, options: IngestOptions) -> Iterator[None]:
    """Check OUT in a child process while the block runs; once it is done, offer the
    summary it found (if OUT is current) to the flow run that follows."""
    parent = os.getpid()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reader)
        _check(parent, writer, input_dir, out, options)  # never returns
    os.close(writer)
    try:
        yield
    except BaseException:
        with suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
        raise
    finally:
        with os.fdopen(reader, "rb") as pipe:
            found = pipe.read()
        _, status = os.waitpid(child, 0)
    if status == 0 and found:  # a summary of OUT current (`unchanged` is not serialized)
        current = RunSummary.model_validate_json(found).model_copy(update={"unchanged": True})
        offer(current, input_dir, out, options)


def _check(parent: int, writer: int, input_dir: Path, out: Path, options: IngestOptions) -> None:
    """The child: OUT's summary into `writer` if OUT is current, nothing if not; exit 0
    either way, 1 on any error."""
    code = 1
    try:
        start_worker(parent, None, ())
        walk = walk_input(input_dir, out, options)
        current = current_output(walk, out, options)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(b"" if current is None else current.model_dump_json().encode())
        code = 0
    finally:
        os._exit(code)  # no atexit handler, no flush of the CLI's buffers: they are its own
