"""The private server's schema check (flows/server_start.py): Prefect's migration runs
whenever the database is not at the revision noted for this Prefect version, and only
then."""

from __future__ import annotations

import contextlib
import gc
import json
import sqlite3
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Scope

from flows.server_start import (
    HOST,
    SCHEMA_NOTE,
    bring_schema_up_to_date,
    prepare_routes,
    schema_revision,
    serve,
)


class Migration:
    """Stands for Prefect's: sets the database's alembic revision, counts its runs."""

    def __init__(self, database: Path, revision: str) -> None:
        self.database, self.revision, self.runs = database, revision, 0

    def __call__(self) -> None:
        self.runs += 1
        set_revision(self.database, self.revision)


def set_revision(database: Path, revision: str) -> None:
    with contextlib.closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num TEXT)")
        connection.execute("DELETE FROM alembic_version")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (revision,))


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "prefect.db"


def check(database: Path, migration: Migration, version: str = "3.8.8") -> bool:
    return bring_schema_up_to_date(database, database.parent / SCHEMA_NOTE, version, migration)


def test_a_new_database_is_migrated_and_its_revision_noted(database: Path) -> None:
    migration = Migration(database, "r1")
    assert check(database, migration)
    assert migration.runs == 1
    noted = json.loads((database.parent / SCHEMA_NOTE).read_text())
    assert noted == {"prefect": "3.8.8", "database": str(database), "revision": "r1"}


def test_a_database_at_the_noted_revision_is_not_migrated_again(database: Path) -> None:
    migration = Migration(database, "r1")
    check(database, migration)
    assert not check(database, migration)
    assert migration.runs == 1


@pytest.mark.parametrize("change", ["another revision", "another prefect", "torn note"])
def test_anything_unlike_the_note_is_migrated(database: Path, change: str) -> None:
    migration = Migration(database, "r2")
    Migration(database, "r1")()
    (database.parent / SCHEMA_NOTE).write_text(
        json.dumps({"prefect": "3.8.8", "database": str(database), "revision": "r1"})
    )
    version = "3.8.8"
    if change == "another revision":  # another Prefect's server moved it on
        set_revision(database, "r0")
    elif change == "another prefect":
        version = "3.9.0"
    else:
        (database.parent / SCHEMA_NOTE).write_text('{"prefect": "3.8')
    assert check(database, migration, version)
    assert migration.runs == 1
    assert schema_revision(database) == "r2"


def test_a_file_that_is_no_database_has_no_revision(database: Path) -> None:
    database.write_text("not a database")
    assert schema_revision(database) is None
    assert schema_revision(database.parent / "absent.db") is None


def test_a_real_server_migrates_once_then_starts_on_the_noted_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two private servers in a new PREFECT_HOME: the first migrates and notes the
    revision, the second finds it noted and still serves the API (flow runs included)."""
    import urllib.error
    import urllib.request

    from flows import private_server

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    notes = []
    for start in ("first", "second"):
        launched = private_server.launch()
        try:
            private_server.wait_until_healthy(launched.url, launched.process, launched.log_path)
            request = urllib.request.Request(
                f"{launched.url}/flow_runs/filter", data=b"{}", method="POST",
                headers={"Content-Type": "application/json"},
            )  # fmt: skip
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert json.loads(answer.read()) == [], start
            with pytest.raises(urllib.error.HTTPError, match="404"):  # no web UI
                urllib.request.urlopen(launched.url.removesuffix("/api") + "/", timeout=10)
        finally:
            private_server.stop_server(launched.process, private_server.STOP_SECONDS)
            private_server._running.remove(launched.process)
        noted = json.loads((tmp_path / SCHEMA_NOTE).read_text())
        assert noted["revision"] == schema_revision(tmp_path / "prefect.db") is not None
        notes.append((tmp_path / SCHEMA_NOTE).stat().st_mtime_ns)
    assert notes[0] == notes[1]  # the second start did not migrate (nor write the note)
    assert "Traceback" not in launched.log_path.read_text()


class Route(BaseRoute):
    """A route that notes the paths it is matched against, and matches none of them."""

    def __init__(self) -> None:
        self.matched: list[str] = []

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        self.matched.append(scope["path"])
        return Match.NONE, {}


def test_the_api_runs_with_its_app_exempt_from_collection_and_its_routes_prepared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`main` turns the collector off before Prefect loads; `serve` makes the app (without
    the full collection `final` means on a FastAPI that copies no route), freezes what is
    alive, turns the collector back on and prepares the routes before the API serves."""
    import prefect.server.api.server
    import uvicorn

    route = Route()
    app = Starlette(routes=[route])
    made: list[bool] = []
    served: dict[str, object] = {}

    def create_app(final: bool) -> Starlette:
        made.append(final)
        return app

    def run(**options: object) -> None:
        served.update(options, collecting=gc.isenabled(), frozen=gc.get_freeze_count())

    monkeypatch.setattr(prefect.server.api.server, "create_app", create_app)
    monkeypatch.setattr(uvicorn, "run", run)
    gc.disable()
    try:
        serve(4321)
    finally:
        gc.unfreeze()
        gc.enable()
    assert made == [False]  # FastAPI 0.150, as pinned
    assert served["app"] is app
    assert (served["host"], served["port"]) == (HOST, 4321)
    assert served["collecting"] is True
    assert isinstance(served["frozen"], int) and served["frozen"] > 0
    assert route.matched == ["/-"]


def test_every_route_is_matched_once_also_within_mounts() -> None:
    """`prepare_routes` matches each route, those of a mounted app too, against a path that
    none of them answers."""
    outer, inner, deeper = Route(), Route(), Route()
    mounted = Starlette(routes=[inner, Mount("/more", routes=[deeper])])
    prepare_routes([outer, Mount("/api", app=mounted)])
    assert outer.matched == inner.matched == deeper.matched == ["/-"]


def test_a_migration_runs_and_is_collected_with_the_collector_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`main` loads Prefect with the collector off; a migration turns it on for its run and
    collects what it left before the server freezes what is alive."""
    import prefect.server.database

    from flows import server_start

    seen: list[bool] = []

    class Database:
        async def create_db(self) -> None:
            seen.append(gc.isenabled())

    collected: list[bool] = []

    def collect() -> int:
        collected.append(gc.isenabled())
        return 0

    monkeypatch.setattr(prefect.server.database, "provide_database_interface", Database)
    monkeypatch.setattr(gc, "collect", collect)
    gc.disable()
    try:
        server_start.migrate()
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [True] and collected == [True]
