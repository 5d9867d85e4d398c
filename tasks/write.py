"""Write: the run's three output files, each replaced atomically, `run.json` last.

Readers of the output folder see either the previous file or the new one, never a partial
one: each file is written to a temporary name in the same folder, flushed to disk, then
renamed over the old one (a rename within a file system is atomic). Nothing is written
until the whole run has succeeded, so a failed run leaves the previous output untouched.
`run.json` goes last and records the SHA-256 and line count of the two data files: a reader
can check that the files it sees belong together, and a process killed between renames
leaves a mismatch that the next run repairs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from tasks.models import ArticleRecord, OutputFile, Rejection, RunSummary
from tasks.output_files import ARTICLES, REJECTED, RUN
from tasks.runtime import stage_task


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


def remove_stale_temporaries(out: Path) -> None:
    """Temporary files left by a run that was killed mid-write."""
    for name in (ARTICLES, REJECTED, RUN):
        for stale in out.glob(f".{name}.*.tmp"):
            stale.unlink(missing_ok=True)


def write_outputs(
    out: Path, records: list[ArticleRecord], rejected: list[Rejection], summary: RunSummary
) -> RunSummary:
    """Write articles, rejections (sorted by path), then the summary naming both."""
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    in_path_order = sorted(rejected, key=lambda rejection: rejection.path)
    outputs = {}
    for name, data in ((ARTICLES, to_jsonl(records)), (REJECTED, to_jsonl(in_path_order))):
        write_atomic(out / name, data)
        outputs[name] = OutputFile(sha256=hashlib.sha256(data).hexdigest(), lines=data.count(b"\n"))
    final = summary.model_copy(update={"outputs": outputs})
    write_atomic(out / RUN, (final.model_dump_json(indent=2) + "\n").encode("utf-8"))
    return final


@stage_task("write", io=True)
def write_task(
    out: str, records: list[ArticleRecord], rejected: list[Rejection], summary: RunSummary
) -> RunSummary:
    return write_outputs(Path(out), records, rejected, summary)
