"""The match stage: OUT's stored index brought to the run's sources, then the variants
decided in shard tasks when that is worth it, otherwise in one task.

This run's worker processes open the stored index and the parse cache when they start.
Dask's workers, which need not see OUT, get the sources as one pickle made once, scattered
(broadcast) before the shard tasks, which name the scattered data as an input so that Dask
resolves it on the worker. The decision is the same either way (tasks/match/shards.py):
every variant is decided alone against all the sources, the variants dealt to the shards in
turn (tasks/batch.py `dealt`), and the run's decisions put back in variant order.
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect.context import FlowRunContext

from flows.prefetch import take_decisions
from flows.runtime import opaque
from flows.stages import (
    load_decisions_task,
    match_scattered_shard_task,
    match_shard_task,
    match_task,
    save_decisions_task,
    save_scores_task,
    update_index_task,
)
from flows.workers import index_workers, tasks_run_here, worker_count
from tasks.batch import dealt, shard_count
from tasks.match.assign import Assignment, merge_assignments
from tasks.match.copies import distinct, for_copies
from tasks.match.index_update import SourceChange
from tasks.match.reached import Reached
from tasks.match.reuse import (
    Decided,
    decisions_of,
    in_variant_order,
    kept_decisions,
    reused_assignment,
)
from tasks.match.shards import (
    DECIDE_SECONDS_PER_VARIANT,
    MatchShard,
    pack_sources,
    worth_sharding,
)
from tasks.match.thresholds import Thresholds
from tasks.output.cache_read import cached_texts
from tasks.output.decisions import Decisions
from tasks.refs import DocumentRef


@dataclass(frozen=True)
class Matched:
    """The run's decisions, and which of them are the last run's, kept as they were."""

    assignment: Assignment
    held: dict[str, Decided]  # the last run's decisions that still hold, by variant path
    loaded: Decisions | None  # the last run's decisions, as loaded (by text)


def match_changed(
    out: str,
    fingerprint: str,
    sources: list[DocumentRef],
    variants: list[DocumentRef],
    thresholds: Thresholds,
    workers: MatchWorkers,
) -> Matched:
    """`match_variants`, deciding again only the variants that what changed since the last
    run's decisions can reach (tasks/match/reuse.py), once OUT's stored index holds exactly
    `sources` (updated here). The match `workers` start as soon as enough variants are
    found to need deciding, unless they have already: they open the index while the rest of
    the decisions are checked. Started before the update, each follows it by its journal
    (tasks/match/index_journal.py)."""
    fetched = take_decisions(out, fingerprint)  # read while the CLI waited
    previous = fetched.value if fetched else load_decisions_task(out, fingerprint)
    early = workers.key is not None  # they follow the update by its journal
    change = update_index_task(out, opaque(sources), previous is not None, journal=early)
    held, reached = _still_held(previous, change, variants, workers.to_decide)
    todo = [variant for variant in variants if variant.path not in held]
    fresh = Assignment([], [], {})
    if todo:  # a file present under several paths is decided once
        once = distinct(todo)
        for variant in once:
            workers.to_decide(variant)
        decided = match_variants(
            out, fingerprint, sources, once, thresholds, reached, workers.key, change
        )
        fresh = for_copies(decided, todo)
    merged = merge_assignments([reused_assignment(held), fresh])
    return Matched(in_variant_order(merged, variants), held, previous)


def _still_held(
    previous: Decisions | None,
    change: SourceChange,
    variants: list[DocumentRef],
    to_decide: Callable[[DocumentRef], None],
) -> tuple[dict[str, Decided], dict[str, Reached]]:
    """The last run's decisions that still hold after `change`, the update of the stored
    index (by variant path), and those that only added sources can change
    (tasks/match/reached.py)."""
    if previous is None:
        return {}, {}
    kept = kept_decisions(previous.sources, previous.decided, change, variants, to_decide)
    return kept.held, kept.reached


class MatchWorkers:
    """Worker processes holding OUT's stored index (`index_workers`, under `key`), started
    into `stack` once deciding the distinct variants found `to_decide` is worth them, or
    at `start`, when tasks run here; `key` is None until then."""

    def __init__(self, stack: ExitStack, out: str, fingerprint: str) -> None:
        self._stack, self._out, self._fingerprint = stack, out, fingerprint
        self._here, self.count = tasks_run_here(), worker_count()
        self._found: set[str] = set()
        self.key: str | None = None

    def to_decide(self, variant: DocumentRef) -> None:
        if self.key is not None or not self._here:
            return
        self._found.add(variant.sha256)  # copies are decided once
        if worth_sharding(0, len(self._found), self.count):
            self.start()

    def expect(self, parsed_now: int) -> None:
        """Start them now, reading the index in turn, if the run parsed enough documents
        now (`parsed_now`) to be likely to decide many variants: they then read the index
        on the core the run leaves idle until it has updated it, and follow the update
        (tasks/match/index_journal.py)."""
        if worth_sharding(0, parsed_now, self.count):
            self.start(in_turn=True)

    def start(self, in_turn: bool = False) -> None:
        """Start them now, when tasks run here (not on Dask's workers); `in_turn`: they read
        the index one after the other (`index_workers`)."""
        if self.key is None and self._here:
            key = uuid.uuid4().hex
            out = Path(self._out)
            self._stack.enter_context(index_workers(key, out, self._fingerprint, in_turn))
            self.key = key


def keep_decisions(
    out: str,
    fingerprint: str,
    sources: list[DocumentRef],
    variants: list[DocumentRef],
    matched: Matched,
) -> None:
    """The decisions and their candidates' scores, for the next run's `match_changed`;
    once the outputs are written (a failed run leaves the folder as it was)."""
    matched_against = {source.path: source.sha256 for source in sources}
    held = matched.held
    decided = decisions_of(matched.assignment, variants, held)
    save_decisions_task(
        out, fingerprint, opaque(matched_against), opaque(decided), opaque(matched.loaded)
    )
    # by key: the copies of a file share their pairs (decided once, tasks/match/copies.py)
    made = {key: (path, (key, scored)) for path, reach in matched.assignment.reaches.items()
            if path not in held for key, scored in reach.scores}  # fmt: skip
    save_scores_task(out, fingerprint, opaque(list(held)), opaque(list(made.values())))


def match_variants(
    out: str,
    fingerprint: str,
    sources: list[DocumentRef],
    variants: list[DocumentRef],
    thresholds: Thresholds,
    reached: dict[str, Reached] | None = None,
    key: str | None = None,
    change: SourceChange | None = None,
) -> Assignment:
    """Each variant's best source, or its rejection with the evidence, against OUT's stored
    index and the pair scores kept under the decisions' `fingerprint`: in shards on the
    `MatchWorkers` holding it under `key` (which follow the update `change`, when they
    started before it), or on Dask's workers (which index `sources` themselves, and
    score every pair), when that is worth it; else in one task (so also without a `key`
    when tasks run here). Those `reached` names are not looked up (tasks/match/reached.py:
    not on Dask, whose indexes number the sources otherwise)."""
    client = None if tasks_run_here() else _dask_client()
    workers = worker_count() if client is None else len(client.scheduler_info()["workers"])
    shipped = 0 if client is None else len(sources)
    reached = reached or {}
    here = client is None and key is None
    if here or not worth_sharding(shipped, len(variants), workers):  # here, where OUT is
        return match_task(out, fingerprint, opaque(variants), thresholds, opaque(reached))
    count = shard_count(len(variants), workers, DECIDE_SECONDS_PER_VARIANT)
    parts = [[(variant.path, variant.sha256) for variant in part]
             for part in dealt(variants, count)]  # fmt: skip
    if key is not None:  # the workers read the variants' texts from the parse cache
        version, journal = _journal(change)
        shards = [MatchShard(key, part, thresholds, reached=_of(reached, part),
                             version=version, journal=journal) for part in parts]  # fmt: skip
        futures = [match_shard_task.submit(opaque(part)) for part in shards]
        return merge_assignments(future.result() for future in futures)
    assert client is not None
    key = uuid.uuid4().hex
    with cached_texts(Path(out)) as texts:  # Dask's workers get them
        # One pickle (bytes: neither Dask nor Prefect walks them), resolved on each worker.
        packed = pack_sources((source.path, source.sha256, texts(source.path, source.sha256))
                              for source in sources)  # fmt: skip
        with_texts = [MatchShard(key, part, thresholds, texts=[texts(*item) for item in part])
                      for part in parts]  # fmt: skip
    scattered = client.scatter(packed, broadcast=True)
    futures = [match_scattered_shard_task.submit(scattered, opaque(part)) for part in with_texts]
    return merge_assignments(future.result() for future in futures)


def _journal(change: SourceChange | None) -> tuple[str | None, bytes | None]:
    """The version of the index the update `change` left, and its journal (when noted: the
    workers started before it) pickled once for all the shards (a worker unpickles it
    once, if it holds an earlier version)."""
    if change is None:
        return None, None
    journal = change.journal
    return change.version, None if journal is None else pickle.dumps(journal, protocol=5)


def _of(reached: dict[str, Reached], part: list[tuple[str, str]]) -> dict[str, Reached]:
    """Of `reached`, those of a shard's variants (path, SHA-256)."""
    return {path: reached[path] for path, _ in part if path in reached}


def _dask_client() -> Any:
    """The Dask client of the flow's DaskTaskRunner."""
    context = FlowRunContext.get()
    assert context is not None, "the match stage runs inside the ingest flow"
    return context.task_runner.client  # type: ignore[attr-defined]
