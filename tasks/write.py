"""Write: the run's three output files, each replaced atomically.

Readers of the output folder see either the previous file or the new one, never a partial
one: each file is written to a temporary name in the same folder, flushed to disk, then
renamed over the old one (a rename within a file system is atomic).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from tasks.models import ArticleRecord, Rejection, RunSummary
from tasks.runtime import stage_task

ARTICLES = "articles.jsonl"
REJECTED = "rejected.jsonl"
RUN = "run.json"


def write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def to_jsonl(models: Iterable[BaseModel]) -> bytes:
    return "".join(model.model_dump_json() + "\n" for model in models).encode("utf-8")


def write_outputs(
    out: Path, records: list[ArticleRecord], rejected: list[Rejection], summary: RunSummary
) -> None:
    """Write articles, rejections (sorted by path) and the run summary."""
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / ARTICLES, to_jsonl(records))
    in_path_order = sorted(rejected, key=lambda rejection: rejection.path)
    write_atomic(out / REJECTED, to_jsonl(in_path_order))
    write_atomic(out / RUN, (summary.model_dump_json(indent=2) + "\n").encode("utf-8"))


@stage_task("write", io=True)
def write_task(
    out: str, records: list[ArticleRecord], rejected: list[Rejection], summary: RunSummary
) -> None:
    write_outputs(Path(out), records, rejected, summary)
