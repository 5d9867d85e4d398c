"""Matching in worker processes: the index built once per worker, variants decided in shards.

Each variant's decision depends only on the sources and on that variant (assign.py), so the
variants can be split across processes: every worker gets the sources once (a local pool's
workers and Dask's as one pickle made once, scattered to Dask's), builds its own
`MatchIndex` and then decides whichever shards of variants it is handed. The decisions,
concatenated in shard order, are the ones one process would make. Shipping costs something
per source, deciding costs far more per variant: `worth_sharding` weighs the two.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tasks.match.assign import Assignment, MatchIndex, decide_all
from tasks.match.score import SourceText
from tasks.match.thresholds import CANDIDATES, Thresholds
from tasks.models import ParsedDocument
from tasks.output.cache import load_source_texts

# Measured on the 23,395-file scale corpus (20,851 sources, 2,127 variants, one process):
# shipping the sources (pickling, sending, unpickling their `SourceText`) costs about 0.01 ms
# per source, deciding a variant about 2 ms, and starting the worker processes about half a
# second. Each worker builds the index, as one process would: in parallel, it costs no wall
# time more.
SHIP_SECONDS_PER_SOURCE = 0.00001
DECIDE_SECONDS_PER_VARIANT = 0.002
START_SECONDS = 0.5

_installed: dict[str, MatchIndex] = {}  # this process's index, by the key of its sources


@dataclass(frozen=True)
class MatchShard:
    key: str  # names the sources of this run (one index per process and key)
    variants: Sequence[ParsedDocument]
    thresholds: Thresholds
    candidates: int = CANDIDATES


def worth_sharding(sources: int, variants: int, workers: int) -> bool:
    """Whether deciding the variants in `workers` processes saves more than shipping the
    sources to each costs.

    >>> worth_sharding(20_851, 2_127, 2), worth_sharding(20_851, 150, 2)
    (True, False)
    >>> worth_sharding(1_000_000, 1_000, 2), worth_sharding(100, 5_000, 1)
    (False, False)
    """
    if workers < 2:
        return False
    saved = variants * DECIDE_SECONDS_PER_VARIANT * (1 - 1 / workers)
    return saved > sources * SHIP_SECONDS_PER_SOURCE + START_SECONDS


def pack_sources(sources: Sequence[ParsedDocument]) -> bytes:
    """The sources as one pickle of what matching reads (`SourceText`), made once and copied
    to every worker."""
    slim = [(source.path, source.title, source.body) for source in sources]
    return pickle.dumps(slim, protocol=pickle.HIGHEST_PROTOCOL)


def install_index(key: str, packed: bytes) -> None:
    """On a Dask worker: build this process's index from `pack_sources`' bytes."""
    _install(key, [SourceText(*fields) for fields in pickle.loads(packed)])


def install_index_from_cache(key: str, cache: str, sources: list[tuple[str, str]]) -> None:
    """A local pool worker's initializer: build this process's index from the parse cache's
    texts of `sources` (path, SHA-256, in order): only their names cross the pipe."""
    _install(key, load_source_texts(Path(cache), sources))


def _install(key: str, sources: list[SourceText]) -> None:
    _installed.clear()  # one run's index per process: another run's is replaced
    _installed[key] = MatchIndex(sources)


def decide_shard(shard: MatchShard) -> Assignment:
    """Decide a shard of variants against the index installed in this process."""
    index = _installed.get(shard.key)
    if index is None:
        raise RuntimeError("no match index in this process: none was installed")
    return decide_all(index, shard.variants, shard.thresholds, shard.candidates)


def decide_shard_with(packed: bytes, shard: MatchShard) -> Assignment:
    """On a Dask worker, to which `pack_sources`' bytes were scattered and come with every
    shard: the index is built on the first shard of a run and kept for the next ones."""
    if shard.key not in _installed:
        install_index(shard.key, packed)  # replaces another run's
    return decide_shard(shard)
