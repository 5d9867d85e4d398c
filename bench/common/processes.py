"""What a measured run's processes and the machine around them do (psutil).

`ProcessTree` samples the CLI's process tree every 0.2 s: the peak of its summed RSS
(shared pages count once per process, so it overstates a little) and each process's CPU
time. `busy_cpu` is the machine's busy CPU time, to report other processes' use as noise,
and `wait_quiet` waits for them to leave the CPU nearly idle before a run.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import psutil

SAMPLE_SECONDS = 0.2
MB = 1024 * 1024
QUIET_CPU_SHARE, QUIET_WAIT_SECONDS = 0.1, 600  # before a run: others use < 10 % of a core


class ProcessTree:
    """Samples the CLI's process tree: peak summed RSS, and each process's own CPU time as
    last seen (a process's final < 0.2 s can escape; children the CLI never reaped do not,
    unlike with wait4's figures)."""

    def __init__(self, pid: int) -> None:
        self.root, self.peak, self.maps_peak = psutil.Process(pid), 0, 0
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
            self.maps_peak = max(self.maps_peak, memory_maps(self.root.pid))
            stop.wait(SAMPLE_SECONDS)

    def left_running(self) -> list[str]:
        """Processes of the tree still alive (not zombies) after the CLI exited."""
        found = []
        for process in self.seen.values():
            with contextlib.suppress(psutil.Error):
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    found.append(" ".join(process.cmdline()[:4]))
        return found


@dataclass(frozen=True)
class ProcessRun:
    returncode: int
    stdout: str
    stderr: str
    wall: float
    peak_mb: float  # wait4's ru_maxrss: the largest single process (of those it reaped)
    tree_peak_mb: float  # the largest sampled sum of RSS over the process tree
    cpu: float  # CPU seconds of the process tree (sampled)
    other_cpu: float  # CPU seconds the machine spent on anything else meanwhile (noise)
    left_running: list[str]  # processes of the tree alive after it exited
    maps_peak: int  # the most memory mappings the command's own process had


def run_measured(command: list[str], env: Mapping[str, str] | None = None) -> ProcessRun:
    """Run `command` to its end, sampling its process tree (stdout and stderr kept)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        stop, busy = threading.Event(), busy_cpu()
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        tree = ProcessTree(process.pid)
        sampler = threading.Thread(target=tree.sample, args=(stop,))
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        busy = busy_cpu() - busy
        stop.set()
        sampler.join()
        stdout, stderr = (_contents(file) for file in (out, err))
    cpu = sum(tree.cpu.values())
    return ProcessRun(os.waitstatus_to_exitcode(status), stdout, stderr, wall,
                      usage.ru_maxrss / 1024, tree.peak / MB, cpu, busy - cpu,
                      tree.left_running(), tree.maps_peak)  # fmt: skip


def succeeded(run: ProcessRun, what: str) -> ProcessRun:
    """`run`, or exit loudly (its output on stderr) when it failed."""
    if run.returncode != 0:
        sys.stderr.write(run.stdout + run.stderr)
        raise SystemExit(f"{what} failed with exit code {run.returncode}")
    return run


def _contents(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode()


def memory_maps(pid: int) -> int:
    """How many memory mappings process `pid` has (the kernel stops at vm.max_map_count,
    65,530 by default: one leaked mapping per file once killed runs past 65,000 files)."""
    try:
        with Path(f"/proc/{pid}/maps").open("rb") as maps:
            return sum(1 for _ in maps)
    except OSError:
        return 0


def wait_quiet() -> None:
    """Wait (at most 10 minutes) until other processes leave the CPU nearly idle for 5 s."""
    deadline = time.monotonic() + QUIET_WAIT_SECONDS
    while time.monotonic() < deadline:
        busy = busy_cpu()
        time.sleep(5)
        if busy_cpu() - busy < QUIET_CPU_SHARE * 5:
            return
    print("machine still busy after 10 minutes: measuring anyway", file=sys.stderr)


def busy_cpu() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for IO)."""
    t = psutil.cpu_times()
    return float(t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0))
