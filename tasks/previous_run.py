"""What the last run left in the output folder, and whether it is still whole and current.

`OUT/.copydesk/state.json` records the run state (see `tasks.ledger.run_state`) of the last
run and the checksums of the data files that state produced. It is written last, also by a
run whose data turned out identical and so wrote nothing else: the next run with the same
state can then stop at once, while `run.json` keeps describing the run that wrote the data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import ValidationError

from tasks.models import Model, OutputFile, RunSummary
from tasks.output_files import RUN

STATE_FILE = Path(".copydesk", "state.json")


class RunState(Model):
    state: str
    outputs: dict[str, OutputFile]


def load_summary(out: Path) -> RunSummary | None:
    """The last run's summary; None when there is none or it cannot be read (the next
    write replaces it)."""
    try:
        return RunSummary.model_validate_json((out / RUN).read_bytes())
    except (OSError, ValidationError):
        return None


def load_state(out: Path) -> RunState | None:
    try:
        return RunState.model_validate_json((out / STATE_FILE).read_bytes())
    except (OSError, ValidationError):
        return None


def damaged_outputs(out: Path, outputs: dict[str, OutputFile]) -> list[str]:
    """The data files that are missing or are not the ones `outputs` names: a run killed
    between renames, or a file edited by hand."""
    damaged = []
    for name, expected in sorted(outputs.items()):
        try:
            actual = hashlib.sha256((out / name).read_bytes()).hexdigest()
        except OSError:
            actual = None
        if actual != expected.sha256:
            damaged.append(name)
    return damaged


def is_current(out: Path, state: str) -> bool:
    """True when the folder holds the whole output of a run with this `state`."""
    recorded, summary = load_state(out), load_summary(out)
    return (
        recorded is not None
        and summary is not None
        and recorded.state == state
        and recorded.outputs == summary.outputs
        and not damaged_outputs(out, recorded.outputs)
    )
