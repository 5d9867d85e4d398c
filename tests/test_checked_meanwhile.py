"""With a configured server, the CLI walks INPUT and checks OUT in a child process while it
imports Prefect (flows/checked_meanwhile.py): the flow run then returns the summary the
child found, or takes its walk over; a child that fails or is cut short changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from flows.checked_meanwhile import _Checking, checked_meanwhile
from flows.ingest import ingest_flow
from flows.options import IngestOptions
from flows.up_to_date import (
    Pending,
    Walk,
    handed_over,
    offer,
    offered_files,
    walk_input,
    withdrawn_after,
)
from tasks.models import RunSummary
from tests.conftest import SEEDS, TODAY
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.helpers import ingest_twice

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server", "settled")]
OPTIONS = IngestOptions(today=TODAY)
FILES = {
    "a.txt": source_text(paragraphs(1), "2025-03-01"),
    "b.txt": variant_text(paragraphs(1)[:2]),
}


@pytest.fixture(autouse=True)
def withdrawn() -> Iterator[None]:
    with withdrawn_after():
        yield


@pytest.fixture
def walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Waits until the child has walked INPUT (it then checks OUT and sends its finding)."""
    marker = tmp_path / "walked"

    def walk_and_mark(*arguments: Any) -> Walk:
        walk = walk_input(*arguments)
        marker.touch()
        return walk

    monkeypatch.setattr("flows.checked_meanwhile.walk_input", walk_and_mark)

    def wait() -> None:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        marker.unlink()

    return wait


def test_the_flow_returns_what_the_child_found(
    tmp_path: Path, reads: list[str], walked: Callable[[], None]
) -> None:
    """The flow run takes the child's finding over, as of the check: a file landing after
    it waits for the next run, as one landing after a walk does."""
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    first = ingest_flow(str(folder), str(out), OPTIONS)
    with checked_meanwhile(folder, out, OPTIONS):
        pass
    assert offered_files() == 0  # on its way: the flow run takes it when it needs it
    walked()
    write(folder, {"c.txt": variant_text(paragraphs(1)[1:])})
    reads.clear()
    found = ingest_flow(str(folder), str(out), OPTIONS)
    assert (found.unchanged, found.inputs, found.records, reads) == (True, 2, first.records, [])
    assert handed_over(folder, out, OPTIONS) is None  # taken once: the next run walks
    assert ingest_flow(str(folder), str(out), OPTIONS).inputs == 3


def test_the_flow_takes_the_childs_walk_over_when_out_is_stale(
    tmp_path: Path, walked: Callable[[], None]
) -> None:
    """The child's walk is not made again: the flow works on INPUT as the child found it
    (the walk that found OUT stale), and ends as a fresh run over those files."""
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    with checked_meanwhile(folder, out, OPTIONS):  # no output yet
        pass
    walked()
    write(folder, {"c.txt": variant_text(paragraphs(1)[1:])})
    assert ingest_flow(str(folder), str(out), OPTIONS).inputs == 2
    with checked_meanwhile(folder, out, OPTIONS.model_copy(update={"threshold": 60})):
        pass
    walked()
    taken = ingest_flow(str(folder), str(out), OPTIONS.model_copy(update={"threshold": 60}))
    assert (taken.inputs, taken.not_read) == (3, 2)  # c.txt is read: it is new


def test_a_child_that_fails_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Silently: the flow walks again, and its walk reports the error."""

    def failing(*_: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("flows.checked_meanwhile.walk_input", failing)
    with checked_meanwhile(tmp_path, tmp_path / "out", OPTIONS):
        pass
    found = handed_over(tmp_path, tmp_path / "out", OPTIONS)
    assert isinstance(found, Pending) and found.result() is None
    assert capfd.readouterr() == ("", "")


@pytest.fixture
def slow_children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children forked in the test, each walking for a minute."""
    children: list[int] = []
    fork = os.fork

    def recorded_fork() -> int:
        pid = fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded_fork)
    monkeypatch.setattr("flows.checked_meanwhile.walk_input", lambda *_: time.sleep(60))
    return children


def test_the_child_ends_with_the_block(tmp_path: Path, slow_children: list[int]) -> None:
    """Interrupted while Prefect imports, the CLI kills the child (here walking for a
    minute) and reaps it."""
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt), checked_meanwhile(tmp_path, tmp_path, OPTIONS):
        raise KeyboardInterrupt
    assert time.monotonic() - start < 10
    assert len(slow_children) == 1 and not Path(f"/proc/{slow_children[0]}").exists()
    assert handed_over(tmp_path, tmp_path, OPTIONS) is None


ENDING_CLI = """
import os, sys, time
from pathlib import Path
import flows.checked_meanwhile
from flows.options import IngestOptions
from tasks.models import RunSummary

flows.checked_meanwhile.walk_input = lambda *_: time.sleep(60)
fork = os.fork
def announced_fork():
    pid = fork()
    if pid:
        Path(sys.argv[2]).write_text(str(pid))
    return pid
os.fork = announced_fork
with flows.checked_meanwhile.checked_meanwhile(Path(sys.argv[1]), Path(sys.argv[1]), IngestOptions()):
    os._exit(130)  # as the CLI ends on a signal (flows/interrupts.py): no unwinding
"""


