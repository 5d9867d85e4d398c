"""The parse cache: what the per-file stages made of each input, kept between runs.

Reading, decoding, cleaning and parsing depend only on a file's bytes, the options that
shape them and the code of those stages, so a file whose path and SHA-256 are unchanged need not
go through them again. The cache lives in the output folder and is keyed by a fingerprint
of those options and of the code: any change of either starts afresh. It is only a cache:
losing it, or a run killed while writing it, costs time, never correctness.

Rejected files are not cached: their reasons can be passing (an unreadable file, a date
after today) and they are few, so every run tries them again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from tasks.models import Model, ParsedDocument
from tasks.output.fingerprint import parse_code_fingerprint
from tasks.output.paths import CACHE_FILE, work_folder
from tasks.output.write import jsonl_lines, write_atomic
from tasks.parse.dates import DateOrder
from tasks.parse.dates.values import check_plausible

CACHE_FORMAT = 2  # bump when the cache's own layout changes


class CacheHeader(Model):
    """The first line: what the cache was made under, and what it holds (path -> SHA-256
    and, for a source, its date), so that a run learns which files it need not parse from
    one line, and reads the documents only when its output must be recomputed."""

    fingerprint: str
    entries: dict[str, tuple[str, dt.date | None]]


def cache_fingerprint(max_bytes: int, ambiguous_dates: DateOrder) -> str:
    """What the cached results depend on besides each file's bytes.

    >>> cache_fingerprint(10, DateOrder.DMY) == cache_fingerprint(10, DateOrder.MDY)
    False
    """
    parts = f"{CACHE_FORMAT}|{parse_code_fingerprint()}|{max_bytes}|{ambiguous_dates.value}"
    return hashlib.sha256(parts.encode()).hexdigest()


def load_cache_keys(out: Path, fingerprint: str, today: dt.date) -> dict[str, str]:
    """path -> SHA-256 of the files whose cached parse still holds: none when there is no
    cache, when it was made with other options or code, or when it is damaged (it is then
    rebuilt). A cached source whose date is no longer plausible (the run's `today` moved
    back) is left out: it is parsed again."""
    try:
        with (out / CACHE_FILE).open("rb") as handle:
            header = CacheHeader.model_validate_json(handle.readline())
    except (OSError, ValidationError):
        return {}
    if header.fingerprint != fingerprint:
        return {}
    return {
        path: sha256
        for path, (sha256, date) in header.entries.items()
        if date is None or _plausible(date, today)
    }


def load_cached(out: Path, wanted: dict[str, str]) -> list[ParsedDocument]:
    """The cached documents of `wanted` (path -> SHA-256); one that is missing or damaged
    is left out (the caller parses it again)."""
    found: list[ParsedDocument] = []
    try:
        with (out / CACHE_FILE).open("rb") as handle:
            handle.readline()
            for line in handle:
                try:
                    document = ParsedDocument.model_validate_json(line)
                except ValidationError:
                    continue
                if wanted.get(document.path) == document.origin.sha256:
                    found.append(document)
    except OSError:
        return []
    return found


def save_cache(out: Path, fingerprint: str, documents: list[ParsedDocument]) -> None:
    """Replace the cache with `documents` (those of this run's inputs only, so the cache
    never outgrows the input folder)."""
    entries = {
        document.path: (document.origin.sha256, document.header.date if document.header else None)
        for document in documents
    }
    header: list[BaseModel] = [CacheHeader(fingerprint=fingerprint, entries=entries)]
    # Streamed: the cache holds the text of every input, twice its size as one object.
    lines = jsonl_lines([*header, *documents])
    write_atomic(work_folder(out) / CACHE_FILE.name, lines, private=True)


def _plausible(date: dt.date, today: dt.date) -> bool:
    try:
        check_plausible(date, today)
    except ValueError:
        return False
    return True
