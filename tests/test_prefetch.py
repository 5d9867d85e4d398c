"""The CLI reads the parse cache's refs and the last run's decisions, and checks OUT's
articles.jsonl against its map, while it waits (flows/prefetch.py): the flow takes them when
they were made for its run, else makes them itself; either way its output is a fresh run's.
A read not taken is stopped."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import pytest

from flows.cache_keys import CacheKeys
from flows.checked_meanwhile import checked_meanwhile
from flows.ingest import ingest_flow
from flows.options import IngestOptions
from flows.prefetch import needed, prefetching, take_checked_lines, take_decisions, take_refs
from flows.up_to_date import withdrawn_after
from tasks.output.cache_read import load_cached_refs
from tasks.output.decisions import load_decisions
from tasks.output.paths import ARTICLES
from tasks.output.record_lines import checked_lines
from tasks.output.stoppable import LoadStopped
from tests.conftest import TODAY
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.helpers import snapshot

OPTIONS = IngestOptions(today=TODAY)
STORY = paragraphs(1)
FILES = {
    "a.txt": source_text(STORY, "2025-03-01"),
    "b.txt": variant_text(STORY[:2]),
    "c.txt": source_text(paragraphs(3), "2025-03-02"),
}
LATER = {
    "d.txt": source_text(STORY + paragraphs(5)[:1], "2025-03-03"),
    "e.txt": variant_text(STORY[1:]),
}


def _never(*arguments: Any) -> Any:
    raise AssertionError("read by the flow: what was read before it was not taken")


def _ingested(tmp_path: Path) -> tuple[Path, Path]:
    """INPUT after one run and a second batch, and the run's OUT."""
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    ingest_flow(str(folder), str(out), OPTIONS)
    write(folder, LATER)
    return folder, out


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _prefetch_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "copydesk-prefetch"]


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server", "settled")
def test_the_flow_takes_what_was_read_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, out = _ingested(tmp_path)
    monkeypatch.setattr("flows.files.load_cached_refs_task", _never)
    monkeypatch.setattr("flows.matching.load_decisions_task", _never)
    with prefetching(out, OPTIONS, stale=True):
        ingest_flow(str(folder), str(out), OPTIONS)
    monkeypatch.undo()
    assert not _prefetch_threads()
    ingest_flow(str(folder), str(tmp_path / "fresh"), OPTIONS)
    assert snapshot(out) == snapshot(tmp_path / "fresh")


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server", "settled")
def test_what_was_read_for_other_options_is_left(tmp_path: Path) -> None:
    """Read with other parse options (another fingerprint), the refs and decisions are not
    the run's: the flow reads its own, and writes what a fresh run writes."""
    folder, out = _ingested(tmp_path)
    other = IngestOptions(today=TODAY, max_bytes=OPTIONS.max_bytes + 1)
    with prefetching(out, other, stale=True):
        ingest_flow(str(folder), str(out), OPTIONS)
        assert take_refs(str(out), CacheKeys.of(other).parses, TODAY) is not None
        assert take_decisions(str(out), CacheKeys.of(other).decisions) is not None
    ingest_flow(str(folder), str(tmp_path / "fresh"), OPTIONS)
    assert snapshot(out) == snapshot(tmp_path / "fresh")


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server", "settled")
def test_each_read_is_taken_once_and_as_the_flow_would_read_it(tmp_path: Path) -> None:
    _, out = _ingested(tmp_path)
    keys = CacheKeys.of(OPTIONS)
    with prefetching(out, OPTIONS, stale=False):
        needed()  # as the flow says once its child found OUT stale
        refs = take_refs(str(out), keys.parses, keys.today)
        decisions = take_decisions(str(out), keys.decisions)
        lines = take_checked_lines(str(out), keys.lines)
        again = (
            take_refs(str(out), keys.parses, keys.today),
            take_decisions(str(out), keys.decisions),
            take_checked_lines(str(out), keys.lines),
        )
    assert refs == load_cached_refs(out, keys.parses, keys.today) and len(refs) == 3
    assert decisions is not None and decisions.value is not None and decisions.value.decided
    loaded = load_decisions(out, keys.decisions)
    assert loaded is not None and decisions.value.decided == loaded.decided
    checked = checked_lines(out, keys.lines)
    assert lines is not None and checked is not None and lines.stamp == checked.stamp
    assert lines.lines.sha256 == checked.lines.sha256 == sha256_of(out / ARTICLES)
    assert again == (None, None, None)
    assert take_refs(str(out), keys.parses, keys.today) is None  # none left past the block


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server", "settled")
def test_a_child_that_fails_leaves_the_reads_to_the_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that fails never says OUT is stale: the flow walks and reads for itself (it
    must not wait for reads that never begin), and writes what a fresh run writes."""
    folder, out = _ingested(tmp_path)

    def failing(*_: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("flows.checked_meanwhile.walk_input", failing)
    done: list[bool] = []

    def run() -> None:
        with withdrawn_after(), prefetching(out, OPTIONS, stale=False):
            with checked_meanwhile(folder, out, OPTIONS):
                pass
            ingest_flow(str(folder), str(out), OPTIONS)
            done.append(True)

    flow = threading.Thread(target=run, daemon=True)
    flow.start()
    flow.join(120)
    assert done == [True]
    ingest_flow(str(folder), str(tmp_path / "fresh"), OPTIONS)
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_a_read_that_fails_is_left_to_the_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*arguments: Any) -> Any:
        raise OSError("disk on fire")

    monkeypatch.setattr("flows.prefetch.load_cached_refs", failing)
    keys = CacheKeys.of(OPTIONS)
    with prefetching(tmp_path, OPTIONS, stale=True):
        assert take_refs(str(tmp_path), keys.parses, keys.today) is None
        fetched = take_decisions(str(tmp_path), keys.decisions)  # none there: an answer
    assert fetched is not None and fetched.value is None


def test_a_read_not_taken_is_stopped_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that found OUT current takes nothing: the thread stops at once, not after
    reading a cache."""
    started, stops = threading.Event(), []

    def waiting(out: Path, fingerprint: str, today: object, stop: threading.Event) -> Any:
        started.set()
        stops.append(stop.wait(30))
        raise LoadStopped

    monkeypatch.setattr("flows.prefetch.load_cached_refs", waiting)
    with prefetching(tmp_path, OPTIONS, stale=True):
        assert started.wait(30)
    assert stops == [True] and not _prefetch_threads()


