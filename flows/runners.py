"""Where task runs execute: threads in this process (the default), or a Dask cluster.

`--runner dask` hands the shard tasks to Prefect's DaskTaskRunner: a local cluster of
`workers` processes, or an existing cluster at `address`. Dask workers are other processes:
without an API URL each would start its own temporary Prefect server (seconds each, and
task runs reported to servers that vanish), so a run without a configured server shares
one private server with its workers (`flows/private_server.py`).
"""

from __future__ import annotations

import os
import signal
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

    with api_server():
        if choice.address:
            yield DaskTaskRunner(address=choice.address)
            return
        with local_cluster(choice.workers) as address:
            yield DaskTaskRunner(address=address)


@contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    """A local cluster whose worker processes ignore SIGINT: a terminal's Ctrl-C reaches the
    whole process group, and each worker printed its KeyboardInterrupt traceback over the
    CLI's one line. The CLI stops them (closing the cluster, or its own exit, which they
    notice at once); SIGTERM still ends them. A random dashboard port: the default 8787
    warns when taken; one process per worker, one thread each, since the stages are pure
    Python (the GIL)."""
    from distributed import LocalCluster

    # When copydesk ends at once on a signal (flows/interrupts.py), multiprocessing's resource
    # tracker (a process of its own, started with the workers) frees the workers' semaphores
    # and warns about each on stderr: the cleanup is right, the warning is noise.
    os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning:multiprocessing.resource_tracker")
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the workers
    try:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    with cluster:
        yield cluster.scheduler_address
