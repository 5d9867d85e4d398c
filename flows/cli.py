"""The `copydesk` command line.

Exit codes: 0 success; 1 the run failed (one line on stderr says why, e.g. another run holds
the output folder), or for `explain` the file is not an input of that run; 2 usage error
(bad arguments, missing input folder, unwritable output folder or Prefect home, no valid
output to explain); 128 + N stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP, and
141 when stdout is a pipe closed early, as `copydesk schema | head` does)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Sequence

from flows.arguments import (
    UsageError,
    build_parser,
    check_folders,
    read_options,
    read_runner,
    read_schedule,
)
from flows.explain import NotInRun, RunOutput, explain
from flows.heartbeats import sent_by_copydesk
from flows.interrupts import exit_now, stop_on_signals
from flows.prefect_env import (
    configure_prefect,
    flush_prefect_events,
    import_run_modules,
    prefect_home_problem,
    without_heartbeats,
)
from flows.progress import reporting_to, sink_for
from flows.summary import summary_rows, to_json, to_text
from tasks.memory import (
    ending_after_run,
    paused_garbage_collection,
    settle_for_exit,
    settling_scope,
)
from tasks.models import ArticleRecord, RunSummary
from tasks.output.lock import OutputBusyError, output_lock
from tasks.output.paths import RUN

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


def start_prefect(arguments: argparse.Namespace, service: bool = False) -> None:
    """Prefect's settings, and a home it can write, before Prefect is first imported (it
    reads its settings at import)."""
    configure_prefect(verbose=arguments.verbose, service=service)
    problem = prefect_home_problem()
    if problem is not None:
        raise UsageError(problem)


def run_ingest(arguments: argparse.Namespace) -> int:
    with stop_on_signals():
        return _ingest(arguments)


def _ingest(arguments: argparse.Namespace) -> int:
    options = read_options(arguments)
    runner = read_runner(arguments)
    check_folders(arguments)
    # The lock first: a busy folder fails at once, before Prefect is even imported (the
    # flow takes the same lock again, which within one process just passes).
    with output_lock(arguments.out), settling_scope():
        start_prefect(arguments)
        from flows.checked_meanwhile import checked_meanwhile
        from flows.private_server import api_server, launch, stop_now
        from flows.up_to_date import (
            current_or_offered,
            offered_files,
            withdrawn_after,
        )

        # Without a configured server, start ours first: it comes up while this process
        # walks INPUT (flows/up_to_date.py) and imports Prefect. If OUT is current already,
        # it is stopped; if not, the flow takes the walk over.
        launched = None if os.environ.get("PREFECT_API_URL") else launch()
        summary = None
        if launched:
            summary = current_or_offered(arguments.input, arguments.out, options)
        if summary is not None:
            stop_now()
            return report(arguments, summary)
        # A configured server records every run: OUT is checked meanwhile, on the other core
        # (flows/checked_meanwhile.py).
        meanwhile = (
            contextlib.nullcontext()
            if launched
            else checked_meanwhile(arguments.input, arguments.out, options)
        )
        # Prefect's modules, for the life of the process, make no garbage cycle: collecting
        # while they load only walked them again (0.79-0.84 s against 0.88-0.93 s).
        with paused_garbage_collection(), meanwhile:
            from flows.ingest import ingest_flow
            from flows.prefetch import prefetching
            from flows.runners import task_runner
            from flows.workers import warm_up

            import_run_modules()
        if runner.kind == "threads":
            # The worker processes' fork server: its imports and tables (0.35 s of a core,
            # about 0.55 s beside the server's start) are made while this process waits for
            # the server, not when the run needs its first pool (a child's walk is still on
            # its way: the flow starts it, flows/files.py).
            warm_up(offered_files())

        progress = reporting_to(sink_for(sys.stderr, arguments.quiet))
        # Heartbeats tell a lasting server that a long run is alive (a run that misses them
        # for minutes has crashed): the flow sends them itself (flows/heartbeats.py), from a
        # thread that stops at once with it. A private server has no one to tell.
        quiet = without_heartbeats() if launched else sent_by_copydesk()
        # The cache's refs and the decisions are read while this process waits on the
        # server and the workers (flows/prefetch.py).
        read = prefetching(arguments.out, options, stale=bool(launched))
        # The settings `quiet` makes (0.05-0.07 s) are made while a private server starts.
        with read, quiet, progress, api_server(launched), task_runner(runner) as chosen:
            flow = ingest_flow.with_options(task_runner=chosen) if chosen else ingest_flow
            with withdrawn_after():
                summary = flow(str(arguments.input), str(arguments.out), options)
            flush_prefect_events()
    return report(arguments, summary)


def report(arguments: argparse.Namespace, summary: RunSummary) -> int:
    """The summary on stdout: a table and what was written, or JSON (`--json`)."""
    if arguments.json:
        print(to_json(summary))
        return EXIT_OK
    print(f"copydesk ingest {arguments.input} -> {arguments.out}")
    print(to_text(summary_rows(summary)))
    if summary.unchanged:
        print(f"{arguments.out} is up to date: nothing written")
    else:
        written = ", ".join(str(arguments.out / name) for name in (*summary.outputs, RUN))
        print(f"wrote {written}")
    return EXIT_OK


def run_serve(arguments: argparse.Namespace) -> int:
    options = read_options(arguments)
    check_folders(arguments)
    start_prefect(arguments, service=True)
    schedule = read_schedule(arguments)
    from flows.serve import serve

    name = arguments.name or arguments.out.resolve().name
    serve(arguments.input, arguments.out, options, schedule, name)
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


def command() -> int:
    """The `copydesk` executable: `main`, then a quick exit (`settle_for_exit`); what its
    run leaves is not freed (`ending_after_run`)."""
    ending_after_run()
    code = main()
    settle_for_exit()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    try:
        arguments = build_parser().parse_args(argv)
        if arguments.command == "schema":
            print(json.dumps(ArticleRecord.model_json_schema(), indent=2))
            return EXIT_OK
        if arguments.command == "explain":
            return run_explain(arguments)
        if arguments.command == "serve":
            return run_serve(arguments)
        return run_ingest(arguments)
    except UsageError as error:
        print(f"copydesk: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OutputBusyError as error:
        print(f"copydesk: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as stop:
        # Not a return: Python would wait at exit for task threads still running.
        exit_now(getattr(stop, "signum", signal.SIGINT))
    except BrokenPipeError:
        # The reader stopped reading (`| head`): end quietly, as Unix tools do, with the
        # code of their SIGPIPE death. stdout goes to /dev/null so that Python's own flush
        # at exit does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:
        print(f"copydesk: error: the run failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILED
