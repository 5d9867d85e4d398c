"""The one way copydesk turns a plain stage function into a Prefect task.

Stage inputs are shards of documents: hashing them for Prefect's cache would cost more than
the work, and persisting them would write every article to Prefect's result store, so tasks
neither cache nor persist. IO stages retry, because a network share or a busy disk fails
transiently, but only on an error that can pass (`worth_retrying`); pure stages never
retry, because rerunning a deterministic function cannot help.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar, cast

from prefect import Task, task
from prefect.cache_policies import NONE
from prefect.client.schemas.objects import State, TaskRun
from prefect.utilities.annotations import quote

from tasks.errors import PERMANENT_ERRNOS, TransientError

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

IO_RETRIES = 3
IO_RETRY_DELAY_SECONDS = 1.0


def stage_task(name: str, *, io: bool = False) -> Callable[[Callable[P, R]], Task[P, R]]:
    """Wrap a stage function as a Prefect task; `io=True` adds retries."""
    return task(
        name=name,
        cache_policy=NONE,
        persist_result=False,
        retries=IO_RETRIES if io else 0,
        retry_delay_seconds=IO_RETRY_DELAY_SECONDS if io else 0,
        retry_condition_fn=worth_retrying,
    )


def worth_retrying(task: Task[..., Any], run: TaskRun, state: State[Any]) -> bool:
    """Whether a failed IO task may succeed if run again: an IO error that can pass (a
    network share's hiccup, a full disk being cleaned), never a bug or a deterministic
    error (a `RecursionError` fails the same way three more times, only later).

    >>> from prefect.states import Failed
    >>> [worth_retrying(None, None, Failed(data=error)) for error in (
    ...     TransientError("EIO"), OSError(5, "EIO"), PermissionError(13, "no"), RecursionError())]
    [True, True, False, False]
    """
    error = state.data
    if isinstance(error, OSError):
        return error.errno not in PERMANENT_ERRNOS
    return isinstance(error, TransientError)


class _Quote(quote):
    """Prefect's `quote`, able to cross to another process.

    With a Dask task runner, task arguments are pickled to the worker processes. Prefect
    3.8.8's `quote` pickles as a one-element tuple of its value, so the task would receive
    `(value,)`; saying how to rebuild it (`__getnewargs__`) fixes that.

    >>> import pickle
    >>> pickle.loads(pickle.dumps(_Quote([1, 2]))).unquote()
    [1, 2]
    """

    __slots__ = ()

    def __getnewargs__(self) -> tuple[object]:
        return (self.unquote(),)


def opaque(value: T) -> T:
    """Hand `value` to a task without Prefect walking it.

    Before a task runs, Prefect visits every element of its arguments looking for futures to
    resolve; for a shard of documents that is thousands of pydantic models. `quote` skips the
    walk and Prefect unwraps it before the call, so the task receives `value` itself (hence
    the cast).
    """
    return cast(T, _Quote(value))


class Sealed(Generic[T]):
    """A task's result that Prefect does not walk (the caller takes `value`).

    Prefect 3.8.8 records every element of a task's result, one level deep, in the flow
    run's `run_results` (to link later tasks to it) and keeps them for the whole flow run:
    returning the refs of 118,145 documents cost 0.8 s there, and a million entries would
    stay in memory to the end. A sealed result is one object to it.
    """

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value
