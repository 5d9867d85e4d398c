"""Reading the parse cache (tasks/output/cache.py): the refs of a run's cached documents, and
the texts and documents of some of them, each read when it is asked for."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from tasks.match.score import SourceText
from tasks.memory import paused_garbage_collection
from tasks.models import ParsedDocument
from tasks.output import databases, stoppable
from tasks.output.cache import plausible, ref_of, stored_fingerprint
from tasks.output.paths import CACHE_FILE
from tasks.refs import DocumentRef


@paused_garbage_collection()
def load_cached_refs(
    out: Path, fingerprint: str, today: dt.date, stop: threading.Event | None = None
) -> dict[str, DocumentRef]:
    """path -> ref of each file whose cached parse still holds: none when there is no
    cache, when it was made with other options or code, or when it is damaged (it is then
    rebuilt). A cached source whose date is no longer plausible (the run's `today` moved
    back) is left out: it is parsed again.

    One read serves both the files stage (which files need no parse: those whose SHA-256
    is the ref's) and the match stage (the refs of the documents reused): two reads of the
    same rows took 0.16-0.25 s and 0.24-0.42 s at 118,145 files. The refs come from the
    refs' covering index, not from the documents' pages: a document is read, and found
    damaged if it is (`DamagedParse`), only when a run needs it
    (checking every document's JSON here read the whole cache each run: most of 3.7-5.5 s
    at a million files). `stop`, once set, ends the reading (tasks/output/stoppable.py)."""
    refs: dict[str, DocumentRef] = {}
    try:
        with databases.opened(out / CACHE_FILE, "rw") as connection:
            if stored_fingerprint(connection) != fingerprint:
                return {}
            cursor = connection.execute(
                "SELECT path, sha256, date, body_key, record_id FROM documents"
            )
            while rows := cursor.fetchmany(stoppable.STEP):
                stoppable.check(stop)
                refs.update({row[0]: ref_of(row) for row in rows
                             if row[2] is None or plausible(row[2], today)})  # fmt: skip
    except sqlite3.Error:
        return {}
    return refs


class MissingParse(LookupError):
    """A document of the run is not in the parse cache (a bug: the run saved it first)."""


class DamagedParse(LookupError):
    """A cached parse that does not read back (its JSON damaged in the file): the run drops
    it and starts again, which parses that file afresh (flows/ingest.py)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"the parse cache's parse of '{path}' is damaged")
        self.path = path

    def __reduce__(self) -> tuple[type[DamagedParse], tuple[str]]:
        return DamagedParse, (self.path,)  # raised in a match worker, handed to the run


class CachedTexts:
    """The texts matching reads of documents, from the parse cache, one when it is asked
    for: each match worker reads its own, instead of a copy of all of them from the run's
    process (a gigabyte at a million files)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __call__(self, path: str, sha256: str) -> SourceText:
        try:  # a model costs 3x more
            fields = json.loads(_document(self._connection, path, sha256))
            return SourceText(path, fields["title"], fields["body"])
        except (ValueError, KeyError, TypeError) as error:
            raise DamagedParse(path) from error


class CachedDocuments:
    """Whole parsed documents from the parse cache, one when it is asked for (the records
    are built from them as they are written)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __call__(self, ref: DocumentRef) -> ParsedDocument:
        try:
            return ParsedDocument.model_validate_json(
                _document(self._connection, ref.path, ref.sha256)
            )
        except ValidationError as error:
            raise DamagedParse(ref.path) from error


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
