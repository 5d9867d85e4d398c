"""The private server's process (flows/private_server.py): `prefect server start`, its
database schema brought up to date first, once, instead of checked at every start.

Prefect migrates its database at each server start (`migrate_on_start`): alembic loads
every one of its revision scripts to learn which is the newest, although the schema has
not changed since the last start. At each `copydesk ingest` that is on the path to the
run's first stage: without it the private server (in an ingest's environment) has
answered its health check and its first API call after 3.04-3.89 s (median 3.51) against
3.29-3.88 s (median 3.74), 8 starts each, alternating. Here the schema is migrated the way
Prefect's server does it (its `create_db`, `migrate` below) whenever the database's
revision is not the one this Prefect version left it at, and that revision is noted in
PREFECT_HOME (`SCHEMA_NOTE`); a start that finds the database at the noted revision skips
the check. Anything else is left to Prefect as before: a database other than a SQLite
file (Postgres, in memory), or a user's own `migrate_on_start = false`.

Run as `python -m flows.server_start ARGUMENTS...`: the arguments are `prefect`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import runpy
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

SCHEMA_NOTE = "copydesk-schema.json"  # in PREFECT_HOME
SQLITE_FILE_URL = "sqlite+aiosqlite:///"


def sqlite_file(connection_url: str) -> Path | None:
    """The database file a connection URL names, if it is a plain SQLite file.

    >>> sqlite_file("sqlite+aiosqlite:////home/me/.prefect/prefect.db")
    PosixPath('/home/me/.prefect/prefect.db')
    >>> sqlite_file("sqlite+aiosqlite:///file::memory:?cache=shared&uri=true") is None
    True
    >>> sqlite_file("postgresql+asyncpg://prefect@db/prefect") is None
    True
    """
    if not connection_url.startswith(SQLITE_FILE_URL) or "?" in connection_url:
        return None
    path = Path(connection_url.removeprefix(SQLITE_FILE_URL))
    return path if path.is_absolute() else None


def schema_revision(database: Path) -> str | None:
    """The alembic revision the database's schema is at; None if it has none yet."""
    if not database.is_file():
        return None
    uri = f"{database.as_uri()}?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:  # no such table yet (or not a database: Prefect will say so)
        return None
    return rows[0][0] if len(rows) == 1 else None


def bring_schema_up_to_date(
    database: Path, note: Path, prefect_version: str, upgrade: Callable[[], object]
) -> bool:
    """Migrate `database` with `upgrade` unless `note` says this Prefect version left it at
    the revision it is at now; then note the revision. True if it was migrated."""

    def noted(revision: str | None) -> dict[str, str | None]:
        return {"prefect": prefect_version, "database": str(database), "revision": revision}

    revision = schema_revision(database)
    try:
        current = revision is not None and json.loads(note.read_text()) == noted(revision)
    except (OSError, ValueError):
        current = False
    if current:
        return False
    upgrade()
    # A note torn by a crash is no JSON, and a note that does not match only costs the next
    # start Prefect's check: it is written in place.
    note.write_text(json.dumps(noted(schema_revision(database))))
    return True


def migrate() -> None:
    """What Prefect's server does at its start when `migrate_on_start` (its `create_db`)."""
    from prefect.server.database import provide_database_interface

    asyncio.run(provide_database_interface().create_db())


def main(arguments: list[str]) -> None:
    """`prefect ARGUMENTS`, in this process, after the schema check."""
    import prefect
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    url = settings.server.database.connection_url
    database = sqlite_file(url.get_secret_value()) if url is not None else None
    if database is not None and settings.server.database.migrate_on_start:
        note = settings.home / SCHEMA_NOTE
        bring_schema_up_to_date(database, note, prefect.__version__, migrate)
        os.environ["PREFECT_SERVER_DATABASE_MIGRATE_ON_START"] = "false"
    sys.argv = ["prefect", *arguments]
    runpy.run_module("prefect", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
