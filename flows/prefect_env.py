"""Prefect settings for a clean command-line run, applied before Prefect is imported.

Each is a default: a user's own environment or Prefect profile still wins.
"""

from __future__ import annotations

import os

QUIET_SETTINGS = {
    # The temporary server's telemetry service phones home (impossible offline) and races
    # the run for the SQLite database ("database is locked" tracebacks).
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}


def configure_prefect(*, verbose: bool = False) -> None:
    settings = dict(QUIET_SETTINGS)
    if not verbose:
        # Flow and task state lines ("Finished in state Completed()") are Prefect's UI, not
        # ours: the CLI prints its own summary. Warnings and errors still show.
        settings["PREFECT_LOGGING_LEVEL"] = "WARNING"
    for name, value in settings.items():
        os.environ.setdefault(name, value)
