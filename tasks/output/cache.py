"""The parse cache: what the per-file stages made of each input, kept between runs.

Reading, decoding, cleaning and parsing depend only on a file's bytes, the options that
shape them and the code of those stages, so a file whose path and SHA-256 are unchanged need not
go through them again. The cache lives in the output folder and is keyed by a fingerprint
of those options and of the code: any change of either starts afresh. It is only a cache:
losing it, or a run killed while writing it, costs time, never correctness.

It is a SQLite database, one row per document, updated in place: a run writes the parses it
made and deletes those of files gone, so its cost follows what changed, not the archive (a
JSON Lines file rewritten whole took 12 s a run at a million files). Keys and dates are
columns, read without the documents. SQLite rather than DuckDB: see docs/benchmarks.md.

Rejected files are not cached: their reasons can be passing (an unreadable file, a date
after today) and they are few, so every run tries them again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from tasks.match.score import SourceText
from tasks.memory import paused_garbage_collection
from tasks.models import ParsedDocument
from tasks.output import databases
from tasks.output.fingerprint import parse_code_fingerprint
from tasks.output.paths import CACHE_FILE, work_folder
from tasks.parse.dates import DateOrder
from tasks.parse.dates.values import check_plausible

CACHE_FORMAT = 4  # bump when the cache's own layout changes
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    date TEXT,  -- a source's date (ISO), to drop parses a moved-back `today` makes implausible
    document BLOB NOT NULL  -- the ParsedDocument as JSON
);  -- a rowid table: WITHOUT ROWID suits small rows, and these are kilobytes
-- The keys on their own pages: a run reads them without reading the documents' pages.
CREATE INDEX IF NOT EXISTS keys ON documents (path, sha256, date);
"""
FORMER_CACHE = "parsed.jsonl"  # the JSON Lines cache of copydesk before the database: removed
BATCH = 5_000  # rows per executemany: the run's documents are never copied whole


def cache_fingerprint(max_bytes: int, ambiguous_dates: DateOrder) -> str:
    """What the cached results depend on besides each file's bytes.

    >>> cache_fingerprint(10, DateOrder.DMY) == cache_fingerprint(10, DateOrder.MDY)
    False
    """
    parts = f"{CACHE_FORMAT}|{parse_code_fingerprint()}|{max_bytes}|{ambiguous_dates.value}"
    return hashlib.sha256(parts.encode()).hexdigest()


def load_cache_keys(out: Path, fingerprint: str, today: dt.date) -> dict[str, str]:
    """path -> SHA-256 of the files whose cached parse still holds: none when there is no
    cache, when it was made with other options or code, or when it is damaged (it is then
    rebuilt). A cached source whose date is no longer plausible (the run's `today` moved
    back) is left out: it is parsed again."""
    try:
        with databases.opened(out / CACHE_FILE, "rw") as connection:
            if _fingerprint(connection) != fingerprint:
                return {}
            rows = connection.execute("SELECT path, sha256, date FROM documents").fetchall()
    except sqlite3.Error:
        return {}
    return {path: sha256 for path, sha256, date in rows if date is None or _plausible(date, today)}


def load_cached(out: Path, wanted: dict[str, str]) -> list[ParsedDocument]:
    """The cached documents of `wanted` (path -> SHA-256); one that is missing or damaged
    is left out (the caller parses it again)."""
    found: list[ParsedDocument] = []
    try:
        with databases.opened(out / CACHE_FILE, "rw") as connection:
            connection.execute("CREATE TEMP TABLE wanted (path TEXT PRIMARY KEY, sha256 TEXT)")
            connection.executemany("INSERT INTO wanted VALUES (?, ?)", wanted.items())
            rows = connection.execute(
                "SELECT document FROM documents JOIN wanted USING (path, sha256)"
            )
            with paused_garbage_collection():
                for (document,) in rows:
                    with contextlib.suppress(ValidationError):
                        found.append(ParsedDocument.model_validate_json(document))
    except sqlite3.Error:
        return []
    return found


class MissingParse(LookupError):
    """A source of the run is not in the parse cache (a bug: the run saved it first)."""


class CachedTexts:
    """The texts matching reads of sources, from the parse cache, one when it is asked for:
    each match worker reads its own, instead of a copy of all of them from the run's process
    (a gigabyte at a million files)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __call__(self, path: str, sha256: str) -> SourceText:
        row = self._connection.execute(
            "SELECT document FROM documents WHERE path = ? AND sha256 = ?", (path, sha256)
        ).fetchone()
        if row is None:
            raise MissingParse(f"the parse cache holds no parse of source '{path}'")
        fields = json.loads(row[0])  # plain JSON: a model per source costs 3x more
        return SourceText(path, fields["title"], fields["body"])


def save_cache(out: Path, fingerprint: str, parsed: list[ParsedDocument], kept: set[str]) -> None:
    """Write this run's new parses and delete every other row but those of `kept` (the
    cached parses this run reused), so the cache never outgrows the input folder. One
    transaction: a run killed here leaves the cache as it was. A damaged cache is made
    again."""
    path = work_folder(out) / CACHE_FILE.name
    (path.parent / FORMER_CACHE).unlink(missing_ok=True)
    try:
        _update(path, fingerprint, parsed, kept)
    except sqlite3.DatabaseError:
        databases.remove_database(path)
        _update(path, fingerprint, parsed, set())


def _update(path: Path, fingerprint: str, parsed: list[ParsedDocument], kept: set[str]) -> None:
    databases.create_private(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.executescript(SCHEMA)
        if _fingerprint(connection) != fingerprint:  # other options, code or layout: afresh
            connection.executescript(f"DROP TABLE meta; DROP TABLE documents; {SCHEMA}")
            kept = set()
        connection.execute("DELETE FROM meta")
        connection.execute("INSERT INTO meta VALUES (?)", (fingerprint,))
        made = {document.path for document in parsed}
        gone = [
            (row,)
            for (row,) in connection.execute("SELECT path FROM documents")
            if row not in kept and row not in made
        ]
        connection.executemany("DELETE FROM documents WHERE path = ?", gone)
        for start in range(0, len(parsed), BATCH):
            connection.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)",
                _rows(parsed[start : start + BATCH]),
            )
        databases.commit(connection)


def _rows(documents: list[ParsedDocument]) -> Iterator[tuple[str, str, str | None, bytes]]:
    for document in documents:
        date = document.header.date.isoformat() if document.header else None
        yield document.path, document.origin.sha256, date, document.model_dump_json().encode()


def _fingerprint(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT fingerprint FROM meta").fetchone()
    return None if row is None else str(row[0])


@functools.cache  # a million cached sources share a few thousand dates
def _plausible(date: str, today: dt.date) -> bool:
    try:
        check_plausible(dt.date.fromisoformat(date), today)
    except ValueError:
        return False
    return True
