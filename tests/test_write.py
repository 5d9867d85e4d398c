"""Output files: atomic replacement, nothing partial ever visible."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
from pathlib import Path

import pytest

from tasks.models import Rejection, RejectReason, RunSummary, StageTiming
from tasks.output.cache import add_parses
from tasks.output.index_file import update_stored_index
from tasks.output.lock import output_lock
from tasks.output.paths import WorkFolderError, temporary_path
from tasks.output.write import write_atomic, write_outputs

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


def test_stale_temporaries_of_a_killed_run_are_removed_and_only_those(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".copydesk").mkdir(parents=True)
    (out / ".articles.jsonl.copydesk-4242.tmp").write_text("half")
    (out / ".copydesk" / ".state.json.copydesk-4242.tmp").write_text("half")
    for own in ("notes.txt", ".draft.tmp", ".articles.jsonl.4242.tmp"):
        (out / own).write_text("the user's own file stays")
    with output_lock(out):  # every run takes it, also one that writes nothing
        pass
    assert _names(out) == [".articles.jsonl.4242.tmp", ".copydesk", ".draft.tmp", "notes.txt"]
    assert sorted(p.name for p in (out / ".copydesk").iterdir()) == ["lock"]


def test_working_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    """The parse cache holds every input's text: it used to be readable by everyone (also
    when an older copydesk made them)."""
    out = tmp_path / "out"
    (out / ".copydesk").mkdir(parents=True, mode=0o755)
    # an older copydesk's cache; damaged ones
    for name in ("parsed.jsonl", "documents.sqlite", "index.sqlite"):
        (out / ".copydesk" / name).write_text("old cache\n")
        (out / ".copydesk" / name).chmod(0o644)
    with output_lock(out):
        write_outputs(out, [], [], [], SUMMARY, "s")
        add_parses(out, "fingerprint", [])
        update_stored_index(out, [], track=False)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (out / ".copydesk").iterdir()}
    assert (stat.S_IMODE((out / ".copydesk").stat().st_mode), modes) == (
        0o700,
        {"documents.sqlite": 0o600, "index.sqlite": 0o600, "lock": 0o600, "state.json": 0o600},
    )


def test_identical_data_is_not_written_again(tmp_path: Path) -> None:
    rejected = [Rejection(path="a", reason=RejectReason.EMPTY, detail="x")]
    write_outputs(tmp_path, [], rejected, [], SUMMARY, "s")
    before = {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()}
    timings = [StageTiming(stage="match", seconds=9.0)]
    again = write_outputs(
        tmp_path, [], rejected, [], SUMMARY.model_copy(update={"timings": timings}), "s"
    )
    assert again.unchanged
    assert {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()} == before
    assert not write_outputs(tmp_path, [], [], [], SUMMARY, "s").unchanged


def test_links_planted_in_the_working_folder_are_refused(tmp_path: Path) -> None:
    """Whoever can write OUT could point copydesk's writes at any file through a link."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "out"
    (out / ".copydesk").mkdir(parents=True)
    (out / ".copydesk" / "lock").symlink_to(victim)
    with pytest.raises(OSError), output_lock(out):
        pass
    (out / ".copydesk" / "lock").unlink()
    temporary = temporary_path(out / "articles.jsonl")
    temporary.symlink_to(victim)
    write_atomic(out / "articles.jsonl", b"new")
    (out / "elsewhere").mkdir()
    shutil.rmtree(out / ".copydesk")
    (out / ".copydesk").symlink_to(out / "elsewhere")
    with pytest.raises(WorkFolderError):
        write_outputs(out, [], [], [], SUMMARY, "s")
    assert (victim.read_text(), (out / "articles.jsonl").read_bytes()) == ("precious", b"new")
