"""The whole job against the floor, and against datatrove's equivalent pipeline.

Usage: ``python -m bench.runtime.throughput [--corpus scale|reuters|FOLDER] [--rounds 3]
[--datatrove PYTHON] [--no-wait]``. Each round runs, side by side: the floor
(bench/runtime/floor.py: read, decode and ``ftfy.fix_text`` every file, one process);
`copydesk ingest` (default runner, a fresh OUT, a Prefect home kept warm across the rounds
as a scheduled user's is); and, with ``--datatrove PYTHON`` (an interpreter that has
datatrove, which copydesk does not depend on), bench/runtime/datatrove_pipeline.py on the
same folder. The report gives each round's load, seconds and peak memory, the ratios, and
their min and median; every copydesk round must write the same bytes. It goes to stdout and
``bench/work/throughput/report.md``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from bench.common import paths
from bench.common.cli import Measured, arguments, ingest, warm_home
from bench.common.output import DATA_FILES
from bench.common.paths import shown
from bench.common.processes import ProcessRun, run_measured, succeeded, wait_quiet
from bench.common.report import publish, table
from bench.runtime.corpora import resolve_corpus

WORK = paths.WORK / "throughput"
DATATROVE_SCRIPT = Path(__file__).with_name("datatrove_pipeline.py")


@dataclass(frozen=True)
class Round:
    load: float  # 1-minute load average when the round started
    floor: float
    copydesk: Measured
    datatrove: ProcessRun | None


def parse_args(argv: list[str] | None) -> tuple[Path, int, str | None, bool]:
    parser = arguments(__doc__)
    parser.add_argument("--corpus", default="scale", help="scale, reuters or a folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--datatrove", metavar="PYTHON", help="a Python with datatrove")
    args = parser.parse_args(argv)
    return resolve_corpus(args.corpus), args.rounds, args.datatrove, args.wait


def measure_round(corpus: Path, number: int, datatrove: str | None, wait: bool) -> Round:
    if wait:
        wait_quiet()
    load = os.getloadavg()[0]
    floor_run = succeeded(
        run_measured([sys.executable, "-m", "bench.runtime.floor", str(corpus)]), "the floor"
    )
    copydesk = ingest(corpus, WORK / f"out-{number}", fresh=True, wait=False, home=warm_home(WORK))
    datatrove_run = None
    if datatrove:
        scratch = WORK / "datatrove"
        shutil.rmtree(scratch, ignore_errors=True)
        command = [datatrove, str(DATATROVE_SCRIPT), str(corpus), str(scratch)]
        datatrove_run = succeeded(run_measured(command), "the datatrove pipeline")
    return Round(load, float(json.loads(floor_run.stdout)["seconds"]), copydesk, datatrove_run)


def render(corpus: Path, rounds: list[Round], same: bool) -> str:
    rows = []
    for number, r in enumerate(rounds, 1):
        dt = r.datatrove
        rows.append((
            number, f"{r.load:.1f}", f"{r.floor:.1f}", f"{r.copydesk.wall:.1f}",
            f"{r.copydesk.wall / r.floor:.2f}x", f"{r.copydesk.peak_mb:.0f}",
            f"{r.copydesk.tree_peak_mb:.0f}", f"{dt.wall:.1f}" if dt else "-",
            f"{dt.tree_peak_mb:.0f}" if dt else "-",
            f"{dt.wall / r.copydesk.wall:.2f}x" if dt else "-",
        ))  # fmt: skip
    header = [
        "round",
        "load",
        "floor s",
        "copydesk s",
        "copydesk / floor",
        "peak MB",
        "tree peak MB",
        "datatrove s",
        "datatrove tree MB",
        "datatrove / copydesk",
    ]
    ratios = [r.copydesk.wall / r.floor for r in rounds]
    versus = [r.datatrove.wall / r.copydesk.wall for r in rounds if r.datatrove]
    files = rounds[0].copydesk.summary["inputs"]
    lines = [
        f"# Throughput: {shown(corpus)} ({files:,} files), {len(rounds)} rounds", "",
        *table(header, rows), "",
        f"copydesk / floor: min {min(ratios):.2f}x, median {median(ratios):.2f}x.",
        f"Peak RSS (largest process): max {max(r.copydesk.peak_mb for r in rounds):.0f} MB.",
    ]  # fmt: skip
    if versus:
        lines.append(f"datatrove / copydesk: min {min(versus):.2f}x, median {median(versus):.2f}x.")
    lines.append(
        "Output: every copydesk round wrote the same bytes."
        if same
        else "Output: ROUNDS DIFFER (data files not byte-identical)."
    )
    return "\n".join(lines)


def same_outputs(rounds: int) -> bool:
    first = WORK / "out-1"
    return all(
        (first / name).read_bytes() == (WORK / f"out-{n}" / name).read_bytes()
        for n in range(2, rounds + 1)
        for name in DATA_FILES
    )


def main(argv: list[str] | None = None) -> int:
    corpus, rounds, datatrove, wait = parse_args(argv)
    measured = [measure_round(corpus, n, datatrove, wait) for n in range(1, rounds + 1)]
    return publish(render(corpus, measured, same_outputs(rounds)), WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
