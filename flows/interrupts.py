"""Stopping `copydesk ingest` on a signal: one line, an exit code naming the signal, within
seconds, nothing left running.

Ctrl-C in a terminal, `timeout`, `kill` and a closed terminal all send a signal, often to
the whole process group. On SIGINT, SIGTERM or SIGHUP the process ends at once: one line on
stderr, the private Prefect server stopped (it lives in its own session, so a signal to the
group never reached it), then `os._exit(128 + signal)`. It does not unwind first: unwinding
waits for task threads still running (a matching task can take a minute), and an exception
raised by a signal handler can land where it is swallowed (a garbage-collector callback of
Dask's printed it and carried on). The output folder needs no cleanup: every file is
replaced atomically, the lock dies with the process, and a temporary left by a cut write is
removed by the next run. A real Prefect server (PREFECT_API_URL) learns of the ended flow run
from its missing heartbeats. This module imports no Prefect (the CLI installs it first, and
worker processes import it to start).

Two things would otherwise get in first. Prefect swaps in its own SIGTERM handler for the
length of a flow run; it raises an exception into whatever the main thread runs, and once in
four runs that was a task's setup, which failed the run with exit 1 instead of 143: the flow
takes the signals back (`reclaim_signals`). And worker processes (flows/workers.py) are in
the process group too: a signal that killed one broke the pool under the run. They ignore
the signals and end when the main process ends, however it ends (`start_worker`).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_exiting = threading.Lock()
_stopping_here: list[bool] = []  # non-empty while `stop_on_signals` is in force


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs, SIGINT, SIGTERM and SIGHUP end the process as this module
    says (also when the shell started it with SIGINT ignored, as it does for background
    jobs); the previous handlers come back after it."""
    previous = {signum: signal.signal(signum, _on_signal) for signum in SIGNALS}
    _stopping_here.append(True)
    try:
        yield
    finally:
        _stopping_here.pop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def reclaim_signals() -> None:
    """Inside a flow run, where `stop_on_signals` is in force: its handlers again, in place
    of Prefect's. Elsewhere (a deployment's flow-run process, whose runner cancels a run by
    SIGTERM) Prefect's stays."""
    if _stopping_here and threading.current_thread() is threading.main_thread():
        for signum in SIGNALS:
            signal.signal(signum, _on_signal)


def _on_signal(signum: int, frame: object) -> None:
    if _exiting.locked():  # an exit is under way (a second Ctrl-C): no more waiting
        os._exit(128 + signum)
    exit_now(signum)


def message(signum: int) -> str:
    """
    >>> print(message(signal.SIGTERM))  # doctest: +NORMALIZE_WHITESPACE
    copydesk: interrupted (SIGTERM); no partial file is visible, and the next run
    completes the output
    """
    name = signal.Signals(signum).name
    return (
        f"copydesk: interrupted ({name}); no partial file is visible, and the next run"
        " completes the output"
    )


def exit_now(signum: int) -> NoReturn:
    """Say so, stop the private server, and end the process."""
    _exiting.acquire()
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    with contextlib.suppress(Exception):
        start = "\n" if sys.stderr.isatty() else ""  # after the terminal's "^C"
        print(start + message(signum), file=sys.stderr, flush=True)
    server = sys.modules.get("flows.private_server")
    if server is not None:
        with contextlib.suppress(Exception):
            server.stop_now()
    os._exit(128 + signum)


def start_worker(
    main_pid: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    """A pool worker's initializer: ignore the signals the main process handles for it, end
    as soon as the main process `main_pid` has ended (a pool's workers otherwise wait for
    work forever, and keep its forkserver alive), then run `initializer(*initargs)`."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(main_pid,), daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _exit_with(pid: int) -> None:
    try:
        main = os.pidfd_open(pid)
    except ProcessLookupError:  # already gone
        os._exit(0)
    select.select([main], [], [])  # readable once the process has ended
    os._exit(0)
