"""Discover and read: the input folder -> every file's bytes, in a deterministic order.

Nothing is skipped silently: a folder that cannot be listed, a link that loops back or points
at a folder already read, a FIFO or device, a file over the size limit, each becomes a
rejection with a precise reason, and the run goes on.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tasks.batch import Batch, map_batch
from tasks.errors import RejectedError, TransientError
from tasks.models import InputFile, RawDocument, Rejection, RejectReason
from tasks.runtime import stage_task

# Errors that the same read will hit again: reject the file. Any other OSError (EIO, EAGAIN,
# ESTALE, ETIMEDOUT on a network share ...) is transient and retried.
PERMANENT_ERRNOS = frozenset(
    {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG}
)
_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device"}
_KINDS[stat.S_IFBLK] = "a device"


@dataclass
class Discovery:
    files: list[InputFile] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def reject(self, path: str, reason: RejectReason, detail: str) -> None:
        self.rejected.append(Rejection(path=path, reason=reason, detail=detail))


def find_input_files(root: Path, exclude: Path | None = None) -> Discovery:
    """Every file below `root` in relative-path order, following linked folders once.

    A folder is read under its own path: a link to a folder inside the input (an alias) or
    to a folder that contains the link (a loop) is rejected instead of followed, so every
    file is read under exactly one path. Links to folders outside the input are followed.
    `exclude` (the run's output folder, when it lies inside the input) is not read.
    """
    found = Discovery()
    real_folders = {
        Path(folder).resolve(): display_name(Path(folder).relative_to(root).as_posix())
        for folder, _, _ in os.walk(root, followlinks=False)
    }
    skipped = exclude.resolve() if exclude is not None else None
    _walk(root, "", [root.resolve()], real_folders, found, skipped)
    found.files.sort(key=lambda file: file.path)
    found.rejected.sort(key=lambda rejection: rejection.path)
    return found


def display_name(name: str) -> str:
    r"""A file name as text: bytes that are not UTF-8 (kept by Python as surrogates, which
    JSON cannot hold) are shown as escapes.

    >>> display_name("caf\udce9.txt")
    'caf\\xe9.txt'
    """
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _walk(
    folder: Path,
    prefix: str,
    chain: list[Path],
    folders: dict[Path, str],
    found: Discovery,
    skipped: Path | None,
) -> None:
    """Walk `folder`; `chain` holds the real paths from the root down, `folders` the real
    path of every folder read so far (or to be read under its own path)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        detail = f"cannot list folder: {error.strerror} (errno {error.errno})"
        found.reject(prefix.rstrip("/") or ".", RejectReason.UNREADABLE, detail)
        return
    for entry in entries:
        relative = f"{prefix}{display_name(entry.name)}"
        location = Path(entry.path)
        if not _is_folder(entry):
            found.files.append(InputFile(path=relative, location=str(location.absolute())))
            continue
        real = location.resolve()
        if real == skipped:
            continue
        if not entry.is_symlink():
            folders.setdefault(real, relative)
            _walk(location, f"{relative}/", [*chain, real], folders, found, skipped)
        elif real in chain:
            detail = f"links back to the folder '{folders.get(real, '.')}' that contains it"
            found.reject(relative, RejectReason.SYMLINK_LOOP, detail)
        elif real in folders:
            detail = f"links to the folder '{folders[real]}', which is read under that path"
            found.reject(relative, RejectReason.DUPLICATE_LINK, detail)
        else:
            folders[real] = relative
            _walk(location, f"{relative}/", [*chain, real], folders, found, skipped)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:  # a link loop on itself: reading it reports the loop
        return False


def read_document(file: InputFile, max_bytes: int) -> RawDocument:
    """Read at most `max_bytes` + 1 bytes: an oversized file is never loaded whole."""
    path = Path(file.location)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise RejectedError(RejectReason.UNREADABLE, f"not a regular file: {kind}")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise RejectedError(RejectReason.SYMLINK_LOOP, "the link points to itself") from None
        if error.errno in PERMANENT_ERRNOS:
            raise RejectedError(RejectReason.UNREADABLE, _describe(error)) from None
        raise TransientError(f"{file.path}: {_describe(error)}") from error
    if len(data) > max_bytes:
        size = max(info.st_size, len(data))
        detail = f"{size:,} bytes, over the limit of {max_bytes:,} bytes (--max-bytes)"
        raise RejectedError(RejectReason.TOO_LARGE, detail)
    return RawDocument(path=file.path, sha256=hashlib.sha256(data).hexdigest(), data=data)


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


@stage_task("discover", io=True)
def discover_task(root: str, exclude: str) -> Discovery:
    return find_input_files(Path(root), Path(exclude))


@stage_task("read", io=True)
def read_shard(files: list[InputFile], max_bytes: int) -> Batch[RawDocument]:
    return map_batch(partial(read_document, max_bytes=max_bytes), Batch(files))
