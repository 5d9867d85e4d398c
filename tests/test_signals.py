"""Real `copydesk ingest` processes stopped from outside: by a signal to their whole process
group (a terminal's Ctrl-C, `kill -- -PGID`), by `timeout`, by SIGKILL. Each stops within
seconds with one line and the signal's exit code, leaves the output folder as it was, and
leaves no Prefect server behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.interrupts import message
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.processes import alive, pool_workers, private_server, using_home

pytestmark = pytest.mark.flow  # real CLI processes, each with its Prefect server

COPYDESK = str(Path(sys.executable).with_name("copydesk"))
STOP_SECONDS = 10.0  # what "within seconds" means here, on a loaded 2-core machine


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4,000 files: a run that is still matching seconds after its per-file stages."""
    folder = tmp_path_factory.mktemp("big") / "in"
    files = {}
    for number in range(2000):
        body = paragraphs(number, 6)
        files[f"s{number:04}.txt"] = source_text(body, "2025-05-15")
        files[f"v{number:04}.txt"] = variant_text(body[1:])
    write(folder, files)
    return folder


def environment(home: Path) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return {**kept, "PREFECT_HOME": str(home)}


def start(command: list[str], home: Path) -> subprocess.Popen[str]:
    """A process in a session and process group of its own, as a shell job is."""
    return subprocess.Popen(
        command,
        env=environment(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_line(process: subprocess.Popen[str], start: str) -> list[str]:
    """stderr lines up to the first that starts with `start` (progress: one per stage)."""
    assert process.stderr is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith(start):
        line = process.stderr.readline()
        assert line, f"ended before {start!r}: {lines}"
        lines.append(line)
    return lines


def files_of(out: Path) -> dict[str, bytes]:
    """The output folder as a reader sees it (copydesk's working folder aside)."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and ".copydesk" not in path.parts
    }


def assert_nothing_left(home: Path) -> None:
    deadline = time.monotonic() + 5
    while using_home(home):
        assert time.monotonic() < deadline, f"left running: {using_home(home)}"
        time.sleep(0.2)


@pytest.mark.parametrize(
    ("signum", "runner"),
    [(signal.SIGINT, []), (signal.SIGTERM, []), (signal.SIGINT, ["--runner", "dask"])],
)
def test_a_signal_to_the_process_group_stops_the_run_at_once(
    big_input: Path, tmp_path: Path, signum: signal.Signals, runner: list[str]
) -> None:
    """Mid-run, the whole group is signalled (the Prefect server was in it, and its death
    used to leave the run retrying its events for minutes; Dask's workers printed their
    own tracebacks)."""
    out, home = tmp_path / "out", tmp_path / "prefect"
    write(out, {"notes.txt": "the user's own file\n"})
    before = files_of(out)
    running = start([COPYDESK, "ingest", str(big_input), "--out", str(out), *runner], home)
    wait_for_line(running, "copydesk: files")
    os.killpg(running.pid, signum)
    sent = time.monotonic()
    _, rest = running.communicate(timeout=60)
    assert time.monotonic() - sent < STOP_SECONDS
    assert running.returncode == 128 + signum
    assert rest.splitlines()[-1] == message(signum), rest
    assert "Traceback" not in rest
    assert files_of(out) == before
    assert_nothing_left(home)


def test_timeout_stops_the_run_while_prefect_starts(tmp_path: Path) -> None:
    """`timeout` signals its whole process group; here while the server is starting."""
    home = tmp_path / "prefect"
    command = ["timeout", "--preserve-status", "-s", "TERM", "2", COPYDESK, "ingest"]
    running = start([*command, str(tmp_path), "--out", str(tmp_path / "out")], home)
    _, stderr = running.communicate(timeout=60)
    assert running.returncode == 128 + signal.SIGTERM
    assert stderr == message(signal.SIGTERM) + "\n"
    assert_nothing_left(home)


def test_a_killed_run_takes_its_server_with_it(big_input: Path, tmp_path: Path) -> None:
    home = tmp_path / "prefect"
    running = start([COPYDESK, "ingest", str(big_input), "--out", str(tmp_path / "out")], home)
    wait_for_line(running, "copydesk: discover")
    server = private_server(running.pid)
    running.send_signal(signal.SIGKILL)
    running.communicate(timeout=30)
    deadline = time.monotonic() + STOP_SECONDS
    while alive(server):
        assert time.monotonic() < deadline, "the Prefect server outlived the run"
        time.sleep(0.2)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_run_signalled_alone_takes_its_worker_processes_with_it(
    big_input: Path, tmp_path: Path, signum: signal.Signals
) -> None:
    """`kill PID` reaches the main process only, while its pool works: the pool's workers,
    which wait for work, and their forkserver used to stay alive for good."""
    home = tmp_path / "prefect"
    running = start([COPYDESK, "ingest", str(big_input), "--out", str(tmp_path / "out")], home)
    deadline = time.monotonic() + 60
    while len(pool_workers(home)) < 2:  # the forkserver and a worker
        assert running.poll() is None and time.monotonic() < deadline, "no pool was started"
        time.sleep(0.02)
    running.send_signal(signum)
    running.communicate(timeout=30)
    assert running.returncode == -signal.SIGKILL if signum == signal.SIGKILL else 128 + signum
    assert_nothing_left(home)


def test_signals_in_quick_succession_end_the_run_at_once(big_input: Path, tmp_path: Path) -> None:
    """Three Ctrl-C 0.1 s apart: the third used to wait on the second's exit forever."""
    out, home = tmp_path / "out", tmp_path / "prefect"
    running = start([COPYDESK, "ingest", str(big_input), "--out", str(out)], home)
    wait_for_line(running, "copydesk: files")
    sent = time.monotonic()
    for _ in range(3):
        os.killpg(running.pid, signal.SIGINT)
        time.sleep(0.1)
    _, rest = running.communicate(timeout=60)
    assert time.monotonic() - sent < STOP_SECONDS
    assert running.returncode == 128 + signal.SIGINT
    assert message(signal.SIGINT) in rest and "Traceback" not in rest
    assert_nothing_left(home)
