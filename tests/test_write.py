"""Output files: atomic replacement, nothing partial ever visible."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tasks.models import Rejection, RejectReason, RunSummary
from tasks.write import write_atomic, write_outputs

SUMMARY = RunSummary(inputs=0, records=0, variants=0, rejected=0, rejected_by_reason={}, timings=[])


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "f.jsonl"
    target.write_text("old")
    write_atomic(target, b"new")
    assert (target.read_bytes(), _names(tmp_path)) == (b"new", ["f.jsonl"])


def test_write_atomic_failure_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "f.jsonl"
    target.write_text("old")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert (target.read_text(), _names(tmp_path)) == ("old", ["f.jsonl"])


def test_write_outputs_creates_four_files_and_names_the_data_in_run_json(tmp_path: Path) -> None:
    rejected = [Rejection(path=p, reason=RejectReason.EMPTY, detail="x") for p in ("b", "a")]
    final = write_outputs(tmp_path / "out", [], rejected, [], SUMMARY, "s")
    out = tmp_path / "out"
    assert _names(out) == [
        ".copydesk",
        "articles.jsonl",
        "ledger.jsonl",
        "rejected.jsonl",
        "run.json",
    ]
    data = (out / "rejected.jsonl").read_bytes()
    assert [json.loads(line)["path"] for line in data.splitlines()] == ["a", "b"]
    run = json.loads((out / "run.json").read_text())
    assert run["outputs"] == {
        "articles.jsonl": {"sha256": hashlib.sha256(b"").hexdigest(), "lines": 0},
        "rejected.jsonl": {"sha256": hashlib.sha256(data).hexdigest(), "lines": 2},
        "ledger.jsonl": {"sha256": hashlib.sha256(b"").hexdigest(), "lines": 0},
    }
    assert final.outputs["rejected.jsonl"].lines == 2


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".articles.jsonl.4242.tmp").write_text("half")
    (out / "notes.txt").write_text("the user's own file stays")
    write_outputs(out, [], [], [], SUMMARY, "s")
    assert _names(out) == [
        ".copydesk",
        "articles.jsonl",
        "ledger.jsonl",
        "notes.txt",
        "rejected.jsonl",
        "run.json",
    ]


def test_identical_data_is_not_written_again(tmp_path: Path) -> None:
    rejected = [Rejection(path="a", reason=RejectReason.EMPTY, detail="x")]
    write_outputs(tmp_path, [], rejected, [], SUMMARY, "s")
    before = {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()}
    again = write_outputs(tmp_path, [], rejected, [], SUMMARY.model_copy(update={"inputs": 9}), "s")
    assert again.unchanged
    assert {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()} == before
    assert not write_outputs(tmp_path, [], [], [], SUMMARY, "s").unchanged
