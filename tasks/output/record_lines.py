"""The lines of `articles.jsonl`, each record built only when something it is made of changed.

A record's line is a function of the code, of the options that shape a parse, and of what
its plan names: its source and every attached document (path and SHA-256, whether it is a
duplicate, the match with its evidence). So the plan's digest names the line. Each run keeps
where every line of the file it wrote sits (`.copydesk/record_lines.bin`, tasks/output/
line_map.py: the file's SHA-256, each line's digest, record id and length), and the next
run copies the line of an unchanged plan from that file instead of reading the record's
documents from the parse cache and building it again: a run that adds 1 % of an archive
builds the records that changed, not all of them. Lines that follow each other in both
files are copied as one range, a read per megabyte, not a read and a hash per line (a
million records' file of 682 MB, every line copied, staged and hashed: 2.6 s against
3.0-3.35 s).

Lines are copied only from the file the map was made for: the file in OUT must hash to the
map's SHA-256 (one pass in C, about 0.35 s a gigabyte). A file edited, replaced, restored or
removed by hand, or a run killed between the two writes, costs time (every line is built
again), never correctness. The CLI makes that check ahead, while the run waits on its workers
(`checked_lines`, flows/prefetch.py); the write then only compares the file's stamp with
the one taken before it was hashed, trusted when the file was not modified within
`RACY_NS` of that (the rule of the input's stamps, tasks/output/stamps.py), else it hashes
the file again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import FileIO
from pathlib import Path

from tasks.models import ArticleRecord, FileStamp
from tasks.output import databases
from tasks.output.cache_read import CachedDocuments
from tasks.output.line_map import DIGEST_BYTES, LineMap, NewLines, map_bytes, read_map
from tasks.output.paths import ARTICLES, CACHE_FILE, LINES_FILE, work_folder
from tasks.output.ranges import CopiedRanges, read_exactly
from tasks.output.stamps import settled
from tasks.output.write import write_atomic
from tasks.records.patch import patched_record
from tasks.records.records import DocumentOf, Planned, build_record

FORMER_MAP = "record_lines.json"  # the map as JSON of copydesk before line_map.py: removed


def plan_digest(plan: Planned, salt: str) -> bytes:
    """The digest of everything `plan`'s record line is made of; `salt` names the code and
    options (see the module's docstring).

    >>> from tasks.refs import DocumentRef
    >>> plan = Planned(DocumentRef("a.txt", "0" * 64, None, b"", "0" * 16), [])
    >>> plan_digest(plan, "x") == plan_digest(plan, "y")
    False
    """
    # One string hashed once: a plan has a handful of parts, a million plans a hash call
    # each. NUL separates them (no path or JSON holds one) and each document adds four.
    parts = [salt, plan.source.path, plan.source.sha256]
    for item in plan.attached:
        match = item.match.model_dump_json() if item.match else "-"
        parts += (item.document.path, item.document.sha256, str(item.duplicate), match)
    # surrogatepass: a path from a file name that is not UTF-8 keeps its escapes
    key = "\0".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(key, digest_size=DIGEST_BYTES).digest()


@dataclass(frozen=True)
class CheckedLines:
    """OUT's `articles.jsonl` found to be the file its map was made for (the same SHA-256):
    the map, and the file's stamp taken at `taken_ns`, before it was hashed."""

    lines: LineMap
    stamp: FileStamp
    taken_ns: int

    def still_holds(self, handle: FileIO, salt: str) -> bool:
        """Whether `handle` is that file, unmodified since (by its stamp, when the file had
        not been modified within `RACY_NS` of the check), with lines built with `salt`."""
        settled_then = settled(self.stamp.mtime_ns, self.stamp.ctime_ns, self.taken_ns)
        if self.lines.salt != salt or not settled_then:
            return False
        return FileStamp.of(os.fstat(handle.fileno())) == self.stamp


def checked_lines(out: Path, salt: str) -> CheckedLines | None:
    """OUT's map, if its `articles.jsonl` is the file it was made for and its lines were
    built with `salt` (hashed now); else None."""
    try:
        with (out / ARTICLES).open("rb", buffering=0) as handle:
            return _checked(handle, out, salt)
    except OSError:
        return None


def record_lines(
    out: Path,
    plans: Iterable[Planned],
    salt: str,
    made: NewLines,
    checked: CheckedLines | None = None,
) -> Iterator[bytes]:
    """The new `articles.jsonl`'s lines, in plan order (lines copied one after the other
    come as one piece): copied from the one in OUT when its map (tasks/output/line_map.py) holds the
    plan's digest, else made from the record's line there (tasks/records/patch.py) or built,
    reading the parse cache (opened by the thread that consumes the lines). `made` receives
    the new file's map; `checked`: OUT's file, checked ahead."""
    with contextlib.ExitStack() as stack:
        previous, descriptor = _copyable(stack, out, salt, checked)
        ranges = CopiedRanges(descriptor, ARTICLES) if descriptor is not None else None
        documents: DocumentOf | None = None
        for plan in plans:
            digest = plan_digest(plan, salt)
            entry = previous.line(digest) if previous is not None else None
            if entry is not None and ranges is not None:
                length = entry[1]
                if (done := ranges.add(*entry)) is not None:
                    yield done
            else:
                if ranges is not None and (done := ranges.flush()) is not None:
                    yield done
                if documents is None:
                    cache = databases.opened(out / CACHE_FILE, "ro")
                    documents = CachedDocuments(stack.enter_context(cache))
                last = previous.record(plan.id) if previous is not None else None
                record = None
                if last is not None and descriptor is not None:
                    record = patched_record(plan, _line_at(descriptor, *last), documents)
                record = record or build_record(plan, documents)
                line = (record.model_dump_json() + "\n").encode()
                length = len(line)
                yield line
            made.add(digest, plan.id, length)
        if ranges is not None and (done := ranges.flush()) is not None:
            yield done


def _line_at(descriptor: int, offset: int, length: int) -> ArticleRecord:
    """The record of the old file's line at `offset`."""
    return ArticleRecord.model_validate_json(read_exactly(descriptor, offset, length, ARTICLES))


def save_line_map(out: Path, made: NewLines, sha256: str, salt: str) -> None:
    """The map of the `articles.jsonl` now in OUT, whose SHA-256 is `sha256` (once it is
    in place), its lines built with `salt`."""
    work = work_folder(out)
    write_atomic(work / LINES_FILE.name, map_bytes(made, sha256, salt), private=True)
    (work / FORMER_MAP).unlink(missing_ok=True)


def _copyable(
    stack: contextlib.ExitStack, out: Path, salt: str, checked: CheckedLines | None
) -> tuple[LineMap | None, int | None]:
    """OUT's map, and a descriptor of OUT's `articles.jsonl` open for the life of `stack`
    to copy its lines from, when that file is the one the map was made for (`checked`
    still holds, or the same SHA-256, hashed through the descriptor the lines are read
    with) and its lines were built with `salt`; else nothing."""
    try:
        handle = stack.enter_context((out / ARTICLES).open("rb", buffering=0))
        if checked is None or not checked.still_holds(handle, salt):
            checked = _checked(handle, out, salt)
    except OSError:
        return None, None
    return (checked.lines, handle.fileno()) if checked is not None else (None, None)


def _checked(handle: FileIO, out: Path, salt: str) -> CheckedLines | None:
    """OUT's map, if `handle` (OUT's `articles.jsonl`, read from its start) hashes to the
    SHA-256 it was made for and its lines were built with `salt`."""
    previous = read_map(out / LINES_FILE)
    if previous is None or previous.salt != salt:
        return None
    taken_ns = time.time_ns()
    stamp = FileStamp.of(os.fstat(handle.fileno()))  # before: a write while hashing moves it
    if hashlib.file_digest(handle, "sha256").hexdigest() != previous.sha256:
        return None
    return CheckedLines(previous, stamp, taken_ns)
