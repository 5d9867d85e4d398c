"""INPUT walked and OUT checked by a child process while the CLI imports Prefect.

With a configured Prefect server (PREFECT_API_URL) every run is recorded there, also one
that has nothing to do (flows/up_to_date.py), so the CLI imports Prefect and the flow
(about 2 s) and starts a flow run even when OUT is current. The walk (2-3 s on 118,145
files) and the check need no Prefect: a forked child makes them on the other core while
this process imports, and sends what it found: OUT's summary when OUT is current (the flow
run then only returns it), else the walk, which the flow takes over instead of walking
again (`handed_over`), as it takes the walk of a CLI run on a private server.

The CLI does not wait for the child: it creates the flow run meanwhile (0.2-0.3 s against
the server), and the flow takes the child's finding when it needs it (`Pending`). The
child says first which it found, and for a walk how many files it holds, then pickles and
sends the walk (0.2-0.3 s each way at 118,145 files): meanwhile the run starts the workers'
fork server and the CLI's thread reads the parse cache's refs (flows/files.py
`walk_and_cache`, flows/prefetch.py), which no one reads for a current OUT.

Not a thread: the walk's `stat` calls let go of the GIL and the import takes it back each
time, and walk and import together took longer than one after the other (6.2 s against
5.3 s, measured). A child that fails sends nothing and changes nothing: the flow walks, and
its walk reports the error. The child ignores the signals the CLI handles and ends as soon
as the CLI ends (flows/interrupts.py), however it ends.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

from flows.interrupts import start_worker
from flows.options import IngestOptions
from flows.up_to_date import Walk, current_output, offer, walk_input
from tasks.memory import paused_garbage_collection
from tasks.models import FileStamp, InputFile, RunSummary

CURRENT, WALKED = b"S", b"W"  # what the child's message holds: a summary, or a pickled walk
COUNT_BYTES = 8  # a walk's number of files, sent before the walk


def _read_exactly(reader: int, size: int) -> bytes:
    """`size` bytes from the pipe (fewer only if the writer is gone)."""
    data = b""
    while len(data) < size and (chunk := os.read(reader, size - len(data))):
        data += chunk
    return data


@contextmanager
def checked_meanwhile(input_dir: Path, out: Path, options: IngestOptions) -> Iterator[None]:
    """Walk INPUT and check OUT in a child process while the block runs; once the block is
    done, offer what the child finds to the flow run that follows, which takes it when it
    needs it (the flow run is created meanwhile)."""
    parent = os.getpid()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reader)
        _check(parent, writer, input_dir, out, options)  # never returns
    os.close(writer)
    checking = _Checking(child, reader)
    try:
        yield
    except BaseException:
        checking.discard()
        raise
    offer(checking, input_dir, out, options)


@dataclass
class _Checking:
    """The child at work (`Pending`): its process and the pipe it writes to, where the
    first byte says what follows (`CURRENT`, `WALKED`)."""

    child: int
    reader: int
    kind: bytes | None = None  # read by `walked`, with the walk's number of files
    files: int | None = None

    def walked(self) -> int | None:
        if self.kind is None:
            self.kind = os.read(self.reader, 1)
            if self.kind == WALKED:
                self.files = int.from_bytes(_read_exactly(self.reader, COUNT_BYTES))
        return self.files

    def result(self) -> Walk | RunSummary | None:
        self.walked()
        with os.fdopen(self.reader, "rb") as pipe:
            body = pipe.read()
        _, status = os.waitpid(self.child, 0)
        return _found(self.kind, body) if status == 0 and self.kind and body else None

    def discard(self) -> None:
        with suppress(ProcessLookupError):
            os.kill(self.child, signal.SIGKILL)
        os.close(self.reader)
        os.waitpid(self.child, 0)


@paused_garbage_collection()  # two objects a file, no cycles
def _found(kind: bytes, body: bytes) -> Walk | RunSummary:
    """The child's walk, or OUT's summary (`unchanged` is not serialized: it is set here)."""
    if kind == WALKED:
        return walk_from(body)
    return RunSummary.model_validate_json(body).model_copy(update={"unchanged": True})


def walk_bytes(walk: Walk) -> bytes:
    """`walk` for the parent, its files as columns: pickling 118,145 `InputFile`s one by
    one took 0.29-0.40 s in the child and 0.23 s in the parent, on the path to the flow
    run's start; as columns (paths, locations, the stamps' numbers in one list) 0.15 and
    0.16-0.19 s. The last run's stamps go without their files' rows: `save_stamps` needs
    only their time and feeds (the rows took 0.1 s more each way at 118,145 files)."""
    files = walk.discovery.files
    numbers: list[int] = []  # any int: times before 1970, inodes past 2**63
    for file in files:
        numbers.extend(_MISSING if file.stamp is None else file.stamp)
    columns = ([file.path for file in files], [file.location for file in files], numbers,
               [file.part for file in files])  # fmt: skip
    recorded = walk.recorded and walk.recorded.model_copy(update={"files": {}})
    rest = replace(walk, discovery=replace(walk.discovery, files=[]), recorded=recorded)
    return pickle.dumps((rest, columns), protocol=pickle.HIGHEST_PROTOCOL)


def walk_from(data: bytes) -> Walk:
    """The walk `walk_bytes` made."""
    rest, (paths, locations, numbers, parts) = pickle.loads(data)
    each = iter(numbers)
    five = zip(each, each, each, each, each, strict=True)
    stamps = (FileStamp(*stamp) if stamp[0] >= 0 else None for stamp in five)
    files = [
        InputFile(path, location, stamp, part)
        for path, location, stamp, part in zip(paths, locations, stamps, parts, strict=True)
    ]
    walk: Walk = replace(rest, discovery=replace(rest.discovery, files=files))
    return walk


_MISSING = (-1, 0, 0, 0, 0)  # a file gone before its stamp was taken


def _check(parent: int, writer: int, input_dir: Path, out: Path, options: IngestOptions) -> None:
    """The child: into `writer`, OUT's summary if OUT is current, else the walk; exit 0, or
    1 on any error (the parent then ignores what it wrote)."""
    code = 1
    # The child lives for one walk and ends without tearing down: the cyclic collector would
    # only walk the walk's objects again and again (pickling them took 0.6-1.3 s with it,
    # 0.55-0.6 s without, at 118,145 files).
    gc.disable()
    try:
        start_worker(parent, None, ())
        walk = walk_input(input_dir, out, options)
        current = current_output(walk, out, options)
        with os.fdopen(writer, "wb") as pipe:
            if current is None:  # said at once: the run prepares meanwhile
                pipe.write(WALKED + len(walk.discovery.files).to_bytes(COUNT_BYTES))
                pipe.flush()
                pipe.write(walk_bytes(walk))
            else:
                pipe.write(CURRENT + current.model_dump_json().encode())
        code = 0
    finally:
        os._exit(code)  # no atexit handler, no flush of the CLI's buffers: they are its own
