"""The parse cache: what the per-file stages made of each input, kept between runs.

Reading, decoding, cleaning and parsing depend only on a file's bytes, the options that
shape them and the code of those stages, so a file whose path and SHA-256 are unchanged need not
go through them again. The cache lives in the output folder and is keyed by a fingerprint
of those options and of the code: any change of either starts afresh. It is only a cache:
losing it, or a run killed while writing it, costs time, never correctness.

It is also where a run keeps its documents: each shard's parses are written as the shard
is done, and the run's process holds only their `DocumentRef`s (tasks/refs.py), read from
columns without the documents; matching, indexing and the write read the texts from here
(tasks/output/cache_read.py).

It is a SQLite database, one row per document, updated in place: a run writes the parses it
made and deletes those of files gone, so its cost follows what changed, not the archive (a
JSON Lines file rewritten whole took 12 s a run at a million files). SQLite rather than
DuckDB: see docs/benchmarks.md.

Rejected files are not cached: their reasons can be passing (an unreadable file, a date
after today) and they are few, so every run tries them again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from tasks.extract.formats import InputFormat
from tasks.extract.json_article import FieldChoice
from tasks.models import ParsedDocument
from tasks.output import databases
from tasks.output.fingerprint import parse_code_fingerprint
from tasks.output.paths import CACHE_FILE, work_folder
from tasks.parse.dates import DateOrder
from tasks.parse.dates.values import check_plausible
from tasks.refs import DocumentRef

CACHE_FORMAT = 5  # bump when the cache's own layout changes
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    date TEXT,  -- a source's date (ISO), to drop parses a moved-back `today` makes implausible
    body_key BLOB NOT NULL,  -- the rest of its DocumentRef
    record_id TEXT NOT NULL,
    document BLOB NOT NULL  -- the ParsedDocument as JSON
);  -- a rowid table: WITHOUT ROWID suits small rows, and these are kilobytes
-- The refs on their own pages: a run reads them without reading the documents' pages.
CREATE INDEX IF NOT EXISTS refs ON documents (path, sha256, date, body_key, record_id);
"""
FORMER_CACHE = "parsed.jsonl"  # the JSON Lines cache of copydesk before the database: removed
BATCH = 5_000  # rows per executemany: the run's documents are never copied whole


def cache_fingerprint(
    max_bytes: int,
    ambiguous_dates: DateOrder,
    input_format: InputFormat | None = None,
    fields: FieldChoice = (),
) -> str:
    """What the cached results depend on besides each file's bytes.

    >>> cache_fingerprint(10, DateOrder.DMY) == cache_fingerprint(10, DateOrder.MDY)
    False
    >>> cache_fingerprint(10, DateOrder.DMY) == cache_fingerprint(10, DateOrder.DMY, InputFormat.MD)
    False
    >>> cache_fingerprint(10, DateOrder.DMY) == cache_fingerprint(
    ...     10, DateOrder.DMY, None, (("text", "body"),))
    False
    """
    chosen = "by extension" if input_format is None else input_format.value
    parts = (f"{CACHE_FORMAT}|{parse_code_fingerprint()}|{max_bytes}|{ambiguous_dates.value}|"
             f"{chosen}|{sorted(fields)}")  # fmt: skip
    return hashlib.sha256(parts.encode()).hexdigest()


class CacheRemade(RuntimeError):
    """The parse cache was found damaged while a run wrote to it, and made again: the
    parses the run holds refs of are gone, so the run starts again (flows/ingest.py), with
    the parses saved since."""

    def __init__(self) -> None:
        super().__init__("the parse cache was damaged and is made again")


def add_parses(
    out: Path, fingerprint: str, parsed: list[ParsedDocument], held: bool = False
) -> list[DocumentRef]:
    """Write `parsed` (a shard's new parses) in one transaction and return their refs. A
    cache of other options or code is emptied first; a damaged one is made again with
    `parsed` in it, and when the run `held` refs of parses it had, now gone
    (`load_cached_refs`, tasks/output/cache_read.py), `CacheRemade` says so."""
    path = work_folder(out) / CACHE_FILE.name
    (path.parent / FORMER_CACHE).unlink(missing_ok=True)
    try:
        return _add(path, fingerprint, parsed)
    except sqlite3.DatabaseError:
        databases.remove_database(path)
        refs = _add(path, fingerprint, parsed)
        if held:
            raise CacheRemade() from None
        return refs


def prune_cache(out: Path, fingerprint: str, kept: set[str]) -> None:
    """Delete the parses of every path but `kept` (this run's documents), so that the cache
    never outgrows the input folder."""
    path = work_folder(out) / CACHE_FILE.name
    with _writing(path, fingerprint) as connection:
        gone = [(row,) for (row,) in connection.execute("SELECT path FROM documents")
                if row not in kept]  # fmt: skip
        connection.executemany("DELETE FROM documents WHERE path = ?", gone)


def drop_parse(out: Path, path: str) -> None:
    """Delete `path`'s parse, found damaged when it was read (tasks/output/cache_read.py):
    the next run parses that file again. A cache that cannot even be written is removed."""
    cache = work_folder(out) / CACHE_FILE.name
    try:
        with databases.opened(cache, "rw") as connection:
            connection.execute("DELETE FROM documents WHERE path = ?", (path,))
            databases.commit(connection)
    except sqlite3.Error:
        databases.remove_database(cache)


def _add(path: Path, fingerprint: str, parsed: list[ParsedDocument]) -> list[DocumentRef]:
    refs = [DocumentRef.of(document) for document in parsed]
    with _writing(path, fingerprint) as connection:
        for start in range(0, len(parsed), BATCH):
            rows = map(_row, parsed[start : start + BATCH], refs[start : start + BATCH])
            connection.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                                   rows)  # fmt: skip
    return refs


@contextlib.contextmanager
def _writing(path: Path, fingerprint: str) -> Iterator[sqlite3.Connection]:
    """A connection to the cache at `path` with `fingerprint`, committed at the end of the
    block (one transaction: a run killed in it leaves the cache as it was)."""
    databases.create_private(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.executescript(SCHEMA)
        if stored_fingerprint(connection) != fingerprint:  # other options, code or layout: afresh
            databases.made_afresh(connection, SCHEMA)
            connection.execute("INSERT INTO meta VALUES (?)", (fingerprint,))
        yield connection
        databases.commit(connection)


def _row(
    document: ParsedDocument, ref: DocumentRef
) -> tuple[str, str, str | None, bytes, str, bytes]:
    date = None if ref.date is None else ref.date.isoformat()
    json_document = document.model_dump_json().encode()
    return ref.path, ref.sha256, date, ref.body_key, ref.record_id, json_document


def ref_of(row: tuple[str, str, str | None, bytes, str]) -> DocumentRef:
    """The ref of a row of the cache's ref columns."""
    path, sha256, date, key, record = row
    return DocumentRef(path, sha256, _date(date), key, record)


@functools.cache  # a million refs share a few thousand dates
def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def stored_fingerprint(connection: sqlite3.Connection) -> str | None:
    """The fingerprint the cache on `connection` was made under, if any."""
    row = connection.execute("SELECT fingerprint FROM meta").fetchone()
    return None if row is None else str(row[0])


@functools.cache  # a million cached sources share a few thousand dates
def plausible(date: str, today: dt.date) -> bool:
    """Whether a cached date (ISO) is still plausible on `today`."""
    try:
        check_plausible(dt.date.fromisoformat(date), today)
    except ValueError:
        return False
    return True
