"""The ingest flow: input folder -> articles.jsonl, rejected.jsonl, run.json.

The flow only composes stages (all logic lives in `tasks/`) and keeps the books: every
shard-level stage runs as one task per shard, stage after stage, and is timed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from prefect import Task, flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.options import IngestOptions
from flows.summary import summary_rows, to_markdown
from tasks.accounting import check_accounting
from tasks.batch import Batch, merge, shard
from tasks.clean import clean_shard
from tasks.decode import decode_shard
from tasks.header import DateRules
from tasks.lock import output_lock
from tasks.match.assign import Thresholds, match_task
from tasks.match.duplicates import group_duplicate_sources
from tasks.models import InputFile, RawDocument, RunSummary, StageTiming
from tasks.parse import parse_shard
from tasks.read import discover_task, read_each, read_shard
from tasks.records import build_records_task
from tasks.runtime import opaque
from tasks.write import write_task

Out = TypeVar("Out")


class StageClock:
    def __init__(self) -> None:
        self.timings: list[StageTiming] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings.append(StageTiming(stage=name, seconds=round(time.perf_counter() - start, 3)))


def run_shards(stage: Task[..., Batch[Out]], batches: list[Any], **kwargs: Any) -> list[Batch[Out]]:
    """Submit one task run per shard, then collect them in order."""
    futures = [stage.submit(opaque(batch), **kwargs) for batch in batches]
    return [future.result() for future in futures]


def read_files(files: list[InputFile], shard_size: int, max_bytes: int) -> list[Batch[RawDocument]]:
    """Read shard by shard; a shard whose task still fails after its retries is read again
    file by file, so that a lasting error rejects only the file that has it."""
    futures = [(part, read_shard.submit(part, max_bytes)) for part in shard(files, shard_size)]
    batches: list[Batch[RawDocument]] = []
    for part, future in futures:
        result = future.result(raise_on_failure=False)
        batches.append(result if isinstance(result, Batch) else read_each(part, max_bytes))
    return batches


@flow(name="copydesk-ingest", log_prints=False)
def ingest_flow(input_dir: str, out_dir: str, options: IngestOptions | None = None) -> RunSummary:
    """Ingest `input_dir` into `out_dir`, holding the output folder for the whole run."""
    with output_lock(Path(out_dir)):
        return _ingest(input_dir, out_dir, options or IngestOptions())


def _ingest(input_dir: str, out_dir: str, options: IngestOptions) -> RunSummary:
    rules = DateRules(today=options.today or dt.date.today(), order=options.ambiguous_dates)
    clock = StageClock()
    with clock.stage("discover"):
        discovery = discover_task(input_dir, out_dir)
    with clock.stage("read"):
        raw = read_files(discovery.files, options.shard_size, options.max_bytes)
    with clock.stage("decode"):
        decoded = run_shards(decode_shard, raw)
    with clock.stage("clean"):
        cleaned = run_shards(clean_shard, decoded)
    with clock.stage("parse"):
        parsed = merge(run_shards(parse_shard, cleaned, rules=rules))
    with clock.stage("match"):
        sources = [document for document in parsed.items if document.role == "source"]
        variants = [document for document in parsed.items if document.role == "variant"]
        groups = group_duplicate_sources(sources)
        thresholds = Thresholds(options.threshold, options.word_order_threshold)
        assignment = match_task(opaque(groups.canonical), opaque(variants), thresholds)
    with clock.stage("build_records"):
        records = build_records_task(opaque(groups), opaque(variants), opaque(assignment.matches))
    rejected = [*discovery.rejected, *parsed.rejected, *assignment.rejected]
    check_accounting(discovery.files, discovery.rejected, records, rejected)
    summary = RunSummary(
        inputs=len(discovery.files) + len(discovery.rejected),
        records=len(records),
        variants=sum(len(record.variants) for record in records),
        rejected=len(rejected),
        rejected_by_reason=dict(sorted(Counter(r.reason.value for r in rejected).items())),
        timings=clock.timings,
        input=str(Path(input_dir).absolute()),
        settings=options.model_copy(update={"today": rules.today}).model_dump(mode="json"),
    )
    summary = write_task(out_dir, opaque(records), opaque(rejected), summary)
    try:  # the outputs are written: a failing artifact must not fail the run
        create_markdown_artifact(
            markdown=to_markdown(summary_rows(summary)),
            key="copydesk-ingest-summary",
            description=f"copydesk ingest of {input_dir} into {out_dir}",
        )
    except Exception as error:
        get_run_logger().warning("could not publish the summary artifact: %s", error)
    return summary
