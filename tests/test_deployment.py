"""prefect.yaml, read by Prefect's own `prefect deploy` loader: a valid deployment of the
ingest flow (the whole server / work pool / worker path is in the README and was run by hand)."""

from __future__ import annotations

import inspect
import io
from typing import Any

from prefect.cli.deploy._config import _load_deploy_configs_and_actions
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint
from rich.console import Console

from flows.ingest import ingest_flow
from tests.conftest import REPO


def test_prefect_yaml_deploys_the_ingest_flow_every_15_minutes() -> None:
    messages = io.StringIO()
    configs, actions = _load_deploy_configs_and_actions(
        REPO / "prefect.yaml", console=Console(file=messages)
    )
    assert messages.getvalue() == ""  # Prefect reports invalid files here and skips them
    (config,) = configs
    flow: Any = load_flow_from_entrypoint(str(REPO / config["entrypoint"]))
    assert flow.name == ingest_flow.name == "copydesk-ingest"
    assert set(config["parameters"]) <= set(inspect.signature(ingest_flow.fn).parameters)
    (schedule,) = config["schedules"]
    assert CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"]).cron == "*/15 * * * *"
    assert (config["concurrency_limit"], config["work_pool"]["name"]) == (1, "copydesk")
    (pull,) = actions["pull"]
    assert list(pull) == ["prefect.deployments.steps.set_working_directory"]
