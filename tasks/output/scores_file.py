"""The pair scores' file, `.copydesk/scores.sqlite` (tasks/match/pair_scores.py): read by the
match workers, brought to the run's decisions once the outputs are written.

It holds the scores of the candidates of the decisions the next run may keep or make again:
those of the decisions kept stay, those of the variants decided again are replaced, the
others go. Like the index it is only a cache, under the decisions' fingerprint: one of
other code or options is emptied, a damaged one is made again, and a run killed while
writing it leaves it as it was (the journal rolls back). A score found there is the one
scoring would give, so what it holds changes how long a run takes, never what it decides.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from tasks.match.pair_scores import PairScore
from tasks.output import databases
from tasks.output.paths import SCORES_FILE, work_folder

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scores (
    key BLOB PRIMARY KEY,  -- tasks/match/pair_scores.py: the variant's body and the source
    variant TEXT NOT NULL,  -- the path of the variant whose decision it is a score of
    scored TEXT NOT NULL
) WITHOUT ROWID;
"""


class KnownScores:
    """The file's scores, one read when it is asked for (a match worker's, read-only)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def __call__(self, key: bytes) -> str | None:
        try:
            row = self._connection.execute(
                "SELECT scored FROM scores WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.Error:  # damaged: scored again, and made again when saved
            return None
        return None if row is None else str(row[0])

    def close(self) -> None:
        self._connection.close()


def open_known_scores(out: Path, fingerprint: str) -> KnownScores | None:
    """OUT's pair scores when they were kept under `fingerprint`, open read-only for the
    caller to close; else None."""
    path = out / SCORES_FILE
    if not path.exists():
        return None
    connection = databases.connect(path, "ro")
    try:
        row = connection.execute("SELECT fingerprint FROM meta").fetchone()
    except sqlite3.Error:
        row = None
    if row is None or row[0] != fingerprint:
        connection.close()
        return None
    return KnownScores(connection)


def save_scores(
    out: Path, fingerprint: str, kept: Iterable[str], made: Iterable[tuple[str, PairScore]]
) -> None:
    """Keep the scores of the variants whose decisions were `kept` (paths), replace all
    others with those `made` now (variant path, and its pair's key and score)."""
    path = work_folder(out) / SCORES_FILE.name
    try:
        _save(path, fingerprint, kept, made)
    except sqlite3.DatabaseError:
        databases.remove_database(path)
        _save(path, fingerprint, kept, made)


def _save(
    path: Path, fingerprint: str, kept: Iterable[str], made: Iterable[tuple[str, PairScore]]
) -> None:
    databases.create_private(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.executescript(SCHEMA)
        row = connection.execute("SELECT fingerprint FROM meta").fetchone()
        if row is None or row[0] != fingerprint:  # other code or options: none holds
            connection.execute("DELETE FROM meta")
            connection.execute("DELETE FROM scores")
            connection.execute("INSERT INTO meta VALUES (?)", (fingerprint,))
        connection.execute("CREATE TEMP TABLE kept (variant TEXT PRIMARY KEY) WITHOUT ROWID")
        connection.executemany(
            "INSERT OR IGNORE INTO kept VALUES (?)", ((variant,) for variant in kept)
        )
        connection.execute("DELETE FROM scores WHERE variant NOT IN (SELECT variant FROM kept)")
        connection.executemany(
            "INSERT OR REPLACE INTO scores VALUES (?, ?, ?)",
            ((key, variant, scored) for variant, (key, scored) in made),
        )
        databases.commit(connection)
