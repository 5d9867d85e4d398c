"""Prefect settings for a clean command-line run, applied before Prefect is imported.

`copydesk ingest` runs the flow on Prefect's temporary server, which lives for one run. Its
shutdown noise ("Error flushing N events" with CancelledError tracebacks) has one cause:
task runs reach the server only as events, and its TaskRunRecorder writes them one SQLite
transaction at a time (batch size 1), so after a burst of task runs it is seconds behind.
At interpreter exit the temporary server is stopped at once; cancelling the recorder
mid-write logs an ERROR from the server process (which no client log level silences) and
drops the unrecorded task runs anyway. Nobody reads that history after the server is gone,
so the services that keep it are not started; the client's own event queue is drained
before exit (`flush_prefect_events`).

Each setting is a default: a user's environment or Prefect profile still wins, and against
a real Prefect server (PREFECT_API_URL set) no temporary server starts and none of the
server settings apply.
"""

from __future__ import annotations

import importlib
import os
from contextlib import AbstractContextManager
from pathlib import Path

from tasks.output.paths import unwritable

# The server's services that keep events' consequences, writing them later: the two that
# record task-run history from events (see above), and the triggers (automations react to
# persisted events; with none persisted they have nothing to do). Off by default; a
# private server that runs one of them is asked to stop, not killed (flows/private_server.py).
EVENT_SERVICES = ("TASK_RUN_RECORDER", "EVENT_PERSISTER", "TRIGGERS")


def service_switch(service: str) -> str:
    """The environment variable that turns Prefect's server service `service` on or off."""
    return f"PREFECT_SERVER_SERVICES_{service}_ENABLED"


QUIET_SETTINGS = {
    # Telemetry phones home, which fails offline: the server's ...
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # ... and the client's, which on a terminal also prints a "collects anonymous usage
    # data" banner at import (the README promises telemetry is off).
    "DO_NOT_TRACK": "1",
    **{service_switch(service): "false" for service in EVENT_SERVICES},
}
DRAIN_TIMEOUT_SECONDS = 30.0
# What Prefect imports only once a flow run starts, after the server has answered: its flow
# and task engines, and FastAPI's encoder (the flow's parameters are serialized with it,
# which imports all of FastAPI): about 0.2 s between the server's answer and the first
# stage, unless imported while the server starts.
RUN_MODULES = ("prefect.flow_engine", "prefect.task_engine", "fastapi.encoders")


def configure_prefect(*, verbose: bool = False, service: bool = False) -> None:
    """`service`: a long-running `copydesk serve`, whose log keeps one start line, one
    summary line and one end line per flow run (Prefect's flow-run logger at INFO)."""
    settings = dict(QUIET_SETTINGS)
    if service:
        settings["PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL"] = "INFO"
    elif not verbose:
        # A failing run: Prefect logs the exception with its traceback at ERROR, and the
        # CLI says what failed in one line of its own. The console shows no log record
        # (--verbose shows them all); the API (a real server's UI) still gets warnings and
        # errors.
        settings["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "CRITICAL"
    if not verbose:
        # Flow and task state lines ("Finished in state Completed()") are Prefect's UI, not
        # ours: the CLI prints its own summary. Warnings and errors still show.
        settings["PREFECT_LOGGING_LEVEL"] = "WARNING"
        # Dask's scheduler, nanny and worker banners (--runner dask), ~70 INFO lines a run.
        settings["DASK_DISTRIBUTED__LOGGING__DISTRIBUTED"] = "error"
    for name, value in settings.items():
        os.environ.setdefault(name, value)


def prefect_home() -> Path:
    """Prefect's home folder, as Prefect will read it (without importing Prefect)."""
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


def prefect_home_problem() -> str | None:
    """Why Prefect's home folder (its database and settings) cannot be written, if it
    cannot; checked before Prefect is imported. Unchecked, an unwritable home (HOME on a
    read-only volume, a service user without one) makes the server never answer and the
    run fail minutes later with a timeout that names neither."""
    home = prefect_home()
    reason = unwritable(home)
    if reason is None:
        return None
    return (
        f"Prefect's home folder '{home}' cannot be written ({reason}); set PREFECT_HOME to a"
        " writable folder"
    )


def import_run_modules() -> None:
    """Import `RUN_MODULES` now, while the private server starts."""
    for name in RUN_MODULES:
        importlib.import_module(name)


def without_heartbeats() -> AbstractContextManager[object]:
    """No flow-run heartbeats: they let a lasting server notice a crashed run, and a server
    that lives for one run has no one to tell. Their thread sleeps in 1 s steps and the flow
    waits for it at its end (up to 1 s of each short run). Call once Prefect may be
    imported."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def flush_prefect_events() -> None:
    """Send the run's queued events and logs while the temporary server is still up; at
    interpreter exit the server may stop first ("Still processing items" warnings)."""
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all(timeout=DRAIN_TIMEOUT_SECONDS)
