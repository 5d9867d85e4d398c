"""Run the `copydesk` command as a user would and measure it (shared by runners.py and
incremental.py).

Each run gets a fresh temporary PREFECT_HOME (so each pays Prefect's start-up, as a first
run on a machine does) and `--json`, whose summary gives the stage seconds. Two memory
figures: `os.wait4` on the CLI's pid gives its ru_maxrss, which on Linux is the largest of
the CLI process and the children it reaped (its Prefect server, Dask workers): the largest
single process, never a sum. The whole process tree's RSS is also summed every 0.2 s with
psutil: the peak of that sum is what the run needed at once (shared pages count once per
process, so it overstates a little).
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
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
COPYDESK = Path(sys.executable).with_name("copydesk")
NAMED = {
    "scale": REPO / "bench" / "work" / "matching" / "scale" / "corpus-100",
    "reuters": REPO / "bench" / "work" / "reuters" / "corpus",
}
DATA_FILES = ("articles.jsonl", "rejected.jsonl", "ledger.jsonl")
SAMPLE_SECONDS = 0.2
MB = 1024 * 1024
MISSING_CORPORA_EXIT = 2


@dataclass(frozen=True)
class Measured:
    wall: float
    peak_mb: float  # wait4's ru_maxrss: the largest single process
    tree_peak_mb: float  # the largest sampled sum of RSS over the process tree
    summary: dict[str, Any]
    stderr: str
    code_changed: bool  # copydesk's source changed while it ran (another editor)

    @property
    def stages(self) -> list[str]:
        return [timing["stage"] for timing in self.summary.get("timings", [])]

    def stage(self, name: str) -> float | None:
        found = [t["seconds"] for t in self.summary.get("timings", []) if t["stage"] == name]
        return sum(found) if found else None

    @property
    def outside(self) -> float:
        """Wall time outside the timed stages: start-up, Prefect, writing, shutdown."""
        return self.wall - sum(t["seconds"] for t in self.summary.get("timings", []))


def code_fingerprint() -> str:
    """SHA-256 over `tasks` and `flows` sources, as copydesk's parse cache computes it."""
    digest = hashlib.sha256()
    for package in ("tasks", "flows"):
        for path in sorted((REPO / package).rglob("*.py")):
            digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def code_version() -> str:
    """The commit, and whether `tasks`/`flows` differ from it (work in progress)."""
    git = ["git", "-C", str(REPO)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "tasks", "flows"], capture_output=True, text=True
    ).stdout.splitlines()
    files = ", ".join(line[3:] for line in dirty)
    return head.stdout.strip() + (f" plus uncommitted changes to {files}" if dirty else "")


def _tree_rss(root: psutil.Process) -> int:
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += process.memory_info().rss
    return total


def _sample(pid: int, stop: threading.Event, peak: list[int]) -> None:
    with contextlib.suppress(psutil.NoSuchProcess):
        root = psutil.Process(pid)
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss(root))
            stop.wait(SAMPLE_SECONDS)


def run_cli(args: list[str]) -> Measured:
    """`copydesk ARGS --json` in a fresh Prefect home; exits loudly when the run fails."""
    before = code_fingerprint()
    with (
        tempfile.TemporaryDirectory(prefix="copydesk-bench-prefect-") as home,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        env = os.environ | {"PREFECT_HOME": home, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        command = [str(COPYDESK), *args, "--json"]
        stop, peak = threading.Event(), [0]
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        sampler = threading.Thread(target=_sample, args=(process.pid, stop, peak))
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        stop.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        sys.stderr.write(stdout + stderr)
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    summary = json.loads(stdout)
    changed = code_fingerprint() != before
    return Measured(wall, usage.ru_maxrss / 1024, peak[0] / MB, summary, stderr, changed)


def resolve_corpus(value: str) -> Path:
    """A named corpus (`scale`, `reuters`: built from ../shared/corpora when missing) or
    any folder."""
    folder = NAMED.get(value, Path(value))
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


def count_files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def same_data(first: Path, second: Path) -> list[str]:
    """The data files whose bytes differ between two output folders."""
    return [n for n in DATA_FILES if (first / n).read_bytes() != (second / n).read_bytes()]


def stderr_note(runs: dict[str, Measured]) -> str:
    noisy = {label: m.stderr for label, m in runs.items() if m.stderr}
    if not noisy:
        return f"stderr: empty in all {len(runs)} runs."
    shown = "; ".join(f"{label}: {text.strip()[:300]!r}" for label, text in noisy.items())
    return f"stderr NOT empty in {len(noisy)} of {len(runs)} runs: {shown}"


def code_note(runs: dict[str, Measured]) -> str:
    changed = [label for label, m in runs.items() if m.code_changed]
    if not changed:
        return f"Code: {code_version()}; unchanged during the runs."
    return f"Code: {code_version()}; CHANGED during {', '.join(changed)} (numbers suspect)."


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
