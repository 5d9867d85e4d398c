"""The default thread runner against a local Dask cluster, on the same corpus.

Usage: ``python bench/runners.py [--corpus scale|reuters|FOLDER]... [--repetitions 2]
[--workers 2]``. For each corpus (default: the scale corpus, whose variants make the match
stage do real work), `copydesk ingest` runs with the default runner and with
``--runner dask --dask-workers N``, alternately (threads first, then dask first, ...), each
time into a fresh output folder (no parse cache to reuse) and a fresh Prefect home. The
report gives wall time, stage seconds, peak memory, the speed-up (thread wall / Dask wall)
and whether every run wrote the same bytes; it goes to stdout and
``bench/work/runners/report.md``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from cli_measure import (
    DATA_FILES,
    REPO,
    Measured,
    code_note,
    count_files,
    resolve_corpus,
    run_cli,
    same_data,
    seconds,
    stderr_note,
)
from reuters_report import table

WORK = REPO / "bench" / "work" / "runners"
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--corpus",
        action="append",
        help="scale (default), reuters, or a folder of articles; repeat for several",
    )
    parser.add_argument("--repetitions", type=int, default=2, help="runs of each runner")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    return parser.parse_args(argv)


def run_corpus(name: str, repetitions: int, workers: int) -> CorpusRuns:
    folder = resolve_corpus(name)
    runs: list[Run] = []
    for repetition in range(repetitions):
        order = (THREADS, DASK) if repetition % 2 == 0 else (DASK, THREADS)
        for runner in order:
            out = WORK / folder.name / f"{runner}-{repetition + 1}"
            shutil.rmtree(out, ignore_errors=True)
            dask = ["--runner", DASK, "--dask-workers", str(workers)] if runner == DASK else []
            measured = run_cli(["ingest", str(folder), "--out", str(out), *dask])
            runs.append(Run(runner, repetition, out, measured))
            print(f"{name} {runner} #{repetition + 1}: {measured.wall:.1f} s", file=sys.stderr)
    return CorpusRuns(name, folder, count_files(folder), runs)


def _runs_table(result: CorpusRuns, stages: list[str]) -> list[str]:
    header = ["runner", "wall s", *stages, "outside stages", "peak RSS MB", "tree peak MB"]
    rows = [
        (run.label, f"{run.measured.wall:.1f}", *(seconds(run.measured.stage(s)) for s in stages),
         f"{run.measured.outside:.1f}", f"{run.measured.peak_mb:.0f}",
         f"{run.measured.tree_peak_mb:.0f}")
        for run in result.runs
    ]  # fmt: skip
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
        run.label: same_data(reference.out, run.out) for run in result.runs[1:]
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
        f"## {result.name}: {result.files:,} files (`{result.folder.relative_to(REPO)}`)",
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
        stderr_note(measured),
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = [run_corpus(n, args.repetitions, args.workers) for n in args.corpus or ["scale"]]
    lines = ["# copydesk: thread runner vs local Dask cluster", ""]
    for result in results:
        lines += render_corpus(result, args.workers)
    every = {f"{r.name} {run.label}": run.measured for r in results for run in r.runs}
    report = "\n".join([*lines, code_note(every)])
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "report.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
