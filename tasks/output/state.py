"""The run state: what a run's output is a function of, and whether the output folder
already holds that output, whole.

`OUT/.copydesk/state.json` records the run state of the last run and the checksums of the
data files that state produced. It is written last, also by a run whose data turned out
identical and so wrote nothing else: the next run with the same state can then stop at once,
while `run.json` keeps describing the run that wrote the data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import ValidationError

from tasks.memory import paused_garbage_collection
from tasks.models import Model, OutputFile, Rejection, RunSummary
from tasks.output.fingerprint import code_fingerprint
from tasks.output.paths import RUN, STATE_FILE


@paused_garbage_collection()  # a string per file, no cycles
def run_state(
    settings: Mapping[str, object],
    excluded: int,
    hashes: Mapping[str, str],
    unread: Iterable[Rejection],
    code: str | None = None,
) -> str:
    """SHA-256 of what a run's output is a function of: the code (all of copydesk's unless
    `code` is given), the settings, the count of excluded entries (run.json reports it),
    every file read (path and content hash, in path order) and every file that could not be
    read (path, reason and detail, so that a new reason is never hidden behind the old
    one). The files go in as one string, a NUL before each path and each SHA-256 (no path
    holds a NUL, no JSON text a raw one): as a JSON list of pairs they took 0.55 s at a
    million files, plus 1.4 s of collections of the million pairs.

    >>> a = run_state({"threshold": 50}, 0, {"a.txt": "0" * 64}, [], code="c")
    >>> a == run_state({"threshold": 50}, 0, {"a.txt": "0" * 64}, [], code="c")
    True
    >>> a == run_state({"threshold": 50}, 0, {"a.txt": "1" * 64}, [], code="c")
    False
    >>> a == run_state({"threshold": 50}, 1, {"a.txt": "0" * 64}, [], code="c")
    False
    >>> b = run_state({}, 0, {"b.txt": "0" * 64, "a.txt": "1" * 64}, [], code="c")
    >>> b == run_state({}, 0, {"a.txt": "1" * 64, "b.txt": "0" * 64}, [], code="c")
    True
    """
    facts = {
        "code": code_fingerprint() if code is None else code,
        "settings": dict(sorted(settings.items())),
        "excluded": excluded,
        "unread": sorted(f"{r.path}\0{r.reason.value}\0{r.detail}" for r in unread),
    }
    digest = hashlib.sha256(json.dumps(facts, default=str).encode())
    files = "".join(f"\0{path}\0{hashes[path]}" for path in sorted(hashes))
    digest.update(files.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


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
    between renames, or a file edited by hand (each hashed in chunks: at a million records
    the data files are gigabytes)."""
    return [name for name in sorted(outputs) if _sha256(out / name) != outputs[name].sha256]


def mismatched(outputs: dict[str, OutputFile], contents: dict[str, bytes]) -> list[str]:
    """The same check for contents already read.

    >>> mismatched({"a": OutputFile(sha256="0" * 64, lines=0)}, {"a": b""})
    ['a']
    """
    return [name for name in sorted(outputs) if _digest(contents.get(name)) != outputs[name].sha256]


def _digest(content: bytes | None) -> str | None:
    return None if content is None else hashlib.sha256(content).hexdigest()


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def current_summary(out: Path, state: str) -> RunSummary | None:
    """The last run's summary when the folder holds the whole output of a run with this
    `state`, else None."""
    recorded, summary = load_state(out), load_summary(out)
    if recorded is None or summary is None or recorded.state != state:
        return None
    if recorded.outputs != summary.outputs or damaged_outputs(out, recorded.outputs):
        return None
    return summary
