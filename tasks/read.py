"""Discover and read: the input folder -> every file's bytes, in a deterministic order."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from tasks.batch import Batch, map_batch
from tasks.errors import RejectedError, TransientError
from tasks.models import InputFile, RawDocument, RejectReason
from tasks.runtime import stage_task

# Errors that the same read will hit again: reject the file. Any other OSError (EIO, EAGAIN,
# ESTALE, ETIMEDOUT on a network share ...) is transient and retried.
PERMANENT_ERRNOS = frozenset(
    {
        errno.ENOENT,
        errno.EACCES,
        errno.EPERM,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.ELOOP,
        errno.ENAMETOOLONG,
        errno.ENXIO,
    }
)


def find_input_files(root: Path) -> list[InputFile]:
    """Every file below `root`, sorted by relative path. Symbolic links to directories are not
    followed but listed, so that they are reported rather than silently skipped."""
    found: list[InputFile] = []
    for folder, directories, files in os.walk(root, followlinks=False):
        directories.sort()
        linked = [name for name in directories if Path(folder, name).is_symlink()]
        for name in [*files, *linked]:
            location = Path(folder, name)
            relative = location.relative_to(root).as_posix()
            found.append(InputFile(path=relative, location=str(location.absolute())))
    return sorted(found, key=lambda file: file.path)


def read_document(file: InputFile) -> RawDocument:
    try:
        data = Path(file.location).read_bytes()
    except OSError as error:
        if error.errno in PERMANENT_ERRNOS:
            raise RejectedError(RejectReason.UNREADABLE, _describe(error)) from None
        raise TransientError(f"{file.path}: {_describe(error)}") from error
    return RawDocument(path=file.path, sha256=hashlib.sha256(data).hexdigest(), data=data)


def _describe(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    return f"cannot read: {reason} (errno {error.errno})"


@stage_task("discover", io=True)
def discover_task(root: str) -> list[InputFile]:
    return find_input_files(Path(root))


@stage_task("read", io=True)
def read_shard(files: list[InputFile]) -> Batch[RawDocument]:
    return map_batch(read_document, Batch(files))
