"""Building large collections of objects without the cyclic garbage collector's toll."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# How many `settling_scope` blocks are running: flows can run in several threads of one
# process (a second run waiting for the lock, subflows), so it changes, and is read before a
# freeze, under the lock: an increment lost, or a freeze after the last scope ended, would
# leave objects out of the collector's reach for the life of the process.
_scopes = 0
_scopes_lock = threading.Lock()
# How many `paused_garbage_collection` blocks are running, in any thread, and whether the
# collector was on before the first of them.
_pauses = 0
_was_enabled = True
_pauses_lock = threading.Lock()


@contextmanager
def paused_garbage_collection() -> Iterator[None]:
    """Matching allocates millions of short-lived tuples and lists, and the run's
    bookkeeping an object or a few per file (refs, plans, ledger entries, kept decisions,
    index postings), none of which form cycles, while all of them stay in memory: every full
    collection walks them all (~18 % of the match stage at 21k documents; loading 118,145
    cached parses, 5.3 s against 3.5 s without; on a 118,145-file run with 1 % new files,
    planning the records took 0.9 s against 0.3 s without). Reference counting still frees
    everything; the cyclic collector resumes afterwards (and was never off if it was off
    before). Within a `settling_scope`, what the block leaves alive is settled first. Usable
    as a decorator. Pauses overlap in threads (the CLI reads caches in one while the flow
    runs, flows/prefetch.py): the first to begin turns the collector off, the last to end
    turns it back on."""
    global _pauses, _was_enabled
    with _pauses_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        try:
            settle()
        finally:
            with _pauses_lock:
                _pauses -= 1
                if _pauses == 0 and _was_enabled:
                    gc.enable()


@contextmanager
def settling_scope() -> Iterator[None]:
    """A run's whole life: objects `settle` moves out of the collector's reach go back to
    it when the outermost scope ends (a process that runs many flows, tests or a server,
    collects them then)."""
    global _scopes
    with _scopes_lock:
        _scopes += 1
    try:
        yield
    finally:
        with _scopes_lock:
            _scopes -= 1
            if not _scopes:
                gc.unfreeze()


def settle() -> None:
    """Within a `settling_scope`, exempt every object alive now from the cyclic collector
    until the scope ends (`gc.freeze`): a run keeps its walk, refs and plans to its end, and
    each collection of the oldest generation walked them all again (a million files: 0.7 s
    each; on 118,145 files with 1 % new, 0.9 s of the run's 1.7 s of collections). They
    form no cycles, so reference counting still frees them as they go."""
    with _scopes_lock:
        if _scopes:
            gc.freeze()


def settle_for_exit() -> None:
    """The process is about to end: exempt every object left from the cyclic collector.
    The interpreter's teardown collects several times while it clears the modules, and each
    collection walks every object Prefect, pydantic and the run left: 0.4-0.5 s after merely
    importing the flow, 0.5-0.7 s after a run on 118,145 files, against 0.03 s frozen
    (measured). Objects are still freed by reference counting as the modules go; only
    garbage cycles left at exit are not collected, and Python never promised to finalize
    those (the operating system takes the memory back). For a process's last steps only:
    `copydesk`'s own entry point, never a function that tests or a server call."""
    gc.freeze()


# Set by a process that ends once its run is done (`ending_after_run`).
_ending = threading.Event()


def ending_after_run() -> None:
    """This process ends once its run is done (`copydesk`'s own entry point: an ingest runs
    one flow; `serve`'s runner spawns a process for each of its runs; never tests): what a
    run lets go of (`release`) is left to the operating system."""
    _ending.set()


def release(objects: list[object]) -> None:
    """Let go of `objects`, a run's bookkeeping, as the run returns. Freeing them, a few
    objects for each file of the run, took the main thread 0.12-0.20 s at 118,145 files, on
    the way to the end of a CLI run, whose process then ends: there they are kept to the end
    by a thread that never runs again, and the operating system takes the memory back.
    Elsewhere they are freed with the caller's last reference, as before."""
    if _ending.is_set():
        threading.Thread(target=_kept, args=(objects,), name="copydesk-kept", daemon=True).start()


def _kept(held: list[object]) -> None:
    """Hold `held` until the process ends (a daemon thread's frame is never cleared)."""
    threading.Event().wait()
