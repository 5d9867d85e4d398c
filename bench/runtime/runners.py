"""The default thread runner against a local Dask cluster, on the same corpus.

Usage: ``python -m bench.runtime.runners [--corpus scale|reuters|FOLDER]...
[--repetitions 2] [--workers 2] [--shard-size N] [--no-wait]``. For each corpus (default:
the scale corpus, whose variants make the match stage do real work), `copydesk ingest` runs
with the default runner and with ``--runner dask --dask-workers N``, alternately (threads
first, then dask first, ...), each time into a fresh output folder (no parse cache to
reuse) and a fresh Prefect home (see bench/common/cli.py). The report gives wall time,
stage seconds, peak memory, the speed-up (thread wall / Dask wall) and whether every run
wrote the same bytes; it goes to stdout and ``bench/work/runners/report.md``
(``report-shard-N.md`` with ``--shard-size N``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from bench.common import paths
from bench.common.cli import Measured, arguments, ingest
from bench.common.output import DATA_FILES
from bench.common.paths import shown
from bench.common.report import publish, table
from bench.runtime import notes
from bench.runtime.corpora import NAMED, resolve_corpus

WORK = paths.WORK / "runners"
THREADS, DASK = "threads", "dask"


@dataclass(frozen=True)
class Run:
    runner: str
    repetition: int
    out: Path
    measured: Measured

    @property
    def label(self) -> str:
        return f"{self.runner} #{self.repetition + 1}"


@dataclass(frozen=True)
class CorpusRuns:
    name: str
    folder: Path
    files: int
    runs: list[Run]

    def of(self, runner: str) -> list[Measured]:
        return [run.measured for run in self.runs if run.runner == runner]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = arguments(__doc__)
    parser.add_argument(
        "--corpus",
        action="append",
        help="scale (default), reuters, or a folder of articles; repeat for several",
    )
    parser.add_argument("--repetitions", type=int, default=2, help="runs of each runner")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument(
        "--shard-size", type=int, help="documents per task, both runners (default: copydesk's)"
    )
    return parser.parse_args(argv)


def run_corpus(args: argparse.Namespace, name: str) -> CorpusRuns:
    repetitions, workers, shard = args.repetitions, args.workers, args.shard_size
    folder = resolve_corpus(name)
    runs: list[Run] = []
    for repetition in range(repetitions):
        order = (THREADS, DASK) if repetition % 2 == 0 else (DASK, THREADS)
        for runner in order:
            runs_dir = (name if name in NAMED else folder.name) + (
                f"-shard-{shard}" if shard else ""
            )
            out = WORK / runs_dir / f"{runner}-{repetition + 1}"
            dask = ["--runner", DASK, "--dask-workers", str(workers)] if runner == DASK else []
            sharding = ["--shard-size", str(shard)] if shard else []
            measured = ingest(folder, out, *dask, *sharding, fresh=True, wait=args.wait)
            runs.append(Run(runner, repetition, out, measured))
            print(f"{name} {runner} #{repetition + 1}: {measured.wall:.1f} s", file=sys.stderr)
    files = sum(1 for path in folder.rglob("*") if path.is_file())
    return CorpusRuns(name, folder, files, runs)


def _runs_table(result: CorpusRuns, stages: list[str]) -> list[str]:
    header = ["runner", "wall s", *notes.columns(stages)]
    rows = [
        (run.label, f"{run.measured.wall:.1f}", *notes.cells(run.measured, stages))
        for run in result.runs
    ]
    return table(header, rows)


def _stage_mean(runs: list[Measured], stage: str) -> float:
    return mean(run.stage(stage) or 0.0 for run in runs)


def _speedup_table(result: CorpusRuns, stages: list[str]) -> list[str]:
    threads, dask = result.of(THREADS), result.of(DASK)
    rows: list[tuple[str, ...]] = []
    for label, pick in [("wall", None), *((s, s) for s in stages), ("outside stages", "")]:
        if pick is None:
            t, d = mean(r.wall for r in threads), mean(r.wall for r in dask)
        elif pick == "":
            t, d = mean(r.outside for r in threads), mean(r.outside for r in dask)
        else:
            t, d = _stage_mean(threads, pick), _stage_mean(dask, pick)
        rows.append((label, f"{t:.2f}", f"{d:.2f}", f"{t / d:.2f}x" if d else "-"))
    return table(("mean seconds", THREADS, DASK, "speed-up"), rows)


def _identity(result: CorpusRuns) -> str:
    reference = result.runs[0]
    differing = {
        run.label: notes.same_data(reference.out, run.out) for run in result.runs[1:]
    }  # fmt: skip
    bad = {label: names for label, names in differing.items() if names}
    if not bad:
        return (
            f"{', '.join(DATA_FILES)}: byte-identical in all {len(result.runs)} runs "
            f"(both runners)."
        )
    shown = "; ".join(f"{label}: {', '.join(names)}" for label, names in bad.items())
    return f"OUTPUTS DIFFER from {reference.label}: {shown}"


def render_corpus(result: CorpusRuns, workers: int) -> list[str]:
    stages = result.runs[0].measured.stages
    threads, dask = result.of(THREADS), result.of(DASK)
    speedup = mean(r.wall for r in threads) / mean(r.wall for r in dask)
    measured = {f"{result.name} {run.label}": run.measured for run in result.runs}
    return [
        f"## {result.name}: {result.files:,} files (`{shown(result.folder)}`)",
        "",
        f"Speed-up of `--runner dask --dask-workers {workers}` over the default runner "
        f"(mean thread wall / mean Dask wall): **{speedup:.2f}x**",
        "",
        *_runs_table(result, stages),
        "",
        *_speedup_table(result, stages),
        "",
        _identity(result),
        "",
        notes.stderr_note(measured),
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpora = args.corpus or ["scale"]
    results = [run_corpus(args, name) for name in corpora]
    shards = f", --shard-size {args.shard_size}" if args.shard_size else ""
    lines = [f"# copydesk: thread runner vs local Dask cluster{shards}", ""]
    for result in results:
        lines += render_corpus(result, args.workers)
    every = {f"{r.name} {run.label}": run.measured for r in results for run in r.runs}
    report = "\n".join([*lines, notes.leak_note(every), "", notes.code_note(every)])
    name = f"report-shard-{args.shard_size}.md" if args.shard_size else "report.md"
    return publish(report, WORK / name)


if __name__ == "__main__":
    sys.exit(main())
