"""Run `copydesk` as a user would and measure it: the one CLI runner of every benchmark.

Each run waits for an idle machine (`wait=False`, or ``--no-wait`` on the command line,
skips that), gets a fresh PREFECT_HOME (so each pays Prefect's start-up, as a first run
does) and `--json`, whose summary gives the stage seconds. `os.wait4` on the CLI's pid gives
its ru_maxrss, which on Linux covers the CLI and the children it reaped (Prefect server,
Dask workers): the largest single process, never a sum. The process tree is sampled
meanwhile (see processes.py); the machine's other CPU use during the run is reported as
noise, and processes of the tree left running after it, as a leak.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bench.common.paths import REPO
from bench.common.processes import ProcessTree, busy_cpu, wait_quiet

# The venv's own command, next to the interpreter running the benchmark.
COPYDESK = Path(sys.executable).with_name("copydesk")
MB = 1024 * 1024


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


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """An entry point's parser: its docstring's first line, and ``--no-wait``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument(
        "--no-wait",
        dest="wait",
        action="store_false",
        help="run at once, without waiting for an idle machine (noisier numbers)",
    )
    return parser


def code_fingerprint() -> str:
    """SHA-256 over `tasks` and `flows` sources, as copydesk's parse cache computes it."""
    digest = hashlib.sha256()
    for package in ("tasks", "flows"):
        for path in sorted((REPO / package).rglob("*.py")):
            digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def ingest(corpus: Path, out: Path, *extra: str, fresh: bool, wait: bool = True) -> Measured:
    """`copydesk ingest CORPUS --out OUT EXTRA...`; into an emptied OUT when `fresh`."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    return run_cli(["ingest", str(corpus), "--out", str(out), *extra], wait=wait)


def run_cli(args: list[str], *, wait: bool = True) -> Measured:
    """`copydesk ARGS --json` in a fresh Prefect home; exits loudly when the run fails."""
    if wait:
        wait_quiet()
    before = code_fingerprint()
    with (
        tempfile.TemporaryDirectory(prefix="copydesk-bench-prefect-") as home,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        env = os.environ | {"PREFECT_HOME": home, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        command = [str(COPYDESK), *args, "--json"]
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
