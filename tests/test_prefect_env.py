from __future__ import annotations

import os

import pytest

from flows.prefect_env import QUIET_SETTINGS, configure_prefect


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in [*QUIET_SETTINGS, "PREFECT_LOGGING_LEVEL"]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_quiet_defaults(clean_environment: pytest.MonkeyPatch) -> None:
    configure_prefect()
    assert {name: os.environ[name] for name in QUIET_SETTINGS} == {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    }
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "WARNING"


def test_verbose_keeps_prefect_logs(clean_environment: pytest.MonkeyPatch) -> None:
    configure_prefect(verbose=True)
    assert "PREFECT_LOGGING_LEVEL" not in os.environ


def test_user_settings_win(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "true")
    clean_environment.setenv("PREFECT_LOGGING_LEVEL", "DEBUG")
    configure_prefect()
    assert os.environ["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED"] == "true"
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "DEBUG"
