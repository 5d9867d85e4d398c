"""The collector's pauses and settled objects (tasks/memory.py)."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from tasks import memory
from tasks.memory import paused_garbage_collection, release, settle, settling_scope


class Node:
    """An object that can be part of a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


def test_settled_objects_return_to_the_collector_when_the_run_ends() -> None:
    assert gc.get_freeze_count() == 0
    with settling_scope():
        first, second = Node(), Node()
        first.other, second.other = second, first  # a cycle: only the collector frees it
        settle()
        assert gc.get_freeze_count() > 0
        gone = weakref.ref(first)
        del first, second
        gc.collect()
        assert gone() is not None  # settled: the collector does not see it
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None  # the scope is over: collected as before


def test_only_the_outermost_scope_returns_them() -> None:
    with settling_scope():
        with settling_scope():
            settle()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_runs_in_two_threads_return_them_when_the_last_ends() -> None:
    entered, first_done = threading.Event(), threading.Event()
    settled_in_second: list[int] = []

    def second_run() -> None:
        with settling_scope():
            entered.set()
            first_done.wait(10)
            settle()
            settled_in_second.append(gc.get_freeze_count())

    thread = threading.Thread(target=second_run)
    with settling_scope():
        thread.start()
        assert entered.wait(10)
        settle()
    assert gc.get_freeze_count() > 0  # the second run still holds its scope
    first_done.set()
    thread.join(10)
    assert settled_in_second and settled_in_second[0] > 0
    assert gc.get_freeze_count() == 0


def test_nothing_is_settled_outside_a_run() -> None:
    settle()
    with paused_garbage_collection():
        kept = [Node() for _ in range(10)]
    assert gc.get_freeze_count() == 0
    assert gc.isenabled() and kept


def test_a_pause_in_a_run_settles_what_it_built() -> None:
    with settling_scope():
        with paused_garbage_collection():
            assert not gc.isenabled()
            built = [Node() for _ in range(10)]
        assert gc.isenabled() and gc.get_freeze_count() >= len(built)
    assert gc.get_freeze_count() == 0


def test_a_pause_keeps_the_collector_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with paused_garbage_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_pauses_in_two_threads_keep_the_collector_off_until_both_end() -> None:
    """The collector stays off until the last pause ends, whichever thread's it is (each
    pause restoring what it found left it on under the other's, or off for good)."""
    began, ended = threading.Event(), threading.Event()
    seen: list[bool] = []

    def other() -> None:
        with paused_garbage_collection():
            began.set()
            ended.wait(10)
            seen.append(gc.isenabled())

    thread = threading.Thread(target=other)
    with paused_garbage_collection():
        thread.start()
        assert began.wait(10)
    seen.append(gc.isenabled())  # the other thread's pause still runs
    ended.set()
    thread.join(10)
    assert seen == [False, False] and gc.isenabled()


def test_nested_pauses_and_a_failing_one_leave_the_collector_on() -> None:
    import tasks.memory

    with pytest.raises(ValueError), paused_garbage_collection():
        with paused_garbage_collection():
            pass
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled() and tasks.memory._pauses == 0


def _kept_threads() -> int:
    return sum(t.name == "copydesk-kept" and t.daemon for t in threading.enumerate())


@pytest.mark.parametrize("ending", [False, True])
def test_what_a_run_releases_is_kept_only_when_its_process_ends_after_it(
    ending: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Freed with the caller's last reference; when the process ends once its run is done,
    kept to the end by a thread of its own, not freed on the run's way out."""
    monkeypatch.setattr(memory, "_ending", threading.Event())
    if ending:
        memory.ending_after_run()
    threads, node = _kept_threads(), Node()
    left = weakref.ref(node)
    release([node])
    del node
    gc.collect()
    assert (left() is not None) == ending
    assert _kept_threads() - threads == ending