def test_the_child_ends_with_the_cli(tmp_path: Path) -> None:
    """Ended by a signal, the CLI exits at once, without unwinding: the child, walking for
    a minute, sees it go and ends too."""
    pid = tmp_path / "child.pid"
    ended = subprocess.run(  # no pipe: the child would hold it, and the wait with it
        [sys.executable, "-c", ENDING_CLI, str(tmp_path), str(pid)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=60,
    )
    assert ended.returncode == 130
    child = Path(f"/proc/{int(pid.read_text())}/stat")
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(stat: Path) -> bool:
    """Whether the process is running (an ended one may stay a zombie until reaped)."""
    try:
        return stat.read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def test_a_nothing_new_run_against_a_configured_server(tmp_path: Path) -> None:
    """The CLI as a scheduled user runs it against their server: each run is recorded there
    as a flow run, the second finds OUT current (in the child) and prints what a run with
    nothing new prints, and nothing else."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL

    out = tmp_path / "out"
    environment = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
    }
    runs = ingest_twice(SEEDS, out, environment)
    unchanged = "inputs     2\nrecords    1\nvariants   1\nrejected   0\nunchanged  2\n"
    assert [(run.returncode, run.stderr) for run in runs[1:]] == [(0, "")]
    assert runs[1].stdout == (
        f"copydesk ingest {SEEDS} -> {out}\n{unchanged}{out} is up to date: nothing written\n"
    )
    with get_client(sync_client=True) as client:
        latest = client.read_flow_runs(sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=10)
    recorded = [run for run in latest if run.parameters.get("out_dir") == str(out)]
    assert [run.state_name for run in recorded] == ["Completed", "Completed"]


def test_the_fork_server_starts_once_the_child_has_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI creates the flow run while the child walks; the flow starts the workers' fork
    server once it has the walk, with the number of files found (which decides whether
    workers will be used), and not at all when OUT is current."""
    from prefect.context import FlowRunContext
    from prefect.settings import PREFECT_API_URL

    from flows.cli import main

    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))  # the child checks

    warmed: list[tuple[int, bool]] = []
    monkeypatch.setattr(
        "flows.ingest.warm_up", lambda files: warmed.append((files, FlowRunContext.get() is None))
    )
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    assert main(["ingest", str(folder), "--out", str(out), "--quiet"]) == 0
    assert warmed and set(warmed) == {(2, False)}  # in the flow run (warm_up is idempotent)
    warmed.clear()
    assert main(["ingest", str(folder), "--out", str(out), "--quiet"]) == 0
    assert warmed == []  # OUT current: nothing to work on


def test_offered_files_counts_a_walk_made(tmp_path: Path) -> None:
    """A walk made in this process (a CLI run on its private server) is counted; a child's
    finding only once it is taken."""
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    assert offered_files() == 0  # nothing offered
    offer(walk_input(folder, out, OPTIONS), folder, out, OPTIONS)
    assert offered_files() == 2
    handed_over(folder, out, OPTIONS)
    assert offered_files() == 0
    with checked_meanwhile(folder, out, OPTIONS):
        pass
    assert offered_files() == 0


def test_a_finding_never_taken_ends_with_the_run(tmp_path: Path, slow_children: list[int]) -> None:
    """A flow run that fails before it takes the child's finding, or takes another's (other
    folders): the child, here walking for a minute, is killed and reaped at once."""
    start = time.monotonic()
    with withdrawn_after(), checked_meanwhile(tmp_path, tmp_path, OPTIONS):
        pass
    with checked_meanwhile(tmp_path, tmp_path, OPTIONS):
        pass
    assert handed_over(tmp_path / "other", tmp_path, OPTIONS) is None
    assert time.monotonic() - start < 10
    assert len(slow_children) == 2
    assert not any(Path(f"/proc/{child}").exists() for child in slow_children)


def test_the_child_says_first_whether_it_walked(tmp_path: Path) -> None:
    """Before its walk, the child sends whether OUT is current and, if not, how many files
    the walk holds: the run starts its workers, and the CLI's thread reads the parse cache's
    refs, meanwhile."""
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    with checked_meanwhile(folder, out, OPTIONS):  # no output yet
        pass
    found = handed_over(folder, out, OPTIONS)
    assert isinstance(found, Pending) and found.walked() == 2
    walk = found.result()
    assert isinstance(walk, Walk) and [file.path for file in walk.discovery.files] == [
        "a.txt",
        "b.txt",
    ]
    ingest_flow(str(folder), str(out), OPTIONS)
    with checked_meanwhile(folder, out, OPTIONS):
        pass
    found = handed_over(folder, out, OPTIONS)
    assert isinstance(found, Pending) and found.walked() is None
    summary = found.result()
    assert isinstance(summary, RunSummary) and summary.unchanged


def test_the_run_takes_the_cache_once_the_walk_crossed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parse cache's refs are asked for once, after the child's walk is taken (the
    CLI's thread reads them meanwhile, flows/prefetch.py); not at all when OUT is current."""
    import flows.files

    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, FILES)
    ingest_flow(str(folder), str(out), OPTIONS)
    write(folder, {"c.txt": variant_text(paragraphs(1)[1:])})
    steps: list[str] = []
    read, take = flows.files.cached_refs, _Checking.result

    def reading(*arguments: Any) -> Any:
        steps.append("refs")
        return read(*arguments)

    def taking(checking: _Checking) -> Any:
        steps.append("walk taken")
        return take(checking)

    monkeypatch.setattr("flows.files.cached_refs", reading)
    monkeypatch.setattr(_Checking, "result", taking)
    for expected in (["walk taken", "refs"], ["walk taken"]):  # OUT stale, then current
        with checked_meanwhile(folder, out, OPTIONS):
            pass
        steps.clear()
        ingest_flow(str(folder), str(out), OPTIONS)
        assert steps == expected
