"""The same flow on a local Dask cluster: the same output as on the default thread runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import flows.matching
from flows.cli import main
from flows.ingest import ingest_flow
from flows.options import IngestOptions, RunnerChoice
from flows.runners import task_runner
from flows.stages import match_scattered_shard_task
from tasks.match.shards import MatchShard
from tests.conftest import SEEDS
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.helpers import snapshot

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]


def test_dask_runner_gives_the_default_runners_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Matching too, here in shard tasks on the workers (a large run's way), against the
    default runner's one task."""
    files = {}
    for number in range(40):
        body = paragraphs(500 + number)
        files[f"s{number:02}.txt"] = source_text(body, "2025-06-01")
        files[f"v{number:02}.txt"] = variant_text(body[1:])
    files["bad.txt"] = "Date: 2025-13-01\n\nText.\n"
    write(tmp_path / "in", files)
    options = IngestOptions(shard_size=16)
    threads = ingest_flow(str(tmp_path / "in"), str(tmp_path / "threads"), options)
    submitted: list[MatchShard] = []
    real_submit = match_scattered_shard_task.submit

    def counting(sources: Any, shard: Any) -> Any:
        submitted.append(shard.unquote())
        return real_submit(sources, shard)

    real_client = flows.matching._dask_client

    def with_workers() -> Any:
        # Sharding is forced: the count must be the cluster's, also when the scheduler
        # briefly reports fewer (a worker reconnecting; production would match in one task).
        client = real_client()
        client.wait_for_workers(2, timeout=60)
        return client

    monkeypatch.setattr("flows.matching._dask_client", with_workers)
    monkeypatch.setattr("flows.matching.worth_sharding", lambda *counts: True)
    monkeypatch.setattr("tasks.batch.MIN_SHARD_SECONDS", 0.0)  # 4 shards a worker, as at scale
    monkeypatch.setattr(match_scattered_shard_task, "submit", counting)
    with task_runner(RunnerChoice(kind="dask", workers=2)) as runner:
        on_dask = ingest_flow.with_options(task_runner=runner)
        dask = on_dask(str(tmp_path / "in"), str(tmp_path / "dask"), options)
    assert sum(len(shard.variants) for shard in submitted) == 40 and len(submitted) == 8
    assert (dask.records, dask.variants, dask.rejected) == (40, 40, 1) == (
        threads.records, threads.variants, threads.rejected
    )  # fmt: skip
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "threads")


def test_dask_address_runs_on_an_existing_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from distributed import LocalCluster

    ingest_flow(str(SEEDS), str(tmp_path / "threads"), IngestOptions())
    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster:  # type: ignore[no-untyped-call]
        arguments = ["ingest", str(SEEDS), "--out", str(tmp_path / "dask"), "--json"]
        code = main([*arguments, "--dask-address", cluster.scheduler_address])
    assert code == 0 and json.loads(capsys.readouterr().out)["records"] == 1
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "threads")
