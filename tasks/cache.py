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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from tasks.dates import DateOrder
from tasks.dates.values import check_plausible
from tasks.fingerprint import parse_code_fingerprint
from tasks.models import Model, ParsedDocument, RawDocument
from tasks.output_files import WORK_DIR, work_folder
from tasks.runtime import stage_task
from tasks.write import to_jsonl, write_atomic

CACHE_FILE = "parsed.jsonl"
CACHE_FORMAT = 1  # bump when the cache's own layout changes


class CacheHeader(Model):
    fingerprint: str


def cache_fingerprint(max_bytes: int, ambiguous_dates: DateOrder) -> str:
    """What the cached results depend on besides each file's bytes.

    >>> cache_fingerprint(10, DateOrder.DMY) == cache_fingerprint(10, DateOrder.MDY)
    False
    """
    parts = f"{CACHE_FORMAT}|{parse_code_fingerprint()}|{max_bytes}|{ambiguous_dates.value}"
    return hashlib.sha256(parts.encode()).hexdigest()


def load_cache(out: Path, fingerprint: str) -> dict[tuple[str, str], ParsedDocument]:
    """Cached documents by (path, sha256); empty when there is no cache, when it was made
    with other options or code, or when it is damaged (it is then rebuilt)."""
    try:
        lines = (out / WORK_DIR / CACHE_FILE).read_bytes().split(b"\n")
        if CacheHeader.model_validate_json(lines[0]).fingerprint != fingerprint:
            return {}
        documents = [ParsedDocument.model_validate_json(line) for line in lines[1:] if line]
    except (OSError, ValidationError):
        return {}
    return {(document.path, document.origin.sha256): document for document in documents}


def save_cache(out: Path, fingerprint: str, documents: Iterable[ParsedDocument]) -> None:
    """Replace the cache with `documents` (those of this run's inputs only, so the cache
    never outgrows the input folder)."""
    header: list[BaseModel] = [CacheHeader(fingerprint=fingerprint)]
    write_atomic(work_folder(out) / CACHE_FILE, to_jsonl([*header, *documents]), private=True)


@dataclass(frozen=True)
class CacheSplit:
    reused: list[ParsedDocument]
    to_process: list[RawDocument]


def split_cached(
    raw: Iterable[RawDocument],
    cache: dict[tuple[str, str], ParsedDocument],
    today: dt.date,
) -> CacheSplit:
    """Files whose cached result still holds, and files to process. A cached source whose
    date is no longer plausible (the run's `today` moved back) is processed again."""
    reused: list[ParsedDocument] = []
    to_process: list[RawDocument] = []
    for document in raw:
        cached = cache.get((document.path, document.sha256))
        if cached is not None and _still_plausible(cached, today):
            reused.append(cached)
        else:
            to_process.append(document)
    return CacheSplit(reused, to_process)


def _still_plausible(document: ParsedDocument, today: dt.date) -> bool:
    if document.header is None:
        return True
    try:
        check_plausible(document.header.date, today)
    except ValueError:
        return False
    return True


@stage_task("load_cache", io=True)
def load_cache_task(out: str, fingerprint: str) -> dict[tuple[str, str], ParsedDocument]:
    return load_cache(Path(out), fingerprint)


@stage_task("save_cache", io=True)
def save_cache_task(out: str, fingerprint: str, documents: list[ParsedDocument]) -> None:
    save_cache(Path(out), fingerprint, documents)
