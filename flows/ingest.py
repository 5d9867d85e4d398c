"""The ingest flow: input folder -> articles.jsonl, rejected.jsonl, run.json.

The flow only composes stages (all logic lives in `tasks/`, the Prefect tasks wrapping it
in `flows/stages.py`) and keeps the books: the per-file stages run as one task per shard
(`flows/files.py`), the rest as one task each, every stage timed.
"""

from __future__ import annotations

import os
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any, cast

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.cache_keys import CacheKeys, run_work
from flows.files import (
    Reading,
    documents_in_order,
    process_files,
    walk_and_cache,
)
from flows.heartbeats import heartbeats
from flows.interrupts import reclaim_signals
from flows.matching import MatchWorkers, keep_decisions, match_changed
from flows.options import IngestOptions
from flows.prefetch import take_checked_lines
from flows.progress import StageClock, current_sink
from flows.runtime import opaque
from flows.stages import discover_task, plan_records_task, save_line_map_task, write_task
from flows.summary import summary_rows, to_markdown
from flows.up_to_date import Pending, Walk, current_output, handed_over
from flows.workers import warm_up
from tasks.match.duplicates import group_duplicate_sources
from tasks.memory import release, settling_scope
from tasks.models import RunSummary
from tasks.output.cache import CacheRemade, drop_parse
from tasks.output.cache_read import DamagedParse
from tasks.output.line_map import NewLines
from tasks.output.lock import output_lock
from tasks.output.paths import ARTICLES
from tasks.output.record_lines import record_lines
from tasks.output.state import current_summary, run_state
from tasks.records.accounting import check_accounting
from tasks.records.ledger import ledger_lines

# A scheduled run that finds another run (a manual one, another deployment) writing its
# folder waits for it rather than failing.
LOCK_WAIT_SECONDS = 600.0


# Threads for task runs: every shard is submitted at once, and Prefect's default pool has no
# bound (180 threads were seen on a 65,000-file run). A shard's thread reads files or waits
# for a worker process (flows/workers.py), so a few per core keep both busy.
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
    reclaim_signals()
    with heartbeats():
        with output_lock(Path(out_dir), lock_wait_seconds), settling_scope():
            summary = _repairing(input_dir, out_dir, options or IngestOptions())
        publish_summary(summary, input_dir, out_dir)
    return summary


def _repairing(input_dir: str, out_dir: str, options: IngestOptions) -> RunSummary:
    """`_ingest`, started again each time it reads a damaged parse from the cache, once
    that parse is dropped (the file is then parsed afresh), or once the cache, found damaged
    while the run wrote to it, is made again (`CacheRemade`: the parses it held are gone).
    No output file is put in place before every parse the run needs is read, and the caches
    written before (parses, stamps, index) are consistent at every point (a run killed there
    is the same case), so starting again gives what one run gives."""
    dropped: set[str] = set()
    remade = False
    while True:
        try:
            return _ingest(input_dir, out_dir, options)
        except DamagedParse as damaged:
            if damaged.path in dropped:  # dropped, parsed again and still damaged: a bug
                raise
            dropped.add(damaged.path)
            get_run_logger().warning("%s; it is parsed again and the run starts again", damaged)
            drop_parse(Path(out_dir), damaged.path)
        except CacheRemade as error:
            if remade:  # made again, and damaged again within the run: not a cache's fault
                raise
            remade = True
            get_run_logger().warning("%s; the run starts again", error)


