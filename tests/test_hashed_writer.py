"""The data files' writer thread: the same bytes, hash and line count as writing in the
maker's thread, and every error of either thread raised where the maker sees it."""

from __future__ import annotations

import hashlib
import io
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.output.hashed_writer import QUEUED, HashedWriter


@given(st.lists(st.binary(max_size=300), max_size=3 * QUEUED))
def test_written_is_what_one_thread_writes(chunks: list[bytes]) -> None:
    handle = io.BytesIO()
    with HashedWriter(handle) as writer:
        for chunk in chunks:
            writer.write(chunk)
    data = b"".join(chunks)
    assert handle.getvalue() == data
    assert writer.written.sha256 == hashlib.sha256(data).hexdigest()
    assert writer.written.lines == data.count(b"\n")


class _FullDisk(io.BytesIO):
    """A file that takes `room` bytes, then fails as a full disk does (after `delay`
    seconds: time for the maker to fill the queue and wait)."""

    def __init__(self, room: int, delay: float = 0.0) -> None:
        super().__init__()
        self.room, self.delay = room, delay

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self.room:
            time.sleep(self.delay)
            raise OSError(28, "No space left on device")
        return super().write(data)


def test_an_error_of_the_writing_thread_reaches_the_maker_without_a_hang() -> None:
    # Many more chunks than the queue holds: the maker must not wait on a queue nobody
    # takes. It makes them in a thread of the test's, so that a hang fails the test.
    raised: list[BaseException] = []

    def make() -> None:
        try:
            with HashedWriter(_FullDisk(5, delay=0.3)) as writer:
                for _ in range(50 * QUEUED):
                    writer.write(b"line\n")
        except OSError as error:
            raised.append(error)

    maker = threading.Thread(target=make, daemon=True)
    maker.start()
    maker.join(timeout=10)
    assert not maker.is_alive(), "the maker waits on a full queue"
    assert [str(error) for error in raised] == ["[Errno 28] No space left on device"]
    assert not _writer_threads()


def test_an_error_on_the_last_chunk_is_raised_at_the_end() -> None:
    writer = HashedWriter(_FullDisk(5))
    with pytest.raises(OSError, match="No space left"), writer:
        writer.write(b"more than five\n")
    with pytest.raises(RuntimeError, match="not written"):
        writer.written  # noqa: B018 - the property is what is tested


def test_an_error_of_the_maker_stops_the_thread_and_is_raised_as_it_is() -> None:
    handle = io.BytesIO()
    with pytest.raises(KeyError), HashedWriter(handle) as writer:
        writer.write(b"a\n")
        raise KeyError("made badly")
    assert handle.getvalue() == b"a\n"  # what was queued is written; the caller drops the file
    assert not _writer_threads()


def _writer_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "copydesk-writer"]
