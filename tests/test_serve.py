"""`copydesk serve`: scheduled runs really fire, pick up new files, and stop cleanly."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from flows.ingest import ingest_flow
from flows.options import IngestOptions
from flows.serve import deployment_parameters
from tests.conftest import SEEDS
from tests.corpus import paragraphs, variant_text, write
from tests.helpers import snapshot
from tests.processes import alive, private_server


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no scheduled run in time"
        time.sleep(0.2)


def start_serve(folder: Path, out: Path, home: Path, interval: float) -> subprocess.Popen[str]:
    """`copydesk serve` with its own Prefect home and no configured server."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        "PREFECT_HOME": str(home),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    command = [str(Path(sys.executable).with_name("copydesk")), "serve", str(folder)]
    return subprocess.Popen(
        [*command, "--out", str(out), "--interval", str(interval)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ledger_paths(out: Path) -> list[str]:
    try:
        lines = (out / "ledger.jsonl").read_text().splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line)["path"] for line in lines]


@pytest.mark.parametrize(
    "options", [IngestOptions(verify=True, threshold=60), IngestOptions(verify_every=86_400)]
)
def test_each_scheduled_run_gets_every_option_given_to_serve(options: IngestOptions) -> None:
    """--verify and --verify-every are not among a run's settings (they never change its
    output), yet a deployment's runs must receive them with the flow's other parameters."""
    parameters = deployment_parameters(Path("in"), Path("out"), options)
    assert ingest_flow.validate_parameters(parameters)["options"] == options


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_server")
def test_serve_runs_on_schedule_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """A private Prefect server, a run every 3 s: the first run ingests the seeds, a file
    dropped in later is picked up by a later run; SIGTERM then stops it all, exit 0."""
    shutil.copytree(SEEDS, tmp_path / "in")
    out = tmp_path / "out"
    serving = start_serve(tmp_path / "in", out, tmp_path / "prefect", interval=3)
    try:
        wait_for(lambda: len(ledger_paths(out)) == 2, serving, 120)
        write(tmp_path / "in", {"late.txt": variant_text(paragraphs(4))})
        wait_for(lambda: "late.txt" in ledger_paths(out), serving, 60)
    finally:
        serving.send_signal(signal.SIGTERM)
        stdout, stderr = serving.communicate(timeout=60)
    assert serving.returncode == 0, stderr
    assert stdout == (
        f"copydesk serve {tmp_path / 'in'} -> {out}: deployment 'copydesk-ingest/out' on "
        "every 3 s; stop with Ctrl-C\ncopydesk serve: stopped\n"
    )
    assert "Traceback" not in stderr and "ERROR" not in stderr, stderr
    assert "2 inputs, 1 records, 1 variants, 0 rejected; written" in stderr
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "once"), IngestOptions())
    assert snapshot(out) == snapshot(tmp_path / "once")


@pytest.mark.flow
def test_the_private_server_lives_and_dies_with_serve(tmp_path: Path) -> None:
    """A private server that stops on its own ends serve with one line and exit code 1; a
    serve killed with SIGKILL takes its private server with it (no orphan server)."""
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    first = start_serve(folder, tmp_path / "out-1", tmp_path / "prefect-1", interval=3600)
    second = start_serve(folder, tmp_path / "out-2", tmp_path / "prefect-2", interval=3600)
    for serving in (first, second):  # the first line comes once the server answers
        assert serving.stdout is not None and serving.stdout.readline().startswith("copydesk serve")
    os.kill(private_server(first.pid), signal.SIGKILL)
    _, stderr = first.communicate(timeout=30)
    log = tmp_path / "prefect-1" / "copydesk-server.log"
    assert first.returncode == 1
    assert stderr.endswith(
        f"copydesk: error: the private Prefect server stopped on its own; see {log}\n"
    )
    server = private_server(second.pid)
    second.send_signal(signal.SIGKILL)
    second.communicate(timeout=30)
    deadline = time.monotonic() + 30
    while alive(server):
        assert time.monotonic() < deadline, "the private server outlived serve"
        time.sleep(0.2)
