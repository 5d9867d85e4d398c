"""A private Prefect server, whenever no PREFECT_API_URL is configured: for `copydesk
ingest` (instead of Prefect's temporary server), `copydesk serve` (schedules need Prefect's
scheduler service, which the temporary server never starts) and `--runner dask` (each Dask
worker would otherwise start a temporary server of its own).

It is Prefect's API server, as `prefect server start --no-ui` runs it (flows/server_start.py),
on a free local port, managed by this process. Prefect's own
temporary server is a plain child in the caller's process group: Ctrl-C, `timeout` or any
signal to the group kills it along with the run, and the run then retries its events
against a dead server for minutes; a SIGKILLed run leaves it orphaned. This one runs in its
own session (a signal to the caller's group does not reach it: the caller stops first, then
stops the server), dies with this process even if it is killed (Linux: the parent-death
signal), and a server that stops on its own ends the process with one line (exit code 1)
instead of endless connection tracebacks. It also starts faster (about 2 s against 6-8 s),
and for one run without the services that only scheduled runs need (`SCHEDULING_SERVICES`)."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows.prefect_env import EVENT_SERVICES, prefect_home, service_switch

SERVER_LOG = "copydesk-server.log"  # in PREFECT_HOME
START_SECONDS = 120.0
STOP_SECONDS = 30.0
QUICK_STOP_SECONDS = 3.0  # when the process is interrupted and must exit within seconds
LOG_DRAIN_SECONDS = 5.0  # the last log lines of a run, sent before the server stops
MAX_LOG_BYTES = 1 << 20  # the log restarts when over this: each start appends a banner
WATCH_SECONDS = 1.0
HEALTH_POLL_SECONDS = 0.05  # a refused connection costs microseconds; the run waits on it
PR_SET_PDEATHSIG = 1
SERVER_STOPPED = "the private Prefect server stopped on its own"
# What a server for one run (`copydesk ingest`) never needs: services that make and watch
# scheduled runs, workers, pauses and leases; an ingest run has none of them. Without them it
# answers its health check 0.4-0.6 s sooner, and its first API call (0.5-0.7 s either way)
# comes a little later: the run starts about 0.2 s sooner (healthy and first call answered
# after 4.85-5.22 s against 4.87-5.51 s, measured side by side). `copydesk serve` keeps them.
SCHEDULING_SERVICES = (
    "SCHEDULER", "LATE_RUNS", "FOREMAN", "PAUSE_EXPIRATIONS", "REPOSSESSOR",
    "CANCELLATION_CLEANUP", "CLEANUP_RECONCILER",
)  # fmt: skip
# Block types are registered in Prefect's database at each server start, after Prefect
# has imported every installed collection (prefect-dask, and Dask with it) to learn whether
# the registry changed: 0.3-0.5 s of the private server's start (healthy after 2.80-3.06 s
# against 3.05-3.56 s, 3 starts each, alternating). A run of copydesk uses no block; the
# block types a lasting server (`copydesk serve`) registered stay in the database.
BLOCK_REGISTRATION_OFF = {
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
}
EXIT_SERVER_STOPPED = 1


# Set when the process is asked to stop: the server may then stop first (systemd signals
# the whole unit at once), which is no error.
STOPPING = threading.Event()
# The server this process runs, if any (stopped at once by `stop_now`).
_running: list[subprocess.Popen[bytes]] = []


class PrivateServerError(RuntimeError):
    """The private Prefect server did not start."""


@dataclass(frozen=True)
class Launched:
    """A private server on its way up."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path


def launch(*, schedules: bool = False) -> Launched:
    """Start a private server and return at once (no Prefect import: the CLI starts it
    before it imports Prefect, so that the two overlap); with `schedules`, one that runs
    Prefect's scheduling services too."""
    port = free_port()
    log_path = prefect_home() / SERVER_LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = server_command(port)
    with log_path.open("ab") as log:
        if log.tell() > MAX_LOG_BYTES:
            log.truncate(0)
        server = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=server_environment(schedules),
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    _running.append(server)
    return Launched(server, api_url(port), log_path)


def server_command(port: int) -> list[str]:
    """Prefect's API on `port` of this machine alone, without its web UI, its database
    schema checked once rather than at every start (flows/server_start.py). `-P`: a folder
    named `flows` where the user runs copydesk is not imported instead."""
    return [sys.executable, "-P", "-m", "flows.server_start", str(port)]


def server_environment(schedules: bool) -> dict[str, str]:
    """This process's environment, with the scheduling services and the registration of
    block types off unless `schedules` (a setting of the user's own still wins)."""
    environment = dict(os.environ)
    if not schedules:
        for name in SCHEDULING_SERVICES:
            environment.setdefault(service_switch(name), "false")
        for name, value in BLOCK_REGISTRATION_OFF.items():
            environment.setdefault(name, value)
    return environment


