"""Record lines copied from the last run's articles.jsonl when their plans did not change."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import tasks.output.ranges as ranges_module
from tasks.match.duplicates import group_duplicate_sources
from tasks.models import Match
from tasks.output.cache import add_parses
from tasks.output.line_map import DIGEST_BYTES, NewLines
from tasks.output.paths import ARTICLES, CACHE_FILE
from tasks.output.ranges import CopiedRanges
from tasks.output.record_lines import CheckedLines, checked_lines, record_lines, save_line_map
from tasks.records.records import Attached, Planned, plan_records
from tests.helpers import match, parsed

DAY = dt.date(2025, 5, 15)
SALT = "code|options"


def _plans(out: Path, variant_score: float) -> list[Planned]:
    """Two records, the second with a variant matched at `variant_score`, their documents
    in OUT's parse cache."""
    documents = [
        parsed("a.txt", "First story.", DAY, title="A"),
        parsed("b.txt", "Second story, told at length.", DAY),
        parsed("v.txt", "Second story, told.", title="V"),
    ]
    refs = add_parses(out, "fingerprint", documents)
    matches: list[Match] = [match("v.txt", "b.txt", variant_score)]
    return plan_records(group_duplicate_sources(refs[:2]), refs[2:], matches)


def _written(out: Path, plans: list[Planned]) -> NewLines:
    """Write `plans`' lines as articles.jsonl, with their map, as a run does."""
    made = NewLines()
    content = b"".join(record_lines(out, plans, SALT, made))
    (out / ARTICLES).write_bytes(content)
    save_line_map(out, made, hashlib.sha256(content).hexdigest(), SALT)
    return made


def _digests(made: NewLines) -> set[bytes]:
    held = bytes(made.digests)
    return {held[start : start + DIGEST_BYTES] for start in range(0, len(held), DIGEST_BYTES)}


def test_unchanged_records_are_copied_without_reading_the_cache(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 80.0)
    first = _written(tmp_path, plans)
    built = (tmp_path / ARTICLES).read_bytes()
    (tmp_path / CACHE_FILE).unlink()  # any record built again would fail to read it
    made = NewLines()
    assert b"".join(record_lines(tmp_path, plans, SALT, made)) == built
    assert made == first


def test_a_changed_match_builds_its_record_again(tmp_path: Path) -> None:
    first = _written(tmp_path, _plans(tmp_path, 80.0))
    before = (tmp_path / ARTICLES).read_bytes().splitlines(keepends=True)
    made = NewLines()
    lines = list(record_lines(tmp_path, _plans(tmp_path, 90.0), SALT, made))
    assert lines[0] == before[0] and b'"score":80.0' in before[1]
    assert b'"score":90.0' in lines[1] and lines[1].replace(b"90.0", b"80.0") == before[1]
    assert len(_digests(made) & _digests(first)) == 1


def test_a_changed_record_reads_only_what_its_last_line_lacks(tmp_path: Path) -> None:
    """A variant attaches to the second record: its line is made from the last one and the
    new variant's parse, the other parses unread (gone from the cache here)."""
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    (new,) = add_parses(tmp_path, "fingerprint", [parsed("w.txt", "Second story.", place="P")])
    second = plans[1]
    grown = [plans[0], Planned(second.source, [*second.attached, Attached(new, None, False)])]
    built = b"".join(record_lines(tmp_path, grown, "other", NewLines()))  # all built
    with contextlib.closing(sqlite3.connect(tmp_path / CACHE_FILE)) as database:
        database.execute("DELETE FROM documents WHERE path != 'w.txt'")
        database.commit()
    assert b'"place":"P"' in built
    assert b"".join(record_lines(tmp_path, grown, SALT, NewLines())) == built


def test_other_code_or_options_name_other_lines(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 80.0)
    first = _written(tmp_path, plans)
    made = NewLines()
    list(record_lines(tmp_path, plans, "other", made))
    assert len(made.lengths) == 2 and not _digests(made) & _digests(first)


def test_a_line_edited_in_place_is_built_again(tmp_path: Path) -> None:
    """Same size, same modification time: the file's hash catches it."""
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    path = tmp_path / ARTICLES
    built, status = path.read_bytes(), path.stat()
    path.write_bytes(built.replace(b"First story.", b"First STORY."))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert b"".join(record_lines(tmp_path, plans, SALT, NewLines())) == built


