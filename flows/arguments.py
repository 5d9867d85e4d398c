"""The `copydesk` command line's arguments, and their checks (no Prefect import here)."""

from __future__ import annotations

import argparse
from importlib.metadata import version
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from flows.options import IngestOptions, RunnerChoice
from tasks.extract.formats import InputFormat
from tasks.output.paths import unwritable
from tasks.parse.dates import DateOrder


class UsageError(Exception):
    """A problem with what the user asked for; reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see 'copydesk --help')")


def run_arguments() -> _Parser:
    """What `ingest` and `serve` share: the folders and the options of a run."""
    run = _Parser(add_help=False)
    run.add_argument("input", type=Path, help="folder of article files (read recursively)")
    run.add_argument("--out", type=Path, required=True, help="output folder")
    run.add_argument("--threshold", type=float, default=None, help="minimum match score")
    run.add_argument(
        "--word-order-threshold",
        type=float,
        default=None,
        help="minimum score of a match decided by word order (OCR text)",
    )
    run.add_argument(
        "--ambiguous-dates",
        choices=[order.value for order in DateOrder],
        default=None,
        help="how to read 05/06/2025: dmy (default), mdy, or reject the file",
    )
    run.add_argument("--shard-size", type=int, default=None, help="documents per task run")
    run.add_argument(
        "--format",
        dest="input_format",
        choices=[form.value for form in InputFormat],
        default=None,
        help="read every file as txt, md, html, jsonl or json (default: by extension; "
        "other files: txt)",
    )
    run.add_argument(
        "--field",
        action="append",
        metavar="FIELD=NAME",
        help="read a JSON article's text, title or date from the field NAME (repeatable; "
        "a.b is field b of object a), e.g. text=article_body",
    )
    run.add_argument(
        "--max-bytes", type=int, default=None, help="reject larger files unread (default 10 MiB)"
    )
    run.add_argument(
        "--include",
        action="append",
        metavar="GLOB",
        help="read only the files this glob matches (repeatable), e.g. '*.txt'",
    )
    run.add_argument(
        "--exclude",
        action="append",
        metavar="GLOB",
        help="do not read what this glob matches (repeatable), e.g. 'drafts/**'",
    )
    run.add_argument(
        "--no-default-excludes",
        action="store_true",
        help="also read hidden files and folders, CVS, __pycache__, node_modules, *~",
    )
    run.add_argument(
        "--follow-outside-links",
        action="store_true",
        help="read links that resolve outside INPUT (default: rejected, outside_input)",
    )
    verifying = run.add_mutually_exclusive_group()
    verifying.add_argument(
        "--verify",
        action="store_true",
        help="read and hash every file, even one whose size and times say it is unchanged",
    )
    verifying.add_argument(
        "--verify-every",
        metavar="DURATION",
        default=None,
        help="do as --verify when the last run that read every file began this long ago: "
        "90m, 12h, 7d, 2w (plain: seconds)",
    )
    run.add_argument(
        "--parquet",
        action="store_true",
        help="also write the records as articles.parquet (typed, for DuckDB, pandas, polars)",
    )
    run.add_argument("--verbose", action="store_true", help="show Prefect's own logs")
    return run


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="copydesk", description="Clean news articles into one record per story.")
    parser.add_argument("--version", action="version", version=f"copydesk {version('copydesk')}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = run_arguments()
    ingest = commands.add_parser("ingest", parents=[run], help="ingest a folder of articles once")
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
        "--dask-workers",
        type=int,
        default=RunnerChoice.workers,
        help="worker processes of the local Dask cluster (default 2)",
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress on stderr")
    ingest.add_argument(
        "--json", action="store_true", help="print the run summary (run.json) as JSON instead"
    )
    serve = commands.add_parser("serve", parents=[run], help="ingest a folder on a schedule")
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='a cron schedule, e.g. "*/15 * * * *"')
    when.add_argument("--interval", type=float, help="seconds between runs")
    serve.add_argument("--timezone", default=None, help="IANA zone of --cron (default UTC)")
    serve.add_argument("--name", default=None, help="deployment name (default: OUT's name)")
    explain = commands.add_parser("explain", help="say why a file was matched or rejected")
    explain.add_argument("file", help="an input file of the run (as stored, or its path)")
    explain.add_argument(
        "--in", dest="out", type=Path, required=True, help="the run's output folder"
    )
    commands.add_parser("schema", help="print the JSON Schema of an article record")
    return parser


def check_folders(arguments: argparse.Namespace) -> None:
    """The input exists; the output folder can be created and written, before any work."""
    folder: Path = arguments.input
    if not folder.exists():
        raise UsageError(f"input folder '{folder}' does not exist")
    if not folder.is_dir():
        raise UsageError(f"input '{folder}' is not a folder")
    out: Path = arguments.out
    if out.resolve() == folder.resolve():
        raise UsageError("the output folder must not be the input folder")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output '{out}' is a file, not a folder")
    reason = unwritable(out)
    if reason is not None:
        raise UsageError(f"cannot write to output folder '{out}': {reason}")


def read_options(arguments: argparse.Namespace) -> IngestOptions:
    chosen = {
        "threshold": arguments.threshold,
        "word_order_threshold": arguments.word_order_threshold,
        "ambiguous_dates": arguments.ambiguous_dates,
        "shard_size": arguments.shard_size,
        "input_format": arguments.input_format,
        "max_bytes": arguments.max_bytes,
        "include": arguments.include,
        "exclude": arguments.exclude,
    }
    given = {name: value for name, value in chosen.items() if value is not None}
    every = arguments.verify_every
    try:
        return IngestOptions(
            **given,
            default_excludes=not arguments.no_default_excludes,
            follow_outside_links=arguments.follow_outside_links,
            verify=arguments.verify,
            verify_every=None if every is None else duration_seconds(every, "--verify-every"),
            parquet=arguments.parquet,
            fields=dict(item.partition("=")[::2] for item in arguments.field or ()),
        )
    except ValidationError as error:
        problems = [
            f"{_flag(str(e['loc'][0]))}: {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        ]
        raise UsageError("; ".join(problems)) from None


_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def duration_seconds(text: str, flag: str) -> float:
    """A duration as `flag` gives it: a number and a unit (s, m, h, d, w), or seconds.

    >>> [duration_seconds(text, "--x") for text in ("90", "90s", "30m", "12h", "7d", "1.5w")]
    [90.0, 90.0, 1800.0, 43200.0, 604800.0, 907200.0]
    >>> duration_seconds("a week", "--x")
    Traceback (most recent call last):
    ...
    flows.arguments.UsageError: --x: 'a week' is not a duration (a number and s, m, h, d or w)
    """
    number, unit = (text[:-1], text[-1]) if text[-1:] in _SECONDS else (text, "s")
    try:
        return float(number) * _SECONDS[unit]
    except ValueError:
        raise UsageError(
            f"{flag}: '{text}' is not a duration (a number and s, m, h, d or w)"
        ) from None


def _flag(option: str) -> str:
    """The command line's name for an option of `IngestOptions`."""
    return {"fields": "--field"}.get(option, f"--{option.replace('_', '-')}")


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


def read_schedule(arguments: argparse.Namespace) -> dict[str, Any]:
    """`--cron` (checked by Prefect's own rules, with its zone) or `--interval`; call only
    after Prefect is configured (it imports Prefect)."""
    if arguments.interval is not None:
        if arguments.timezone or arguments.interval <= 0:
            raise UsageError("--interval needs a number of seconds above 0 and no --timezone")
        return {"interval": arguments.interval}
    from prefect.client.schemas.schedules import CronSchedule

    zone = arguments.timezone or "UTC"
    try:
        CronSchedule(cron=arguments.cron, timezone=zone)
    except ValidationError as error:
        problems = [e["msg"].removeprefix("Value error, ") for e in error.errors()]
        raise UsageError(f"--cron '{arguments.cron}': {'; '.join(problems)}") from None
    return {"cron": arguments.cron, "timezone": zone}
