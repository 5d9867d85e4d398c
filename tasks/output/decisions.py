"""The match stage's decisions, kept for the next run (tasks/match/reuse.py).

Like the parse cache, it is only a cache: a run that cannot read it decides every variant
afresh. It is keyed by a fingerprint of everything a decision depends on besides the texts:
the parse cache's own (the options and code that make a parse), the match stage's code, the
thresholds and the number of candidates. The texts are in the sources' rows (the sources
the decisions were made against, by path and SHA-256) and in each decision (the variant's
SHA-256).

A run keeps nearly all of the last run's decisions (a 1 % rerun decided 993 of 10,635
again), so `.copydesk/decisions.sqlite` holds a row per decision and per source, and a run
writes only the rows of what it decided again and removes those of what went: 0.02-0.03 s
at 118,145 files, where rewriting the earlier JSON Lines file (kept decisions copied as the
bytes they were loaded from) took 0.15-0.17 s (262 MB at a million files). Loading reads
every decision, as before (their checks need them all). A run writes only changes to the
file it loaded, which its generation (counted in the file, one more at each save) tells;
any other is written whole. A run killed while writing it leaves it as it was (the journal
rolls back).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from tasks.match.reuse import Decided
from tasks.match.thresholds import CANDIDATES, Thresholds
from tasks.memory import paused_garbage_collection
from tasks.output import databases
from tasks.output.fingerprint import match_code_fingerprint
from tasks.output.paths import DECISIONS_FILE, work_folder

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (fingerprint TEXT NOT NULL, generation INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS sources (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL)
    STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS decided (variant TEXT PRIMARY KEY, decision TEXT NOT NULL)
    STRICT;  -- `Decided` as JSON
"""
EARLIER_FILE = "decisions.jsonl"  # the whole-file format before this one: removed when saving


@dataclass(frozen=True)
class Decisions:
    """The last run's decisions as loaded, and the generation of the file they came from."""

    sources: dict[str, str]  # path -> SHA-256 of each source matched against
    decided: dict[str, Decided]  # by variant path
    generation: int


def decisions_fingerprint(parse_fingerprint: str, thresholds: Thresholds) -> str:
    key = f"{parse_fingerprint}|{match_code_fingerprint()}|{thresholds!r}|{CANDIDATES}"
    return hashlib.sha256(key.encode()).hexdigest()


@paused_garbage_collection()
def load_decisions(out: Path, fingerprint: str) -> Decisions | None:
    """The last run's decisions if they were made under `fingerprint` and can be read."""
    path = out / DECISIONS_FILE
    if not path.is_file():
        return None
    try:
        with databases.opened(path, "rw") as connection:
            meta = connection.execute("SELECT fingerprint, generation FROM meta").fetchone()
            if meta is None or meta[0] != fingerprint:
                return None
            sources = dict(connection.execute("SELECT path, sha256 FROM sources"))
            rows = connection.execute("SELECT variant, decision FROM decided")
            decided = {variant: Decided.model_validate_json(row) for variant, row in rows}
    except (sqlite3.Error, ValidationError):
        return None
    return Decisions(sources, decided, meta[1])


def save_decisions(
    out: Path,
    fingerprint: str,
    sources: dict[str, str],
    decided: list[Decided],
    loaded: Decisions | None = None,
) -> None:
    """Keep `decided`, made against `sources`: those that are `loaded`'s own objects (kept
    as they were) are left in the file, if it is still the one they were loaded from (the
    decisions `loaded` holds may be only those kept: the file's others are replaced or
    removed)."""
    path = work_folder(out) / DECISIONS_FILE.name
    try:
        _save(path, fingerprint, sources, decided, loaded)
    except sqlite3.DatabaseError:
        databases.remove_database(path)
        _save(path, fingerprint, sources, decided, None)
    (path.parent / EARLIER_FILE).unlink(missing_ok=True)


def _save(
    path: Path,
    fingerprint: str,
    sources: dict[str, str],
    decided: list[Decided],
    loaded: Decisions | None,
) -> None:
    databases.create_private(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.executescript(SCHEMA)
        meta = connection.execute("SELECT fingerprint, generation FROM meta").fetchone()
        generation = 0 if meta is None else meta[1] + 1
        if loaded is None or meta is None or tuple(meta) != (fingerprint, loaded.generation):
            connection.execute("DELETE FROM sources")
            connection.execute("DELETE FROM decided")
            loaded = Decisions({}, {}, generation)  # nothing in the file: all written
        _write_sources(connection, loaded.sources, sources)
        held = loaded.decided
        connection.executemany(
            "INSERT OR REPLACE INTO decided VALUES (?, ?)",
            ((item.variant, item.model_dump_json()) for item in decided
             if held.get(item.variant) is not item),
        )  # fmt: skip
        (rows,) = connection.execute("SELECT count(*) FROM decided").fetchone()
        if rows != len(decided):  # decisions of variants gone (`loaded` holds only those kept)
            connection.execute("CREATE TEMP TABLE now (variant TEXT PRIMARY KEY) WITHOUT ROWID")
            connection.executemany("INSERT INTO now VALUES (?)", ((i.variant,) for i in decided))
            connection.execute("DELETE FROM decided WHERE variant NOT IN (SELECT * FROM now)")
        connection.execute("DELETE FROM meta")
        connection.execute("INSERT INTO meta VALUES (?, ?)", (fingerprint, generation))
        databases.commit(connection)


def _write_sources(
    connection: sqlite3.Connection, before: Mapping[str, str], now: Mapping[str, str]
) -> None:
    """Make the sources' rows, which hold `before` (path -> SHA-256), hold `now`."""
    gone = ((path,) for path in before.keys() - now.keys())
    connection.executemany("DELETE FROM sources WHERE path = ?", gone)
    changed = ((path, sha) for path, sha in now.items() if before.get(path) != sha)
    connection.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?)", changed)
