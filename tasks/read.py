"""Read: every discovered file's bytes and SHA-256 (`tasks/discover.py` finds them).

A FIFO, socket or device, a file over the size limit, a file that cannot be read: each
becomes a rejection with a precise reason, and the run goes on.
"""

from __future__ import annotations

import errno
import hashlib
import stat
from functools import partial
from pathlib import Path
from typing import BinaryIO

from tasks.batch import Batch, map_batch
from tasks.discover import Discovery, WalkRules, find_input_files
from tasks.errors import PERMANENT_ERRNOS, RejectedError, TransientError
from tasks.models import InputFile, RawDocument, Rejection, RejectReason
from tasks.runtime import stage_task

_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device"}
_KINDS[stat.S_IFBLK] = "a device"


def read_document(file: InputFile, max_bytes: int) -> RawDocument:
    """Read at most `max_bytes` + 1 bytes: an oversized file is never loaded whole."""
    path = Path(file.location)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise RejectedError(RejectReason.UNREADABLE, f"not a regular file: {kind}")
        with path.open("rb") as handle:
            data = read_at_most(handle, info.st_size + 1, max_bytes + 1)
    except OSError as error:
        if error.errno == errno.ELOOP:  # a loop made after discovery looked
            detail = "a chain of links that never reaches a file"
            raise RejectedError(RejectReason.SYMLINK_LOOP, detail) from None
        if error.errno in PERMANENT_ERRNOS:
            raise RejectedError(RejectReason.UNREADABLE, _describe(error)) from None
        raise TransientError(f"{file.path}: {_describe(error)}") from error
    if len(data) > max_bytes:
        size = max(info.st_size, len(data))
        detail = f"{size:,} bytes, over the limit of {max_bytes:,} bytes (--max-bytes)"
        raise RejectedError(RejectReason.TOO_LARGE, detail)
    return RawDocument(path=file.path, sha256=hashlib.sha256(data).hexdigest(), data=data)


READ_CHUNK_BYTES = 1 << 16


def read_at_most(handle: BinaryIO, expected: int, limit: int) -> bytes:
    """Up to `limit` bytes, asking for `expected` (the file's size + 1) first.

    Python allocates the size it is asked for: a 10 MiB request (`--max-bytes` + 1) is served
    by glibc with a memory mapping, and shrinking it to a 4 KB file's size leaves that mapping
    alive. One per file read, and at the kernel's `vm.max_map_count` (65,530) the process
    cannot allocate anything more (a run died near 65,000 files with 20 GB free). A file that
    grew since its size was taken is read on in 64 KiB chunks, still never past `limit`.
    """
    data = handle.read(min(expected, limit))
    if len(data) < min(expected, limit):
        return data  # the end of the file
    while len(data) < limit and (more := handle.read(min(READ_CHUNK_BYTES, limit - len(data)))):
        data += more
    return data


def _describe(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    return f"cannot read: {reason} (errno {error.errno})"


def read_each(files: list[InputFile], max_bytes: int) -> Batch[RawDocument]:
    """Read file by file, after a shard's task failed even with retries: one file's lasting
    error rejects that file only."""
    documents: list[RawDocument] = []
    rejected: list[Rejection] = []
    for file in files:
        try:
            documents.append(read_document(file, max_bytes))
        except RejectedError as error:
            rejected.append(Rejection(path=file.path, reason=error.reason, detail=error.detail))
        except TransientError as error:
            detail = f"read failed after retries: {error}"
            rejected.append(
                Rejection(path=file.path, reason=RejectReason.UNREADABLE, detail=detail)
            )
    return Batch(documents, rejected)


@stage_task("discover")
def discover_task(root: str, rules: WalkRules) -> Discovery:
    return find_input_files(Path(root), rules)


@stage_task("read", io=True)
def read_shard(files: list[InputFile], max_bytes: int) -> Batch[RawDocument]:
    return map_batch(partial(read_document, max_bytes=max_bytes), Batch(files))