def test_a_replaced_or_removed_file_is_built_again(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    path = tmp_path / ARTICLES
    built = path.read_bytes()
    path.write_bytes(b"x" * len(built))
    assert b"".join(record_lines(tmp_path, plans, SALT, NewLines())) == built
    path.unlink()
    assert b"".join(record_lines(tmp_path, plans, SALT, NewLines())) == built


def _checked_long_ago(out: Path) -> CheckedLines:
    """OUT's file checked as the CLI checks it ahead, as if its last change were older than
    `RACY_NS` then."""
    checked = checked_lines(out, SALT)
    assert checked is not None
    return CheckedLines(checked.lines, checked.stamp, checked.taken_ns + 10**12)


def _hashes_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files `hashlib.file_digest` hashes from now on."""
    hashed: list[str] = []
    digest = hashlib.file_digest

    def counted(handle: Any, name: str) -> Any:
        hashed.append(name)
        return digest(handle, name)

    monkeypatch.setattr(hashlib, "file_digest", counted)
    return hashed


def test_a_file_checked_ahead_is_not_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    built = (tmp_path / ARTICLES).read_bytes()
    checked = _checked_long_ago(tmp_path)
    hashed = _hashes_counted(monkeypatch)
    (tmp_path / CACHE_FILE).unlink()  # any record built again would fail to read it
    assert b"".join(record_lines(tmp_path, plans, SALT, NewLines(), checked)) == built
    assert hashed == []
    assert checked_lines(tmp_path, "other") is None  # lines built with other code or options


def test_a_file_replaced_after_its_check_is_hashed_again(tmp_path: Path) -> None:
    """Same size, same modification time, another file (by rename, as a restore does)."""
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    path, spare = tmp_path / ARTICLES, tmp_path / "spare"
    built, status = path.read_bytes(), path.stat()
    checked = _checked_long_ago(tmp_path)
    spare.write_bytes(built.replace(b"First story.", b"First STORY."))
    os.utime(spare, ns=(status.st_atime_ns, status.st_mtime_ns))
    spare.replace(path)
    assert b"".join(record_lines(tmp_path, plans, SALT, NewLines(), checked)) == built


def test_a_check_racing_the_files_last_change_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked right after it was written: a same-size edit within the clock's tick could
    leave its stamp as it was, so the write hashes it again."""
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    checked = checked_lines(tmp_path, SALT)
    hashed = _hashes_counted(monkeypatch)
    list(record_lines(tmp_path, plans, SALT, NewLines(), checked))
    assert hashed == ["sha256"]


def test_lines_that_follow_each_other_are_copied_as_one_piece(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    built = (tmp_path / ARTICLES).read_bytes()
    assert list(record_lines(tmp_path, plans, SALT, NewLines())) == [built]
    # the first record copied, the second built again: two pieces
    changed = list(record_lines(tmp_path, _plans(tmp_path, 90.0), SALT, NewLines()))
    assert len(changed) == 2 and changed[0] == built.splitlines(keepends=True)[0]


def test_a_range_is_copied_a_megabyte_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Joined ranges stop growing at `JOINED_BYTES`: a million unchanged lines are not one
    read of gigabytes."""
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    built = (tmp_path / ARTICLES).read_bytes()
    monkeypatch.setattr(ranges_module, "JOINED_BYTES", 1)
    assert list(record_lines(tmp_path, plans, SALT, NewLines())) == built.splitlines(keepends=True)


def test_a_file_cut_short_while_copied_is_an_error(tmp_path: Path) -> None:
    (tmp_path / ARTICLES).write_bytes(b"0123456789")
    with (tmp_path / ARTICLES).open("rb") as handle:
        ranges = CopiedRanges(handle.fileno(), ARTICLES)
        assert ranges.add(0, 4) is None and ranges.add(4, 6) is None
        assert ranges.add(2, 2) == b"0123456789"
        os.truncate(tmp_path / ARTICLES, 3)
        with pytest.raises(OSError, match="changed while its lines were copied"):
            ranges.flush()
