"""Reading: every discovered file becomes its bytes or a precise rejection."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from pathlib import Path

import pytest

from tasks.errors import RejectedError, TransientError
from tasks.models import InputFile, RejectReason
from tasks.read.discover import find_input_files
from tasks.read.read import read_at_most, read_document
from tests.helpers import SpyingHandle


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
    real_fdopen = os.fdopen

    def spying_fdopen(descriptor: int, mode: str = "r") -> SpyingHandle:
        return SpyingHandle(real_fdopen(descriptor, "rb"), sizes)

    monkeypatch.setattr("tasks.read.read.os.fdopen", spying_fdopen)
    assert _rejected(tmp_path, "big.txt") == (
        RejectReason.TOO_LARGE,
        "1,000 bytes, over the limit of 100 bytes (--max-bytes)",
    )
    assert sizes == [101]
    assert read_document(_file(tmp_path, "fits.txt"), 100).data == b"x" * 100


def test_special_files_are_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert _rejected(tmp_path, "pipe") == (RejectReason.UNREADABLE, "not a regular file: a FIFO")


def test_broken_and_looping_links(tmp_path: Path) -> None:
    """Discovery rejects loops already (tests/test_discover.py); one made after it looked
    is still a precise rejection."""
    (tmp_path / "gone").symlink_to(tmp_path / "missing")
    (tmp_path / "self").symlink_to(tmp_path / "self")
    assert _rejected(tmp_path, "gone") == (
        RejectReason.UNREADABLE,
        "cannot read: No such file or directory (errno 2)",
    )
    assert _rejected(tmp_path, "self") == (
        RejectReason.SYMLINK_LOOP,
        "a chain of links that never reaches a file",
    )


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, "secret.txt")

    def denied(path: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tasks.read.read.os.open", denied)
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

    monkeypatch.setattr("tasks.read.read.os.open", failing)
    with pytest.raises(TransientError) as caught:
        read_document(_file(tmp_path, "flaky.txt"), 100)
    assert str(caught.value) == "flaky.txt: cannot read: Input/output error (errno 5)"


def test_reading_many_files_leaves_no_memory_mapping_behind(tmp_path: Path) -> None:
    """Asking for --max-bytes + 1 per file left one mapping per file: ~65,000 files exhausted
    the kernel's limit and the run died with MemoryError."""
    names = [f"{number}.txt" for number in range(3000)]
    for name in names:
        (tmp_path / name).write_bytes(b"a short article\n" * 200)

    def mappings() -> int:
        return len(Path("/proc/self/maps").read_text().splitlines())

    before = mappings()
    documents = [read_document(_file(tmp_path, name), 10 * 1024 * 1024) for name in names]
    assert mappings() - before < 100
    assert {len(document.data) for document in documents} == {3200}


@pytest.mark.parametrize(("content", "expected"), [(b"x" * 10, 11), (b"x" * 100, 5)])
def test_a_file_that_grew_since_its_size_was_taken_is_read_whole(
    content: bytes, expected: int
) -> None:
    assert read_at_most(io.BytesIO(content), expected, 1000) == content
    assert read_at_most(io.BytesIO(content), expected, 50) == content[:50]


def test_a_file_replaced_by_a_link_after_discovery_is_not_read(tmp_path: Path) -> None:
    """A writer racing the reader: a file swapped for a link to a secret outside the input,
    after discovery judged the file, used to have the secret published."""
    folder, secret = tmp_path / "in", tmp_path / "secret.txt"
    _tree(folder, "a.txt", "sub/b.txt")
    secret.write_text("outside text")
    (file_a, file_b) = find_input_files(folder).files
    (folder / "a.txt").unlink()
    (folder / "a.txt").symlink_to(secret)
    (folder / "sub" / "b.txt").rename(folder / "b-moved.txt")
    (folder / "sub").rmdir()
    (folder / "sub").symlink_to(tmp_path)
    (tmp_path / "b.txt").write_text("outside text too")
    for file in (file_a, file_b):
        with pytest.raises(RejectedError) as caught:
            read_document(file, 100)
        assert (caught.value.reason, caught.value.detail) == (
            RejectReason.UNREADABLE,
            "replaced since the input folder was listed (not the file found)",
        )
