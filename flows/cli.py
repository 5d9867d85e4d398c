"""The `copydesk` command line.

Exit codes: 0 success; 1 the run failed (one line on stderr says why, e.g. another run holds
the output folder), or for `explain` the file is not an input of that run; 2 usage error
(bad arguments, missing input folder, unwritable output folder, no valid output to explain).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from flows.explain import NotInRun, RunOutput, explain
from flows.options import IngestOptions, RunnerChoice
from flows.prefect_env import configure_prefect, flush_prefect_events
from flows.progress import reporting_to, sink_for
from flows.summary import summary_rows, to_text
from tasks.dates import DateOrder
from tasks.lock import OutputBusyError
from tasks.models import ArticleRecord
from tasks.output_files import DATA_FILES, RUN

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for; reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see 'copydesk --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="copydesk", description="Clean news articles into one record per story.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ingest = commands.add_parser("ingest", help="run the ingest flow on a folder of articles")
    ingest.add_argument("input", type=Path, help="folder of article files (read recursively)")
    ingest.add_argument("--out", type=Path, required=True, help="output folder")
    ingest.add_argument("--threshold", type=float, default=None, help="minimum match score")
    ingest.add_argument(
        "--word-order-threshold",
        type=float,
        default=None,
        help="minimum score of a match decided by word order (OCR text)",
    )
    ingest.add_argument(
        "--ambiguous-dates",
        choices=[order.value for order in DateOrder],
        default=None,
        help="how to read 05/06/2025: dmy (default), mdy, or reject the file",
    )
    ingest.add_argument("--shard-size", type=int, default=None, help="documents per task run")
    ingest.add_argument(
        "--max-bytes", type=int, default=None, help="reject larger files unread (default 10 MiB)"
    )
    ingest.add_argument(
        "--runner",
        choices=["threads", "dask"],
        default=None,
        help="run tasks in threads here (default) or on Dask (a local cluster or --dask-address)",
    )
    ingest.add_argument(
        "--dask-address", default=None, help="tcp://host:port of a running Dask scheduler"
    )
    ingest.add_argument(
        "--dask-workers", type=int, default=2, help="worker processes of the local Dask cluster"
    )
    ingest.add_argument("--verbose", action="store_true", help="show Prefect's own logs")
    ingest.add_argument("--quiet", action="store_true", help="no progress on stderr")
    ingest.add_argument(
        "--json", action="store_true", help="print the run summary (run.json) as JSON instead"
    )
    explain = commands.add_parser("explain", help="say why a file was matched or rejected")
    explain.add_argument("file", help="an input file of the run (as stored, or its path)")
    explain.add_argument(
        "--in", dest="out", type=Path, required=True, help="the run's output folder"
    )
    commands.add_parser("schema", help="print the JSON Schema of an article record")
    return parser


def check_input(folder: Path) -> None:
    if not folder.exists():
        raise UsageError(f"input folder '{folder}' does not exist")
    if not folder.is_dir():
        raise UsageError(f"input '{folder}' is not a folder")


def check_output(folder: Path) -> None:
    """Create the output folder and prove it writable before spending time on the run."""
    probe = folder / ".copydesk-write-test"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(f"cannot write to output folder '{folder}': {reason}") from None


def read_options(arguments: argparse.Namespace) -> IngestOptions:
    chosen = {
        "threshold": arguments.threshold,
        "word_order_threshold": arguments.word_order_threshold,
        "ambiguous_dates": arguments.ambiguous_dates,
        "shard_size": arguments.shard_size,
        "max_bytes": arguments.max_bytes,
    }
    try:
        return IngestOptions(**{name: value for name, value in chosen.items() if value is not None})
    except ValidationError as error:
        problems = [f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}" for e in error.errors()]
        raise UsageError("; ".join(problems)) from None


def read_runner(arguments: argparse.Namespace) -> RunnerChoice:
    """--dask-address alone means --runner dask; with --runner threads it is a mistake."""
    if arguments.dask_address and arguments.runner == "threads":
        raise UsageError("--dask-address needs --runner dask")
    if arguments.dask_workers < 1:
        raise UsageError(f"--dask-workers: must be at least 1, got {arguments.dask_workers}")
    dask = bool(arguments.dask_address) or arguments.runner == "dask"
    return RunnerChoice(
        "dask" if dask else "threads", arguments.dask_address, arguments.dask_workers
    )


def run_ingest(arguments: argparse.Namespace) -> int:
    options = read_options(arguments)
    runner = read_runner(arguments)
    check_input(arguments.input)
    check_output(arguments.out)
    configure_prefect(verbose=arguments.verbose)
    # Prefect reads its settings when first imported: only now, after configure_prefect.
    from flows.ingest import ingest_flow
    from flows.runners import task_runner

    with task_runner(runner) as chosen, reporting_to(sink_for(sys.stderr, arguments.quiet)):
        flow = ingest_flow.with_options(task_runner=chosen) if chosen else ingest_flow
        summary = flow(str(arguments.input), str(arguments.out), options)
        flush_prefect_events()
    if arguments.json:
        print(summary.model_dump_json(indent=2))
        return EXIT_OK
    print(f"copydesk ingest {arguments.input} -> {arguments.out}")
    print(to_text(summary_rows(summary)))
    if summary.unchanged:
        print(f"{arguments.out} is up to date: nothing written")
    else:
        written = ", ".join(str(arguments.out / name) for name in (*DATA_FILES, RUN))
        print(f"wrote {written}")
    return EXIT_OK


def run_explain(arguments: argparse.Namespace) -> int:
    try:
        run = RunOutput.load(arguments.out)
    except FileNotFoundError:
        raise UsageError(f"no copydesk output in '{arguments.out}'") from None
    except ValueError as error:  # pydantic's ValidationError: not our format, or damaged
        problem = str(error).splitlines()[0]
        raise UsageError(f"'{arguments.out}' holds no valid copydesk output: {problem}") from None
    try:
        print(explain(arguments.file, run))
    except NotInRun as missing:
        print(
            f"copydesk: '{missing}' is not an input of the run in '{arguments.out}'",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    try:
        arguments = build_parser().parse_args(argv)
        if arguments.command == "schema":
            print(json.dumps(ArticleRecord.model_json_schema(), indent=2))
            return EXIT_OK
        if arguments.command == "explain":
            return run_explain(arguments)
        return run_ingest(arguments)
    except UsageError as error:
        print(f"copydesk: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OutputBusyError as error:
        print(f"copydesk: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:
        print(f"copydesk: error: the run failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED
