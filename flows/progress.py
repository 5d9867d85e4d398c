"""Progress of a run, told stage by stage: a bar on a terminal, plain lines otherwise.

The flow reports to whatever sink the caller installed (`reporting_to`); by default nobody
listens. Progress goes to stderr, so that stdout keeps only the result (`--json` stays
machine-readable), and a log file or CI console gets one line per stage instead of a
bar's carriage returns.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

from tasks.models import StageTiming

BAR_WIDTH = 30
REDRAW_SECONDS = 0.1


class ProgressSink(Protocol):
    def start(self, stage: str, total: int | None) -> None: ...
    def advance(self, done: int) -> None: ...
    def finish(self, seconds: float) -> None: ...


class Silent:
    def start(self, stage: str, total: int | None) -> None:
        pass

    def advance(self, done: int) -> None:
        pass

    def finish(self, seconds: float) -> None:
        pass


class Lines:
    """One line per finished stage.

    >>> import sys
    >>> sink = Lines(sys.stdout)
    >>> sink.start("clean", 3); sink.advance(3); sink.finish(0.25)
    copydesk: clean              3 files   0.2 s
    >>> sink.start("match", None); sink.finish(1.0)
    copydesk: match                        1.0 s
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.stage = ""
        self.total: int | None = None

    def start(self, stage: str, total: int | None) -> None:
        self.stage, self.total = stage, total

    def advance(self, done: int) -> None:
        pass

    def finish(self, seconds: float) -> None:
        count = f"{self.total:>7,} files" if self.total is not None else " " * 13
        print(f"copydesk: {self.stage:<13}{count} {seconds:5.1f} s", file=self.stream)


class Bar(Lines):
    """A bar redrawn in place (at most ten times a second), left as a line when done."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.done = 0
        self.started = self.drawn = 0.0

    def start(self, stage: str, total: int | None) -> None:
        super().start(stage, total)
        self.done, self.started = 0, time.monotonic()
        self._draw()

    def advance(self, done: int) -> None:
        self.done += done
        if time.monotonic() - self.drawn >= REDRAW_SECONDS:
            self._draw()

    def finish(self, seconds: float) -> None:
        self.stream.write("\r\033[K")
        super().finish(seconds)

    def _draw(self) -> None:
        self.drawn = time.monotonic()
        elapsed = self.drawn - self.started
        if self.total:
            filled = BAR_WIDTH * self.done // self.total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            line = f"{self.stage:<13}[{bar}] {self.done:,}/{self.total:,} files {elapsed:5.1f} s"
        else:
            line = f"{self.stage:<13}... {elapsed:5.1f} s"
        self.stream.write(f"\r\033[K{line}")
        self.stream.flush()


class StageClock:
    """Times each stage for run.json and tells the sink how far it got."""

    def __init__(self, sink: ProgressSink) -> None:
        self.sink = sink
        self.timings: list[StageTiming] = []

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[None]:
        self.sink.start(name, total)
        start = time.perf_counter()
        try:
            yield
        finally:  # on failure too: a bar must not be left half drawn under the error line
            seconds = time.perf_counter() - start
            self.sink.finish(seconds)
        self.timings.append(StageTiming.of(name, seconds))

    def done(self, name: str, seconds: float) -> None:
        """A stage that ran before the clock started (the CLI's walk)."""
        self.sink.start(name, None)
        self.sink.finish(seconds)
        self.timings.append(StageTiming.of(name, seconds))

    def advance(self, done: int) -> None:
        self.sink.advance(done)


_sink: ProgressSink = Silent()


def current_sink() -> ProgressSink:
    return _sink


@contextmanager
def reporting_to(sink: ProgressSink) -> Iterator[None]:
    """Send the progress of runs started inside the block to `sink`."""
    global _sink
    previous, _sink = _sink, sink
    try:
        yield
    finally:
        _sink = previous


def sink_for(stream: TextIO, quiet: bool) -> ProgressSink:
    if quiet:
        return Silent()
    return Bar(stream) if stream.isatty() else Lines(stream)
