from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tasks.errors import RejectedError
from tasks.models import InputFile, RejectReason, RunSummary
from tasks.read import find_input_files, read_document
from tasks.write import write_atomic, write_outputs


def test_find_input_files_is_recursive_sorted_and_relative(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.txt", "a/b/c.txt", ".hidden", "A.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    files = find_input_files(tmp_path)
    assert [f.path for f in files] == [".hidden", "A.txt", "a/b/c.txt", "a/z.txt", "b.txt"]
    assert files[0].location == str(tmp_path / ".hidden")


def test_linked_folders_are_listed_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert [f.path for f in find_input_files(tmp_path)] == ["link", "real/a.txt"]
    (link,) = [f for f in find_input_files(tmp_path) if f.path == "link"]
    with pytest.raises(RejectedError) as caught:
        read_document(link)
    assert caught.value.reason == RejectReason.UNREADABLE
    assert caught.value.detail == "cannot read: Is a directory (errno 21)"


def test_read_document_hashes_raw_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\xff\xferaw")
    document = read_document(InputFile(path="a.txt", location=str(tmp_path / "a.txt")))
    assert document.sha256 == hashlib.sha256(b"\xff\xferaw").hexdigest()
    assert document.data == b"\xff\xferaw"


def test_broken_link_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "gone").symlink_to(tmp_path / "missing")
    (file,) = find_input_files(tmp_path)
    with pytest.raises(RejectedError) as caught:
        read_document(file)
    assert caught.value.detail == "cannot read: No such file or directory (errno 2)"


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "f.jsonl"
    target.write_text("old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["f.jsonl"]


def test_write_atomic_failure_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "f.jsonl"
    target.write_text("old")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.jsonl"]


def test_write_outputs_creates_three_files(tmp_path: Path) -> None:
    summary = RunSummary(
        inputs=0, records=0, variants=0, rejected=0, rejected_by_reason={}, timings=[]
    )
    write_outputs(tmp_path / "out", [], [], summary)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "articles.jsonl",
        "rejected.jsonl",
        "run.json",
    ]
    assert json.loads((tmp_path / "out" / "run.json").read_text())["inputs"] == 0