def api_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/api"


@contextmanager
def api_server(launched: Launched | None = None, *, schedules: bool = False) -> Iterator[None]:
    """The configured Prefect API, else a private server (`launched`, or one started now,
    with the scheduling services if `schedules`) for as long as the block runs."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        if launched is not None:  # configured in a Prefect profile after all
            stop_server(launched.process, QUICK_STOP_SECONDS)
            _running.remove(launched.process)
        yield
        return
    STOPPING.clear()
    launched = launched or launch(schedules=schedules)
    server, url, log_path = launched.process, launched.url, launched.log_path
    try:
        # Prefect copies its settings whole (0.05-0.07 s): made while the server starts, not
        # once it answers (with the CLI's own, flows/cli.py, the flow run began 0.15-0.39 s
        # after the server answered, now 0.01-0.03 s: 5 runs each, alternating).
        with temporary_settings({PREFECT_API_URL: url}):
            wait_until_healthy(url, server, log_path)
            os.environ["PREFECT_API_URL"] = url  # for the flow-run processes the runner starts
            threading.Thread(target=_watch, args=(server, log_path), daemon=True).start()
            yield
    except Exception:
        # What failed may only be the server's death showing first (the runner starting
        # when the server was killed): the user is told the cause, as the watcher would.
        if _died_on_its_own(server):
            _report_stopped(log_path)
        raise
    finally:
        STOPPING.set()
        _send_logs_left()
        os.environ.pop("PREFECT_API_URL", None)
        stop_server(server, 0.0 if _holds_nothing_unsaved(schedules) else STOP_SECONDS)
        _running.remove(server)


def _holds_nothing_unsaved(schedules: bool) -> bool:
    """Whether the server can be killed, not asked to stop, once its run has ended and the
    run's last log lines were sent: it committed every call it answered to its database
    (SQLite: a transaction per call, which a killed process keeps), and runs no service
    that holds writes in memory: not the scheduling ones (`schedules`), and none of the
    `EVENT_SERVICES`, unless a user turned one on. Asking costs 0.15 s: uvicorn looks for a
    stop request every 0.1 s, then waits 0.1 s more for its connections to close."""
    if schedules:
        return False
    from prefect.settings import get_current_settings

    services = get_current_settings().server.services
    return not any(getattr(services, name.lower()).enabled for name in EVENT_SERVICES)


def _send_logs_left() -> None:
    """Hand the server the log lines Prefect still holds before it stops: a failed run's
    (its exception, logged as it ends) were else sent at exit, to a server gone, and Prefect
    printed "--- Error logging to API --- All connection attempts failed" under the run's
    one-line error."""
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=LOG_DRAIN_SECONDS)


def stop_now() -> None:
    """Stop this process's private server within seconds (the process is about to exit)."""
    STOPPING.set()
    for server in list(_running):
        stop_server(server, QUICK_STOP_SECONDS)


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when serve dies, however it dies (Linux)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _watch(server: subprocess.Popen[bytes], log_path: Path) -> None:
    """A server gone on its own leaves the runner nothing to talk to (its shutdown would
    hang trying to pause the deployment): say so in one line and exit. Runs in flight are
    abandoned, which the output folder's atomic writes make safe."""
    while not STOPPING.wait(WATCH_SECONDS):
        if server.poll() is not None and not STOPPING.is_set():
            _report_stopped(log_path)


def _died_on_its_own(server: subprocess.Popen[bytes]) -> bool:
    """Whether the server is gone (waiting a moment: a killed one may not be reaped yet)
    without this process having asked it to stop."""
    try:
        server.wait(timeout=WATCH_SECONDS)
    except subprocess.TimeoutExpired:
        return False
    return not STOPPING.is_set()


def _report_stopped(log_path: Path) -> None:
    """One line, exit code 1, at once: runs in flight are abandoned (the output folder's
    atomic writes make that safe)."""
    print(f"copydesk: error: {SERVER_STOPPED}; see {log_path}", file=sys.stderr)
    os._exit(EXIT_SERVER_STOPPED)


def stop_server(server: subprocess.Popen[bytes], seconds: float) -> None:
    """SIGTERM, then SIGKILL after `seconds`; SIGKILL at once when `seconds` is 0."""
    if seconds > 0:
        server.terminate()
        try:
            server.wait(timeout=seconds)
            return
        except subprocess.TimeoutExpired:
            pass
    server.kill()
    server.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise PrivateServerError(f"the private Prefect server did not start; see {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return
        except OSError:
            time.sleep(HEALTH_POLL_SECONDS)
    raise PrivateServerError(f"the private Prefect server did not answer; see {log_path}")
