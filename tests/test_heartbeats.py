"""The flow's own heartbeats (flows/heartbeats.py): sent as Prefect sends them, at the
configured interval, and none left running once the flow's work ends."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from flows.heartbeats import HEARTBEAT_EVENT, heartbeats, sent_by_copydesk


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The events `emit_event` is asked to send."""
    import prefect.events

    events: list[dict[str, Any]] = []
    monkeypatch.setattr(prefect.events, "emit_event", lambda **event: events.append(event))
    return events


def beating_flow() -> dict[str, Any]:
    """A flow run that sends its own heartbeats; what it saw."""
    from prefect import flow
    from prefect.context import FlowRunContext
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    @flow(name="beating")
    def beating() -> dict[str, Any]:
        with heartbeats():
            context = FlowRunContext.get()
            assert context is not None and context.flow_run is not None
            running = [thread.name for thread in threading.enumerate()]
            return {
                "id": str(context.flow_run.id),
                "flow_id": str(context.flow_run.flow_id),
                "prefects": PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value(),
                "running": running,
            }

    return beating()


@pytest.mark.usefixtures("prefect_server")
def test_the_flow_sends_one_heartbeat_at_its_start_and_stops_with_its_work(
    sent: list[dict[str, Any]],
) -> None:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 30}), sent_by_copydesk():
        seen = beating_flow()
    assert seen["prefects"] is None  # Prefect's own heartbeats were off
    assert "heartbeats" in seen["running"]
    assert "heartbeats" not in [thread.name for thread in threading.enumerate()]
    assert [event["event"] for event in sent] == [HEARTBEAT_EVENT]
    resource = sent[0]["resource"]
    assert resource["prefect.resource.id"] == f"prefect.flow-run.{seen['id']}"
    assert sent[0]["related"][0] == {
        "prefect.resource.id": f"prefect.flow.{seen['flow_id']}",
        "prefect.resource.role": "flow",
        "prefect.resource.name": "beating",
    }


@pytest.mark.usefixtures("prefect_server")
def test_no_heartbeats_when_they_are_off_or_left_to_prefect(sent: list[dict[str, Any]]) -> None:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}), sent_by_copydesk():
        assert beating_flow()["prefects"] is None
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 30}):
        assert beating_flow()["prefects"] == 30  # as `copydesk serve`'s runs: Prefect's own
    assert [event for event in sent if event["event"] == HEARTBEAT_EVENT] == []


def test_the_heartbeat_names_the_deployment_and_tags() -> None:
    from types import SimpleNamespace

    from flows.heartbeats import heartbeat_of

    run = SimpleNamespace(id="r", name="calm-fox", flow_id="f", deployment_id="d",
                          tags=["b", "a", "b"])  # fmt: skip
    resource, related = heartbeat_of(run, "copydesk-ingest")
    assert resource["prefect.resource.name"] == "calm-fox"
    assert [item["prefect.resource.id"] for item in related] == [
        "prefect.flow.f", "prefect.deployment.d", "prefect.tag.a", "prefect.tag.b",
    ]  # fmt: skip
