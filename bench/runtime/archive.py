"""A growing archive: what a scheduled run costs when little or nothing is new.

Usage: ``python -m bench.runtime.archive [--files 100000] [--corpus scale|FOLDER] [--keep]
[--served] [--no-wait]``. Builds (or, with ``--keep``, reuses) ``bench/work/many/corpus`` as
bench/runtime/many_files.py does, then runs `copydesk ingest` (a Prefect home kept warm, as
a scheduled user's is; with ``--served``, against one Prefect server that stays up for all
the runs, as `copydesk serve`'s does, instead of a private server started by each run,
bench/common/server.py) into one output folder: (a) the first run; (b) again, nothing new;
(c) after 1 % new files land (copies of every hundredth file, each with a line of its own
added: a copy of a dated file is a new source that rivals the story it copies, so every
variant of that story is decided again, the costly case for matching; a copy of an undated
one is a new variant); (d) one fresh run over the same folder, whose data files (c) must
equal byte for byte. The report gives wall time, each rerun as a share of the first run,
files read, peak memory, and the wall time outside the run's timed stages (Prefect's
start-up and shutdown, the server's, the bookkeeping between stages); it goes to stdout
and ``bench/work/archive/report.md``. The runs read copydesk's modules compiled, as a user's
machine does (`users_bytecode`), not compiled at every start as this project's shell has it.
"""

from __future__ import annotations

import shutil
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from bench.common import paths
from bench.common.cli import Measured, ingest, users_bytecode, warm_home
from bench.common.output import DATA_FILES
from bench.common.report import publish, table
from bench.common.server import prefect_server
from bench.runtime import many_files

WORK = paths.WORK / "archive"
NEW_SHARE = 100  # one new file per this many


def land_new(corpus: Path, files: list[Path]) -> int:
    """Copies of every `NEW_SHARE`th file under ``new/``, each with a line of its own."""
    landed = corpus / "new"
    shutil.rmtree(landed, ignore_errors=True)
    for number, original in enumerate(files[::NEW_SHARE]):
        copy = landed / original.relative_to(corpus)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(original.read_bytes() + f"\n\nUpdate {number}.\n".encode())
    return len(files[::NEW_SHARE])


def main(argv: list[str] | None = None) -> int:
    parser = many_files.archive_parser(__doc__, 100_000)
    parser.add_argument("--served", action="store_true", help="runs against one lasting server")
    args = parser.parse_args(argv)
    corpus = many_files.CORPUS
    shutil.rmtree(corpus / "new", ignore_errors=True)  # an earlier run's landing
    files = many_files.prepared(args)
    home = warm_home(WORK)
    compiled = users_bytecode(WORK)
    served: AbstractContextManager[dict[str, str]] = (
        prefect_server(home) if args.served else nullcontext({})
    )
    with served as environment:
        steps = _steps(corpus, files, home, {**compiled, **environment}, args.wait)
    out, fresh = WORK / "out", WORK / "fresh"
    same = all((out / n).read_bytes() == (fresh / n).read_bytes() for n in DATA_FILES)
    first = steps[0][1].wall
    rows = [
        (
            label, f"{m.summary['inputs']:,}", f"{m.wall:.1f}", f"{100 * m.wall / first:.1f} %",
            f"{m.summary['inputs'] - m.summary.get('not_read', 0):,}",
            f"{m.peak_mb:.0f}", f"{m.tree_peak_mb:.0f}", _written(m), f"{m.outside:.1f}",
        )
        for label, m in steps
    ]  # fmt: skip
    header = ["step", "files", "wall s", "of (a)", "files read", "peak MB", "tree peak MB",
              "write s (of wall)", "outside stages s"]  # fmt: skip
    verdict = (
        "(c)'s data files equal (d)'s, byte for byte."
        if same
        else "(c) DIFFERS from a fresh run over the same files."
    )
    how = "runs against one lasting server" if args.served else "each run starts its server"
    report = [f"# An archive of {len(files):,} files ({how})", "", *table(header, rows), "",
              verdict]  # fmt: skip
    return publish("\n".join(report), WORK / "report.md")


def _steps(
    corpus: Path,
    files: list[Path],
    home: Path,
    environment: dict[str, str | None],
    wait: bool,
) -> list[tuple[str, Measured]]:
    """(a) the first run, (b) nothing new, (c) 1 % new, (d) a fresh run."""
    out = WORK / "out"

    def run(into: Path, fresh: bool) -> Measured:
        return ingest(corpus, into, fresh=fresh, wait=wait, home=home, environment=environment)

    steps = [("(a) first run", run(out, True)), ("(b) nothing new", run(out, False))]
    new = land_new(corpus, files)
    steps.append((f"(c) {new:,} new files (1 %)", run(out, False)))
    steps.append(("(d) fresh run, same files", run(WORK / "fresh", True)))
    return steps


def _written(measured: Measured) -> str:
    """The data files' write (run.json's "write" stage: records built or copied, the
    ledger, all hashed) and its share of the run; a run that found OUT current has none."""
    seconds = [t["seconds"] for t in measured.summary.get("timings", []) if t["stage"] == "write"]
    if not seconds:
        return "-"
    return f"{seconds[0]:.1f} ({100 * seconds[0] / measured.wall:.1f} %)"


if __name__ == "__main__":
    sys.exit(main())
