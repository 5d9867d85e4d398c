"""Flow-run heartbeats that stop the moment a run's work ends.

A lasting Prefect server learns that a run crashed from the heartbeats it stops sending
(`PREFECT_FLOWS_HEARTBEAT_FREQUENCY`, 180 s by default). Prefect 3.8's heartbeat thread
sleeps in 1 s steps, and the flow waits for it at its end: up to 1 s of every run (0.94 s
of one profiled +1 % run of 8.4 s against a lasting server). So `copydesk ingest` turns
Prefect's off (`sent_by_copydesk`) and the flow sends the same event itself, at the same
interval, from a thread that waits on an event instead (`heartbeats`): it stops at once.
Runs that `copydesk serve`'s runner starts keep Prefect's own (the runner's process sets
their settings; `heartbeats` then sends nothing).
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

HEARTBEAT_EVENT = "prefect.flow-run.heartbeat"

# Set by `sent_by_copydesk` around a run: the seconds between the flow's own heartbeats.
_every: ContextVar[int | None] = ContextVar("copydesk_heartbeat_seconds", default=None)
_log = logging.getLogger(__name__)


@contextmanager
def sent_by_copydesk() -> Iterator[None]:
    """Around a flow call: Prefect's heartbeats off, the flow's own (`heartbeats`) on at the
    interval configured for Prefect's (none when that is off). Call once Prefect may be
    imported."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    token = _every.set(PREFECT_FLOWS_HEARTBEAT_FREQUENCY.value())
    try:
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield
    finally:
        _every.reset(token)


@contextmanager
def heartbeats() -> Iterator[None]:
    """Inside the flow: a heartbeat now and every `sent_by_copydesk` interval until the
    block ends, as Prefect's engine sends it (the same event, resource and related
    resources); nothing outside `sent_by_copydesk`."""
    from prefect.context import FlowRunContext

    seconds = _every.get()
    context = FlowRunContext.get()
    if seconds is None or context is None or context.flow_run is None:
        yield
        return
    flow_name = context.flow.name if context.flow is not None else ""
    resource, related = heartbeat_of(context.flow_run, flow_name)
    stopped = threading.Event()

    def beat() -> None:
        from prefect.events import emit_event

        while True:
            try:
                emit_event(event=HEARTBEAT_EVENT, resource=resource, related=related)
            except Exception:  # a missed heartbeat is the server's to judge, not a failure
                _log.debug("could not send a heartbeat", exc_info=True)
            if stopped.wait(seconds):
                return

    # The thread sees this run's settings (its API URL), as Prefect's own does.
    run_in = contextvars.copy_context()
    thread = threading.Thread(target=run_in.run, args=(beat,), name="heartbeats", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join()


def heartbeat_of(flow_run: Any, flow_name: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The heartbeat event's resource and related resources for `flow_run` (a Prefect
    FlowRun): its flow, its deployment if any, its tags."""
    from prefect import __version__

    resource = {
        "prefect.resource.id": f"prefect.flow-run.{flow_run.id}",
        "prefect.resource.name": flow_run.name or "",
        "prefect.version": __version__,
    }
    related = []
    if flow_run.flow_id:
        related.append({
            "prefect.resource.id": f"prefect.flow.{flow_run.flow_id}",
            "prefect.resource.role": "flow",
            "prefect.resource.name": flow_name,
        })  # fmt: skip
    if flow_run.deployment_id:
        related.append({
            "prefect.resource.id": f"prefect.deployment.{flow_run.deployment_id}",
            "prefect.resource.role": "deployment",
        })  # fmt: skip
    tags = sorted(set(flow_run.tags or []))
    related += [{"prefect.resource.id": f"prefect.tag.{tag}", "prefect.resource.role": "tag"}
                for tag in tags]  # fmt: skip
    return resource, related
