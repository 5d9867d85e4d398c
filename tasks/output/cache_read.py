"""Reading the parse cache (tasks/output/cache.py): the texts and documents of a run's cached
documents, each read when it is asked for (their refs: `load_cached_refs` there)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from tasks.match.score import SourceText
from tasks.models import ParsedDocument
from tasks.output import databases
from tasks.output.paths import CACHE_FILE
from tasks.refs import DocumentRef


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
