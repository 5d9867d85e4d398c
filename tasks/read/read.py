"""Read: every discovered file's bytes and SHA-256 (`tasks/read/discover.py` finds them).

A FIFO, socket or device, a file over the size limit, a file that cannot be read: each
becomes a rejection with a precise reason, and the run goes on.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from pathlib import Path
from typing import BinaryIO

from tasks.errors import PERMANENT_ERRNOS, RejectedError, TransientError
from tasks.models import InputFile, RawDocument, RejectReason

IO_RETRIES = 3
IO_RETRY_SECONDS = 1.0
_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device"}
_KINDS[stat.S_IFBLK] = "a device"


def read_document(file: InputFile, max_bytes: int) -> RawDocument:
    """Read at most `max_bytes` + 1 bytes: an oversized file is never loaded whole. An
    article of a feed (`file.part`) is its own bytes only, as large as any file may be."""
    try:
        handle, info = open_found(file)
        with handle:
            if file.part is None:
                size = info.st_size
                data = read_at_most(handle, size + 1, max_bytes + 1)
            else:
                handle.seek(file.part.offset)
                size = file.part.length
                data = handle.read(min(size, max_bytes + 1))
                if len(data) < min(size, max_bytes + 1):
                    detail = "the feed was cut short since the input folder was listed"
                    raise RejectedError(RejectReason.UNREADABLE, detail)
    except OSError as error:
        if error.errno == errno.ELOOP:  # a loop made after discovery looked
            detail = "a chain of links that never reaches a file"
            raise RejectedError(RejectReason.SYMLINK_LOOP, detail) from None
        if error.errno in PERMANENT_ERRNOS:
            raise RejectedError(RejectReason.UNREADABLE, describe(error)) from None
        raise TransientError(f"{file.path}: {describe(error)}") from error
    if len(data) > max_bytes:
        size = max(size, len(data))
        detail = f"{size:,} bytes, over the limit of {max_bytes:,} bytes (--max-bytes)"
        raise RejectedError(RejectReason.TOO_LARGE, detail)
    return RawDocument(path=file.path, sha256=hashlib.sha256(data).hexdigest(), data=data)


def open_found(file: InputFile) -> tuple[BinaryIO, os.stat_result]:
    """`file` opened for reading, if it is still the regular file discovery judged, and
    what the open file's `fstat` says.

    Only the file discovery judged is read: the open file's device and inode must be the
    ones discovery saw. Between the two, a file or folder of the input can be replaced by a
    link to something outside it (a landing folder's writer racing a privileged reader);
    following the path again would then read and publish that."""
    path = Path(file.location)
    _check_regular(path.stat())  # before opening: opening a device can act on it
    handle = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
    try:
        info = os.fstat(handle.fileno())
        _check_regular(info)
        if file.identity is not None and (info.st_dev, info.st_ino) != file.identity:
            detail = "replaced since the input folder was listed (not the file found)"
            raise RejectedError(RejectReason.UNREADABLE, detail)
    except BaseException:
        handle.close()
        raise
    return handle, info


def _check_regular(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise RejectedError(RejectReason.UNREADABLE, f"not a regular file: {kind}")


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


def describe(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    return f"cannot read: {reason} (errno {error.errno})"


def read_with_retries(file: InputFile, max_bytes: int, retries: int = IO_RETRIES) -> RawDocument:
    """`read_document`, retried on an error that can pass (a network share's hiccup); a
    lasting one rejects the file (`unreadable`), never the shard."""
    for attempt in range(retries + 1):
        try:
            return read_document(file, max_bytes)
        except TransientError as error:
            if attempt == retries:
                detail = f"read failed after {retries} retries: {error}"
                raise RejectedError(RejectReason.UNREADABLE, detail) from None
            time.sleep(IO_RETRY_SECONDS)
    raise AssertionError("unreachable")  # pragma: no cover
