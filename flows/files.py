"""The per-file stages of a run: every input read and hashed, the files the parse cache does
not hold decoded, cleaned and parsed, in shards sized by the work. Each shard's parses go to
the parse cache as it is done; the run keeps their `DocumentRef`s."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flows.cache_keys import parse_fingerprint
from flows.prefetch import needed, take_refs
from flows.progress import StageClock
from flows.runtime import opaque
from flows.stages import (
    add_parses_task,
    files_task,
    load_cached_refs_task,
    prune_cache_task,
    save_stamps_task,
)
from flows.up_to_date import Pending, Walk
from flows.workers import tasks_run_here, warm_up, worker_processes
from tasks.batch import items_per_shard, shard
from tasks.models import InputFile, Rejection, RunSummary, StepSummary
from tasks.pipeline import STEPS, ShardResult, ShardWork, StepTally
from tasks.refs import DocumentRef

MIN_SHARD, MAX_SHARD = 32, 4096
# Reading, decoding, cleaning and parsing a file take about this long: a shard holds 300
# files or more (tasks/batch.py `items_per_shard`), so a run that reads 1 % of 118,145 files
# makes 2 shards, not 8.
FILE_SECONDS = 0.0025


def shard_size(files: int, workers: int, chosen: int | None) -> int:
    """`chosen` (--shard-size), else a few shards per worker, fewer for few files.

    >>> shard_size(22_639, 2, None), shard_size(2, 1, None), shard_size(10, 2, 3)
    (2830, 32, 3)
    >>> shard_size(1_170, 2, None), shard_size(2_400, 2, None)
    (585, 300)
    """
    if chosen is not None:
        return chosen
    return min(max(items_per_shard(files, workers, FILE_SECONDS), MIN_SHARD), MAX_SHARD)


@dataclass
class FilesResult:
    """Every file's SHA-256 (those read), the read step's rejections, the refs of the
    documents parsed now (in the parse cache) and the other rejections."""

    hashes: dict[str, str] = field(default_factory=dict)
    unread: list[Rejection] = field(default_factory=list)
    fresh: list[DocumentRef] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    cached: dict[str, DocumentRef] = field(default_factory=dict)  # the parse cache's, by path
    not_read: int = 0  # unchanged since the last run: hashes from its stamps
    tallies: dict[str, StepTally] = field(default_factory=lambda: {s: StepTally() for s in STEPS})

    def add(self, result: ShardResult, saved: list[DocumentRef]) -> None:
        """A shard's result, whose parses were saved as `saved`."""
        self.hashes.update(result.hashes)
        self.unread.extend(result.unread)
        self.fresh.extend(saved)
        self.rejected.extend(result.rejected)
        for step, tally in result.tallies.items():
            self.tallies[step].add(tally)

    def steps(self) -> list[StepSummary]:
        return [
            StepSummary(
                step=step,
                seconds=round(tally.seconds, 3),
                passed=tally.passed,
                rejected_by_reason=dict(sorted(tally.rejected.items())),
            )
            for step, tally in self.tallies.items()
        ]


@dataclass(frozen=True)
class Reading:
    """How this run reads its files: `work` gives the options, `chosen_size` is
    --shard-size, `walk` the input as found (with the last run's stamps, none with
    --verify, and the files they vouch for)."""

    work: ShardWork
    chosen_size: int | None
    walk: Walk


def cached_refs(out: str, work: ShardWork, clock: StageClock) -> dict[str, DocumentRef]:
    """The refs of the parses the cache holds (made as `work` says), by path."""
    fingerprint, today = parse_fingerprint(work), work.rules.today
    with clock.stage("cache"):
        refs = take_refs(out, fingerprint, today)  # read while the CLI waited
        return refs if refs is not None else load_cached_refs_task(out, fingerprint, today).value


