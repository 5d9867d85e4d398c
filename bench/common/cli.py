"""Run `copydesk` as a user would and measure it: the one CLI runner of every benchmark.

Each run waits for an idle machine (`wait=False`, or ``--no-wait`` on the command line,
skips that), gets a fresh PREFECT_HOME (so each pays Prefect's start-up, as a first run
does; `home` gives a warm one instead) and `--json`, whose summary gives the stage seconds.
`os.wait4` on the CLI's pid gives its ru_maxrss, which on Linux covers the CLI and the
children it reaped (Prefect server, Dask workers): the largest single process, never a sum.
The process tree is sampled meanwhile (see processes.py); the machine's other CPU use during
the run is reported as noise, and processes of the tree left running after it, as a leak.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common.paths import REPO, SEEDS
from bench.common.processes import run_measured, succeeded, wait_quiet

# The venv's own command, next to the interpreter running the benchmark.
COPYDESK = Path(sys.executable).with_name("copydesk")


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
    maps_peak: int  # the most memory mappings the CLI process had

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


def warm_home(work: Path) -> Path:
    """`work`/prefect-home, a Prefect home that has served a run already (its database made
    and migrated), as a scheduled user's is."""
    home = work / "prefect-home"
    if not home.is_dir():
        home.mkdir(parents=True)
        ingest(SEEDS, work / "warm-up", fresh=True, wait=False, home=home)
    return home


def users_bytecode(work: Path) -> dict[str, str | None]:
    """The environment of runs that read copydesk's modules compiled, as a user's machine
    does (Python writes its bytecode next to the sources; this project's shell sets
    PYTHONDONTWRITEBYTECODE=1, which compiled them at every start): `work`/pycache, filled
    by a run of the seeds now."""
    environment = {"PYTHONPYCACHEPREFIX": str(work / "pycache"), "PYTHONDONTWRITEBYTECODE": None}
    ingest(SEEDS, work / "warm-up", fresh=True, wait=False, environment=environment)
    return environment


def ingest(
    corpus: Path,
    out: Path,
    *extra: str,
    fresh: bool,
    wait: bool = True,
    home: Path | None = None,
    environment: Mapping[str, str | None] | None = None,
) -> Measured:
    """`copydesk ingest CORPUS --out OUT EXTRA...`; into an emptied OUT when `fresh`."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    command = ["ingest", str(corpus), "--out", str(out), *extra]
    return run_cli(command, wait=wait, home=home, environment=environment)


def run_cli(
    args: list[str],
    *,
    wait: bool = True,
    home: Path | None = None,
    environment: Mapping[str, str | None] | None = None,
) -> Measured:
    """`copydesk ARGS --json` in a fresh Prefect home (or in `home`, warm from earlier runs),
    with this process's environment changed by `environment` (None: a variable removed).
    Exits loudly when the run fails."""
    if wait:
        wait_quiet()
    before = code_fingerprint()
    with tempfile.TemporaryDirectory(prefix="copydesk-bench-prefect-") as fresh_home:
        env = os.environ | {
            "PREFECT_HOME": str(home or fresh_home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        for name, value in (environment or {}).items():
            env.pop(name, None)
            env |= {} if value is None else {name: value}
        command = [str(COPYDESK), *args, "--json"]
        run = succeeded(run_measured(command, env), " ".join(command))
    changed = code_fingerprint() != before
    time.sleep(1)  # time for orderly shutdowns
    return Measured(run.wall, run.peak_mb, run.tree_peak_mb, json.loads(run.stdout), run.stderr,
                    changed, run.cpu, run.other_cpu, run.left_running, run.maps_peak)  # fmt: skip
