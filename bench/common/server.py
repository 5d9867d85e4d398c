"""A Prefect server that outlives the runs, as `copydesk serve` keeps one.

A scheduled run (`copydesk serve`, or a deployment on a real Prefect server) finds its server
up: it pays for importing Prefect and the flow, not for starting a server. A one-off
`copydesk ingest` starts a private server each time (5-7 s here, flows/private_server.py).
Benchmarks of scheduled runs start one server in the warm Prefect home and give its address
to every run (PREFECT_API_URL), which takes the same path as a run on a configured server.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.prefect_env import QUIET_SETTINGS
from flows.private_server import (
    STOP_SECONDS,
    api_url,
    free_port,
    server_command,
    stop_server,
    wait_until_healthy,
)


@contextmanager
def prefect_server(home: Path) -> Iterator[dict[str, str]]:
    """A Prefect server on a free local port with `home` as its PREFECT_HOME, for as long
    as the block runs; yields the environment that points a run at it."""
    log_path = home / "bench-server.log"
    port = free_port()
    env = os.environ | QUIET_SETTINGS | {"PREFECT_HOME": str(home)}
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            server_command(port), env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until_healthy(api_url(port), server, log_path)
        yield {"PREFECT_API_URL": api_url(port)}
    finally:
        stop_server(server, STOP_SECONDS)
