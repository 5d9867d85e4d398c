"""Reading the parse cache (tasks/output/cache.py): the refs of a run's cached documents, and
the texts and documents of some of them, each read when it is asked for."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from tasks.match.score import SourceText
from tasks.memory import paused_garbage_collection
from tasks.models import ParsedDocument
from tasks.output import databases
from tasks.output.cache import ref_of
from tasks.output.paths import CACHE_FILE
from tasks.refs import DocumentRef


@paused_garbage_collection()
def load_refs(out: Path, wanted: dict[str, str]) -> list[DocumentRef]:
    """The refs of the cached documents of `wanted` (path -> SHA-256), from the cache's
    columns; one that is missing, or whose document is not JSON (damaged), is left out (the
    caller parses it again). SQLite checks the JSON in C, holding nothing: 3.7-5.5 s for a
    million documents, where loading them as models took 73 s and gigabytes. The cache holds
    the input folder's files only (a run deletes the others), so all its rows are read and
    those of other versions skipped here."""
    try:
        with databases.opened(out / CACHE_FILE, "rw") as connection:
            rows = connection.execute(
                "SELECT path, sha256, date, body_key, record_id FROM documents"
                " WHERE json_valid(document)"
            )
            # the SHA-256 strings of `wanted`, not copies (a million of them take 113 MB)
            return [ref_of((row[0], wanted[row[0]], *row[2:])) for row in rows
                    if wanted.get(row[0]) == row[1]]  # fmt: skip
    except sqlite3.Error:
        return []


class MissingParse(LookupError):
    """A document of the run is not in the parse cache (a bug: the run saved it first)."""


class CachedTexts:
    """The texts matching reads of documents, from the parse cache, one when it is asked
    for: each match worker reads its own, instead of a copy of all of them from the run's
    process (a gigabyte at a million files)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __call__(self, path: str, sha256: str) -> SourceText:
        fields = json.loads(_document(self._connection, path, sha256))  # a model costs 3x more
        return SourceText(path, fields["title"], fields["body"])


class CachedDocuments:
    """Whole parsed documents from the parse cache, one when it is asked for (the records
    are built from them as they are written)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __call__(self, ref: DocumentRef) -> ParsedDocument:
        return ParsedDocument.model_validate_json(_document(self._connection, ref.path, ref.sha256))


def _document(connection: sqlite3.Connection, path: str, sha256: str) -> str | bytes:
    row = connection.execute(
        "SELECT document FROM documents WHERE path = ? AND sha256 = ?", (path, sha256)
    ).fetchone()
    if row is None:
        raise MissingParse(f"the parse cache holds no parse of '{path}'")
    document: str | bytes = row[0]
    return document


@contextlib.contextmanager
def cached_texts(out: Path) -> Iterator[CachedTexts]:
    """`CachedTexts` of OUT's parse cache, open for the block."""
    with databases.opened(out / CACHE_FILE, "ro") as connection:
        yield CachedTexts(connection)
