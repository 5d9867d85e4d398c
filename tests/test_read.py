"""Discovery and reading: every entry becomes a file to read or a precise rejection."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from tasks.errors import RejectedError, TransientError
from tasks.models import InputFile, RejectReason
from tasks.read import find_input_files, read_document


def _tree(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")


def _file(root: Path, name: str) -> InputFile:
    return InputFile(path=name, location=str(root / name))


def _rejected(root: Path, name: str, max_bytes: int = 100) -> tuple[RejectReason, str]:
    with pytest.raises(RejectedError) as caught:
        read_document(_file(root, name), max_bytes)
    return caught.value.reason, caught.value.detail


def test_discovery_is_recursive_sorted_and_relative(tmp_path: Path) -> None:
    _tree(tmp_path, "b.txt", "a/z.txt", "a/b/c.txt", ".hidden", "A.txt")
    found = find_input_files(tmp_path)
    assert [f.path for f in found.files] == [".hidden", "A.txt", "a/b/c.txt", "a/z.txt", "b.txt"]
    assert found.files[0].location == str(tmp_path / ".hidden")
    assert found.rejected == []


def test_linked_folders_are_followed_once(tmp_path: Path) -> None:
    _tree(tmp_path, "real/a.txt", "elsewhere/b.txt")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "loop").symlink_to(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    _tree(outside, "c.txt")
    (tmp_path / "linked").symlink_to(outside)
    found = find_input_files(tmp_path)
    assert [f.path for f in found.files] == ["elsewhere/b.txt", "linked/c.txt", "real/a.txt"]
    assert [(r.path, r.reason.value, r.detail) for r in found.rejected] == [
        ("alias", "duplicate_link", "links to the folder 'real', which is read under that path"),
        ("real/loop", "symlink_loop", "links back to the folder '.' that contains it"),
    ]


def test_unlistable_folder_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, "ok.txt", "locked/secret.txt")
    real_scandir = os.scandir

    def scandir(path: Path) -> object:
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = find_input_files(tmp_path)
    assert [f.path for f in found.files] == ["ok.txt"]
    assert [(r.path, r.reason.value, r.detail) for r in found.rejected] == [
        ("locked", "unreadable", "cannot list folder: Permission denied (errno 13)")
    ]


def test_read_document_hashes_raw_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\xff\xferaw")
    document = read_document(_file(tmp_path, "a.txt"), 100)
    assert (document.data, document.sha256) == (
        b"\xff\xferaw",
        hashlib.sha256(b"\xff\xferaw").hexdigest(),
    )


def test_size_limit_reads_no_more_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 1000)
    (tmp_path / "fits.txt").write_bytes(b"x" * 100)
    sizes: list[int] = []
    real_open = Path.open

    class SpyingHandle:
        def __init__(self, path: Path) -> None:
            self.handle = real_open(path, "rb")

        def __enter__(self) -> SpyingHandle:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def read(self, size: int = -1) -> bytes:
            sizes.append(size)
            return self.handle.read(size)

    def spying_open(path: Path, mode: str = "r") -> SpyingHandle:
        return SpyingHandle(path)

    monkeypatch.setattr(Path, "open", spying_open)
    assert _rejected(tmp_path, "big.txt") == (
        RejectReason.TOO_LARGE,
        "1,000 bytes, over the limit of 100 bytes (--max-bytes)",
    )
    assert sizes == [101]
    assert read_document(_file(tmp_path, "fits.txt"), 100).data == b"x" * 100


def test_special_files_are_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert _rejected(tmp_path, "pipe") == (RejectReason.UNREADABLE, "not a regular file: a FIFO")


def test_broken_and_self_links(tmp_path: Path) -> None:
    (tmp_path / "gone").symlink_to(tmp_path / "missing")
    (tmp_path / "self").symlink_to(tmp_path / "self")
    assert [f.path for f in find_input_files(tmp_path).files] == ["gone", "self"]
    assert _rejected(tmp_path, "gone") == (
        RejectReason.UNREADABLE,
        "cannot read: No such file or directory (errno 2)",
    )
    assert _rejected(tmp_path, "self") == (RejectReason.SYMLINK_LOOP, "the link points to itself")


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, "secret.txt")

    def denied(path: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    assert _rejected(tmp_path, "secret.txt") == (
        RejectReason.UNREADABLE,
        "cannot read: Permission denied (errno 13)",
    )


def test_transient_errors_are_raised_for_a_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, "flaky.txt")

    def failing(path: Path, *args: object, **kwargs: object) -> object:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(Path, "open", failing)
    with pytest.raises(TransientError) as caught:
        read_document(_file(tmp_path, "flaky.txt"), 100)
    assert str(caught.value) == "flaky.txt: cannot read: Input/output error (errno 5)"


def test_file_names_that_are_not_utf8_are_shown_escaped(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"x")
    (file,) = find_input_files(tmp_path).files
    assert file.path == "caf\\xe9.txt"
    assert read_document(file, 100).data == b"x"  # the real name is still used to read


def test_a_folder_reached_by_two_links_is_read_once(tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    _tree(outside, "sub/c.txt")
    (tmp_path / "linked").symlink_to(outside)
    (tmp_path / "linked2").symlink_to(outside / "sub")
    found = find_input_files(tmp_path)
    assert [f.path for f in found.files] == ["linked/sub/c.txt"]
    assert [(r.path, r.reason.value) for r in found.rejected] == [("linked2", "duplicate_link")]


def test_the_output_folder_inside_the_input_is_not_read(tmp_path: Path) -> None:
    _tree(tmp_path, "a.txt", "out/articles.jsonl")
    assert [f.path for f in find_input_files(tmp_path, tmp_path / "out").files] == ["a.txt"]
