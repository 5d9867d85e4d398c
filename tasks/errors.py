"""The one exception a stage raises to reject a document instead of failing the batch."""

from __future__ import annotations

import errno

from tasks.models import RejectReason

# Errors that the same IO will hit again: reject the file, never retry. Any other OSError
# (EIO, EAGAIN, ESTALE, ETIMEDOUT on a network share ...) is transient and retried.
PERMANENT_ERRNOS = frozenset(
    {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG}
)


class RejectedError(Exception):
    """Raised by a per-document step: the document is rejected with this reason and detail."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


class TransientError(Exception):
    """An IO failure worth retrying (a busy disk, a network share hiccup): it fails the shard's
    task so that Prefect retries it, instead of rejecting the document."""