def walk_and_cache(
    pending: Pending, out: str, work: ShardWork, clock: StageClock
) -> tuple[Walk | RunSummary | None, dict[str, DocumentRef] | None]:
    """A child's finding (`pending`), and the cache's refs when it is a walk: once the child
    says OUT is not current, the workers' fork server starts, then the walk is taken as the
    child sends it (0.2-0.3 s at 118,145 files), while the CLI's thread reads the refs
    (flows/prefetch.py)."""
    try:
        if (walked := pending.walked()) is not None:
            needed()  # the CLI's thread reads the refs (flows/prefetch.py)
            warm_up(walked)
    except BaseException:
        pending.discard()
        raise
    found = pending.result()
    return found, cached_refs(out, work, clock) if walked is not None else None


def process_files(
    files: list[InputFile],
    out: str,
    reading: Reading,
    clock: StageClock,
    cached: dict[str, DocumentRef] | None = None,
) -> FilesResult:
    """Run every shard of `files` and collect the results. A file unchanged since the last
    run (tasks/output/stamps.py) whose parse the cache holds (`cached`, read now if None) is
    not read at all."""
    work = reading.work
    fingerprint = parse_fingerprint(work)
    if cached is None:
        cached = cached_refs(out, work, clock)
    known = {path: ref.sha256 for path, sha in reading.walk.unchanged.items()
             if (ref := cached.get(path)) is not None and ref.sha256 == sha}  # fmt: skip
    result = FilesResult(hashes=known, cached=cached, not_read=len(known))
    to_read = [file for file in files if file.path not in known]
    to_parse = sum(file.path not in cached for file in to_read) if tasks_run_here() else 0
    with clock.stage("files", len(files)), worker_processes(to_parse) as workers:
        clock.advance(len(known))
        size = shard_size(len(to_read), workers, reading.chosen_size)
        futures = []
        for part in shard(to_read, size):
            here = {file.path: cached[file.path].sha256 for file in part if file.path in cached}
            shard_work = replace(work, files=part, cached=here)
            futures.append((len(part), files_task.submit(opaque(shard_work))))
        for count, future in futures:
            shard_result = future.result()
            result.add(shard_result, _save_parses(out, fingerprint, shard_result, bool(cached)))
            clock.advance(count)
    # The walk's fields, not the walk: a task run's arguments may outlive it (a run kept
    # the walk, a million stamps at 1M files, past the files in 1 of 2 test runs).
    walk = reading.walk
    save_stamps_task(out, walk.taken_ns, opaque(files), opaque(to_read), opaque(result.hashes),
                     opaque(walk.unchanged), opaque(walk.recorded),
                     opaque(walk.discovery.feeds))  # fmt: skip
    return result


def _save_parses(out: str, fingerprint: str, result: ShardResult, held: bool) -> list[DocumentRef]:
    """Move `result`'s parses to the parse cache (a future still holding the result then
    holds none) and return their refs; `held`: the run holds refs of cached parses."""
    if not result.parsed:
        return []
    saved = add_parses_task(out, fingerprint, opaque(result.parsed), held).value
    result.parsed.clear()
    return saved


def documents_in_order(
    files: list[InputFile], out: str, result: FilesResult, work: ShardWork, clock: StageClock
) -> tuple[list[DocumentRef], int]:
    """The refs of every readable file's parse, in input order (those of the cached ones
    loaded with the cache's keys, `load_cached_refs`), and how many came from the cache."""
    # One pass in input order, rather than sorting the refs by it.
    fresh = {document.path: document for document in result.fresh}
    hashes, cached = result.hashes, result.cached
    documents = [
        ref
        for file in files
        if (ref := fresh.get(file.path)) is not None
        or ((ref := cached.get(file.path)) is not None and hashes.get(file.path) == ref.sha256)
    ]
    reused = len(documents) - len(fresh)  # a parse is fresh when the cache had none to reuse
    if result.fresh or len(result.cached) != reused:
        with clock.stage("save_cache"):
            kept = {document.path for document in documents}
            prune_cache_task(out, parse_fingerprint(work), opaque(kept))
    result.cached = {}  # not needed any more, and a million entries
    return documents, reused
