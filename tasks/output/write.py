"""Write: the run's output files (four; five with `--parquet`), each replaced atomically,
`run.json` last.

Readers of the output folder see either the previous file or the new one, never a partial
one: each file is written to a temporary name in the same folder, flushed to disk, then
renamed over the old one (a rename within a file system is atomic) and the folder synced.
The data files are streamed to their temporaries line by line, hashed as they go: no file
is ever whole in memory (at a million records, articles.jsonl is gigabytes).
Nothing is written until the whole run has succeeded, so a failed run leaves the previous
output untouched. `run.json` goes last and records the SHA-256 and line count of the data
files: a reader can check that the files it sees belong together, and a process killed
between renames leaves a mismatch that the next run repairs."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel

from tasks.extract.formats import in_input_order
from tasks.memory import paused_garbage_collection
from tasks.models import OutputFile, Rejection, RunSummary, StageTiming
from tasks.output.hashed_writer import HashedWriter
from tasks.output.parquet import write_parquet
from tasks.output.paths import (
    ARTICLES,
    DATA_FILES,
    PARQUET,
    RUN,
    STATE_FILE,
    temporary_path,
    work_folder,
)
from tasks.output.state import RunState, damaged_outputs, load_state, load_summary

JOINED_BYTES = 1 << 20  # what `stage` writes, hashes and counts the lines of at a time


def write_atomic(path: Path, data: bytes | Iterable[bytes], private: bool = False) -> None:
    """Replace `path` with `data` (bytes, or chunks of bytes written as they come, so that
    a large file is never whole in memory); `private`: readable by the owner only (else as
    the umask says)."""
    staged = stage(path, [data] if isinstance(data, bytes) else data, private)
    try:
        put_in_place(staged.temporary, path)
    finally:
        staged.temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class Staged:
    """A file's new content, written under a temporary name, and what it holds."""

    temporary: Path
    written: OutputFile


def stage(path: Path, chunks: Iterable[bytes], private: bool = False) -> Staged:
    """Write `chunks` to `path`'s temporary name, hashing and counting lines as they go
    (in a thread of their own, while the next chunks are made)."""
    temporary = temporary_path(path)
    with _new_file(temporary, private) as handle, HashedWriter(handle) as writer:
        for chunk in joined(chunks):
            writer.write(chunk)
    return Staged(temporary, writer.written)


def stage_parquet(path: Path, articles: Path) -> Staged:
    """`articles` (the staged articles.jsonl) as Parquet, at `path`'s temporary name; its
    rows count as its lines."""
    temporary = temporary_path(path)
    with _new_file(temporary) as handle:
        rows = write_parquet(articles, handle)
    with temporary.open("rb") as written:
        digest = hashlib.file_digest(written, "sha256").hexdigest()
    return Staged(temporary, OutputFile(sha256=digest, lines=rows))


@contextmanager
def _new_file(temporary: Path, private: bool = False) -> Iterator[BinaryIO]:
    """`temporary` created anew for writing, removed if the writing fails."""
    mode = 0o600 if private else 0o666
    try:
        # A new file, never one found there (a link planted in OUT would redirect the write).
        temporary.unlink(missing_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def joined(chunks: Iterable[bytes], size: int = JOINED_BYTES) -> Iterator[bytes]:
    r"""`chunks` gathered into pieces of about `size` bytes: writing, hashing and counting
    the lines of a million one-line chunks one by one cost more than the bytes.

    >>> list(joined([b"a\n", b"b\n", b"c\n"], size=4))
    [b'a\nb\n', b'c\n']
    """
    batch: list[bytes] = []
    held = 0
    for chunk in chunks:
        batch.append(chunk)
        held += len(chunk)
        if held >= size:
            yield b"".join(batch)
            batch, held = [], 0
    if batch:
        yield b"".join(batch)


def put_in_place(temporary: Path, path: Path) -> None:
    """Flush a staged file to disk (not before: one found identical to the file in place is
    dropped unwritten), rename it over `path` (atomic within a file system) and make the
    rename durable."""
    descriptor = os.open(temporary, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    temporary.replace(path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable: without this a power cut can bring the old name
    back after the run reported success."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def jsonl_lines(models: Iterable[BaseModel]) -> Iterator[bytes]:
    """One JSON line per model, encoded one at a time."""
    for model in models:
        yield (model.model_dump_json() + "\n").encode("utf-8")


@paused_garbage_collection()
def write_outputs(
    out: Path,
    articles: Iterable[bytes],
    rejected: list[Rejection],
    ledger: Iterable[bytes],
    summary: RunSummary,
    state: str,
    parquet: bool = False,
) -> RunSummary:
    """Write the articles' lines, rejections (sorted by path) and the ledger (and, when
    `parquet`, the articles as Parquet), then the summary naming them, then the run state.
    When the data is byte for byte what the folder already holds, only the run state is
    recorded: a rerun without new input changes no output file. A Parquet file an earlier
    run wrote goes when this one writes none: run.json would not name it."""
    out.mkdir(parents=True, exist_ok=True)
    work = work_folder(out)  # a link planted there is refused before anything is written
    in_path_order = sorted(rejected, key=lambda rejection: in_input_order(rejection.path))
    contents = (articles, jsonl_lines(in_path_order), ledger)
    staged: dict[str, Staged] = {}
    started = time.perf_counter()
    try:
        for name, lines in zip(DATA_FILES, contents, strict=True):
            staged[name] = stage(out / name, lines)
        if parquet:
            staged[PARQUET] = stage_parquet(out / PARQUET, staged[ARTICLES].temporary)
        outputs = {name: file.written for name, file in staged.items()}
        # The data files' writing (records built or copied, hashed) in the summary's stages.
        wrote = StageTiming.of("write", time.perf_counter() - started)
        final = summary.model_copy(
            update={"outputs": outputs, "timings": [*summary.timings, wrote]}
        )
        previous = load_summary(out)
        same_data = (
            previous is not None
            and previous.outputs == outputs
            and not damaged_outputs(out, previous.outputs)
        )
        if not same_data:
            for name, file in staged.items():
                put_in_place(file.temporary, out / name)
    finally:
        for file in staged.values():
            file.temporary.unlink(missing_ok=True)
    if not parquet and (out / PARQUET).exists():  # an earlier run's, or one a kill orphaned
        (out / PARQUET).unlink()
        _sync_folder(out)
    # run.json also when only what it says of the inputs changed (a new excluded entry).
    unchanged = same_data and previous is not None and _facts(previous) == _facts(final)
    if not unchanged:
        write_atomic(out / RUN, (final.model_dump_json(indent=2) + "\n").encode("utf-8"))
    record = RunState(state=state, outputs=outputs)
    if load_state(out) != record:
        write_atomic(
            work / STATE_FILE.name,
            record.model_dump_json().encode("utf-8"),
            private=True,
        )
    return final.model_copy(update={"unchanged": unchanged})


def _facts(summary: RunSummary) -> dict[str, object]:
    """What run.json counts of the inputs and the output (not the work that made them, nor
    the day or options of the run that wrote them)."""
    return summary.model_dump(include=_COUNTS)


_COUNTS = {"inputs", "records", "variants", "rejected", "rejected_by_reason", "excluded"}
