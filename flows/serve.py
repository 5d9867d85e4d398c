"""`copydesk serve`: the ingest flow on a schedule, for a landing folder that keeps filling.

What `flow.serve` does (a Prefect Runner with one deployment, polling for its scheduled
runs), with three differences a long-running service needs:

- Schedules need Prefect's scheduler service, which the temporary server of
  `copydesk ingest` never starts. Without `PREFECT_API_URL`, serve therefore starts a
  private `prefect server start` on a free local port (its log in PREFECT_HOME) and stops it
  after the runner; with `PREFECT_API_URL` set, the deployment goes to that server.
- The deployment names its flow by module (`flows.ingest:ingest_flow`), so runs work from
  any working directory and from an installed package.
- SIGTERM (systemd, docker stop) stops as cleanly as Ctrl-C. Prefect's own handler calls
  `sys.exit` inside the event loop: CancelledError tracebacks, and the runs it already
  scheduled are left behind because pausing the deployment is cut short.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from prefect.runner import Runner
from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings
from prefect.types.entrypoint import EntrypointType

from flows.ingest import ingest_flow
from flows.options import IngestOptions

SERVER_START_SECONDS = 120.0


class ServerStartError(RuntimeError):
    """The private Prefect server did not come up."""


class _Runner(Runner):
    def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the same clean path as Ctrl-C


def serve(
    input_dir: Path,
    out_dir: Path,
    options: IngestOptions,
    schedule: dict[str, Any],
    name: str,
) -> None:
    """Serve until interrupted; `schedule` is `{"cron": ..., "timezone": ...}` or
    `{"interval": seconds}`."""
    with api_server():
        # One run at a time: a run that outlasts the interval delays the next one instead
        # of meeting it at the output folder's lock.
        runner = _Runner(name=name, pause_on_shutdown=True, limit=1)
        parameters = {
            "input_dir": str(input_dir.absolute()),
            "out_dir": str(out_dir.absolute()),
            "options": options.model_dump(mode="json", exclude_none=True),
        }
        runner.add_flow(
            ingest_flow,
            name=name,
            parameters=parameters,
            entrypoint_type=EntrypointType.MODULE_PATH,
            **schedule,
        )
        print(
            f"copydesk serve {input_dir} -> {out_dir}: deployment "
            f"'{ingest_flow.name}/{name}' on {describe(schedule)}; stop with Ctrl-C",
            flush=True,
        )
        # SIGINT may arrive ignored (a background job of a script): restore Python's own
        # handler, on which asyncio's clean Ctrl-C shutdown (and SIGTERM's, above) relies.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with suppress(KeyboardInterrupt):
            asyncio.run(runner.start())
    print("copydesk serve: stopped", flush=True)


def describe(schedule: dict[str, Any]) -> str:
    """
    >>> describe({"interval": 900})
    'every 900 s'
    >>> describe({"cron": "*/15 * * * *", "timezone": "UTC"})
    "cron '*/15 * * * *' (UTC)"
    """
    if "interval" in schedule:
        return f"every {schedule['interval']:g} s"
    return f"cron '{schedule['cron']}' ({schedule.get('timezone') or 'local time'})"


@contextmanager
def api_server() -> Iterator[None]:
    """The configured Prefect API, else a private server for as long as the block runs."""
    if PREFECT_API_URL.value():
        yield
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    log_path = Path(PREFECT_HOME.value()) / "copydesk-serve-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "prefect", "server", "start", "--no-ui"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("ab") as log:
        # Its own session: Ctrl-C (SIGINT to the terminal's process group) must reach the
        # runner only, which stops first and then stops the server it still talks to.
        server = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_healthy(url, server, log_path)
        os.environ["PREFECT_API_URL"] = url  # for the flow-run processes the runner starts
        with temporary_settings({PREFECT_API_URL: url}):
            yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.terminate()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerStartError(f"the Prefect server exited at start; see {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise ServerStartError(f"the Prefect server did not answer in time; see {log_path}")
