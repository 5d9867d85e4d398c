"""The scheduled-run scenario: a landing folder that grows, ingested again and again.

Usage: ``python -m bench.runtime.incremental [--corpus scale|reuters|FOLDER] [--no-wait]``. Nine
files in ten of the corpus (every 10th in path order held back) are copied to
``bench/work/incremental/landing``, then `copydesk ingest` runs, each time in a fresh Prefect
home: (a) cold; (b) again, nothing changed: the fast path (stages discover, cache and files
only, the files only read and hashed) must leave every output file untouched; (c) after the
held-back tenth lands: the parse cache is reused; (d) the whole corpus at once into a fresh
folder: its data files must equal (c)'s byte for byte; (e) (c) again with ``--threshold 51``:
matching redone, every parse reused; (f) the whole corpus at once with ``--threshold 51``: must
equal (e). The report goes to stdout and ``bench/work/incremental/report.md``."""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.common import paths
from bench.common.cli import Measured, arguments, code_fingerprint, ingest
from bench.common.output import DATA_FILES, RUN
from bench.common.paths import shown
from bench.common.report import publish, table
from bench.runtime import notes
from bench.runtime.corpora import resolve_corpus

WORK = paths.WORK / "incremental"
HOLD_EVERY = 10
WATCHED = (*DATA_FILES, RUN, ".copydesk/documents.sqlite")
STAGES = ("discover", "cache", "files", "save_cache", "match", "build_records")
FAST_PATH = ["discover", "cache", "files"]
Snapshot = dict[str, tuple[int, int, str]]


@dataclass(frozen=True)
class Step:
    key: str
    what: str
    measured: Measured
    check: str


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = arguments(__doc__)
    parser.add_argument("--corpus", default="scale", help="scale (default), reuters or a folder")
    return parser.parse_args(argv)


def split_corpus(corpus: Path) -> tuple[list[Path], list[Path]]:
    """The files landed first, and every 10th file (in path order), held back."""
    files = sorted((p for p in corpus.rglob("*") if p.is_file()), key=lambda p: p.as_posix())
    held = set(files[HOLD_EVERY - 1 :: HOLD_EVERY])
    return [path for path in files if path not in held], sorted(held)


def land(files: list[Path], corpus: Path, landing: Path) -> None:
    for path in files:
        target = landing / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def snapshot(out: Path) -> Snapshot:
    """Modification time (ns), size and SHA-256 of each watched output file."""
    found = [(name, out / name) for name in WATCHED if (out / name).exists()]
    return {
        name: (path.stat().st_mtime_ns, path.stat().st_size,
               hashlib.sha256(path.read_bytes()).hexdigest())
        for name, path in found
    }  # fmt: skip


def compared(first: Path, second: Path) -> str:
    differing = notes.same_data(first, second)
    names = ", ".join(DATA_FILES)
    return f"DIFFERS: {', '.join(differing)}" if differing else f"{names} byte-identical"


def run_steps(corpus: Path, wait: bool) -> list[Step]:
    def ingested(folder: Path, out: Path, *extra: str) -> Measured:
        """A run into `out` as it is (a scheduled run's output folder), reported on stderr."""
        measured = ingest(folder, out, *extra, fresh=False, wait=wait)
        print(f"{folder.name} -> {out.name} {' '.join(extra)}: {measured.wall:.1f} s",
              file=sys.stderr)  # fmt: skip
        return measured

    landing, out = WORK / "landing", WORK / "out"
    full, full51 = WORK / "out-full", WORK / "out-full-t51"
    for folder in (landing, out, full, full51):
        shutil.rmtree(folder, ignore_errors=True)
    first, held = split_corpus(corpus)
    land(first, corpus, landing)
    steps = [Step("a", f"cold run, {len(first):,} files (90 %)", ingested(landing, out), "")]

    before = snapshot(out)
    again = ingested(landing, out)
    fast = again.stages == FAST_PATH
    untouched = snapshot(out) == before and set(before) == set(WATCHED)
    check = ("fast path" if fast else f"NOT the fast path: {again.stages}") + "; " + (
        f"{len(WATCHED)} files untouched (mtime, size, SHA-256)" if untouched
        else "OUTPUT FILES CHANGED")  # fmt: skip
    steps.append(Step("b", "rerun, nothing changed", again, check))

    land(held, corpus, landing)
    grown = ingested(landing, out)
    check = f"{grown.summary['inputs'] - grown.summary['reused']:,} files processed"
    steps.append(Step("c", f"{len(held):,} held-back files (10 %) landed", grown, check))

    whole = ingested(corpus, full)
    steps.append(
        Step("d", "fresh run, whole corpus at once", whole, "vs (c): " + compared(out, full))
    )

    changed = ingested(landing, out, "--threshold", "51")
    processed = changed.summary["inputs"] - changed.summary["reused"]
    check = f"{processed:,} files not from the cache (rejected ones are never cached)"
    steps.append(Step("e", "(c) again with --threshold 51", changed, check))

    whole51 = ingested(corpus, full51, "--threshold", "51")
    steps.append(Step("f", "fresh run, whole corpus, --threshold 51", whole51,
                      "vs (e): " + compared(out, full51)))  # fmt: skip
    return steps


def render(corpus: Path, steps: list[Step], stable: bool) -> str:
    header = ["step", "what", "wall s", *notes.columns(STAGES), "inputs", "reused", "check"]
    rows = [
        (s.key, s.what, f"{s.measured.wall:.1f}", *notes.cells(s.measured, STAGES),
         f"{s.measured.summary['inputs']:,}", f"{s.measured.summary['reused']:,}", s.check)
        for s in steps
    ]  # fmt: skip
    runs = {f"({step.key})": step.measured for step in steps}
    drift = "" if stable else " copydesk's code CHANGED between steps: cache and state invalid."
    return "\n".join([
        f"# copydesk incremental runs on `{shown(corpus)}`", "", *table(header, rows), "",
        "`-`: the stage did not run.", "", notes.stderr_note(runs), "", notes.leak_note(runs), "",
        notes.code_note(runs) + drift,
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = resolve_corpus(args.corpus)
    start = code_fingerprint()
    steps = run_steps(corpus, args.wait)
    report = render(corpus, steps, code_fingerprint() == start)
    return publish(report, WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
