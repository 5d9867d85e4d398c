"""datatrove's equivalent of `copydesk ingest`, for a side-by-side benchmark.

Run with a Python that has datatrove and the packages its steps need (ftfy, regex, xxhash,
orjson, spacy for the English word tokenizer of MinHash); not with copydesk's venv:

    python datatrove_pipeline.py INPUT WORK [--tasks 4] [--workers 2] [--bucket-workers 2]

(`--work WORK` is accepted too.) Measured fastest on 2 cores: --tasks 4 --workers 2 (the
default) about as fast as --tasks 2, more even; --tasks 8 slower.

Pipeline (datatrove's documented MinHash recipe, default `MinhashConfig`: 5-grams,
14 buckets x 8 hashes, xxhash 64-bit):

    stage 1  TextFolderReader -> FTFYFormatter -> JsonlWriter(clean) -> MinhashDedupSignature
    stage 2  MinhashDedupBuckets                  (tasks = num_buckets, one per bucket)
    stage 3  MinhashDedupCluster                  (tasks = 1, as it requires)
    stage 4  JsonlReader(clean) -> MinhashDedupFilter(exclusion -> removed/) -> JsonlWriter(output/)

Stage 1 keeps the cleaned documents (plain JSONL, one file per task) so that stage 4 reads
them back instead of reading and ftfy-cleaning every input file a second time
(`--reclean` does the latter, the shape of datatrove's own example, where stage 4 repeats
stage 1's reader; it measured a few seconds slower on 23,395 files). Either way stage 4
sees each task's documents in the same order as stage 1, which MinhashDedupFilter relies on
(it drops documents by their index within the task). Almost all the time is stage 1's
signatures: spaCy's English word tokenizer (datatrove's default for "en") and the n-gram
hashing, not ftfy.

Everything written goes under WORK (created fresh; the script refuses a non-empty WORK or
one inside INPUT): output/ (kept documents), removed/ (near-duplicates dropped), clean/,
signatures/, buckets/, remove_ids/ and logs/. A JSON summary is printed on stdout.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from datatrove.data import DocumentsPipeline
from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.formatters import FTFYFormatter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.readers.base import BaseDiskReader
from datatrove.pipeline.writers.jsonl import JsonlWriter

Fallback = Literal["latin-1", "detect"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, fallback: Fallback = "latin-1") -> tuple[str, str]:
    """Return `(text, encoding)`: a byte-order mark if any, else strict UTF-8, else `fallback`.

    latin-1 (the default) maps every byte to a character, so nothing is lost and ftfy can
    still repair cp1252-style text afterwards; it is also what the floor script does.
    "detect" asks charset-normalizer instead (latin-1 if it has no answer), closer to what
    copydesk does for legacy files but much slower on them. On an all-UTF-8 corpus the
    fallback never runs and the choice does not change the timing.

    >>> decode("café".encode())
    ('café', 'utf-8')
    >>> decode(b"caf\\xe9")
    ('café', 'latin-1')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if fallback == "detect":
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best), best.encoding
    return data.decode("latin-1"), "latin-1"


class TextFolderReader(BaseDiskReader):  # type: ignore[misc]  # datatrove is untyped
    """One `Document` per regular file under `data_folder` (recursive, sorted, sharded by rank).

    Id = the file's path relative to `data_folder`; metadata: `file_path` (absolute) and
    `encoding`. A file that decodes to no text gives no document (datatrove skips empty
    text); it is counted as `empty_files`.

    datatrove's own disk readers expect a few large files (JSONL, Parquet shards) and log one
    INFO line per file to stderr and to the task log; with one small document per file that
    is a log line per document, so `read_files_shard` is overridden without it (and without
    the progress bars). Everything else (sharding, `limit`/`skip`, stats) is datatrove's.
    """

    name = "📄 Text folder"

    def __init__(self, data_folder: str, fallback: Fallback = "latin-1", **kwargs: Any) -> None:
        super().__init__(data_folder, recursive=True, **kwargs)
        self.fallback: Fallback = fallback

    def read_file(self, filepath: str) -> DocumentsPipeline:
        with self.data_folder.open(filepath, "rb") as file:
            data: bytes = file.read()
        text, encoding = decode(data, self.fallback)
        self.stat_update(f"encoding_{encoding}")
        document = self.get_document_from_dict(
            {"text": text, "id": filepath, "metadata": {"encoding": encoding}}, filepath, 0
        )
        if document is None:
            self.stat_update("empty_files")
        else:
            yield document

    def read_files_shard(self, shard: list[str]) -> DocumentsPipeline:
        read = skipped = 0
        for filepath in shard:
            self.stat_update("input_files")
            for document in self.read_file(filepath):
                if skipped < self.skip:
                    skipped += 1
                    continue
                if self.limit != -1 and read >= self.limit:
                    return
                read += 1
                yield document


@dataclass(frozen=True)
class Settings:
    input_folder: Path
    work: Path
    tasks: int = 4
    workers: int = 2
    bucket_workers: int = 2
    fallback: Fallback = "latin-1"
    reclean: bool = False


def _executor(
    pipeline: list[PipelineStep], tasks: int, workers: int, logs: Path
) -> LocalPipelineExecutor:
    # skip_completed=False: WORK is always fresh, and a benchmark must never skip a task.
    return LocalPipelineExecutor(
        pipeline=pipeline,
        tasks=tasks,
        workers=min(workers, tasks),
        logging_dir=str(logs),
        skip_completed=False,
    )