def test_nothing_is_read_before_the_run_is_known_to_need_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before OUT is known to be stale, nothing is made or read: a current OUT's run takes
    nothing, and pays nothing for the reads (nor for their keys)."""
    read: list[str] = []
    began = threading.Event()
    keys = CacheKeys.of(OPTIONS)

    class Keys:
        @staticmethod
        def of(options: IngestOptions) -> CacheKeys:
            read.append("keys")
            began.set()
            return keys

    def refs(*arguments: Any) -> dict[str, Any]:
        read.append("refs")
        return {}

    def decisions(*arguments: Any) -> None:
        read.append("decisions")

    monkeypatch.setattr("flows.prefetch.CacheKeys", Keys)
    monkeypatch.setattr("flows.prefetch.load_cached_refs", refs)
    monkeypatch.setattr("flows.prefetch.load_decisions", decisions)
    with prefetching(tmp_path, OPTIONS, stale=False):
        assert not began.wait(0.3)
    assert read == []
    with prefetching(tmp_path, OPTIONS, stale=False):
        needed()
        assert take_refs(str(tmp_path), keys.parses, keys.today) == {}
        assert take_decisions(str(tmp_path), keys.decisions) is not None
    assert read == ["keys", "refs", "decisions"]


def test_keys_that_fail_leave_the_reads_to_the_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = CacheKeys.of(OPTIONS)

    class Keys:
        @staticmethod
        def of(options: IngestOptions) -> CacheKeys:
            raise ValueError("no keys")

    monkeypatch.setattr("flows.prefetch.CacheKeys", Keys)
    with prefetching(tmp_path, OPTIONS, stale=True):
        assert take_refs(str(tmp_path), keys.parses, keys.today) is None
        assert take_decisions(str(tmp_path), keys.decisions) is None


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server", "settled")
def test_a_stopped_read_ends(tmp_path: Path) -> None:
    _, out = _ingested(tmp_path)
    keys, stop = CacheKeys.of(OPTIONS), threading.Event()
    stop.set()
    with pytest.raises(LoadStopped):
        load_cached_refs(out, keys.parses, keys.today, stop)
    with pytest.raises(LoadStopped):
        load_decisions(out, keys.decisions, stop)
