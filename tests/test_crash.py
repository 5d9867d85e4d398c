"""SIGKILL at any point of a real `copydesk ingest` process, then run again: the output is
the uninterrupted run's, and no reader ever sees a half-written file."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.ingest import ingest_flow
from flows.options import IngestOptions
from tasks.output.paths import DATA_FILES, LOCK_FILE, PARQUET, RUN, WORK_DIR
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.helpers import snapshot

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]


def corpus(stories: int) -> dict[str, str]:
    files = {}
    for number in range(stories):
        body = paragraphs(1000 + number)
        files[f"s{number:03}.txt"] = source_text(body, "2025-04-01")
        if number % 2:
            files[f"v{number:03}.txt"] = variant_text(body[:2])
    return files


def whole(out: Path) -> None:
    """What a reader sees: every output file there is complete, valid JSON."""
    for name in (*DATA_FILES, RUN):
        try:
            content = (out / name).read_bytes()
        except FileNotFoundError:
            continue
        if name == RUN:
            json.loads(content)
        else:
            assert content == b"" or content.endswith(b"\n"), name
            [json.loads(line) for line in content.splitlines()]


# Runs the CLI with its write points wrapped to SIGKILL the process itself at one exact point:
# "before:NAME" leaves half of NAME's temporary file written, "after:NAME" dies right after
# NAME was renamed into place; for the parse cache and the index, databases, before and after
# their commits.
# Polling from outside could never hit a window that short.
KILLING_CLI = """
import faulthandler, os, signal, sys
faulthandler.register(signal.SIGUSR1, all_threads=True)  # where a run that hangs is
import pathlib, tasks.output.databases, tasks.output.write
when, name = sys.argv[1].split(":")
def killing(real, before, after):
    def wrapped(*arguments):
        if (when, name) == ("before", before(*arguments)):
            os.kill(os.getpid(), signal.SIGKILL)
        real(*arguments)
        if (when, name) == ("after", after(*arguments)):
            os.kill(os.getpid(), signal.SIGKILL)
    return wrapped
