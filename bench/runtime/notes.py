"""Report notes of the runtime family (runners, incremental): output identity, stderr, code
version and the resource columns of a measured run."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from bench.common.cli import Measured
from bench.common.output import DATA_FILES
from bench.common.paths import REPO

PROGRESS_LINE = re.compile(r"copydesk: [a-z_]+ +(?:[\d,]+ files)? +\d+\.\d s")
RESOURCE_COLUMNS = ("outside stages", "CPU s", "other CPU s", "peak RSS MB", "tree peak MB")


def code_version() -> str:
    """The commit, and whether `tasks`/`flows` differ from it (work in progress)."""
    git = ["git", "-C", str(REPO)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "tasks", "flows"], capture_output=True, text=True
    ).stdout.splitlines()
    files = ", ".join(line[3:] for line in dirty)
    return head.stdout.strip() + (f" plus uncommitted changes to {files}" if dirty else "")


def same_data(first: Path, second: Path) -> list[str]:
    """The data files whose bytes differ between two output folders."""
    return [n for n in DATA_FILES if (first / n).read_bytes() != (second / n).read_bytes()]


def noise(stderr: str) -> list[str]:
    """stderr lines other than the progress lines `copydesk ingest` prints when stderr is
    not a terminal (one per stage, see flows/progress.py; `--quiet` silences them)."""
    return [line for line in stderr.splitlines() if not PROGRESS_LINE.fullmatch(line)]


def stderr_note(runs: dict[str, Measured]) -> str:
    lines = sum(len(m.stderr.splitlines()) for m in runs.values())
    noisy = {label: noise(m.stderr) for label, m in runs.items() if noise(m.stderr)}
    if not noisy:
        return (
            f"stderr: nothing but the per-stage progress lines in all {len(runs)} runs "
            f"({lines} lines in all)."
        )
    shown = "; ".join(f"{label}: {chr(10).join(text)[:300]!r}" for label, text in noisy.items())
    return f"stderr: OTHER OUTPUT than progress in {len(noisy)} of {len(runs)} runs: {shown}"


def leak_note(runs: dict[str, Measured]) -> str:
    leaks = {label: m.left_running for label, m in runs.items() if m.left_running}
    if not leaks:
        return "No process of any run was left running after the command exited."
    return "LEFT RUNNING after the command exited: " + "; ".join(
        f"{label}: {', '.join(names)}" for label, names in leaks.items()
    )


def code_note(runs: dict[str, Measured]) -> str:
    changed = [label for label, m in runs.items() if m.code_changed]
    if not changed:
        return f"Code: {code_version()}; unchanged during the runs."
    return f"Code: {code_version()}; CHANGED during {', '.join(changed)} (numbers suspect)."


def columns(stages: Sequence[str]) -> list[str]:
    """The measured columns of every table: the stages', then the resources'."""
    return [*stages, *RESOURCE_COLUMNS]


def cells(run: Measured, stages: Sequence[str]) -> tuple[str, ...]:
    """A run's cells under `columns(stages)`: each stage's seconds ("-": it did not run),
    time outside stages, CPU, memory."""
    timed = ("-" if run.stage(s) is None else f"{run.stage(s):.2f}" for s in stages)
    return (
        *timed, f"{run.outside:.1f}", f"{run.cpu:.0f}", f"{max(run.other_cpu, 0.0):.0f}",
        f"{run.peak_mb:.0f}", f"{run.tree_peak_mb:.0f}",
    )  # fmt: skip
