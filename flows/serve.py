"""`copydesk serve`: the ingest flow on a schedule, for a landing folder that keeps filling.

What `flow.serve` does (a Prefect Runner with one deployment, polling for its scheduled
runs), with three differences a long-running service needs:

- Schedules need Prefect's scheduler service, which the temporary server of
  `copydesk ingest` never starts. Without `PREFECT_API_URL`, serve therefore starts a
  private Prefect server (`flows/private_server.py`); with `PREFECT_API_URL` set, the
  deployment goes to that server.
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
from contextlib import suppress
from pathlib import Path
from typing import Any

from prefect.runner import Runner
from prefect.types.entrypoint import EntrypointType

from flows.ingest import ingest_flow
from flows.options import IngestOptions
from flows.private_server import STOPPING, api_server


class _Runner(Runner):
    def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
        STOPPING.set()
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
    # From the start, not only once the runner runs: SIGTERM while the server starts must
    # stop it too. SIGINT may arrive ignored (a background job of a script): restore
    # Python's own handler, on which asyncio's clean Ctrl-C shutdown relies.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    with suppress(KeyboardInterrupt):  # a stop while starting or stopping is a stop too
        _serve_until_stopped(input_dir, out_dir, options, schedule, name)
    print("copydesk serve: stopped", flush=True)


def _serve_until_stopped(
    input_dir: Path, out_dir: Path, options: IngestOptions, schedule: dict[str, Any], name: str
) -> None:
    with api_server(schedules=True):
        # One run at a time: a run that outlasts the interval delays the next one instead
        # of meeting it at the output folder's lock.
        runner = _Runner(name=name, pause_on_shutdown=True, limit=1)
        runner.add_flow(
            ingest_flow,
            name=name,
            parameters=deployment_parameters(input_dir, out_dir, options),
            entrypoint_type=EntrypointType.MODULE_PATH,
            **schedule,
        )
        print(
            f"copydesk serve {input_dir} -> {out_dir}: deployment "
            f"'{ingest_flow.name}/{name}' on {describe(schedule)}; stop with Ctrl-C",
            flush=True,
        )
        asyncio.run(runner.start())


def deployment_parameters(input_dir: Path, out_dir: Path, options: IngestOptions) -> dict[str, Any]:
    """The flow's parameters for each scheduled run: every option (those that only change
    what is read too, `--verify` and `--verify-every`), as JSON."""
    return {
        "input_dir": str(input_dir.absolute()),
        "out_dir": str(out_dir.absolute()),
        "options": options.model_dump(mode="json", exclude_none=True),
    }


def _interrupt(*args: object) -> None:
    STOPPING.set()
    raise KeyboardInterrupt


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
