"""Shards of documents, and applying a per-document step to a shard without failing it.

Prefect tasks work on shards (hundreds of documents), never on single files: thousands of
tiny task runs would swamp the orchestration server. A bad document must not fail its shard,
so each step's `RejectedError` (or any unexpected exception) becomes a `Rejection` and the
shard goes on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

from tasks.errors import RejectedError
from tasks.models import Rejection, RejectReason

Out = TypeVar("Out")


def attempt(path: str, step: Callable[[], Out]) -> Out | Rejection:
    """`step()`, or the rejection of document `path` when it fails: with the step's own
    reason (`RejectedError`), or as `internal_error` (a bug must cost one document, not the
    run). The one place where an exception becomes a rejection.

    >>> attempt("a.txt", lambda: 1 / 0).detail
    'ZeroDivisionError: division by zero'
    """
    try:
        return step()
    except RejectedError as error:
        return Rejection(path=path, reason=error.reason, detail=error.detail)
    except Exception as error:
        detail = f"{type(error).__name__}: {error}"
        return Rejection(path=path, reason=RejectReason.INTERNAL_ERROR, detail=detail)


SHARDS_PER_WORKER = 4  # a few tasks per worker: balanced, and progress to show
# A shard is a task run or two, each 20-27 ms of CPU against a Prefect server (most of it the
# server's, on the same cores): a worker takes fewer shards when each would hold less work.
MIN_SHARD_SECONDS = 0.75


def shard_count(items: int, workers: int, seconds_per_item: float) -> int:
    """How many shards `items` make on `workers`: `SHARDS_PER_WORKER` each, fewer when each
    would hold less than `MIN_SHARD_SECONDS` of work, at least one each.

    >>> shard_count(22_639, 2, 0.0025), shard_count(1_170, 2, 0.0025), shard_count(993, 2, 0.002)
    (8, 2, 2)
    """
    least = max(round(MIN_SHARD_SECONDS / seconds_per_item), 1)
    return workers * min(max(items // (workers * least), 1), SHARDS_PER_WORKER)


def items_per_shard(items: int, workers: int, seconds_per_item: float) -> int:
    """How many of `items` a shard holds when they make `shard_count` shards.

    >>> items_per_shard(1_170, 2, 0.0025), items_per_shard(5, 2, 0.0025)
    (585, 3)
    """
    return math.ceil(items / shard_count(items, workers, seconds_per_item))


T = TypeVar("T")


def dealt(items: Sequence[T], count: int) -> list[list[T]]:
    """`items` dealt into `count` shards in turn, as cards are (fewer when there are fewer
    items): what is costly to process clusters in input order (a run's new files are a new
    folder's, and each is decided afresh while the rest reuse earlier work), and dealt
    shards get the same mix of it, so that workers finish together: the two shards of a
    +1 % run's 993 variants to decide, on two workers, ended 0.53 / 0.11 / 0.41 / 0.15 s
    apart when cut in consecutive runs, 0.10 / 0.04 / 0.08 / 0.17 s apart when dealt.

    >>> dealt([1, 2, 3, 4, 5], 2)
    [[1, 3, 5], [2, 4]]
    >>> dealt([1], 3)
    [[1]]
    >>> dealt([1], 0)
    Traceback (most recent call last):
    ValueError: shard count must be at least 1, got 0
    """
    if count < 1:
        raise ValueError(f"shard count must be at least 1, got {count}")
    return [list(items[start::count]) for start in range(min(count, len(items)))]


def shard(items: Sequence[T], size: int) -> list[list[T]]:
    """Split `items` into consecutive shards of at most `size`, keeping order.

    >>> shard([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    >>> shard([], 3)
    []
    """
    if size < 1:
        raise ValueError(f"shard size must be at least 1, got {size}")
    return [list(items[start : start + size]) for start in range(0, len(items), size)]
