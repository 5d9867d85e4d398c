"""The private server's process (flows/private_server.py): what `prefect server start` runs,
its database schema brought up to date first, once, instead of checked at every start.

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

Run as `python -m flows.server_start PORT`: Prefect's API on this machine alone (`HOST`), on
PORT, without its web UI.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported with Prefect's server, once the collector is off (`main`)
    from starlette.routing import BaseRoute
    from starlette.types import Scope

SCHEMA_NOTE = "copydesk-schema.json"  # in PREFECT_HOME
SQLITE_FILE_URL = "sqlite+aiosqlite:///"
HOST = "127.0.0.1"  # the runs of this machine alone


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
    """What Prefect's server does at its start when `migrate_on_start` (its `create_db`),
    with the cyclic garbage collector on (`main` turns it off): unlike the imports, a
    migration (once per Prefect version) may leave garbage cycles, collected before the
    server freezes what is alive."""
    from prefect.server.database import provide_database_interface

    enabled = gc.isenabled()
    gc.enable()
    try:
        asyncio.run(provide_database_interface().create_db())
        gc.collect()
    finally:
        if not enabled:
            gc.disable()


def main(port: int) -> None:
    """Prefect's API on `HOST`:`port`, after the schema check. The cyclic garbage collector
    is off until the app is made (`serve`): importing Prefect's server and making its app
    leave about 280,000 objects and no garbage cycle, and each collection on the way walked
    them again (imported and made in 1.66-1.88 s against 2.00-2.33 s, 3 each, alternating)."""
    gc.disable()
    import prefect
    from prefect.settings import get_current_settings, temporary_settings

    settings = get_current_settings()
    url = settings.server.database.connection_url
    database = sqlite_file(url.get_secret_value()) if url is not None else None
    changes = {"server.ui.enabled": False}
    if database is not None and settings.server.database.migrate_on_start:
        bring_schema_up_to_date(database, settings.home / SCHEMA_NOTE, prefect.__version__, migrate)
        changes["server.database.migrate_on_start"] = False
    with temporary_settings(changes):
        serve(port)


def serve(port: int) -> None:
    """What `prefect server start --no-ui` runs (its `_run_in_foreground`, one worker, the
    services on), without Prefect's command line around it: parsing it, importing its
    modules (Prefect Cloud's among them) and printing its banner took 0.15-0.2 s of each
    start (healthy after 2.45-2.73 s, median 2.52, against 2.68-2.90, median 2.74: 4
    starts each, alternating), on the path to a run's first stage."""
    import uvicorn
    from prefect.server.api import server
    from prefect.settings import get_current_settings

    settings = get_current_settings().server
    # `final` deletes the routers' originals when FastAPI copies them (before 0.137: about
    # 50 MB), then collects. FastAPI 0.150 (pinned) copies nothing: all that is left is a
    # full collection of what was just imported, which finds no garbage (0.15-0.3 s of the
    # start). Prefect's own test of the FastAPI version decides; without it, as before.
    final = getattr(server, "_FASTAPI_COPIES_ROUTES_ON_INCLUDE", True)
    app = server.create_app(final=final)
    gc.freeze()  # the modules and the app, alive as long as the server: exempt from collection
    gc.enable()  # before the routes: preparing them leaves garbage cycles
    prepare_routes(app.routes)
    uvicorn.run(
        app=app,
        host=HOST,
        port=port,
        timeout_keep_alive=settings.api.keepalive_timeout,
        ws_ping_interval=settings.api.websocket_ping_interval,
        ws_ping_timeout=settings.api.websocket_ping_timeout,
        log_level=settings.logging_level.lower(),
    )


def prepare_routes(routes: Sequence[BaseRoute]) -> None:
    """Make FastAPI prepare every route of the app now, while the server waits for its
    first call, not in that call: FastAPI builds a route's request handling (its parameters'
    validators) when a request is first matched against it, and a request is matched
    against every route before the one it names. Prefect's `/api/admin/version`, which a
    flow run calls first, comes after nearly all of them: that first call took 0.15 s of the
    run's start, 0.002 s once the routes are prepared. A path no route has is matched
    against them all, and answered by none."""
    from starlette.routing import Mount

    unknown: Scope = {"type": "http", "method": "GET", "path": "/-", "root_path": "", "headers": []}
    for route in routes:
        route.matches(unknown)
        if isinstance(route, Mount):
            prepare_routes(route.routes)


if __name__ == "__main__":
    main(int(sys.argv[1]))
