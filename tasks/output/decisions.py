"""The match stage's decisions, kept for the next run (tasks/match/reuse.py).

Like the parse cache, it is only a cache: a run that cannot read it decides every variant
afresh. It is keyed by a fingerprint of everything a decision depends on besides the texts:
the parse cache's own (the options and code that make a parse), the match stage's code, the
thresholds and the number of candidates. The texts are in the header (the sources the
decisions were made against, by path and SHA-256) and in each line (the variant's SHA-256).

A decision is made for a text, not for a path (tasks/match/copies.py), so the file holds one
line per text, keyed by its SHA-256: copies of a file are read, judged and written once (the
100k scale archive's 10,635 variants are 2,126 texts: the file is 7.9 MB, not 32.7 MB, and
a +1 % rerun ran 7.5-8.7 s against 8.7-9.6 s, 4 rounds each, alternating). A run keeps
nearly all of the last run's decisions: those are saved as the bytes they were loaded from,
not encoded again (keeping them took 0.47 s at 118,145 files, 0.21-0.38 s so), and read a
range of lines at a time, not a line at a time.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from tasks.match.reuse import Decided
from tasks.match.thresholds import CANDIDATES, Thresholds
from tasks.memory import paused_garbage_collection
from tasks.models import FileStamp, Model
from tasks.output import stoppable
from tasks.output.fingerprint import match_code_fingerprint
from tasks.output.paths import DECISIONS_FILE, work_folder
from tasks.output.ranges import ChangedWhileCopied, CopiedRanges
from tasks.output.write import jsonl_lines, write_atomic


class DecisionsHeader(Model):
    fingerprint: str
    sources: dict[str, str]  # path -> SHA-256 of each source matched against


@dataclass(frozen=True)
class Decisions:
    """The last run's decisions as loaded, and where each one's line is in the file."""

    sources: dict[str, str]
    decided: dict[str, Decided]  # by the SHA-256 of the text decided
    spans: dict[str, tuple[int, int]]  # by that SHA-256: (offset, length) of its line
    stamp: FileStamp  # the file's, when it was loaded


def decisions_fingerprint(parse_fingerprint: str, thresholds: Thresholds) -> str:
    key = f"{parse_fingerprint}|{match_code_fingerprint()}|{thresholds!r}|{CANDIDATES}"
    return hashlib.sha256(key.encode()).hexdigest()


@paused_garbage_collection()
def load_decisions(
    out: Path, fingerprint: str, stop: threading.Event | None = None
) -> Decisions | None:
    """The last run's decisions if they were made under `fingerprint` and can be read;
    `stop`, once set, ends the reading (tasks/output/stoppable.py)."""
    try:
        with (out / DECISIONS_FILE).open("rb") as handle:
            stamp = FileStamp.of(os.fstat(handle.fileno()))
            first = handle.readline()
            header = DecisionsHeader.model_validate_json(first)
            if header.fingerprint != fingerprint:
                return None
            decided, spans, offset = {}, {}, len(first)
            for line in handle:
                stoppable.check(stop)  # a line takes 30 us to read, the look 0.1 us
                item = Decided.model_validate_json(line)
                decided[item.sha256] = item
                spans[item.sha256] = (offset, len(line))
                offset += len(line)
    except (OSError, ValidationError, ValueError):
        return None
    return Decisions(header.sources, decided, spans, stamp)


def save_decisions(
    out: Path,
    fingerprint: str,
    sources: dict[str, str],
    decided: list[Decided],
    loaded: Decisions | None = None,
) -> None:
    """`decided` under a header naming `sources`; those that are `loaded`'s own objects
    (kept as they were) are copied from the file they were loaded from, a range of lines at
    a time, if its stamp (tasks/models.py `FileStamp`) says it is still that file."""
    path = work_folder(out) / DECISIONS_FILE.name
    header = DecisionsHeader(fingerprint=fingerprint, sources=sources)
    try:
        with _opened(path, loaded) as old:
            write_atomic(path, _lines(header, decided, loaded, old), private=True)
    except ChangedWhileCopied:  # every decision written anew
        write_atomic(path, _lines(header, decided, None, None), private=True)


@contextmanager
def _opened(path: Path, loaded: Decisions | None) -> Iterator[int | None]:
    """A descriptor of the file `loaded` was loaded from; None when there was none or it
    changed since. Read a range at a time (`os.pread`), not mapped: a mapped file's pages
    count in the process's resident memory (at a million files, when it held a line per
    variant, 262 MB more at the run's peak)."""
    try:
        handle = path.open("rb")
    except OSError:
        yield None
        return
    with handle:
        same = loaded is not None and FileStamp.of(os.fstat(handle.fileno())) == loaded.stamp
        yield handle.fileno() if same else None


def _lines(
    header: DecisionsHeader, decided: list[Decided], loaded: Decisions | None, old: int | None
) -> Iterator[bytes]:
    yield from jsonl_lines([header])
    ranges = CopiedRanges(old, DECISIONS_FILE.name) if old is not None else None
    for item in decided:
        span = _loaded_span(item, loaded)
        if span is not None and ranges is not None:
            if (done := ranges.add(*span)) is not None:
                yield done
            continue
        if ranges is not None and (done := ranges.flush()) is not None:
            yield done
        yield from jsonl_lines([item])
    if ranges is not None and (done := ranges.flush()) is not None:
        yield done


def _loaded_span(item: Decided, loaded: Decisions | None) -> tuple[int, int] | None:
    """Where `item`'s line is in the file it was loaded from, if `item` is the loaded
    decision itself."""
    if loaded is None or loaded.decided.get(item.sha256) is not item:
        return None
    return loaded.spans[item.sha256]
