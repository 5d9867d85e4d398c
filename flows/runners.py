"""Where task runs execute: threads in this process (the default), or a Dask cluster.

`--runner dask` hands the shard tasks to Prefect's DaskTaskRunner: a local cluster of
`workers` processes, or an existing cluster at `address`. Dask workers are other processes:
without an API URL each would start its own temporary Prefect server (seconds each, and
task runs reported to servers that vanish), so a run without a configured server shares
one private server with its workers (`flows/private_server.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect.task_runners import TaskRunner

from flows.options import RunnerChoice
from flows.private_server import api_server


@contextmanager
def task_runner(choice: RunnerChoice) -> Iterator[TaskRunner[Any] | None]:
    """The task runner to give the flow (None: the flow's own default)."""
    if choice.kind == "threads":
        yield None
        return
    from prefect_dask.task_runners import DaskTaskRunner

    if choice.address:
        runner = DaskTaskRunner(address=choice.address)
    else:
        # A random dashboard port: the default 8787 warns when taken, and one process
        # per worker, one thread each, since the stages are pure Python (the GIL).
        cluster = {"n_workers": choice.workers, "threads_per_worker": 1, "processes": True}
        runner = DaskTaskRunner(cluster_kwargs={**cluster, "dashboard_address": ":0"})
    with api_server():
        yield runner
