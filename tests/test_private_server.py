"""The private server of `copydesk serve` (flows/private_server.py): a failure that is only
its death showing first is reported as its death, whatever noticed it first."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import private_server
from flows.private_server import Launched, api_server


class Reported(Exception):
    """Stands for the one-line report and exit (the real one ends the process)."""


@pytest.fixture
def launched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Launched]:
    """A stand-in server (a sleeping process) that counts as healthy at once, with no
    Prefect API configured (the session's test server would be used instead)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(private_server, "wait_until_healthy", lambda *arguments: None)
    monkeypatch.setattr(private_server, "_watch", lambda *arguments: None)

    def report(log_path: Path) -> None:
        raise Reported(str(log_path))

    monkeypatch.setattr(private_server, "_report_stopped", report)
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    private_server._running.append(process)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        yield Launched(process, "http://127.0.0.1:9/api", tmp_path / "server.log")
    process.kill()
    process.wait()


def test_a_failure_after_the_server_died_is_reported_as_its_death(launched: Launched) -> None:
    with pytest.raises(Reported, match=r"server\.log"), api_server(launched):
        launched.process.send_signal(signal.SIGKILL)
        raise RuntimeError("Runner failed to start: event_emitter")


def test_a_failure_while_the_server_lives_is_the_failure(launched: Launched) -> None:
    with pytest.raises(RuntimeError, match="event_emitter"), api_server(launched):
        raise RuntimeError("Runner failed to start: event_emitter")


def test_the_api_url_is_set_while_the_server_starts(
    launched: Launched, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prefect's settings (copied whole, 0.05-0.07 s) are made while the server starts, not
    once it answers."""
    from prefect.settings import PREFECT_API_URL

    seen: list[str | None] = []
    monkeypatch.setattr(
        private_server,
        "wait_until_healthy",
        lambda *arguments: seen.append(PREFECT_API_URL.value()),
    )
    with api_server(launched):
        assert PREFECT_API_URL.value() == launched.url
    assert seen == [launched.url]
    assert not PREFECT_API_URL.value()


@pytest.mark.parametrize(
    ("schedules", "persister", "ended_by"),
    [(False, False, signal.SIGKILL), (False, True, signal.SIGTERM), (True, False, signal.SIGTERM)],
)
def test_a_server_for_one_run_is_killed_once_it_holds_nothing_unsaved(
    launched: Launched, schedules: bool, persister: bool, ended_by: signal.Signals
) -> None:
    """Asked to stop, uvicorn takes 0.15 s; a server for one run, whose every answered call
    is committed, is killed, unless it runs scheduling services or a service that holds
    writes in memory (here the event persister, turned on by a user)."""
    from prefect.settings import temporary_settings

    services = {
        "server.services.event_persister.enabled": persister,
        "server.services.task_run_recorder.enabled": False,
        "server.services.triggers.enabled": False,
    }
    with temporary_settings(services), api_server(launched, schedules=schedules):
        pass
    assert launched.process.returncode == -ended_by


def service_settings(environment: dict[str, str]) -> dict[str, object]:
    """Which of Prefect's server services a server started with `environment` runs."""
    from prefect.settings import Settings

    names = [name for name in environment if name.startswith("PREFECT_SERVER_SERVICES_")]
    with pytest.MonkeyPatch.context() as patch:
        for name in names:
            patch.setenv(name, environment[name])
        services = Settings().server.services.model_dump()
    return {name: settings["enabled"] for name, settings in services.items()}


def test_a_server_for_one_run_leaves_the_scheduling_services_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in private_server.SCHEDULING_SERVICES:
        monkeypatch.delenv(f"PREFECT_SERVER_SERVICES_{name}_ENABLED", raising=False)
    one_run = service_settings(private_server.server_environment(schedules=False))
    serving = service_settings(private_server.server_environment(schedules=True))
    scheduling = {name.lower() for name in private_server.SCHEDULING_SERVICES}
    assert scheduling <= one_run.keys()  # each name is a service of this Prefect
    assert {name for name, enabled in one_run.items() if enabled is False} >= scheduling
    assert all(serving[name] is True for name in scheduling)


def test_a_server_for_one_run_registers_no_block_types(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import Settings

    for name in private_server.BLOCK_REGISTRATION_OFF:
        monkeypatch.delenv(name, raising=False)
    for schedules, registers in ((False, False), (True, True)):
        environment = private_server.server_environment(schedules=schedules)
        with pytest.MonkeyPatch.context() as patch:
            for name in private_server.BLOCK_REGISTRATION_OFF:
                if name in environment:
                    patch.setenv(name, environment[name])
            server = Settings().server
        assert server.register_blocks_on_start is registers
        assert server.memoize_block_auto_registration is registers


def test_a_users_service_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED", "true")
    environment = private_server.server_environment(schedules=False)
    assert environment["PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED"] == "true"
    assert environment["PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED"] == "false"
