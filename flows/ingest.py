"""The ingest flow: input folder -> articles.jsonl, rejected.jsonl, run.json.

The flow only composes stages (all logic lives in `tasks/`) and keeps the books: every
shard-level stage runs as one task per shard, stage after stage, and is timed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path
from typing import Any, TypeVar, cast

from prefect import Task, flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.options import IngestOptions
from flows.progress import StageClock, current_sink
from flows.summary import summary_rows, to_markdown
from tasks.accounting import check_accounting
from tasks.batch import Batch, merge, shard
from tasks.cache import cache_fingerprint, load_cache_task, save_cache_task, split_cached
from tasks.clean import clean_shard
from tasks.decode import decode_shard
from tasks.fingerprint import code_fingerprint
from tasks.header import DateRules
from tasks.ledger import build_ledger, run_state
from tasks.lock import output_lock
from tasks.match.assign import Thresholds, match_task
from tasks.match.duplicates import group_duplicate_sources
from tasks.models import (
    InputFile,
    ParsedDocument,
    RawDocument,
    RunSummary,
)
from tasks.parse import parse_shard
from tasks.previous_run import current_summary
from tasks.read import discover_task, read_each, read_shard
from tasks.records import build_records_task
from tasks.runtime import opaque
from tasks.write import write_task

Out = TypeVar("Out")
# A scheduled run that finds another run (a manual one, another deployment) writing its
# folder waits for it rather than failing.
LOCK_WAIT_SECONDS = 600.0


def run_shards(
    stage: Task[..., Batch[Out]], batches: list[Any], clock: StageClock, **kwargs: Any
) -> list[Batch[Out]]:
    """Submit one task run per shard, then collect them in order."""
    futures = [(len(batch.items), stage.submit(opaque(batch), **kwargs)) for batch in batches]
    results = []
    for size, future in futures:
        results.append(future.result())
        clock.advance(size)
    return results


def read_files(
    files: list[InputFile], shard_size: int, max_bytes: int, clock: StageClock
) -> list[Batch[RawDocument]]:
    """Read shard by shard; a shard whose task still fails after its retries is read again
    file by file, so that a lasting error rejects only the file that has it."""
    futures = [(part, read_shard.submit(part, max_bytes)) for part in shard(files, shard_size)]
    batches: list[Batch[RawDocument]] = []
    for part, future in futures:
        result = future.result(raise_on_failure=False)
        batches.append(result if isinstance(result, Batch) else read_each(part, max_bytes))
        clock.advance(len(part))
    return batches


# Threads for task runs: every shard is submitted at once, and Prefect's default pool has no
# bound (180 threads were seen on a 65,000-file run). Shards are CPU-bound Python (the GIL)
# or disk reads, so a few per core keep the disk busy without a thread per shard.
TASK_THREADS = 2 * (os.cpu_count() or 1) + 2
# Prefect's own annotation asks for a runner of plain futures (its generic is invariant).
THREADS = cast("TaskRunner[PrefectFuture[Any]]", ThreadPoolTaskRunner(max_workers=TASK_THREADS))


@flow(
    name="copydesk-ingest",
    log_prints=False,
    task_runner=THREADS,
)
def ingest_flow(
    input_dir: str,
    out_dir: str,
    options: IngestOptions | None = None,
    lock_wait_seconds: float = LOCK_WAIT_SECONDS,
) -> RunSummary:
    """Ingest `input_dir` into `out_dir`, holding the output folder for the whole run; if
    another run holds it, wait up to `lock_wait_seconds` for it to finish."""
    with output_lock(Path(out_dir), lock_wait_seconds):
        summary = _ingest(input_dir, out_dir, options or IngestOptions())
    publish_summary(summary, input_dir, out_dir)
    return summary


def _ingest(input_dir: str, out_dir: str, options: IngestOptions) -> RunSummary:
    rules = DateRules(today=options.today or dt.date.today(), order=options.ambiguous_dates)
    settings = options.model_copy(update={"today": rules.today}).model_dump(mode="json")
    clock = StageClock(current_sink())
    with clock.stage("discover"):
        discovery = discover_task(input_dir, options.walk_rules(Path(out_dir)))
    with clock.stage("read", len(discovery.files)):
        raw = merge(read_files(discovery.files, options.shard_size, options.max_bytes, clock))
    hashes = {document.path: document.sha256 for document in raw.items}
    unread = [f"{r.path}\0{r.reason}\0{r.detail}" for r in (*discovery.rejected, *raw.rejected)]
    state = run_state(code_fingerprint(), settings, hashes, unread)
    current = current_summary(Path(out_dir), state)
    if current is not None:
        return current.model_copy(update={"timings": clock.timings, "unchanged": True})
    parsed, reused = parse_files(raw.items, out_dir, options, rules, clock)
    with clock.stage("match"):
        sources = [document for document in parsed.items if document.role == "source"]
        variants = [document for document in parsed.items if document.role == "variant"]
        groups = group_duplicate_sources(sources)
        thresholds = Thresholds(options.threshold, options.word_order_threshold)
        assignment = match_task(opaque(groups.canonical), opaque(variants), thresholds)
    with clock.stage("build_records"):
        records = build_records_task(opaque(groups), opaque(variants), opaque(assignment.matches))
    rejected = [*discovery.rejected, *raw.rejected, *parsed.rejected, *assignment.rejected]
    check_accounting(discovery.files, discovery.rejected, records, rejected)
    summary = RunSummary(
        inputs=len(discovery.files) + len(discovery.rejected),
        records=len(records),
        variants=sum(len(record.variants) for record in records),
        rejected=len(rejected),
        rejected_by_reason=dict(sorted(Counter(r.reason.value for r in rejected).items())),
        excluded=discovery.excluded,
        timings=clock.timings,
        input=str(Path(input_dir).absolute()),
        settings=settings,
        reused=reused,
    )
    ledger = build_ledger(hashes, records, rejected)
    return write_task(out_dir, opaque(records), opaque(rejected), opaque(ledger), summary, state)


def parse_files(
    raw: list[RawDocument],
    out_dir: str,
    options: IngestOptions,
    rules: DateRules,
    clock: StageClock,
) -> tuple[Batch[ParsedDocument], int]:
    """Decode, clean and parse the files the parse cache does not already hold; return all
    documents in input order, as if every file had been processed now, and how many came
    from the cache."""
    with clock.stage("cache", len(raw)):
        fingerprint = cache_fingerprint(options.max_bytes, options.ambiguous_dates)
        cached = load_cache_task(out_dir, fingerprint)
        split = split_cached(raw, cached, rules.today)
        clock.advance(len(raw))
    to_process = [Batch(part) for part in shard(split.to_process, options.shard_size)]
    with clock.stage("decode", len(split.to_process)):
        decoded = run_shards(decode_shard, to_process, clock)
    with clock.stage("clean", sum(len(batch.items) for batch in decoded)):
        cleaned = run_shards(clean_shard, decoded, clock)
    with clock.stage("parse", sum(len(batch.items) for batch in cleaned)):
        new = merge(run_shards(parse_shard, cleaned, clock, rules=rules))
    order = {document.path: number for number, document in enumerate(raw)}
    documents = sorted([*split.reused, *new.items], key=lambda document: order[document.path])
    if new.items or len(cached) != len(split.reused):
        with clock.stage("save_cache"):
            save_cache_task(out_dir, fingerprint, opaque(documents))
    return Batch(documents, new.rejected), len(split.reused)


def publish_summary(summary: RunSummary, input_dir: str, out_dir: str) -> None:
    """The summary as a Prefect artifact; the outputs are written, so a failure here only
    warns."""
    written = "up to date, nothing written" if summary.unchanged else "written"
    get_run_logger().info(
        "%s -> %s: %d inputs, %d records, %d variants, %d rejected; %s",
        input_dir, out_dir, summary.inputs, summary.records, summary.variants,
        summary.rejected, written,
    )  # fmt: skip
    try:
        create_markdown_artifact(
            markdown=to_markdown(summary_rows(summary)),
            key="copydesk-ingest-summary",
            description=f"copydesk ingest of {input_dir} into {out_dir}",
        )
    except Exception as error:
        get_run_logger().warning("could not publish the summary artifact: %s", error)