def build_stages(s: Settings) -> list[tuple[str, LocalPipelineExecutor]]:
    config = MinhashConfig()
    w = s.work
    reader = TextFolderReader(str(s.input_folder), fallback=s.fallback)
    if s.reclean:
        stage1: list[PipelineStep] = [reader, FTFYFormatter()]
        stage4_input: list[PipelineStep] = [
            TextFolderReader(str(s.input_folder), fallback=s.fallback),
            FTFYFormatter(),
        ]
    else:
        stage1 = [reader, FTFYFormatter(), JsonlWriter(str(w / "clean"), compression=None)]
        stage4_input = [JsonlReader(str(w / "clean"), compression=None)]
    stage1.append(MinhashDedupSignature(output_folder=str(w / "signatures"), config=config))
    stage4 = [
        *stage4_input,
        MinhashDedupFilter(
            input_folder=str(w / "remove_ids"),
            exclusion_writer=JsonlWriter(str(w / "removed"), compression=None),
        ),
        JsonlWriter(str(w / "output"), compression=None),
    ]
    return [
        ("signatures", _executor(stage1, s.tasks, s.workers, w / "logs" / "1-signatures")),
        (
            "buckets",
            _executor(
                [
                    MinhashDedupBuckets(
                        input_folder=str(w / "signatures"),
                        output_folder=str(w / "buckets"),
                        config=config,
                    )
                ],
                config.num_buckets,
                s.bucket_workers,
                w / "logs" / "2-buckets",
            ),
        ),
        (
            "cluster",
            _executor(
                [
                    MinhashDedupCluster(
                        input_folder=str(w / "buckets"),
                        output_folder=str(w / "remove_ids"),
                        config=config,
                    )
                ],
                1,
                1,
                w / "logs" / "3-cluster",
            ),
        ),
        ("filter", _executor(stage4, s.tasks, s.workers, w / "logs" / "4-filter")),
    ]


def _stat(stats: list[dict[str, Any]], step_name: str, key: str) -> int:
    """A counter of the step named `step_name` in a stage's merged stats.json (0 when absent)."""
    for step in stats:
        if str(step.get("name", "")).endswith(f": {step_name}"):
            entry = step.get("stats", {}).get(key)
            if isinstance(entry, dict):
                return int(entry.get("total", 0))
            if isinstance(entry, (int, float)):
                return int(entry)
    return 0


def _count_lines(folder: Path) -> int:
    return sum(path.read_bytes().count(b"\n") for path in folder.glob("*.jsonl"))


def _check_work(s: Settings) -> None:
    work, source = s.work.resolve(), s.input_folder.resolve()
    if not source.is_dir():
        raise SystemExit(f"{s.input_folder} is not a folder")
    if work == source or source in work.parents:
        raise SystemExit(f"WORK {s.work} must not be inside INPUT {s.input_folder}")
    if work.exists() and any(work.iterdir()):
        raise SystemExit(f"WORK {s.work} is not empty: give a fresh folder")


def run(s: Settings) -> dict[str, object]:
    _check_work(s)
    s.work.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    for name, executor in build_stages(s):
        t = time.perf_counter()
        executor.run()
        timings[name] = round(time.perf_counter() - t, 2)
    total = round(time.perf_counter() - started, 2)

    def stats(stage: str) -> list[dict[str, Any]]:
        with (s.work / "logs" / stage / "stats.json").open() as file:
            return cast("list[dict[str, Any]]", json.load(file))

    filter_stats = stats("4-filter")
    kept, removed = _count_lines(s.work / "output"), _count_lines(s.work / "removed")
    reader_stats = stats("1-signatures")
    files = _stat(reader_stats, TextFolderReader.name, "input_files")
    empty = _stat(reader_stats, TextFolderReader.name, "empty_files")
    return {
        "input_files": files,
        "empty_files": empty,
        "documents": _stat(filter_stats, MinhashDedupFilter.name, "total"),
        "kept": kept,
        "removed_near_duplicates": removed,
        "balanced": files == kept + removed + empty,
        "filter_dropped_stat": _stat(filter_stats, MinhashDedupFilter.name, "dropped"),
        "stage_seconds": timings,
        "seconds": total,
        "config": {
            "tasks": s.tasks,
            "workers": s.workers,
            "bucket_tasks": MinhashConfig().num_buckets,
            "bucket_workers": s.bucket_workers,
            "minhash": str(MinhashConfig()),
            "fallback": s.fallback,
            "stage4_input": "re-read + ftfy" if s.reclean else "stage 1's cleaned JSONL",
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", type=Path, help="folder of article files (read only)")
    parser.add_argument("work", type=Path, nargs="?", help="fresh folder for all outputs")
    parser.add_argument("--work", type=Path, dest="work_option", help="same as WORK")
    parser.add_argument("--tasks", type=int, default=4, help="tasks of stages 1 and 4 (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="processes at once (default 2)")
    parser.add_argument(
        "--bucket-workers", type=int, default=2, help="processes for the 14 bucket tasks"
    )
    parser.add_argument("--fallback", choices=["latin-1", "detect"], default="latin-1")
    parser.add_argument(
        "--reclean",
        action="store_true",
        help="stage 4 re-reads and re-cleans INPUT instead of reading stage 1's clean JSONL",
    )
    a = parser.parse_args(argv)
    work: Path | None = a.work or a.work_option
    if work is None or (a.work and a.work_option and a.work != a.work_option):
        parser.error("give the output folder once, as WORK or --work WORK")
    summary = run(
        Settings(a.input, work, a.tasks, a.workers, a.bucket_workers, a.fallback, a.reclean)
    )
    json.dump(summary, sys.stdout, indent=2)
    print()
    return 0 if summary["balanced"] else 1


if __name__ == "__main__":
    sys.exit(main())
