"""What a measured run's processes and the machine around them do (psutil).

`ProcessTree` samples the CLI's process tree every 0.2 s: the peak of its summed RSS
(shared pages count once per process, so it overstates a little) and each process's CPU
time. `busy_cpu` is the machine's busy CPU time, to report other processes' use as noise,
and `wait_quiet` waits for them to leave the CPU nearly idle before a run.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time

import psutil

SAMPLE_SECONDS = 0.2
QUIET_CPU_SHARE, QUIET_WAIT_SECONDS = 0.1, 600  # before a run: others use < 10 % of a core


class ProcessTree:
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
