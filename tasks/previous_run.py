"""What the last run left in the output folder, and whether it is still whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import ValidationError

from tasks.models import RunSummary
from tasks.output_files import RUN


def load_summary(out: Path) -> RunSummary | None:
    """The last run's summary; None when there is none or it cannot be read (the next
    write replaces it)."""
    try:
        return RunSummary.model_validate_json((out / RUN).read_bytes())
    except (OSError, ValidationError):
        return None


def damaged_outputs(out: Path, summary: RunSummary) -> list[str]:
    """The data files that are missing or are not the ones `summary` names: a run killed
    between renames, or a file edited by hand."""
    damaged = []
    for name, expected in sorted(summary.outputs.items()):
        try:
            actual = hashlib.sha256((out / name).read_bytes()).hexdigest()
        except OSError:
            actual = None
        if actual != expected.sha256:
            damaged.append(name)
    return damaged


def is_current(out: Path, summary: RunSummary | None, state: str) -> bool:
    """True when the folder holds a whole output of a run with this `state`."""
    return (
        summary is not None
        and summary.state == state
        and bool(summary.outputs)
        and not damaged_outputs(out, summary)
    )
