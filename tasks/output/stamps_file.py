"""The stamps' file, `.copydesk/stamps.sqlite` (tasks/output/stamps.py says what it holds):
a row per file, so that a run writes only the rows of the files it read or lost.

It was one JSON file rewritten whole at every run that changed anything: 0.16-0.35 s of a
run adding 1 % to a 118,145-file archive, 3.8 s (150 MB) at a million files. Loading it
whole costs what the JSON did (0.13-0.15 s at 118,145 files: every run compares every
file's stamp). The rows carry no time of their own: all are vouched for by the one time
the file records, that of the last run that wrote it. A row kept from an earlier run was
settled at that run's time (else the file was read again and its row rewritten), and a
later time only settles more. A run that loaded other stamps than the file holds (--verify
loads none) writes every row again.

Like the other files in `.copydesk` it is only a cache: a damaged one is made again, and a
run killed while writing it leaves it as it was (the journal rolls back).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from tasks.models import FeedSplit, FileStamp, InputFile
from tasks.output import databases
from tasks.output.paths import STAMPS_FILE, work_folder
from tasks.output.stamps import Entry, FeedStamps, Stamps, settled

# STRICT: a value of another type is refused, as the JSON's validation refused it.
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (taken_ns INTEGER NOT NULL, files INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    device INTEGER NOT NULL,  -- these two as signed 64-bit integers (`_signed`)
    inode INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- The rows whose numbers were wrapped, found without a scan (none, on most file systems).
CREATE INDEX IF NOT EXISTS wrapped ON files (path) WHERE device < 0 OR inode < 0;
CREATE TABLE IF NOT EXISTS feeds (path TEXT PRIMARY KEY, split TEXT NOT NULL) STRICT;
-- When the last run that trusted no stamp (so read every file) began: --verify-every's clock.
CREATE TABLE IF NOT EXISTS verified (taken_ns INTEGER NOT NULL) STRICT;
"""
EARLIER_FILE = "stamps.json"  # the whole-file format before this one: removed when saving
_WRAP = 1 << 64  # device and inode numbers are unsigned 64-bit, SQLite's integers signed
_LEAST, _MOST = -(1 << 63), (1 << 63) - 1


def load_stamps(out: Path) -> Stamps | None:
    """The stamps OUT holds; None when there are none or they cannot be read."""
    path = out / STAMPS_FILE
    if not path.is_file():
        return None
    try:
        with databases.opened(path, "rw") as connection:
            taken = connection.execute("SELECT taken_ns FROM meta").fetchone()
            if taken is None or not isinstance(taken[0], int):  # a table of other making
                return None
            rows = connection.execute("SELECT * FROM files")
            files: dict[str, Entry] = {row[0]: row[1:] for row in rows}  # tuples, as compared
            wrapped = connection.execute("SELECT * FROM files WHERE device < 0 OR inode < 0")
            for name, sha, size, mtime, ctime, device, inode in wrapped:
                files[name] = (sha, size, mtime, ctime, device % _WRAP, inode % _WRAP)
            feeds = {name: FeedStamps.model_validate_json(split)
                     for name, split in connection.execute("SELECT * FROM feeds")}  # fmt: skip
    except (sqlite3.Error, ValidationError):
        return None
    return Stamps.model_construct(taken_ns=taken[0], files=files, feeds=feeds)


def verified_at(out: Path) -> int | None:
    """When the last run that read every file began (its walk's time); None when no run is
    known to have (no stamps, or stamps from before this was recorded)."""
    path = out / STAMPS_FILE
    if not path.is_file():
        return None
    try:
        with databases.opened(path, "rw") as connection:
            row = connection.execute("SELECT taken_ns FROM verified").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row is not None and isinstance(row[0], int) else None


def save_stamps(
    out: Path,
    taken_ns: int,
    files: Sequence[InputFile],
    read: Sequence[InputFile],
    hashes: Mapping[str, str],
    vouched: Mapping[str, str],
    recorded: Stamps | None,
    splits: Mapping[str, FeedSplit],
) -> None:
    """Record the stamps of the files hashed (`hashes`) and how the feeds were split, as
    rows changed in the file the run loaded (`recorded`: its time and feeds; its rows are
    not needed): those of the files its stamps did not vouch for (`vouched`: path ->
    SHA-256, as `unchanged` gave them) or that hashed otherwise, and those of the files no
    longer hashed removed. A run whose every file was vouched for writes nothing (those
    stamps were settled); one that read a racy file again records the later time, which
    may settle it. A run that loaded none read every file: its time is recorded as the
    last verification (`verified_at`).

    Of `files`, only those the run `read` are looked at: every other one was vouched for
    (its stamp was recorded, so it can be again, and its SHA-256 is the one recorded). The
    whole list is gone through only to write every row again, or to find the rows of files
    gone. Looking at every file took 0.97-1.09 s when 1 % was added to a million files
    (0.08-0.09 s at 118,145), against 0.12-0.13 s (0.017-0.022 s) now."""
    fresh = [file for file in read
             if file.stamp is not None and file.path in hashes and _fits(file.stamp)]  # fmt: skip
    changed = [file for file in fresh if vouched.get(file.path) != hashes[file.path]]
    rows = _Rows(files, hashes, len(files) - len(read) + len(fresh))
    feeds = {path: _feed_stamps(split) for path, split in splits.items()}
    # Nothing to write if the file holds these stamps: every row vouched for (so settled),
    # none to remove (its count of rows says), the same feeds, settled.
    unmoved = (
        recorded is not None
        and not changed
        and recorded.feeds == feeds
        and all(settled(*feed.stamp[1:3], recorded.taken_ns) for feed in feeds.values())
    )
    path = work_folder(out) / STAMPS_FILE.name
    verified = recorded is None
    try:
        _write(path, taken_ns, feeds, rows, changed, recorded, unmoved, verified)
    except sqlite3.DatabaseError:
        databases.remove_database(path)
        _write(path, taken_ns, feeds, rows, changed, None, False, verified)
    (path.parent / EARLIER_FILE).unlink(missing_ok=True)


