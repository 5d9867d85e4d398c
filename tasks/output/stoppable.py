"""Reads of the run's caches that a thread can be asked to stop: the CLI reads them before
its flow run asks for them (flows/prefetch.py), and stops when the run will not."""

from __future__ import annotations

import threading

STEP = 8192  # rows read between two looks at the stop (where a look per row would show)


class LoadStopped(Exception):
    """The read was asked to stop: what it read is not wanted any more."""


def check(stop: threading.Event | None) -> None:
    """Raise `LoadStopped` once `stop` is set.

    >>> stop = threading.Event()
    >>> check(stop); stop.set(); check(stop)
    Traceback (most recent call last):
    ...
    tasks.output.stoppable.LoadStopped
    """
    if stop is not None and stop.is_set():
        raise LoadStopped
