"""The lines of `articles.jsonl`, each record built only when something it is made of changed.

A record's line is a function of the code, of the options that shape a parse, and of what
its plan names: its source and every attached document (path and SHA-256, whether it is a
duplicate, the match with its evidence). So the plan's digest names the line. Each run keeps
where every line of the file it wrote sits (`.copydesk/record_lines.json`: the file's
SHA-256, and digest -> offset and length), and the next run copies the line of an unchanged
plan from that file instead of reading the record's documents from the parse cache and
building it again: a run that adds 1 % of an archive builds the records that changed, not
all of them. Lines that follow each other in both files are copied as one range, a read per
megabyte, not a read and a hash per line (a million records' file of 682 MB, every line
copied, staged and hashed: 2.6 s against 3.0-3.35 s).

Lines are copied only from the file the map was made for: the file in OUT must hash to the
map's SHA-256 (one pass in C, about 0.35 s a gigabyte). A file edited, replaced, restored or
removed by hand, or a run killed between the two writes, costs time (every line is built
again), never correctness.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from tasks.models import Model, Sha256
from tasks.output import databases
from tasks.output.cache_read import CachedDocuments
from tasks.output.paths import ARTICLES, CACHE_FILE, LINES_FILE, work_folder
from tasks.output.write import JOINED_BYTES, write_atomic
from tasks.records.records import DocumentOf, Planned, build_record

Entry = tuple[int, int]  # offset, length


class LineMap(Model):
    """Where each record line of an `articles.jsonl` sits, by its plan's digest, and the
    SHA-256 of that file."""

    sha256: Sha256
    lines: dict[str, Entry]


def plan_digest(plan: Planned, salt: str) -> str:
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
    return hashlib.blake2b(key, digest_size=16).hexdigest()


class _Ranges:
    """Ranges of the old file, copied as they are asked for: a range that continues the
    last one extends it, up to `JOINED_BYTES`."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor = descriptor
        self._start = self._end = 0

    def add(self, offset: int, length: int) -> bytes | None:
        """Take the line at `offset`; the bytes of the range it does not continue, if any."""
        if offset == self._end and self._end - self._start < JOINED_BYTES:
            self._end += length
            return None
        done = self.flush()
        self._start, self._end = offset, offset + length
        return done

    def flush(self) -> bytes | None:
        """The bytes of the range taken so far, if any."""
        length = self._end - self._start
        if not length:
            return None
        copied = os.pread(self._descriptor, length, self._start)
        if len(copied) != length:  # the file shrank since it was hashed: edited by hand
            raise OSError(f"{ARTICLES} changed while its lines were copied")
        self._start = self._end
        return copied


def record_lines(
    out: Path, plans: Iterable[Planned], salt: str, made: dict[str, Entry]
) -> Iterator[bytes]:
    """The new `articles.jsonl`'s lines, in plan order (lines copied one after the other
    come as one piece): copied from the one in OUT when its map (`load_line_map`) holds the
    plan's digest, else built from the parse cache (opened by the thread that consumes the
    lines). `made` receives the new file's map."""
    offset = 0
    with contextlib.ExitStack() as stack:
        previous, descriptor = _copyable(stack, out)
        ranges = _Ranges(descriptor) if descriptor is not None else None
        documents: DocumentOf | None = None
        for plan in plans:
            digest = plan_digest(plan, salt)
            entry = previous.get(digest)
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
                line = (build_record(plan, documents).model_dump_json() + "\n").encode()
                length = len(line)
                yield line
            made[digest] = (offset, length)
            offset += length
        if ranges is not None and (done := ranges.flush()) is not None:
            yield done


def load_line_map(out: Path) -> LineMap | None:
    """The map OUT's last run saved: None when there is none or it cannot be read."""
    try:
        return LineMap.model_validate_json((out / LINES_FILE).read_bytes())
    except (OSError, ValidationError):
        return None


def save_line_map(out: Path, lines: dict[str, Entry], sha256: str) -> None:
    """The map of the `articles.jsonl` now in OUT, whose SHA-256 is `sha256` (once it is
    in place)."""
    kept = LineMap(sha256=sha256, lines=lines)
    write_atomic(work_folder(out) / LINES_FILE.name, kept.model_dump_json().encode(), private=True)


def _copyable(stack: contextlib.ExitStack, out: Path) -> tuple[dict[str, Entry], int | None]:
    """The lines of OUT's map, and a descriptor of OUT's `articles.jsonl` open for the life
    of `stack` to copy them from, when that file is the one the map was made for (the same
    SHA-256, hashed through the descriptor the lines are read with); else nothing."""
    previous = load_line_map(out)
    if previous is None:
        return {}, None
    try:
        handle = stack.enter_context((out / ARTICLES).open("rb", buffering=0))
        if hashlib.file_digest(handle, "sha256").hexdigest() != previous.sha256:
            return {}, None
    except OSError:
        return {}, None
    return previous.lines, handle.fileno()
