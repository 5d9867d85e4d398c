"""Incremental runs: the ledger, the parse cache, and output that only depends on the input."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from flows.ingest import ingest_flow
from flows.options import IngestOptions
from tasks.match import match_index
from tasks.match.candidates import Candidate
from tasks.match.score import Scored, Units, score_candidate
from tasks.output.paths import CACHE_FILE, LOCK_FILE, STAMPS_FILE
from tasks.parse.dates import DateOrder
from tests.conftest import SEEDS, SOURCE_SEED, TODAY, VARIANT_SEED
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.helpers import snapshot

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
OPTIONS = IngestOptions(today=TODAY)
STORY, OTHER, ENDING = paragraphs(1), paragraphs(3), paragraphs(2, 1)

FIRST_BATCH = {
    "a-story.txt": source_text(STORY, "2025-03-01"),
    "b-other.txt": source_text(OTHER, "2025-03-02"),
    "c-truncated.txt": variant_text(STORY[:2]),
    "d-orphan.txt": variant_text(paragraphs(9)),
}
SECOND_BATCH = {
    "e-other-reprint.txt": variant_text(OTHER[1:]),
    "f-bad-date.txt": "Date: 2025-02-30\n\nText.\n",
}


def run(folder: Path, out: Path, options: IngestOptions = OPTIONS) -> Any:
    return ingest_flow(str(folder), str(out), options)


def files(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `out`, cache included, with its content and modification time; not
    the lock, which holds the pid of the last run, nor the stamps, which say when a run
    looked at the input (tasks/output/stamps.py)."""
    return {
        str(path.relative_to(out)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.relative_to(out) not in (LOCK_FILE, STAMPS_FILE)
    }


def ledger(out: Path) -> list[tuple[str, str, str | None]]:
    lines = (out / "ledger.jsonl").read_text().splitlines()
    return [(e["path"], e["outcome"], e["reason"]) for e in map(json.loads, lines)]


def test_two_batches_give_what_one_run_gives(tmp_path: Path) -> None:
    incoming = tmp_path / "landing"
    write(incoming, FIRST_BATCH)
    first = run(incoming, tmp_path / "out")
    assert (first.records, first.variants, first.reused) == (2, 1, 0)
    write(incoming, SECOND_BATCH)
    second = run(incoming, tmp_path / "out")
    assert (second.records, second.variants, second.reused) == (2, 2, 4)

    write(tmp_path / "all", {**FIRST_BATCH, **SECOND_BATCH})
    run(tmp_path / "all", tmp_path / "at-once")
    assert snapshot(tmp_path / "out") == {
        **snapshot(tmp_path / "at-once"),
        "run.json": {**snapshot(tmp_path / "at-once")["run.json"], "input": str(incoming)},
    }
    assert ledger(tmp_path / "out") == [
        ("a-story.txt", "source", None),
        ("b-other.txt", "source", None),
        ("c-truncated.txt", "variant", None),
        ("d-orphan.txt", "rejected", "no_matching_source"),
        ("e-other-reprint.txt", "variant", None),
        ("f-bad-date.txt", "rejected", "invalid_date"),
    ]


@pytest.mark.usefixtures("settled")
def test_rerun_without_new_input_changes_no_file(tmp_path: Path) -> None:
    write(tmp_path / "in", FIRST_BATCH)
    run(tmp_path / "in", tmp_path / "out")
    before = files(tmp_path / "out")
    summary = run(tmp_path / "in", tmp_path / "out")
    after = files(tmp_path / "out")
    assert summary.unchanged and after == before
    assert [t.stage for t in summary.timings] == ["discover"]  # none read, nothing else ran


@pytest.mark.usefixtures("settled")
def test_rerun_on_another_day_recomputes_but_writes_nothing_when_nothing_differs(
    tmp_path: Path,
) -> None:
    write(tmp_path / "in", FIRST_BATCH)
    run(tmp_path / "in", tmp_path / "out")
    before = files(tmp_path / "out")
    later = OPTIONS.model_copy(update={"today": TODAY.replace(day=2)})
    summary = run(tmp_path / "in", tmp_path / "out", later)
    assert (summary.unchanged, summary.reused) == (True, 4)
    outputs = [name for name in before if not name.startswith(".copydesk")]
    assert {name: files(tmp_path / "out")[name] for name in outputs} == {
        name: before[name] for name in outputs
    }
    again = run(tmp_path / "in", tmp_path / "out", later)  # that day's state is recorded
    assert again.unchanged and [t.stage for t in again.timings] == ["discover"]  # none read


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("delete", [("a-story.txt", "source", None), ("b-other.txt", "source", None)]),
        ("edit", [("a-story.txt", "source", None), ("b-other.txt", "source", None),
                  ("c-truncated.txt", "rejected", "no_matching_source")]),
    ],
)  # fmt: skip
def test_a_deleted_or_changed_input_is_taken_out_or_updated(
    tmp_path: Path, change: str, expected: list[tuple[str, str, str | None]]
) -> None:
    files = {name: text for name, text in FIRST_BATCH.items() if name != "d-orphan.txt"}
    write(tmp_path / "in", files)
    run(tmp_path / "in", tmp_path / "out")
    if change == "delete":
        (tmp_path / "in" / "c-truncated.txt").unlink()
    else:
        write(tmp_path / "in", {"c-truncated.txt": variant_text(paragraphs(7))})
    summary = run(tmp_path / "in", tmp_path / "out")
    assert ledger(tmp_path / "out") == expected
    shutil.copytree(tmp_path / "in", tmp_path / "fresh")
    run(tmp_path / "fresh", tmp_path / "fresh-out")
    fresh = snapshot(tmp_path / "fresh-out")
    fresh["run.json"]["input"] = str(tmp_path / "in")
    assert snapshot(tmp_path / "out") == fresh
    assert summary.reused == 2