def half_written(temporary, path):
    if (when, name) == ("before", path.name):
        temporary.write_bytes(temporary.read_bytes()[: temporary.stat().st_size // 2])
    return path.name
def database(connection):
    return pathlib.Path(connection.execute("PRAGMA database_list").fetchone()[2]).name
tasks.output.write.put_in_place = killing(
    tasks.output.write.put_in_place, half_written, lambda temporary, path: path.name
)
tasks.output.databases.commit = killing(tasks.output.databases.commit, database, database)
from flows.cli import main
sys.exit(main(sys.argv[2:]))
"""
OUTSIDE_KILL_AFTER = "copydesk: files "  # the first stage reported: mid-run, output unwritten
# One run at a time: in CI, sixteen at once, then four at once, each time stalled one run.
RUN_SECONDS = 60  # for one run; they took 3-6 s here
KILL_POINTS = [
    "before:stamps.sqlite",
    "after:stamps.sqlite",
    "before:documents.sqlite",
    "after:documents.sqlite",
    "before:index.sqlite",
    "after:index.sqlite",
    "after:articles.jsonl",
    "before:run.json",
    "after:run.json",
    "before:state.json",
    "after:state.json",
    "before:decisions.jsonl",
    "after:decisions.jsonl",
    "before:scores.sqlite",
    "after:scores.sqlite",
    "before:record_lines.bin",
    "after:record_lines.bin",
]


def start(
    kill_point: str, folder: Path, out: Path, home: Path, *extra: str
) -> subprocess.Popen[bytes]:
    """The CLI against the session's server (a private server per run would cost each 6 s
    of start-up). Their logs stay out of the server's database: runs sending them at once
    kept it locked, and in CI one run in sixteen started together waited minutes for it."""
    from prefect.settings import PREFECT_API_URL

    environment = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
    }
    arguments = ["ingest", str(folder), "--out", str(out), *extra]
    command = [sys.executable, "-c", KILLING_CLI, kill_point, *arguments]
    with log_of(out).open("wb") as log:
        return subprocess.Popen(command, env=environment, stdout=log, stderr=log)


def log_of(out: Path) -> Path:
    return out.with_name(f"{out.name}.log")


def log_end(out: Path, what: str) -> str:
    """Why a run failed the test: what it did, and the end of what it printed."""
    lines = log_of(out).read_text(errors="replace").splitlines()
    return "\n".join([f"the run killing at {out.name} {what}; its log ends:", *lines[-40:]])


def killed(process: subprocess.Popen[bytes], out: Path) -> None:
    """Wait for the run writing OUT to die at its kill point, reading OUT all along as a
    user's reader would; the kill from outside is sent once it reported its first stage."""
    deadline = time.monotonic() + RUN_SECONDS
    while process.poll() is None:
        whole(out)
        if out.name == "from-outside-" and OUTSIDE_KILL_AFTER in log_of(out).read_text():
            process.send_signal(signal.SIGKILL)
        if time.monotonic() > deadline:
            process.send_signal(signal.SIGUSR1)  # its threads' stacks, to its log
            time.sleep(1)
            pytest.fail(log_end(out, f"did not reach its kill point in {RUN_SECONDS} s"))
        time.sleep(0.05)  # a reader's pace: renames are atomic, any moment shows whole files
    whole(out)
    assert process.returncode == -signal.SIGKILL, log_end(out, "ended by itself")


def test_a_killed_run_leaves_whole_files_and_the_next_run_finishes_the_job(
    tmp_path: Path,
) -> None:
    """Every kill point on a folder that holds the output of an earlier, smaller input,
    plus one kill from outside once the run reported its first stage, one run at a time."""
    files = corpus(120)
    write(tmp_path / "in", files)
    options = IngestOptions(today=dt.date.today())  # what the CLI uses
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "expected"), options)
    write(tmp_path / "half", dict(list(files.items())[: len(files) // 2]))
    ingest_flow(str(tmp_path / "half"), str(tmp_path / "earlier"), options)
    outs = {point: tmp_path / point.replace(":", "-") for point in [*KILL_POINTS, "from-outside:"]}
    for point, out in outs.items():
        shutil.copytree(tmp_path / "earlier", out)
        (out / LOCK_FILE).unlink()
        process = start(point, tmp_path / "in", out, tmp_path / f"prefect-{out.name}")
        try:
            killed(process, out)
        finally:
            process.kill()  # a run that failed the test is not left running

    expected = snapshot(tmp_path / "expected")
    expected["run.json"]["input"] = str(tmp_path / "in")
    for out in outs.values():
        whole(out)
        ingest_flow(str(tmp_path / "in"), str(out), options)
        assert snapshot(out) == expected, out.name
        assert not [*out.glob(".*.tmp"), *(out / WORK_DIR).glob(".*.tmp")], out.name


def test_a_run_killed_writing_parquet_leaves_no_half_file(tmp_path: Path) -> None:
    """--parquet: killed with articles.parquet half written, or just after it was put in
    place (run.json not yet naming it), the next run finishes the job; one without
    --parquet removes a file that run.json does not name."""
    write(tmp_path / "in", corpus(20))
    parquet = IngestOptions(today=dt.date.today(), parquet=True)
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "expected"), parquet)
    expected = (tmp_path / "expected" / PARQUET).read_bytes()
    for point in ("before:articles.parquet", "after:articles.parquet"):
        out = tmp_path / point.replace(":", "-")
        process = start(point, tmp_path / "in", out, tmp_path / f"prefect-{out.name}", "--parquet")
        try:
            killed(process, out)
        finally:
            process.kill()
        assert not (out / PARQUET).exists() or (out / PARQUET).read_bytes() == expected
        (out / LOCK_FILE).unlink(missing_ok=True)
        if point.startswith("after"):  # orphaned: no run.json names it
            assert (out / PARQUET).exists() and not (out / RUN).exists()
            ingest_flow(str(tmp_path / "in"), str(out), IngestOptions(today=dt.date.today()))
            assert not (out / PARQUET).exists()
        ingest_flow(str(tmp_path / "in"), str(out), parquet)
        assert (out / PARQUET).read_bytes() == expected, out.name
        assert not [*out.glob(".*.tmp")], out.name
