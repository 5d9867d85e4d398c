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
from its missing heartbeats. This module imports no Prefect (the CLI installs it first).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_exiting = threading.Lock()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs, SIGINT, SIGTERM and SIGHUP end the process as this module
    says (also when the shell started it with SIGINT ignored, as it does for background
    jobs); the previous handlers come back after it."""
    previous = {signum: signal.signal(signum, _on_signal) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


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
