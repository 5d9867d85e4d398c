"""Stopping `copydesk ingest` on a signal: one line, an exit code naming the signal, within
seconds, nothing left running.

Ctrl-C in a terminal, `timeout`, `kill` and a closed terminal all send a signal, often to
the whole process group. The first SIGINT, SIGTERM or SIGHUP raises `Interrupted` in the
main thread, so the run unwinds (Prefect marks the flow run crashed, the lock is released).
Unwinding can wait for a task still running in a worker thread (Python joins them at exit,
and a matching task can take a minute), so a watchdog ends the process `GRACE_SECONDS`
later whatever it is doing, and a second signal ends it at once. Ending it: one line on
stderr, the private Prefect server stopped (it lives in its own session, so a signal to
the group never reached it), then `os._exit(128 + signal)`. The output folder needs no
cleanup: every file is replaced atomically, and a temporary left by a cut write is removed
by the next run. This module imports no Prefect (the CLI installs it before Prefect starts).
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

GRACE_SECONDS = 3.0
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """The process received `signum`; raised once, in the main thread."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_first = threading.Event()
_exiting = threading.Lock()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs, SIGINT, SIGTERM and SIGHUP stop the process as this module
    says (also when the shell started it with SIGINT ignored, as it does for background
    jobs); the previous handlers come back after it."""
    previous = {signum: signal.signal(signum, _on_signal) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _first.clear()


def _on_signal(signum: int, frame: object) -> None:
    if _exiting.locked():  # an exit is under way (maybe in this very thread): no waiting
        os._exit(128 + signum)
    if _first.is_set():
        exit_now(signum)
    _first.set()
    watchdog = threading.Timer(GRACE_SECONDS, exit_now, args=(signum,))
    watchdog.daemon = True
    watchdog.start()
    raise Interrupted(signum)


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
    """Say so, stop the private server, and end the process (from any thread, once)."""
    if not _exiting.acquire(blocking=False):  # another thread is exiting: wait for it
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
