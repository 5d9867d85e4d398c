"""What the run's process holds of each parsed document: its key and the few facts that
group and order it, never its text.

The parses themselves live in the parse cache (tasks/output/cache.py), written as each shard
is parsed; matching, indexing and the write read the texts they need from there. A run over
a million files held every `ParsedDocument` at once (6 GB); a `DocumentRef` is a few hundred
bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal

from tasks.models import ParsedDocument


def same_text_key(body: str) -> str:
    r"""The body with its line wrapping and spacing folded: copies re-wrapped by another
    feed are the same text.

    >>> same_text_key("One line\nwrapped  here.\n\nTwo.")
    'One line wrapped here. Two.'
    """
    return " ".join(body.split())


def body_key(body: str) -> bytes:
    """A digest of `same_text_key(body)`: equal for the same text up to wrapping (the folded
    text itself, a second copy of every body, is never kept)."""
    return hashlib.blake2b(same_text_key(body).encode(), digest_size=16).digest()


def record_id(body: str) -> str:
    """Stable id from content: the same clean body always gets the same id.

    >>> record_id("The Trump administration")
    '566bc5795bdf0ef2'
    """
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A parsed document's path and SHA-256 (its key in the parse cache), its date (None:
    undated, a variant), its `body_key` and the `record_id` of its body."""

    path: str
    sha256: str
    date: dt.date | None
    body_key: bytes
    record_id: str

    @property
    def role(self) -> Literal["source", "variant"]:
        """A dated document is a source; an undated one is a variant of some source."""
        return "variant" if self.date is None else "source"

    @classmethod
    def of(cls, document: ParsedDocument) -> DocumentRef:
        date = document.header.date if document.header else None
        body = document.body
        return cls(document.path, document.origin.sha256, date, body_key(body), record_id(body))
