"""What the SQLite files in `.copydesk` share: the parse cache (tasks/output/cache.py), the
candidate index (tasks/output/index_file.py), the pair scores (tasks/output/scores_file.py)
and the files' stamps (tasks/output/stamps_file.py). All are caches: a damaged one is
removed and made again."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def opened(path: Path, mode: str) -> Iterator[sqlite3.Connection]:
    """The database at `path` opened for reading (a missing one is an error, never created
    here): "rw" where a run killed while writing it may have left a journal to roll back,
    "ro" in the match workers, which read it while no run writes it."""
    with contextlib.closing(connect(path, mode)) as connection:
        yield connection


def connect(path: Path, mode: str) -> sqlite3.Connection:
    """A connection to the database at `path` in `mode` (see `opened`), for the caller to
    close."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode={mode}", uri=True)


def create_private(path: Path) -> None:
    """Create the file at `path`, readable by its owner only (it holds the inputs' text),
    unless it exists."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))


def commit(connection: sqlite3.Connection) -> None:
    """Each database's one write point (the crash tests kill the process around it)."""
    connection.commit()


def made_afresh(connection: sqlite3.Connection, schema: str) -> None:
    """Every table of `connection`'s database dropped, whichever layout made it, and
    `schema`'s made (a cache of other code or options: a table of another layout left
    behind would join the new one's rows). Committed at once, as `executescript` does: a
    run killed after it leaves an empty cache, made again by the next run.

    >>> connection = sqlite3.connect(":memory:")
    >>> _ = connection.executescript("CREATE TABLE meta (code); CREATE TABLE pieces (x);")
    >>> made_afresh(connection, "CREATE TABLE meta (fingerprint TEXT);")
    >>> [name for (name,) in connection.execute("SELECT name FROM sqlite_master")]
    ['meta']
    """
    tables = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
    ).fetchall()
    connection.executescript("".join(f'DROP TABLE "{name}";' for (name,) in tables) + schema)


def remove_database(path: Path) -> None:
    """The database at `path` and its journals."""
    for name in (path.name, f"{path.name}-journal", f"{path.name}-wal", f"{path.name}-shm"):
        path.with_name(name).unlink(missing_ok=True)