def test_a_new_better_source_takes_over_its_variants(tmp_path: Path) -> None:
    write(tmp_path / "in", {
        "a-story.txt": source_text(STORY, "2025-03-01"),
        "v-edited.txt": variant_text(STORY[:3] + ENDING),
    })  # fmt: skip
    run(tmp_path / "in", tmp_path / "out")
    assert ledger(tmp_path / "out")[1][:2] == ("v-edited.txt", "variant")
    (first,) = map(json.loads, (tmp_path / "out" / "articles.jsonl").read_text().splitlines())
    assert [v["path"] for v in first["variants"]] == ["v-edited.txt"]

    write(tmp_path / "in", {"b-update.txt": source_text(STORY[:3] + ENDING, "2025-03-02")})
    run(tmp_path / "in", tmp_path / "out")
    records = list(map(json.loads, (tmp_path / "out" / "articles.jsonl").read_text().splitlines()))
    assert [(r["source"]["path"], [v["path"] for v in r["variants"]]) for r in records] == [
        ("a-story.txt", []),
        ("b-update.txt", ["v-edited.txt"]),
    ]
    assert records[0]["id"] == first["id"]  # the old record keeps its id


def test_a_variant_decided_again_is_scored_only_against_its_new_candidate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pair scores a run keeps (.copydesk/scores.sqlite): when a new source reaches a
    variant, the rerun scores that pair alone; the output is still a fresh run's."""
    write(tmp_path / "in", {
        "a-story.txt": source_text(STORY, "2025-03-01"),
        "b-other.txt": source_text(OTHER, "2025-03-02"),
        "v-edited.txt": variant_text(STORY[:3] + ENDING),
    })  # fmt: skip
    run(tmp_path / "in", tmp_path / "out")
    scored: list[str] = []
    real = score_candidate

    def counting(variant: Units, source: Units, candidate: Candidate) -> Scored:
        scored.append(source.text)
        return real(variant, source, candidate)

    monkeypatch.setattr(match_index, "score_candidate", counting)
    update = STORY[:3] + ENDING
    write(tmp_path / "in", {"c-update.txt": source_text(update, "2025-03-03")})
    run(tmp_path / "in", tmp_path / "out")
    assert scored == ["\n\n".join(update)]  # the variant against the new source only
    run(tmp_path / "in", tmp_path / "fresh")
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "fresh")


