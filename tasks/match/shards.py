"""Matching in worker processes: each opens the index once, then decides shards of variants.

Each variant's decision depends only on the sources and on that variant (assign.py), so the
variants can be split across processes. A local pool's workers open the run's stored index
and parse cache read-only (tasks/output/index_file.py): nothing is built or shipped. Dask's
workers, which need not see the output folder, get the sources once as one pickle (made once,
scattered) and index them in memory. The decisions, put back in variant order, are the
ones one process would make. Starting workers (and, on Dask, shipping the sources) costs
something, deciding costs more per variant: `worth_sharding` weighs the two.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tasks.match.assign import Assignment, decide_all
from tasks.match.match_index import MatchIndex, index_in_memory
from tasks.match.reached import Reached
from tasks.match.score import SourceText, Text
from tasks.match.thresholds import CANDIDATES, Thresholds

# Measured on the 23,395-file scale corpus (20,851 sources, 2,127 variants, one process):
# shipping the sources (pickling, sending, unpickling their `SourceText`) costs about 0.01 ms
# per source, deciding a variant about 2 ms, and starting the worker processes about half a
# second.
SHIP_SECONDS_PER_SOURCE = 0.00001
DECIDE_SECONDS_PER_VARIANT = 0.002
START_SECONDS = 0.5

_installed: dict[str, MatchIndex] = {}  # this process's index, by the key of its sources
_openers: dict[str, Callable[[], MatchIndex]] = {}  # how a local worker opens it (again)


@dataclass(frozen=True)
class MatchShard:
    """Variants to decide: by path and SHA-256, their texts read where the index is (from
    the parse cache), unless `texts` ships them (to Dask's workers). A local worker that
    read the stored index before the run updated it follows the update to `version` (by
    its `journal`, pickled once for all the shards: tasks/match/index_journal.py)."""

    key: str  # names the sources of this run (one index per process and key)
    variants: Sequence[tuple[str, str]]
    thresholds: Thresholds
    candidates: int = CANDIDATES
    texts: Sequence[SourceText] | None = None
    reached: dict[str, Reached] | None = None  # variants not looked up (reached.py)
    version: str | None = None
    journal: bytes | None = None


def worth_sharding(shipped: int, variants: int, workers: int) -> bool:
    """Whether deciding the variants in `workers` processes saves more than starting them and
    shipping `shipped` sources to each costs.

    >>> worth_sharding(0, 2_127, 2), worth_sharding(0, 150, 2)
    (True, False)
    >>> worth_sharding(1_000_000, 1_000, 2), worth_sharding(0, 5_000, 1)
    (False, False)
    """
    if workers < 2:
        return False
    saved = variants * DECIDE_SECONDS_PER_VARIANT * (1 - 1 / workers)
    return saved > shipped * SHIP_SECONDS_PER_SOURCE + START_SECONDS


def pack_sources(sources: Iterable[tuple[str, str, Text]]) -> bytes:
    """The sources (path, SHA-256, text) as one pickle of what matching reads, made once
    and copied to every Dask worker."""
    slim = [(path, sha, text.title, text.body) for path, sha, text in sources]
    return pickle.dumps(slim, protocol=pickle.HIGHEST_PROTOCOL)


def install_index(key: str, packed: bytes) -> None:
    """On a Dask worker: index `pack_sources`' bytes in this process's memory."""
    sources = [(path, sha, SourceText(path, title, body))
               for path, sha, title, body in pickle.loads(packed)]  # fmt: skip
    install(key, index_in_memory(sources))


def install(
    key: str, index: MatchIndex | None, opener: Callable[[], MatchIndex] | None = None
) -> None:
    """Make `index` this process's, under `key`; `opener` opens it again when a shard
    needs a later version of the stored index, or none could be read yet (None)."""
    for replaced in _installed.values():  # one run's index per process: another run's goes
        replaced.close()
    _installed.clear()
    _openers.clear()
    if index is not None:
        _installed[key] = index
    if opener is not None:
        _openers[key] = opener


def decide_shard(shard: MatchShard) -> Assignment:
    """Decide a shard of variants against the index installed in this process."""
    index = _installed.get(shard.key)
    if index is None or (shard.version is not None and index.version != shard.version):
        index = _followed(shard, index)
    if index is None:
        raise RuntimeError("no match index in this process: none was installed")
    texts: Iterable[Text] = shard.texts or (index.text(*key) for key in shard.variants)
    return decide_all(index, texts, shard.thresholds, shard.candidates, shard.reached)


def _followed(shard: MatchShard, index: MatchIndex | None) -> MatchIndex | None:
    """This process's index as the run's update left it (`shard.version`): by the update's
    journal when `index` holds the version it started from, else opened again (a worker
    started before the update that read another version, or could not read it: none yet,
    or a damaged one the update made again)."""
    version, journal = shard.version, shard.journal
    if (
        index is not None
        and version is not None
        and journal is not None
        and index.follow(pickle.loads(journal), version)
    ):
        return index
    opener = _openers.get(shard.key)
    if opener is None:
        return index
    install(shard.key, opener(), opener)
    return _installed[shard.key]


def decide_shard_with(packed: bytes, shard: MatchShard) -> Assignment:
    """On a Dask worker, to which `pack_sources`' bytes were scattered and come with every
    shard: the index is built on the first shard of a run and kept for the next ones."""
    if shard.key not in _installed:
        install_index(shard.key, packed)  # replaces another run's
    return decide_shard(shard)
