"""Worker processes for the CPU-bound shard work, so that every core is busy.

Decoding, cleaning and parsing are pure Python: threads share one core (the GIL). Prefect
3.8.8's `ProcessPoolTaskRunner` runs each task run in a spawned process, which imports the
whole flow and Prefect first: 7.7 s before the first of 8 trivial tasks finished, against
0.2 s in threads (measured side by side). So the shard tasks stay Prefect task runs in this
process, and each hands its shard to a plain process pool whose workers import the stage
code alone (`tasks.pipeline`, no Prefect): they are forked from a server process started
once ("forkserver": no thread of this process is copied), ready in about half a second. The
fork server also makes the word weights' reference table once (tasks/match/preload.py),
which every worker then inherits instead of making its own each run.

Matching uses a pool of its own (`index_workers`): each of its workers opens the stored
index and the parse cache once, when it starts, and then decides shards of variants
(tasks/match/shards.py).

Small runs do not start them: a pool costs more than it saves below `MIN_FILES` files (and
matching weighs its own costs). Once a large run has started the fork server (`warm_up`), a
pool starts in about 0.1 s, so its few new files (a scheduled run's) use one from
`MIN_FILES_WARM` files on. On Dask (`--runner dask`) the tasks run on Dask's workers
and none is started here.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import forkserver
from pathlib import Path
from typing import Any, TypeVar

from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner

from flows.interrupts import start_worker
from tasks.output.index_file import install_stored_index

In = TypeVar("In")
Out = TypeVar("Out")

MIN_FILES = 1500  # below this, worker start-up costs more than the second core saves
# With the fork server running: a pool starts in 0.09-0.12 s, reading and cleaning a file
# costs about 2.5 ms, so a second core pays from about 80 files on.
MIN_FILES_WARM = 200
PRELOAD = ["tasks.pipeline", "tasks.output.index_file", "flows.interrupts", "tasks.match.preload"]

_pool: list[Executor] = []
_warm = threading.Event()  # the fork server runs: pools start quickly


def worker_count() -> int:
    return os.cpu_count() or 1


def tasks_run_here() -> bool:
    """Whether task runs execute in this process (threads), not on Dask's workers, where a
    pool here would only stand idle."""
    context = FlowRunContext.get()
    return context is None or isinstance(context.task_runner, ThreadPoolTaskRunner)


@contextmanager
def worker_processes(files: int) -> Iterator[int]:
    """While the block runs, `run_in_worker` uses worker processes if `files` is worth it;
    yields how many processes do the work (1: this one)."""
    count = worker_count()
    least = MIN_FILES_WARM if _warm.is_set() else MIN_FILES
    if files < least or count < 2 or _pool:
        yield max(len(_pool) and count, 1)
        return
    with _processes(count):
        yield count


@contextmanager
def index_workers(key: str, out: Path, fingerprint: str, in_turn: bool = False) -> Iterator[None]:
    """While the block runs, `run_in_worker` uses processes that each opened OUT's stored
    index, parse cache and pair scores (those of the decisions' `fingerprint`) once, under
    `key` (`tasks.match.shards.decide_shard` runs there). They start at once, not at the
    first shard: opening those (about 0.2 s at 100k files) overlaps what the run does
    before deciding (flows/matching.py). `in_turn`: they read the index one after the other,
    on the core the run leaves idle while it updates the index, instead of taking a share of
    the run's (its update took 0.51 s against 0.43 s when two read at once)."""
    count = worker_count()
    turn = _context().Lock() if in_turn else None
    with _processes(count, install_stored_index, (key, str(out), fingerprint, turn)):
        for _ in range(count):  # a pool starts a process per task while none is idle
            _pool[-1].submit(os.getpid)
        yield


def warm_up(files: int) -> None:
    """Start the fork server now when a run of `files` files is likely to use worker
    processes: its imports and tables (0.35 s of a core) then overlap the run's first
    stages instead of delaying the first pool's first shard."""
    if files >= MIN_FILES and worker_count() >= 2 and tasks_run_here():
        _context()
        forkserver.ensure_running()
        _warm.set()


def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


@contextmanager
def _processes(
    count: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> Iterator[None]:
    started = (os.getpid(), initializer, initargs)
    with ProcessPoolExecutor(count, _context(), start_worker, started) as pool:
        _pool.append(pool)
        try:
            yield
        finally:
            _pool.remove(pool)


def run_in_worker(function: Callable[[In], Out], argument: In) -> Out:
    """`function(argument)` in a worker process when there are workers, else here."""
    if not _pool:
        return function(argument)
    return _pool[-1].submit(function, argument).result()