@dataclass(frozen=True)
class _Rows:
    """The rows the file is to hold: one per file of `files` hashed (`hashes`) whose stamp
    SQLite can record; `count` of them."""

    files: Sequence[InputFile]
    hashes: Mapping[str, str]
    count: int

    def every(self) -> list[InputFile]:
        return [file for file in self.files if file.stamp is not None
                and file.path in self.hashes and _fits(file.stamp)]  # fmt: skip


def _write(
    path: Path,
    taken_ns: int,
    feeds: dict[str, FeedStamps],
    rows: _Rows,
    changed: list[InputFile],
    loaded: Stamps | None,
    unmoved: bool,
    verified: bool,
) -> None:
    """Write the rows of `changed`, remove those of files no longer among `rows`, and write
    the time and feeds (and, when `verified`, the time as the last verification's); every
    row when the file does not hold what was `loaded` (its time says so); nothing when
    `unmoved` and it holds as many rows as it is to."""
    databases.create_private(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.executescript(SCHEMA)
        row = connection.execute("SELECT taken_ns, files FROM meta").fetchone()
        same = loaded is not None and row is not None and row[0] == loaded.taken_ns
        if same and unmoved and row[1] == rows.count:
            return
        if not same:
            connection.execute("DELETE FROM files")
            changed = rows.every()
        connection.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            _rows(changed, rows.hashes),
        )
        (held,) = connection.execute("SELECT count(*) FROM files").fetchone()
        if held != rows.count:  # rows of files gone, or no longer readable
            connection.execute("CREATE TEMP TABLE hashed (path TEXT PRIMARY KEY) WITHOUT ROWID")
            paths = ((file.path,) for file in rows.every())
            connection.executemany("INSERT INTO hashed VALUES (?)", paths)
            connection.execute("DELETE FROM files WHERE path NOT IN (SELECT path FROM hashed)")
        connection.execute("DELETE FROM feeds")  # a few: written again whole
        connection.executemany(
            "INSERT INTO feeds VALUES (?, ?)",
            ((name, split.model_dump_json()) for name, split in feeds.items()),
        )
        connection.execute("DELETE FROM meta")
        connection.execute("INSERT INTO meta VALUES (?, ?)", (taken_ns, rows.count))
        if verified:
            connection.execute("DELETE FROM verified")
            connection.execute("INSERT INTO verified VALUES (?)", (taken_ns,))
        databases.commit(connection)


def _rows(files: Iterable[InputFile], hashes: Mapping[str, str]) -> Iterator[tuple[str | int, ...]]:
    for file in files:
        assert file.stamp is not None
        size, mtime, ctime, device, inode = file.stamp
        yield file.path, hashes[file.path], size, mtime, ctime, _signed(device), _signed(inode)


def _fits(stamp: FileStamp) -> bool:
    """Whether SQLite's integers hold the stamp's times (a file dated past the year 2262 or
    before 1678 has none recorded: it is read at every run)."""
    return _LEAST <= stamp.mtime_ns <= _MOST and _LEAST <= stamp.ctime_ns <= _MOST


def _signed(number: int) -> int:
    """An unsigned 64-bit number as SQLite stores it (`load_stamps` undoes it).

    >>> _signed(5), _signed(2**64 - 1), _signed(2**64 - 1) % _WRAP
    (5, -1, 18446744073709551615)
    """
    return number - _WRAP if number >= _WRAP // 2 else number


def _feed_stamps(split: FeedSplit) -> FeedStamps:
    parts = None if split.parts is None else [(p.number, p.offset, p.length) for p in split.parts]
    # [:]: the stamp as the plain tuple the model holds when it is loaded
    return FeedStamps.model_construct(form=split.form, stamp=split.stamp[:], parts=parts)
