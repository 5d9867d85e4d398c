"""The lines of `articles.jsonl`, each record built only when something it is made of changed.

A record's line is a function of the code, of the options that shape a parse, and of what
its plan names: its source and every attached document (path and SHA-256, whether it is a
duplicate, the match with its evidence). So the plan's digest names the line. Each run keeps
where every line of the file it wrote sits (`.copydesk/record_lines.json`: digest -> offset,
length and a hash of the line), and the next run copies the line of an unchanged plan from
that file instead of reading the record's documents from the parse cache and building it
again: a run that adds 1 % of an archive builds the records that changed, not all of them.

A line is copied only when the bytes at its place still hash to what the map says: a file
edited, replaced, restored or removed by hand, or a run killed between the two writes, costs
time (the line is built again), never correctness.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from tasks.models import Model
from tasks.output import databases
from tasks.output.cache_read import CachedDocuments
from tasks.output.paths import ARTICLES, CACHE_FILE, LINES_FILE, work_folder
from tasks.output.write import write_atomic
from tasks.records.records import DocumentOf, Planned, build_record

Entry = tuple[int, int, str]  # offset, length, hash of the line
READ_BUFFER = 1 << 20


class LineMap(Model):
    """Where each record line of an `articles.jsonl` sits, by its plan's digest."""

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


def record_lines(
    out: Path, plans: Iterable[Planned], salt: str, made: dict[str, Entry]
) -> Iterator[bytes]:
    """The new `articles.jsonl`'s lines, in plan order: copied from the one in OUT when its
    map (`load_line_map`) holds the plan's digest, else built from the parse cache (opened
    by the thread that consumes the lines). `made` receives the new file's map."""
    previous = load_line_map(out)
    offset = 0
    with contextlib.ExitStack() as stack:
        old = _opened(stack, out / ARTICLES) if previous else None
        documents: DocumentOf | None = None
        for plan in plans:
            digest = plan_digest(plan, salt)
            kept = _copied(old, previous.get(digest)) if old else None
            if kept is None:
                if documents is None:
                    cache = databases.opened(out / CACHE_FILE, "ro")
                    documents = CachedDocuments(stack.enter_context(cache))
                line = (build_record(plan, documents).model_dump_json() + "\n").encode()
                kept = line, _line_hash(line)
            line, line_hash = kept
            made[digest] = (offset, len(line), line_hash)
            offset += len(line)
            yield line


def load_line_map(out: Path) -> dict[str, Entry]:
    """The map of OUT's `articles.jsonl`: empty when there is none or it cannot be read."""
    try:
        return LineMap.model_validate_json((out / LINES_FILE).read_bytes()).lines
    except (OSError, ValidationError):
        return {}


def save_line_map(out: Path, lines: dict[str, Entry]) -> None:
    """The map of the `articles.jsonl` now in OUT (once it is in place)."""
    kept = LineMap(lines=lines)
    write_atomic(work_folder(out) / LINES_FILE.name, kept.model_dump_json().encode(), private=True)


def _copied(old: BinaryIO, entry: Entry | None) -> tuple[bytes, str] | None:
    """The line `entry` maps, with its hash, if the bytes at its place still hash to it."""
    if entry is None:
        return None
    offset, length, expected = entry
    old.seek(offset)
    line = old.read(length)
    return (line, expected) if _line_hash(line) == expected else None


def _opened(stack: contextlib.ExitStack, path: Path) -> BinaryIO | None:
    """`path` open for reading for the life of `stack`; None when it cannot be opened."""
    try:
        # Lines are read in the file's order, mostly one after the other: a large buffer
        # makes a read per megabyte, not per line.
        return stack.enter_context(path.open("rb", buffering=READ_BUFFER))
    except OSError:
        return None


def _line_hash(line: bytes) -> str:
    return hashlib.blake2b(line, digest_size=8).hexdigest()
