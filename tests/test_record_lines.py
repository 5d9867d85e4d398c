"""Record lines copied from the last run's articles.jsonl when their plans did not change."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from tasks.match.duplicates import group_duplicate_sources
from tasks.models import Match
from tasks.output.cache import add_parses
from tasks.output.paths import ARTICLES, CACHE_FILE
from tasks.output.record_lines import Entry, record_lines, save_line_map
from tasks.records.records import Planned, plan_records
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


def _written(out: Path, plans: list[Planned]) -> dict[str, Entry]:
    """Write `plans`' lines as articles.jsonl, with their map, as a run does."""
    made: dict[str, Entry] = {}
    (out / ARTICLES).write_bytes(b"".join(record_lines(out, plans, SALT, made)))
    save_line_map(out, made)
    return made


def test_unchanged_records_are_copied_without_reading_the_cache(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 80.0)
    first = _written(tmp_path, plans)
    built = (tmp_path / ARTICLES).read_bytes()
    (tmp_path / CACHE_FILE).unlink()  # any record built again would fail to read it
    made: dict[str, Entry] = {}
    assert b"".join(record_lines(tmp_path, plans, SALT, made)) == built
    assert made == first


def test_a_changed_match_builds_its_record_again(tmp_path: Path) -> None:
    first = _written(tmp_path, _plans(tmp_path, 80.0))
    before = (tmp_path / ARTICLES).read_bytes().splitlines(keepends=True)
    made: dict[str, Entry] = {}
    lines = list(record_lines(tmp_path, _plans(tmp_path, 90.0), SALT, made))
    assert lines[0] == before[0] and b'"score":80.0' in before[1]
    assert b'"score":90.0' in lines[1] and lines[1].replace(b"90.0", b"80.0") == before[1]
    assert len(set(made) & set(first)) == 1


def test_other_code_or_options_name_other_lines(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 80.0)
    first = _written(tmp_path, plans)
    made: dict[str, Entry] = {}
    list(record_lines(tmp_path, plans, "other", made))
    assert len(made) == 2 and not set(made) & set(first)


def test_a_line_edited_in_place_is_built_again(tmp_path: Path) -> None:
    """Same size, same modification time: the line's own hash catches it."""
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    path = tmp_path / ARTICLES
    built, status = path.read_bytes(), path.stat()
    path.write_bytes(built.replace(b"First story.", b"First STORY."))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert b"".join(record_lines(tmp_path, plans, SALT, {})) == built


def test_a_replaced_or_removed_file_is_built_again(tmp_path: Path) -> None:
    plans = _plans(tmp_path, 80.0)
    _written(tmp_path, plans)
    path = tmp_path / ARTICLES
    built = path.read_bytes()
    path.write_bytes(b"x" * len(built))
    assert b"".join(record_lines(tmp_path, plans, SALT, {})) == built
    path.unlink()
    assert b"".join(record_lines(tmp_path, plans, SALT, {})) == built