def _ingest(input_dir: str, out_dir: str, options: IngestOptions) -> RunSummary:
    """One run; its bookkeeping is released as it returns (tasks/memory.py `release`)."""
    rules, settings = options.run_rules()
    clock = StageClock(current_sink())
    work = run_work(options, rules)
    found, cached = handed_over(Path(input_dir), Path(out_dir), options), None
    if isinstance(found, Pending):  # a child's walk (flows/checked_meanwhile.py)
        found, cached = walk_and_cache(found, out_dir, work, clock)
    walk = _walk(input_dir, out_dir, options, clock, found)
    del found  # the walk, when it is one: freed below
    if isinstance(walk, RunSummary):  # OUT current: no worker started, no stamp rewritten
        return walk
    discovery, reading = walk.discovery, Reading(work, options.shard_size, walk)
    del walk  # `reading` holds it, until it is freed below
    files = discovery.files
    warm_up(len(files))
    result = process_files(files, out_dir, reading, clock, cached)
    del reading, cached  # the walk's stamps (a million at 1M files), the cache's refs
    unread = (*discovery.rejected, *result.unread)
    state = run_state(settings, discovery.excluded, result.hashes, unread)
    current = current_summary(Path(out_dir), state)
    if current is not None:
        update = {"timings": clock.timings, "unchanged": True, "not_read": result.not_read}
        return current.model_copy(update=update)
    keys = CacheKeys.of(options, work)
    fingerprint = keys.decisions
    with ExitStack() as stack:  # the match workers, stopped once the variants are decided
        workers = MatchWorkers(stack, out_dir, fingerprint)
        workers.expect(len(result.fresh))
        parsed, reused = documents_in_order(files, out_dir, result, work, clock)
        with clock.stage("match"):
            sources = [document for document in parsed if document.role == "source"]
            variants = [document for document in parsed if document.role == "variant"]
            groups = group_duplicate_sources(sources)
            thresholds = options.thresholds()
            matched = match_changed(
                out_dir, fingerprint, groups.canonical, variants, thresholds, workers
            )
            assignment = matched.assignment
    with clock.stage("build_records"):  # planned here, each built as it is written
        plans = plan_records_task(
            opaque(groups), opaque(variants), opaque(assignment.matches)
        ).value
    rejected = [*discovery.rejected, *result.unread, *result.rejected, *assignment.rejected]
    check_accounting(files, discovery.rejected, plans, rejected)
    summary = RunSummary(
        inputs=len(files) + len(discovery.rejected),
        records=len(plans),
        variants=sum(len(plan.attached) for plan in plans),
        rejected=len(rejected),
        rejected_by_reason=dict(sorted(Counter(r.reason.value for r in rejected).items())),
        excluded=discovery.excluded,
        timings=clock.timings,
        steps=result.steps(),
        input=str(Path(input_dir).absolute()),
        settings=settings,
        reused=reused,
        not_read=result.not_read,
    )
    lines, salt = NewLines(), keys.lines
    articles = record_lines(Path(out_dir), plans, salt, lines, take_checked_lines(out_dir, salt))
    ledger = ledger_lines(result.hashes, plans, rejected)
    written = write_task(
        out_dir, opaque(articles), opaque(rejected), opaque(ledger), summary, state,
        options.parquet,
    )  # fmt: skip
    keep_decisions(out_dir, fingerprint, groups.canonical, variants, matched)
    save_line_map_task(out_dir, opaque(lines), written.outputs[ARTICLES].sha256, salt)
    release([files, discovery, result, parsed, sources, variants, groups, matched, plans])
    return written


def _walk(
    input_dir: str,
    out_dir: str,
    options: IngestOptions,
    clock: StageClock,
    found: Walk | RunSummary | None,
) -> Walk | RunSummary:
    """INPUT walked now, or what the CLI `found` before the run (flows/up_to_date.py): its
    walk, already found not to make OUT current, or OUT's summary. A walk made now that
    finds OUT current gives OUT's summary, as a run with nothing to read would."""
    if isinstance(found, Walk):
        clock.done("discover", found.seconds)
    if found is not None:
        return found
    with clock.stage("discover"):
        walk = discover_task(input_dir, out_dir, options)
    current = current_output(walk, Path(out_dir), options)
    return walk if current is None else current.model_copy(update={"timings": clock.timings})


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
