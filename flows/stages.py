"""The Prefect tasks: every stage function of `tasks/` wrapped once, here.

The stage code imports nothing from Prefect, so it can be tested, benchmarked and run in
worker processes alone; these wrappers add what Prefect brings (task runs, retries of IO,
see `flows/runtime.py`) and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from flows.options import IngestOptions
from flows.runtime import Sealed, stage_task
from flows.up_to_date import Walk, walk_input
from flows.workers import run_in_worker
from tasks.match.assign import Assignment, decide_all
from tasks.match.duplicates import SourceGroups
from tasks.match.index_update import SourceChange
from tasks.match.pair_scores import PairScore
from tasks.match.reached import Reached
from tasks.match.reuse import Decided
from tasks.match.shards import MatchShard, decide_shard, decide_shard_with
from tasks.match.thresholds import Thresholds
from tasks.models import (
    FeedSplit,
    InputFile,
    Match,
    ParsedDocument,
    Rejection,
    RunSummary,
)
from tasks.output.cache import add_parses, prune_cache
from tasks.output.cache_read import load_cached_refs
from tasks.output.decisions import Decisions, load_decisions, save_decisions
from tasks.output.index_file import stored_match_index, update_stored_index
from tasks.output.line_map import NewLines
from tasks.output.record_lines import save_line_map
from tasks.output.scores_file import save_scores
from tasks.output.stamps import Stamps
from tasks.output.stamps_file import save_stamps
from tasks.output.write import write_outputs
from tasks.pipeline import ShardResult, ShardWork, process_shard
from tasks.records.records import Planned, plan_records
from tasks.refs import DocumentRef


@stage_task("discover")
def discover_task(root: str, out: str, options: IngestOptions) -> Walk:
    return walk_input(Path(root), Path(out), options)


@stage_task("files")
def files_task(work: ShardWork) -> ShardResult:
    """Read, decode, clean and parse one shard (in a worker process when there are any)."""
    return run_in_worker(process_shard, work)


@stage_task("load_cache", io=True)
def load_cached_refs_task(
    out: str, fingerprint: str, today: dt.date
) -> Sealed[dict[str, DocumentRef]]:
    return Sealed(load_cached_refs(Path(out), fingerprint, today))


@stage_task("save_stamps", io=True)
def save_stamps_task(
    out: str,
    taken_ns: int,
    files: list[InputFile],
    read: list[InputFile],
    hashes: dict[str, str],
    vouched: dict[str, str],
    recorded: Stamps | None,
    splits: dict[str, FeedSplit],
) -> None:
    save_stamps(Path(out), taken_ns, files, read, hashes, vouched, recorded, splits)


@stage_task("save_parses", io=True)
def add_parses_task(
    out: str, fingerprint: str, parsed: list[ParsedDocument], held: bool
) -> Sealed[list[DocumentRef]]:
    return Sealed(add_parses(Path(out), fingerprint, parsed, held))


@stage_task("save_cache", io=True)
def prune_cache_task(out: str, fingerprint: str, kept: set[str]) -> None:
    prune_cache(Path(out), fingerprint, kept)


@stage_task("load_decisions", io=True)
def load_decisions_task(out: str, fingerprint: str) -> Decisions | None:
    return load_decisions(Path(out), fingerprint)


@stage_task("save_decisions", io=True)
def save_decisions_task(
    out: str,
    fingerprint: str,
    sources: dict[str, str],
    decided: list[Decided],
    loaded: Decisions | None,
) -> None:
    save_decisions(Path(out), fingerprint, sources, decided, loaded)


@stage_task("save_scores", io=True)
def save_scores_task(
    out: str, fingerprint: str, kept: Iterable[str], made: Iterable[tuple[str, PairScore]]
) -> None:
    save_scores(Path(out), fingerprint, kept, made)


@stage_task("update_index", io=True)
def update_index_task(
    out: str, sources: Sequence[DocumentRef], track: bool, journal: bool
) -> SourceChange:
    return update_stored_index(Path(out), sources, track, journal)


@stage_task("match")
def match_task(
    out: str,
    fingerprint: str,
    variants: Sequence[DocumentRef],
    thresholds: Thresholds,
    reached: dict[str, Reached],
) -> Assignment:
    """Decide the variants here, against OUT's stored index, reading their texts from the
    parse cache (and the pair scores kept under the decisions' `fingerprint`); those
    `reached` names are not looked up (tasks/match/reached.py)."""
    with stored_match_index(Path(out), fingerprint) as index:
        texts = (index.text(variant.path, variant.sha256) for variant in variants)
        return decide_all(index, texts, thresholds, reached=reached)


@stage_task("match")
def match_shard_task(shard: MatchShard) -> Assignment:
    """Decide one shard of variants, in a worker process that holds the match index."""
    return run_in_worker(decide_shard, shard)


@stage_task("match")
def match_scattered_shard_task(packed_sources: bytes, shard: MatchShard) -> Assignment:
    """The same on a Dask worker, to which the sources were scattered once."""
    return decide_shard_with(packed_sources, shard)


@stage_task("build_records")
def plan_records_task(
    groups: SourceGroups, variants: Sequence[DocumentRef], matches: Sequence[Match]
) -> Sealed[list[Planned]]:
    return Sealed(plan_records(groups, variants, matches))


@stage_task("write", io=True)
def write_task(
    out: str,
    articles: Iterable[bytes],
    rejected: list[Rejection],
    ledger: Iterable[bytes],
    summary: RunSummary,
    state: str,
    parquet: bool,
) -> RunSummary:
    return write_outputs(Path(out), articles, rejected, ledger, summary, state, parquet)


@stage_task("save_line_map", io=True)
def save_line_map_task(out: str, lines: NewLines, sha256: str, salt: str) -> None:
    save_line_map(Path(out), lines, sha256, salt)
