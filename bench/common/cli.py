"""Run `copydesk` as a user would and measure it (for runners.py and incremental.py).

Each run waits for an idle machine, gets a fresh PREFECT_HOME (so each pays Prefect's
start-up, as a first run does) and `--json`, whose summary gives the stage seconds.
`os.wait4` on the CLI's pid gives its ru_maxrss, which on Linux covers the CLI and the
children it reaped (Prefect server, Dask workers): the largest single process, never a sum.
Every 0.2 s psutil sums the process tree's RSS (shared pages count once per process, so it
overstates a little) and notes each process's CPU time; the machine's other CPU use during
the run is reported as noise, and processes of the tree left running after it, as a leak.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psutil

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
COPYDESK = Path(sys.executable).with_name("copydesk")
NAMED = {
    "scale": REPO / "bench" / "work" / "matching" / "scale" / "corpus-100",
    "reuters": REPO / "bench" / "work" / "reuters" / "corpus",
}
SAMPLE_SECONDS = 0.2
MB = 1024 * 1024
MISSING_CORPORA_EXIT = 2
QUIET_CPU_SHARE, QUIET_WAIT_SECONDS = 0.1, 600  # before a run: others use < 10 % of a core


@dataclass(frozen=True)
class Measured:
    wall: float
    peak_mb: float  # wait4's ru_maxrss: the largest single process
    tree_peak_mb: float  # the largest sampled sum of RSS over the process tree
    summary: dict[str, Any]
    stderr: str
    code_changed: bool  # copydesk's source changed while it ran (another editor)
    cpu: float  # CPU seconds of the process tree (sampled)
    other_cpu: float  # CPU seconds the machine spent on anything else meanwhile (noise)
    left_running: list[str]  # processes of the tree alive after the CLI exited

    @property
    def stages(self) -> list[str]:
        return [str(timing["stage"]) for timing in self.summary["timings"]]

    def stage(self, name: str) -> float | None:
        found = [float(t["seconds"]) for t in self.summary["timings"] if t["stage"] == name]
        return sum(found) if found else None

    @property
    def outside(self) -> float:
        """Wall time outside the timed stages: start-up, Prefect, writing, shutdown."""
        return self.wall - sum(float(t["seconds"]) for t in self.summary["timings"])


def code_fingerprint() -> str:
    """SHA-256 over `tasks` and `flows` sources, as copydesk's parse cache computes it."""
    digest = hashlib.sha256()
    for package in ("tasks", "flows"):
        for path in sorted((REPO / package).rglob("*.py")):
            digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class _Tree:
    """Samples the CLI's process tree: peak summed RSS, and each process's own CPU time as
    last seen (a process's final < 0.2 s can escape; children the CLI never reaped do not,
    unlike with wait4's figures)."""

    def __init__(self, pid: int) -> None:
        self.root, self.peak = psutil.Process(pid), 0
        self.seen: dict[tuple[int, float], psutil.Process] = {}
        self.cpu: dict[tuple[int, float], float] = {}

    def sample(self, stop: threading.Event) -> None:
        while not stop.is_set():
            rss = 0
            with contextlib.suppress(psutil.NoSuchProcess):
                for process in [self.root, *self.root.children(recursive=True)]:
                    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                        key = (process.pid, process.create_time())
                        self.seen[key] = process
                        rss += process.memory_info().rss
                        times = process.cpu_times()
                        self.cpu[key] = times.user + times.system
            self.peak = max(self.peak, rss)
            stop.wait(SAMPLE_SECONDS)

    def left_running(self) -> list[str]:
        """Processes of the tree still alive (not zombies) after the CLI exited."""
        found = []
        for process in self.seen.values():
            with contextlib.suppress(psutil.Error):
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    found.append(" ".join(process.cmdline()[:4]))
        return found


def run_cli(args: list[str]) -> Measured:
    """`copydesk ARGS --json` in a fresh Prefect home; exits loudly when the run fails."""
    _wait_quiet()
    before = code_fingerprint()
    with (
        tempfile.TemporaryDirectory(prefix="copydesk-bench-prefect-") as home,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        env = os.environ | {"PREFECT_HOME": home, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        command = [str(COPYDESK), *args, "--json"]
        stop, busy = threading.Event(), _busy_cpu()
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        tree = _Tree(process.pid)
        sampler = threading.Thread(target=tree.sample, args=(stop,))
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        busy = _busy_cpu() - busy
        stop.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout, stderr = (_contents(file) for file in (out, err))
    if process.returncode != 0:
        sys.stderr.write(stdout + stderr)
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    summary = json.loads(stdout)
    changed, cpu = code_fingerprint() != before, sum(tree.cpu.values())
    time.sleep(1)  # time for orderly shutdowns
    return Measured(wall, usage.ru_maxrss / 1024, tree.peak / MB, summary, stderr, changed,
                    cpu, busy - cpu, tree.left_running())  # fmt: skip


def _contents(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode()


def _wait_quiet() -> None:
    """Wait (at most 10 minutes) until other processes leave the CPU nearly idle for 5 s."""
    deadline = time.monotonic() + QUIET_WAIT_SECONDS
    while time.monotonic() < deadline:
        busy = _busy_cpu()
        time.sleep(5)
        if _busy_cpu() - busy < QUIET_CPU_SHARE * 5:
            return
    print("machine still busy after 10 minutes: measuring anyway", file=sys.stderr)


def _busy_cpu() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for IO)."""
    t = psutil.cpu_times()
    return float(t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0))


def resolve_corpus(value: str) -> Path:
    """A named corpus (`scale`, `reuters`: built from ../shared/corpora when missing) or
    any folder."""
    folder = NAMED.get(value, Path(value)).resolve()
    if folder.is_dir() or value not in NAMED:
        return folder
    if not CORPORA.is_dir():
        print(f"error: {folder} is missing and {CORPORA} is not there", file=sys.stderr)
        raise SystemExit(MISSING_CORPORA_EXIT)
    if value == "reuters":
        from reuters import prepare_corpus

        prepare_corpus(None, keep=True)
    else:
        from matching_scale_build import plan_scale, write_share

        documents, sources = plan_scale(CORPORA)
        write_share(documents, sources, 1.0, folder)
    return folder
