"""Output files: atomic replacement, nothing partial ever visible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasks.models import RunSummary
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


def test_write_outputs_creates_three_files(tmp_path: Path) -> None:
    write_outputs(tmp_path / "out", [], [], SUMMARY)
    assert _names(tmp_path / "out") == ["articles.jsonl", "rejected.jsonl", "run.json"]
    assert json.loads((tmp_path / "out" / "run.json").read_text())["inputs"] == 0