def test_the_cache_is_rebuilt_when_options_or_its_file_change(tmp_path: Path) -> None:
    write(tmp_path / "in", FIRST_BATCH)
    run(tmp_path / "in", tmp_path / "out")
    stricter = OPTIONS.model_copy(update={"threshold": 60})
    assert run(tmp_path / "in", tmp_path / "out", stricter).reused == 4  # matching only
    mdy = OPTIONS.model_copy(update={"ambiguous_dates": DateOrder.MDY})
    assert run(tmp_path / "in", tmp_path / "out", mdy).reused == 0  # parsing depends on it
    cache = tmp_path / "out" / CACHE_FILE
    with contextlib.closing(sqlite3.connect(cache)) as database:  # one document damaged
        database.execute("UPDATE documents SET document = '{' WHERE path = 'c-truncated.txt'")
        database.commit()
    assert (
        run(tmp_path / "in", tmp_path / "out", mdy.model_copy(update={"threshold": 60})).reused == 3
    )
    cache.write_bytes(b"not a cache\n" + cache.read_bytes())  # not a database: all parsed again
    assert (
        run(tmp_path / "in", tmp_path / "out", mdy.model_copy(update={"threshold": 65})).reused == 0
    )
    assert (
        run(tmp_path / "in", tmp_path / "out", mdy.model_copy(update={"threshold": 70})).reused == 4
    )


def test_a_damaged_output_is_rewritten(tmp_path: Path) -> None:
    write(tmp_path / "in", FIRST_BATCH)
    run(tmp_path / "in", tmp_path / "out")
    good = snapshot(tmp_path / "out")
    (tmp_path / "out" / "articles.jsonl").write_text("edited by hand\n")
    (tmp_path / "out" / "ledger.jsonl").unlink()
    summary = run(tmp_path / "in", tmp_path / "out")
    assert not summary.unchanged and snapshot(tmp_path / "out") == good


def test_a_cached_source_dated_after_an_earlier_today_is_rejected(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "in")
    run(tmp_path / "in", tmp_path / "out")
    earlier = OPTIONS.model_copy(update={"today": TODAY.replace(year=2025, month=5, day=1)})
    summary = run(tmp_path / "in", tmp_path / "out", earlier)
    assert (summary.reused, summary.rejected_by_reason) == (
        1,
        {"invalid_date": 1, "no_matching_source": 1},
    )
    assert [entry[0] for entry in ledger(tmp_path / "out")] == [VARIANT_SEED, SOURCE_SEED]


def test_the_parse_cache_survives_edits_outside_the_parse_stages() -> None:
    """Keyed by all the code, any edit to the CLI or to matching threw every parse away."""
    from tasks.output.fingerprint import PARSE_STAGES, ROOT, imported_modules

    names = {path.relative_to(ROOT).as_posix() for path in imported_modules(PARSE_STAGES)}
    assert {"tasks/parse/parse.py", "tasks/clean/clean.py", "tasks/parse/dates/forms.py"} <= names
    outside = ("flows/", "tasks/read/", "tasks/match/", "tasks/output/")
    assert not [n for n in names if n.startswith(outside)]


def test_a_new_excluded_entry_is_counted_by_the_next_run(tmp_path: Path) -> None:
    """The count of excluded entries used to stay stale: "up to date" while a fresh run
    said otherwise."""
    write(tmp_path / "in", FIRST_BATCH)
    assert run(tmp_path / "in", tmp_path / "out").excluded == 0
    write(tmp_path / "in", {".partial.txt": "half a transfer", "notes.txt~": "backup"})
    again = run(tmp_path / "in", tmp_path / "out")
    assert (again.unchanged, again.excluded) == (False, 2)
    assert json.loads((tmp_path / "out" / "run.json").read_text())["excluded"] == 2
