"""INPUT walked before Prefect starts: whether OUT already holds what a run would write, and
the walk handed to the flow when it does not.

A scheduled run over an archive where nothing is new used to pay Prefect's start-up (its
server and the flow run: about 4 of the 9.3 s on a 116,975-file archive) only to find that
nothing had changed. The check needs no Prefect: the files are found, their stamps compared
with the last run's (tasks/output/stamps.py: none is read), and the run state they give is
compared with the one OUT records, its data files checked against their checksums, as the
flow does first (flows/ingest.py). When anything differs, or a file must be read (changed,
new, racy, or unreadable last time, which has no stamp), the flow runs as ever.

The CLI makes the check while its private Prefect server boots (flows/cli.py), and offers
its walk to the flow (`current_or_offered`, taken by `handed_over`), which would otherwise
walk INPUT a second time (2-3 s on
118,145 files, about 20 s on a million). The flow then works on INPUT as it was when the
walk began, seconds before the flow starts: a file landing in between waits for the next
run, as one landing during a run does, and the stamps' time is the walk's (earlier, so
never less careful about racy files).

A configured Prefect server (PREFECT_API_URL) keeps a record of every run, also of one that
has nothing to do (the private server's record went with it), so there the flow always runs:
the CLI makes the check in a child process while it imports Prefect, and the flow returns
the summary the child found (flows/checked_meanwhile.py); a deployment's run (`copydesk serve`)
makes the check itself, first, before starting workers or loading anything else
(flows/ingest.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from flows.options import IngestOptions
from tasks.extract.formats import InputFormat
from tasks.memory import paused_garbage_collection
from tasks.models import RunSummary, StageTiming
from tasks.output.stamps import Stamps, unchanged, verification_due
from tasks.output.stamps_file import load_stamps, verified_at
from tasks.output.state import current_summary, run_state
from tasks.read.discover import Discovery, WalkRules, find_input_files
from tasks.read.feeds import expand_feeds


@dataclass(frozen=True)
class Walk:
    """INPUT as found at `taken_ns` (wall clock, before the walk), with the last run's
    stamps (none when every file is to be read: `trusts_no_stamp`) and the files they vouch
    for (path -> SHA-256)."""

    root: Path  # absolute
    rules: WalkRules
    input_format: InputFormat | None  # --format: which files are feeds
    taken_ns: int
    seconds: float  # what the walk took
    discovery: Discovery
    recorded: Stamps | None
    unchanged: dict[str, str]


@paused_garbage_collection()  # objects a file, no cycles: 2.9 s against 3.4 s at 118,145
def walk_input(input_dir: Path, out: Path, options: IngestOptions) -> Walk:
    """INPUT's inputs (a feed's articles each one, tasks/read/feeds.py), and which of them
    the last run's stamps vouch for (none read; an unchanged feed is not split again)."""
    taken_ns, start = time.time_ns(), time.perf_counter()
    rules = options.walk_rules(out)
    recorded = None if trusts_no_stamp(out, options, taken_ns) else load_stamps(out)
    discovery = expand_feeds(find_input_files(input_dir, rules), recorded, options.input_format)
    seconds = time.perf_counter() - start
    known = unchanged(discovery.files, recorded)
    absolute = input_dir.absolute()
    return Walk(
        absolute, rules, options.input_format, taken_ns, seconds, discovery,
        recorded, known,
    )  # fmt: skip


def trusts_no_stamp(out: Path, options: IngestOptions, taken_ns: int) -> bool:
    """Whether a walk begun at `taken_ns` reads every file: with --verify, or with
    --verify-every once that long has passed since the last run that did
    (tasks/output/stamps.py)."""
    if options.verify:
        return True
    every = options.verify_every
    return every is not None and verification_due(verified_at(out), taken_ns, every)


def current_output(walk: Walk, out: Path, options: IngestOptions) -> RunSummary | None:
    """The last run's summary (marked unchanged) if a run now would write what OUT holds
    without reading any file; else None."""
    # Unlike the flow, it needs no cached parse of these files: a run that finds the same
    # state writes nothing, whether or not it could have parsed again.
    files = walk.discovery.files
    if len(walk.unchanged) < len(files):
        return None
    _, settings = options.run_rules()
    state = run_state(settings, walk.discovery.excluded, walk.unchanged, walk.discovery.rejected)
    current = current_summary(out, state)
    if current is None:
        return None
    timings = [StageTiming.of("discover", walk.seconds)]
    update = {"timings": timings, "unchanged": True, "not_read": len(walk.unchanged)}
    return current.model_copy(update=update)


def current_or_offered(input_dir: Path, out: Path, options: IngestOptions) -> RunSummary | None:
    """OUT's summary if it is current; else None, the walk offered to the flow run that
    follows. Nothing else keeps the walk: once the flow is done with its stamps (a million
    of them on a million files), they are freed."""
    walk = walk_input(input_dir, out, options)
    current = current_output(walk, out, options)
    if current is None:
        offer(walk, input_dir, out, options)
    return current


@runtime_checkable
class Pending(Protocol):
    """A walk or OUT's summary still being made (by a child process, while this one goes
    on): `walked` waits until it is known which (a walk, OUT is not current: the number of
    files it found; else None), `result` waits for it (None: it failed, the flow walks
    itself); `discard` ends it untaken."""

    def walked(self) -> int | None: ...

    def result(self) -> Walk | RunSummary | None: ...

    def discard(self) -> None: ...


Found = Walk | RunSummary | Pending

# What a walk made before the flow run found: the walk, or OUT's summary when it found OUT
# current, or that finding still being made (flows/checked_meanwhile.py); at most one, for
# the run the CLI is about to start, with what it was made for (the input and output
# folders, absolute, and the options).
_offered: list[tuple[tuple[Path, Path, IngestOptions], Found]] = []


def offer(found: Found, input_dir: Path, out: Path, options: IngestOptions) -> None:
    """Leave `found`, made of `input_dir` for `out` with `options`, for the next ingest
    flow run in this process (one with other folders or options walks for itself): OUT's
    summary, or a walk already found not to make OUT current (the flow does not check it
    again), or either of them on its way."""
    _discard_offered()
    _offered.append((_made_of(input_dir, out, options), found))


@contextmanager
def withdrawn_after() -> Iterator[None]:
    """Nothing stays offered past the block (a flow run that failed early left it)."""
    try:
        yield
    finally:
        _discard_offered()


def _discard_offered() -> None:
    for _, found in _offered:
        if isinstance(found, Pending):
            found.discard()
    _offered.clear()


def offered_files() -> int:
    """How many files the offered walk found (0 when none is offered, or it is on its way)."""
    return sum(len(found.discovery.files) for _, found in _offered if isinstance(found, Walk))


def handed_over(input_dir: Path, out: Path, options: IngestOptions) -> Found | None:
    """What was offered, taken (a second flow run walks again), if it was made for this
    run (these folders, these options); else None."""
    if not _offered:
        return None
    made, found = _offered[-1]
    if made != _made_of(input_dir, out, options):
        _discard_offered()
        return None
    _offered.clear()
    return found


def _made_of(
    input_dir: Path, out: Path, options: IngestOptions
) -> tuple[Path, Path, IngestOptions]:
    return (input_dir.absolute(), out.absolute(), options)
