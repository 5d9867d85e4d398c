"""The parse cache's refs and the last run's match decisions read, and OUT's
`articles.jsonl` checked against its map, while the CLI waits on Prefect, on its child's
walk and on its workers, not when the flow run gets to them.

A run that is not current reads the refs of every cached parse before its files stage
(tasks/output/cache_read.py `load_cached_refs`: 0.3-0.6 s at 118,145 files) and the last
run's decisions before its match stage (tasks/output/decisions.py `load_decisions`: 0.25-0.33
s). The CLI has time to spare then: with a private server it waits for the server to answer
(0.5-0.6 s after its own imports and walk, on a 1 %-new rerun of that archive) and for the
flow run to be created; against a configured server it waits for its child to send the walk
(flows/checked_meanwhile.py); in the files stage it mostly waits for its workers. So a thread
of the CLI reads both (`prefetching`), refs first, and the flow takes each (`take_refs`,
`take_decisions`) if it was read for its output folder and options (and day, for the refs);
else it reads it itself. Then it hashes OUT's `articles.jsonl` and loads the map of its
lines (tasks/output/record_lines.py `checked_lines`: 0.1 s at 118,145 files, about 0.7 s
at a million), which the write takes (`take_checked_lines`) to copy the lines of
unchanged records without hashing the file again, unless its stamp moved since. Nothing
writes these files meanwhile: the run holds OUT's lock, and writes the decisions only once
it has taken them, `articles.jsonl` only once it has taken its check.

Against a configured server the CLI does not know yet whether OUT is current: the reads
wait until its child says OUT is stale (`needed`), so that a run with nothing to do pays
nothing for them. A read still going when the block ends is stopped
(tasks/output/stoppable.py). What is read is given once: a flow run started again (a
damaged cache, flows/ingest.py) reads anew what the first attempt took (the decisions, if
it stopped before its match stage, it takes then: nothing writes them before).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

from flows.cache_keys import CacheKeys
from flows.options import IngestOptions
from tasks.output.cache_read import load_cached_refs
from tasks.output.decisions import Decisions, load_decisions
from tasks.output.record_lines import CheckedLines, checked_lines
from tasks.refs import DocumentRef

T = TypeVar("T")


@dataclass
class Fetched(Generic[T]):
    """What a read gave (None is an answer too: there are no decisions to keep)."""

    value: T


@dataclass
class _Slot(Generic[T]):
    """One read: what it was made for (`key`) and its outcome, once `done`."""

    key: tuple[object, ...] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    fetched: Fetched[T] | None = None  # None: not read (stopped, or it failed)

    def fill(
        self, key: tuple[object, ...], read: Callable[[threading.Event], T], stop: threading.Event
    ) -> None:
        self.key = key
        try:
            if not stop.is_set():
                self.fetched = Fetched(read(stop))
        except Exception:  # stopped (`LoadStopped`), or failed: the flow reads it, and fails
            self.fetched = None
        finally:
            self.done.set()

    def take(self, key: tuple[object, ...]) -> Fetched[T] | None:
        """The outcome (waiting for it), once, if it was read for `key`."""
        self.done.wait()
        if key != self.key:
            return None
        fetched, self.fetched = self.fetched, None
        return fetched


@dataclass
class _Prefetch:
    """Once the run is known to need them (`stale`), its keys made (0.08 s: the code's
    fingerprints), the refs read, then the decisions, then the old `articles.jsonl`
    checked."""

    out: Path
    options: IngestOptions
    refs: _Slot[dict[str, DocumentRef]] = field(default_factory=_Slot)
    decisions: _Slot[Decisions | None] = field(default_factory=_Slot)
    lines: _Slot[CheckedLines | None] = field(default_factory=_Slot)
    stop: threading.Event = field(default_factory=threading.Event)
    stale: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        self.stale.wait()
        try:
            keys = None if self.stop.is_set() else CacheKeys.of(self.options)
            if keys is None:
                return
            out, parses, today, decided = self.out, keys.parses, keys.today, keys.decisions
            self.refs.fill(
                (out, parses, today), partial(load_cached_refs, out, parses, today), self.stop
            )
            self.decisions.fill((out, decided), partial(load_decisions, out, decided), self.stop)
            salt = keys.lines
            self.lines.fill((out, salt), lambda _: checked_lines(out, salt), self.stop)
        except Exception:  # the keys failed: the flow makes them, and meets the error
            pass
        finally:  # whatever ended it, a take never waits for what will not come
            for slot in (self.refs, self.decisions, self.lines):
                slot.done.set()

    def end(self) -> None:
        self.stop.set()
        self.stale.set()  # wakes the thread, which reads nothing more


_started: list[_Prefetch] = []  # at most one: the CLI's, for the flow run it starts


@contextmanager
def prefetching(out: Path, options: IngestOptions, stale: bool) -> Iterator[None]:
    """Read the refs of `out`'s parse cache, then its decisions, as a run with `options`
    reads them, then check its `articles.jsonl` against its map, in a thread while the
    block runs; stopped at its end, if the flow did not take them. The caller holds OUT's
    lock (tasks/output/lock.py), so that nothing writes them meanwhile. Unless OUT is known
    to be `stale`, nothing is done before `needed` says it is (OUT may be current: the flow
    then takes nothing, and the reads would only slow its creation, and hold, at a million
    files, a few hundred megabytes of refs and most of a gigabyte of decisions)."""
    prefetch = _Prefetch(out.absolute(), options)
    if stale:
        prefetch.stale.set()
    thread = threading.Thread(target=prefetch.run, name="copydesk-prefetch", daemon=True)
    thread.start()
    _started.append(prefetch)
    try:
        yield
    finally:
        _started.remove(prefetch)
        prefetch.end()
        thread.join()


def needed() -> None:
    """OUT is stale: the run will ask for the refs, the decisions, then the lines' check."""
    for prefetch in _started:
        prefetch.stale.set()


def take_refs(out: str, fingerprint: str, today: dt.date) -> dict[str, DocumentRef] | None:
    """The refs read for this output folder, parse fingerprint and day, once; None when
    none were (read them)."""
    fetched = _taken(lambda prefetch: prefetch.refs, (Path(out).absolute(), fingerprint, today))
    return fetched.value if fetched else None


def take_decisions(out: str, fingerprint: str) -> Fetched[Decisions | None] | None:
    """The decisions read for this output folder and decisions fingerprint, once; None
    when they were not read (read them)."""
    return _taken(lambda prefetch: prefetch.decisions, (Path(out).absolute(), fingerprint))


def take_checked_lines(out: str, salt: str) -> CheckedLines | None:
    """OUT's `articles.jsonl` as checked against its map for lines built with `salt`, once;
    None when it was not checked, or did not match."""
    fetched = _taken(lambda prefetch: prefetch.lines, (Path(out).absolute(), salt))
    return fetched.value if fetched else None


def _taken(slot: Callable[[_Prefetch], _Slot[T]], key: tuple[object, ...]) -> Fetched[T] | None:
    """What a prefetch whose reads began read into its `slot` under `key`, once."""
    return next((found for prefetch in _reading() if (found := slot(prefetch).take(key))), None)


def _reading() -> list[_Prefetch]:
    """The prefetches whose reads began: one still waiting for `needed` has nothing to
    give (its child failed before it could say OUT was stale, and the flow walked itself)."""
    return [prefetch for prefetch in _started if prefetch.stale.is_set()]
