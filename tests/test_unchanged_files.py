"""A file unchanged since the last run (size, times, inode) is not read again."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flows.ingest import ingest_flow
from flows.options import IngestOptions
from tasks.output.paths import STAMPS_FILE
from tests.conftest import TODAY
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.helpers import snapshot

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
OPTIONS = IngestOptions(today=TODAY)
FILES = {
    "a.txt": source_text(paragraphs(1), "2025-03-01"),
    "b.txt": variant_text(paragraphs(1)[:2]),
    "c.txt": source_text(paragraphs(2), "2025-03-02"),
    "d.txt": "Date: 2025-02-30\n\nA bad date is rejected, and read again every run.\n",
}


def run(folder: Path, out: Path, options: IngestOptions = OPTIONS) -> int:
    return int(ingest_flow(str(folder), str(out), options).not_read)


@pytest.mark.usefixtures("settled")
def test_a_rerun_reads_only_what_changed(tmp_path: Path, reads: list[str]) -> None:
    write(tmp_path / "in", FILES)
    assert run(tmp_path / "in", tmp_path / "out") == 0
    assert sorted(reads) == sorted(FILES)
    reads.clear()
    assert run(tmp_path / "in", tmp_path / "out") == 4
    assert reads == []  # OUT is current: not even the rejected file is read
    write(tmp_path / "in", {"b.txt": variant_text(paragraphs(2)[:2]), "e.txt": "New.\n"})
    assert run(tmp_path / "in", tmp_path / "out") == 2
    assert sorted(reads) == ["b.txt", "d.txt", "e.txt"]  # d.txt has no cached parse: tried again
    run(tmp_path / "in", tmp_path / "fresh")
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "fresh")


@pytest.mark.usefixtures("settled")
def test_an_edit_that_keeps_size_and_time_is_seen(tmp_path: Path, reads: list[str]) -> None:
    """Same size, modification time put back: the change time still moves."""
    write(tmp_path / "in", FILES)
    run(tmp_path / "in", tmp_path / "out")
    path = tmp_path / "in" / "b.txt"
    before = path.stat()
    edited = variant_text(paragraphs(2)[:2])[: before.st_size].ljust(before.st_size, ".")
    path.write_text(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    reads.clear()
    run(tmp_path / "in", tmp_path / "out")
    assert "b.txt" in reads
    run(tmp_path / "in", tmp_path / "fresh")
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "fresh")


def test_a_file_written_just_before_a_run_is_read_again(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """git's racy rule: a write later in the same second could leave the stamp as it was.
    The window is widened to a minute here: a loaded machine took more than 2 s from the
    write to the flow's start, and the files counted as settled."""
    monkeypatch.setattr("tasks.output.stamps.RACY_NS", 60_000_000_000)
    write(tmp_path / "in", FILES)
    run(tmp_path / "in", tmp_path / "out")
    reads.clear()
    assert run(tmp_path / "in", tmp_path / "out") == 0
    assert sorted(reads) == sorted(FILES)


@pytest.mark.usefixtures("settled")
def test_verify_and_lost_stamps_read_everything(tmp_path: Path, reads: list[str]) -> None:
    write(tmp_path / "in", FILES)
    run(tmp_path / "in", tmp_path / "out")
    reads.clear()
    assert run(tmp_path / "in", tmp_path / "out", OPTIONS.model_copy(update={"verify": True})) == 0
    assert sorted(reads) == sorted(FILES)
    (tmp_path / "out" / STAMPS_FILE).write_text("{damaged")
    reads.clear()
    assert run(tmp_path / "in", tmp_path / "out") == 0
    assert sorted(reads) == sorted(FILES)
    assert run(tmp_path / "in", tmp_path / "out") == 4  # the stamps were written again
    assert sorted(reads) == sorted(FILES)  # none read since


@pytest.mark.usefixtures("settled")
def test_verify_every_reads_everything_once_due(tmp_path: Path, reads: list[str]) -> None:
    """--verify-every trusts the stamps until the last run that read every file (here the
    first) began that long ago; the run that reads them all again restarts the clock."""
    hourly = OPTIONS.model_copy(update={"verify_every": 3600.0})
    write(tmp_path / "in", FILES)
    run(tmp_path / "in", tmp_path / "out")
    reads.clear()
    assert run(tmp_path / "in", tmp_path / "out", hourly) == 4
    assert reads == []
    with sqlite3.connect(tmp_path / "out" / STAMPS_FILE) as connection:  # two hours back
        connection.execute("UPDATE verified SET taken_ns = taken_ns - 7200 * 1000000000")
    assert run(tmp_path / "in", tmp_path / "out", hourly) == 0
    assert sorted(reads) == sorted(FILES)
    reads.clear()
    assert run(tmp_path / "in", tmp_path / "out", hourly) == 4
    assert reads == []


TEXTS = [
    source_text(paragraphs(1), "2025-03-01"),
    source_text(paragraphs(2), "2025-03-02"),
    variant_text(paragraphs(1)[:2]),
    variant_text(paragraphs(2)[1:]),
    variant_text(paragraphs(7)),
    "Date: 2025-02-30\n\nA bad date.\n",
]
# A batch: file name -> the text it gets (an index into TEXTS), or None: deleted.
BATCHES = st.lists(
    st.dictionaries(
        st.sampled_from(["a.txt", "b.txt", "c.txt", "sub/d.txt"]),
        st.none() | st.integers(0, len(TEXTS) - 1),
        min_size=1,
        max_size=3,
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=BATCHES)
@example(batches=[{"a.txt": 0, "c.txt": 2}, {"c.txt": None, "b.txt": 3}, {"a.txt": 1}])
def test_any_sequence_of_batches_ends_as_one_fresh_run(
    tmp_path_factory: pytest.TempPathFactory, batches: list[dict[str, int | None]]
) -> None:
    """Adds, edits and deletes, a run after each, with stamps trusted at once: the output
    is what one fresh run over the files left gives."""
    folder = tmp_path_factory.mktemp("batches")
    landing, out = folder / "in", folder / "out"
    landing.mkdir()
    with patch("tasks.output.stamps.RACY_NS", 0):
        for batch in batches:
            for name, text in batch.items():
                path = landing / name
                if text is None:
                    path.unlink(missing_ok=True)
                else:
                    path.parent.mkdir(exist_ok=True)
                    path.write_text(TEXTS[text])
            run(landing, out)
        run(landing, folder / "fresh")
    assert snapshot(out) == snapshot(folder / "fresh")
