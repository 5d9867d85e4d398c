"""The stamps' file (tasks/output/stamps_file.py): what any sequence of runs saved is what the
next run loads, whichever rows each run wrote, and a run writes only the rows that changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.extract.formats import InputFormat
from tasks.models import FeedPart, FeedSplit, FileStamp, InputFile
from tasks.output.paths import STAMPS_FILE, work_folder
from tasks.output.stamps import unchanged
from tasks.output.stamps_file import load_stamps, save_stamps, verified_at

SETTLED = 2**62  # long after the small times of most stamps here: those are not racy
# Any int: past SQLite's signed 64 bits (after 2262, before 1678) nothing is recorded.
TIMES = st.integers(-3, 3) | st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1])
NUMBERS = st.integers(0, 3) | st.just(2**64 - 1) | st.just(2**63)  # unsigned 64-bit
STAMP = st.builds(FileStamp, st.integers(0, 3), TIMES, TIMES, NUMBERS, NUMBERS)
SHA = st.sampled_from(["0" * 64, "f" * 64])
# One run: path -> (SHA-256, stamp) of each file it hashed.
RUN = st.dictionaries(st.sampled_from([f"f{n}.txt" for n in range(6)]), st.tuples(SHA, STAMP))
SPLIT = FeedSplit(InputFormat.JSONL, FileStamp(9, 1, 1, 1, 9), (FeedPart(1, 0, 4),))


def save(
    out: Path, run: dict[str, tuple[str, FileStamp]], taken: int, fresh: bool, reread: bool = False
) -> None:
    """Save `run`'s stamps as a run does, having loaded the file's (none if `fresh`: as
    with --verify) at its start, without their rows (as a child's walk hands them over);
    having read the files its stamps did not vouch for, or every file if `reread` (as a
    run reads the vouched files whose parse the cache lost)."""
    files = [InputFile(path, f"/in/{path}", stamp) for path, (_, stamp) in run.items()]
    hashes = {path: sha for path, (sha, _) in run.items()}
    recorded = None if fresh else load_stamps(out)
    vouched = unchanged(files, recorded)
    slim = recorded and recorded.model_copy(update={"files": {}})
    feeds = {"feed.jsonl": SPLIT} if taken % 2 else {}
    read = files if reread else least_read(files, hashes, vouched)
    save_stamps(out, taken, files, read, hashes, vouched, slim, feeds)


def least_read(
    files: list[InputFile], hashes: dict[str, str], vouched: dict[str, str]
) -> list[InputFile]:
    """The files a run read at least: those whose SHA-256 is not what the stamps vouched
    for (a file not read has that one)."""
    return [file for file in files if vouched.get(file.path) != hashes.get(file.path)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(RUN, st.booleans(), st.booleans()), min_size=1, max_size=5))
def test_what_any_sequence_of_runs_saved_is_loaded(
    tmp_path_factory: pytest.TempPathFactory,
    runs: list[tuple[dict[str, tuple[str, FileStamp]], bool, bool]],
) -> None:
    out = tmp_path_factory.mktemp("out")
    for number, (run, fresh, reread) in enumerate(runs):
        save(out, run, SETTLED + number, fresh, reread)
    loaded = load_stamps(out)
    assert loaded is not None
    last = runs[-1][0]
    fits = range(-(2**63), 2**63)
    assert loaded.files == {
        path: (sha, *stamp)
        for path, (sha, stamp) in last.items()
        if stamp.mtime_ns in fits and stamp.ctime_ns in fits
    }
    assert set(loaded.feeds) == ({"feed.jsonl"} if (len(runs) - 1) % 2 else set())
    # The last run that loaded no stamps (the first, or a fresh one) read every file.
    read_all = [number for number, (_, fresh, _) in enumerate(runs) if fresh or number == 0]
    assert verified_at(out) == SETTLED + read_all[-1]


def test_a_run_writes_only_the_rows_of_the_files_it_read_or_lost(tmp_path: Path) -> None:
    """A row the run has no reason to write is left as it is: changed behind the run's back
    (after it loaded the stamps) here, it stays changed."""
    stamp = FileStamp(3, 1, 1, 1, 7)
    first = dict.fromkeys(("a.txt", "b.txt", "c.txt"), ("0" * 64, stamp))
    save(tmp_path, first, SETTLED, fresh=True)
    recorded = load_stamps(tmp_path)
    second = {"b.txt": first["b.txt"], "c.txt": ("f" * 64, stamp), "d.txt": first["a.txt"]}
    files = [InputFile(path, f"/in/{path}", stamp) for path in second]
    vouched = unchanged(files, recorded)
    with sqlite3.connect(tmp_path / STAMPS_FILE) as connection:
        connection.execute("UPDATE files SET sha256 = ? WHERE path = 'b.txt'", ("1" * 64,))
    hashes = {path: sha for path, (sha, _) in second.items()}
    read = least_read(files, hashes, vouched)
    save_stamps(tmp_path, SETTLED + 2, files, read, hashes, vouched, recorded, {})
    loaded = load_stamps(tmp_path)
    assert loaded is not None and loaded.taken_ns == SETTLED + 2
    assert loaded.files == {
        "b.txt": ("1" * 64, 3, 1, 1, 1, 7),  # vouched for: not written
        "c.txt": ("f" * 64, 3, 1, 1, 1, 7),  # hashed otherwise
        "d.txt": ("0" * 64, 3, 1, 1, 1, 7),  # new; a.txt's row is gone
    }


def test_stamps_loaded_from_another_file_state_write_every_row(tmp_path: Path) -> None:
    """Stamps loaded before another run wrote the file (its time differs) are no base for
    writing only changes: every row is written."""
    stamp = FileStamp(3, 1, 1, 1, 7)
    save(tmp_path, {"a.txt": ("0" * 64, stamp)}, SETTLED, fresh=True)
    stale = load_stamps(tmp_path)
    save(tmp_path, {"b.txt": ("0" * 64, stamp)}, SETTLED + 2, fresh=False)
    files = [InputFile("a.txt", "/in/a.txt", stamp)]
    vouched = unchanged(files, stale)
    save_stamps(tmp_path, SETTLED + 4, files, [], {"a.txt": "0" * 64}, vouched, stale, {})
    loaded = load_stamps(tmp_path)
    assert loaded is not None and loaded.files == {"a.txt": ("0" * 64, 3, 1, 1, 1, 7)}


def test_a_run_that_changed_nothing_writes_nothing_and_the_earlier_format_goes(
    tmp_path: Path,
) -> None:
    stamp = FileStamp(3, 1, 1, 1, 7)
    earlier = work_folder(tmp_path) / "stamps.json"
    earlier.write_text("{}")
    save(tmp_path, {"a.txt": ("0" * 64, stamp)}, SETTLED, fresh=True)
    assert not earlier.exists()
    database = tmp_path / STAMPS_FILE
    written = database.stat().st_mtime_ns, database.stat().st_ino
    save(tmp_path, {"a.txt": ("0" * 64, stamp)}, SETTLED + 2, fresh=False)
    assert (database.stat().st_mtime_ns, database.stat().st_ino) == written
    loaded = load_stamps(tmp_path)
    assert loaded is not None and loaded.taken_ns == SETTLED


def test_a_damaged_file_is_no_stamps_and_is_made_again(tmp_path: Path) -> None:
    work_folder(tmp_path)
    with sqlite3.connect(tmp_path / STAMPS_FILE) as connection:  # tables of other making
        connection.executescript("CREATE TABLE meta (taken_ns, files); CREATE TABLE files (x);")
        connection.execute("INSERT INTO meta VALUES ('soon', 'none')")
    assert load_stamps(tmp_path) is None
    save(tmp_path, {"a.txt": ("0" * 64, FileStamp(3, 1, 1, 1, 7))}, SETTLED, fresh=False)
    loaded = load_stamps(tmp_path)
    assert loaded is not None and list(loaded.files) == ["a.txt"]
    (tmp_path / STAMPS_FILE).write_bytes(b"{damaged")
    assert load_stamps(tmp_path) is None
    save(tmp_path, {"a.txt": ("0" * 64, FileStamp(3, 1, 1, 1, 7))}, SETTLED, fresh=False)
    loaded = load_stamps(tmp_path)
    assert loaded is not None and list(loaded.files) == ["a.txt"]


def test_stamps_without_a_verification_time_make_one_due(tmp_path: Path) -> None:
    """Stamps saved before the verification time was kept (or by a damaged write) say no
    run is known to have read every file: --verify-every reads them all, once."""
    stamp = FileStamp(3, 1, 1, 1, 7)
    save(tmp_path, {"a.txt": ("0" * 64, stamp)}, SETTLED, fresh=True)
    assert verified_at(tmp_path) == SETTLED
    with sqlite3.connect(tmp_path / STAMPS_FILE) as connection:  # as an earlier version left it
        connection.execute("DROP TABLE verified")
    assert verified_at(tmp_path) is None
    save(tmp_path, {"a.txt": ("0" * 64, stamp)}, SETTLED + 1, fresh=False)
    assert verified_at(tmp_path) is None  # a run that trusted the stamps verified nothing
    save(tmp_path, {"a.txt": ("0" * 64, stamp)}, SETTLED + 2, fresh=True)
    assert verified_at(tmp_path) == SETTLED + 2


def test_a_run_that_changed_nothing_settles_a_racy_feed(tmp_path: Path) -> None:
    """A feed split shortly before its stamps were taken is split again; the run that does
    so records its later time, which settles it, even when no file changed."""
    taken = SETTLED
    racy = FeedSplit(InputFormat.JSONL, FileStamp(9, taken - 1, taken - 1, 1, 9), None)
    save_stamps(tmp_path, taken, [], [], {}, {}, None, {"feed.jsonl": racy})
    recorded = load_stamps(tmp_path)
    later = taken + 3 * 10**9
    save_stamps(tmp_path, later, [], [], {}, {}, recorded, {"feed.jsonl": racy})
    loaded = load_stamps(tmp_path)
    assert loaded is not None and loaded.taken_ns == later
    save_stamps(tmp_path, later + 5, [], [], {}, {}, loaded, {"feed.jsonl": racy})  # settled now
    again = load_stamps(tmp_path)
    assert again is not None and again.taken_ns == later


def test_a_file_gone_while_the_others_are_vouched_for_loses_its_row(tmp_path: Path) -> None:
    """Nothing to write for the files left, yet the gone file's row must go."""
    stamp = FileStamp(3, 1, 1, 1, 7)
    both = {"a.txt": ("0" * 64, stamp), "b.txt": ("f" * 64, stamp)}
    save(tmp_path, both, SETTLED, fresh=True)
    save(tmp_path, {"a.txt": both["a.txt"]}, SETTLED + 2, fresh=False)
    loaded = load_stamps(tmp_path)
    assert loaded is not None and loaded.files == {"a.txt": ("0" * 64, 3, 1, 1, 1, 7)}
