"""The ingest flow end to end, under one temporary Prefect server for the session."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
import sys
import threading
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from flows.cli import main
from flows.ingest import TASK_THREADS, ingest_flow
from flows.options import IngestOptions
from flows.stages import update_index_task
from flows.workers import index_workers
from tasks.errors import TransientError
from tasks.match.thresholds import MATCH_THRESHOLD
from tasks.models import ArticleRecord, InputFile, RawDocument
from tasks.output.lock import OutputBusyError
from tasks.read.read import IO_RETRIES, read_document
from tasks.records.accounting import AccountingError
from tasks.refs import DocumentRef
from tests.conftest import SEEDS, SOURCE_SEED, TODAY, VARIANT_SEED
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.helpers import output_lines, snapshot

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
OPTIONS = IngestOptions(today=TODAY)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_seeds_give_one_golden_record(tmp_path: Path) -> None:
    summary = ingest_flow(str(SEEDS), str(tmp_path), OPTIONS)
    assert (summary.inputs, summary.records, summary.variants, summary.rejected) == (2, 1, 1, 0)
    lines = (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = ArticleRecord.model_validate_json(lines[0])
    assert record.date.isoformat() == "2025-05-15"
    assert record.body.startswith("The Trump administration is warning Massachusetts")
    assert "2025-05-15" not in record.body
    assert record.body.endswith('warranted by such activity."')
    assert record.title == '"Everyone needs to take a step back"'
    assert record.title_from is not None
    assert (record.title_from.role, record.title_from.path) == ("variant", VARIANT_SEED)
    assert record.place == "Boston, Massachusetts"
    assert (record.source.path, record.source.sha256, record.source.encoding) == (
        SOURCE_SEED,
        _sha256(SEEDS / SOURCE_SEED),
        "utf-8",
    )
    (variant,) = record.variants
    assert (variant.path, variant.sha256, variant.encoding, variant.duplicate) == (
        VARIANT_SEED,
        _sha256(SEEDS / VARIANT_SEED),
        "utf-8",
        False,
    )
    assert MATCH_THRESHOLD <= variant.score < 100
    assert (tmp_path / "rejected.jsonl").read_bytes() == b""
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["inputs"] == 2 and run["records"] == 1
    assert run["input"] == str(SEEDS)
    assert run["settings"] == {
        "threshold": 50.0, "word_order_threshold": 38.0, "shard_size": None,
        "ambiguous_dates": "dmy", "max_bytes": 10 * 1024 * 1024, "today": TODAY.isoformat(),
        "include": [], "exclude": [], "default_excludes": True, "follow_outside_links": False,
        "parquet": False, "input_format": None, "fields": {},
    }  # fmt: skip
    assert [t["stage"] for t in run["timings"]] == [
        "discover", "cache", "files", "save_cache", "match", "build_records", "write",
    ]  # fmt: skip
    assert [(s["step"], s["passed"], s["rejected_by_reason"]) for s in run["steps"]] == [
        ("read", 2, {}), ("decode", 2, {}), ("extract", 2, {}), ("clean", 2, {}),
        ("parse", 2, {}),
    ]  # fmt: skip


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    """Also across shard sizes: one shard per file must give what one shard for all gives."""
    ingest_flow(str(SEEDS), str(tmp_path / "one"), OPTIONS)
    ingest_flow(str(SEEDS), str(tmp_path / "two"), OPTIONS.model_copy(update={"shard_size": 1}))
    assert gc.get_freeze_count() == 0  # what the runs settled went back to the collector
    for name in ("articles.jsonl", "rejected.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def _mixed_input(folder: Path) -> None:
    folder.mkdir()
    for seed in (SOURCE_SEED, VARIANT_SEED):
        (folder / seed).write_bytes((SEEDS / seed).read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "huge.txt").write_bytes(b"Date: 2025-05-15\n\n" + b"word " * 2000)
    (folder / "utf16-broken.txt").write_bytes(b"\xff\xfea\x00\x00\xd8")
    os.mkfifo(folder / "pipe")
    (folder / "nested").mkdir()
    (folder / "nested" / "bad-date.txt").write_text("Date: someday soon\n\nSome body text.")
    (folder / "nested" / "orphan.txt").write_text("Zebras escaped overnight, keepers confirmed.")
    (folder / "nested" / "loop").symlink_to(folder)
    (folder / "alias").symlink_to(folder / "nested")
    legacy = "Date: 2025-05-17\r\n\r\nCaf\u00e9 owners say \u201cnothing\u201d changed \u2014 yet."
    (folder / "legacy.txt").write_bytes(legacy.encode("cp1252"))
    (folder / "copy.txt").write_text(
        "date: 2025-05-16\n\n" + (SEEDS / SOURCE_SEED).read_text()[17:]
    )


def test_every_input_is_accounted_for(tmp_path: Path) -> None:
    _mixed_input(tmp_path / "in")
    options = IngestOptions(today=TODAY, max_bytes=6000)
    summary = ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), options)
    assert (summary.inputs, summary.records, summary.variants, summary.rejected) == (13, 2, 2, 9)
    rejected = output_lines(tmp_path / "out" / "rejected.jsonl")
    assert [(r["path"], r["reason"]) for r in rejected] == [
        ("alias", "duplicate_link"),
        ("empty.txt", "empty"),
        ("huge.txt", "too_large"),
        ("image.png", "binary"),
        ("nested/bad-date.txt", "invalid_date"),
        ("nested/loop", "symlink_loop"),
        ("nested/orphan.txt", "no_matching_source"),
        ("pipe", "unreadable"),
        ("utf16-broken.txt", "undecodable"),
    ]
    assert rejected[4]["detail"] == "unrecognized date 'someday soon'"
    records = output_lines(tmp_path / "out" / "articles.jsonl")
    assert [r["source"]["path"] for r in records] == [SOURCE_SEED, "legacy.txt"]
    assert [(v["path"], v["duplicate"]) for v in records[0]["variants"]] == [
        ("copy.txt", True),
        (VARIANT_SEED, False),
    ]
    legacy = records[1]
    assert legacy["body"] == "Café owners say “nothing” changed — yet."
    assert (legacy["source"]["encoding"], legacy["date"]) == ("cp1252", "2025-05-17")


def test_read_retries_then_rejects_only_the_failing_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[str] = []
    real_read = read_document

    def flaky(file: InputFile, max_bytes: int) -> RawDocument:
        attempts.append(file.path)
        if file.path == VARIANT_SEED:
            raise TransientError(f"{file.path}: Input/output error")
        return real_read(file, max_bytes)

    monkeypatch.setattr("tasks.read.read.read_document", flaky)
    monkeypatch.setattr("tasks.read.read.IO_RETRY_SECONDS", 0.0)
    summary = ingest_flow(str(SEEDS), str(tmp_path), OPTIONS)
    # Each file is retried on its own: 1 + 3 attempts for the failing one, the other once.
    assert sorted(attempts) == sorted([SOURCE_SEED] + [VARIANT_SEED] * (1 + IO_RETRIES))
    assert (summary.records, summary.rejected_by_reason) == (1, {"unreadable": 1})
    (rejection,) = output_lines(tmp_path / "rejected.jsonl")
    assert rejection["detail"] == (
        f"read failed after 3 retries: {VARIANT_SEED}: Input/output error"
    )


def test_run_publishes_a_summary_artifact(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    state = ingest_flow(str(SEEDS), str(tmp_path), OPTIONS, return_state=True)
    run_id = state.state_details.flow_run_id
    assert run_id is not None
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["copydesk-ingest-summary"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]),
            )
        )
    (artifact,) = artifacts
    assert artifact.data == (
        "| | count |\n|---|---:|\n| inputs | 2 |\n| records | 1 |\n| variants | 1 |\n"
        "| rejected | 0 |"
    )


def test_explain_tells_each_outcome(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _mixed_input(tmp_path / "in")
    out = tmp_path / "out"
    ingest_flow(str(tmp_path / "in"), str(out), IngestOptions(today=TODAY, max_bytes=6000))
    capsys.readouterr()

    def explained(file: str) -> tuple[int, str, str]:
        code = main(["explain", file, "--in", str(out)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    record_id = output_lines(out / "articles.jsonl")[0]["id"]
    assert explained(VARIANT_SEED) == (0, (
        f"{VARIANT_SEED} was matched to {SOURCE_SEED} (record {record_id})\n"
        "  score 71.8 by sentence alignment (threshold 50.0); margin 71.8 over the next candidate, none\n"
        "  it reproduces source paragraphs 1-3, 5-9, 11-15, 17-19 of 19 (87% of the source text)\n"
        "  its paragraphs with no counterpart in the source: 1, 7, 15 of 19\n"
    ), "")  # fmt: skip
    assert explained(str(tmp_path / "in" / "copy.txt")) == (0, (
        f"copy.txt was matched to {SOURCE_SEED} (record {record_id})\n"
        "  a duplicate: the same text up to line wrapping, dated 2025-05-16; "
        "the record keeps the earliest date, 2025-05-15\n"
    ), "")  # fmt: skip
    assert explained(SOURCE_SEED) == (0, (
        f"{SOURCE_SEED} is the source of record {record_id}\n"
        "  dated 2025-05-15 by its header ('2025-05-15'); title "
        f"'\"Everyone needs to take a step back\"' (from variant {VARIANT_SEED})\n"
        "  decoded as utf-8: valid UTF-8\n"
        "  2 variant(s) attached, best first:\n"
        "    copy.txt  score 100.0\n"
        f"    {VARIANT_SEED}  score 71.8\n"
    ), "")  # fmt: skip
    assert explained("nested/orphan.txt") == (0, (
        "nested/orphan.txt was rejected: no_matching_source\n"
        "  no source in this run shares any distinctive word with it\n"
    ), "")  # fmt: skip
    assert explained("nested/bad-date.txt")[1] == (
        "nested/bad-date.txt was rejected: invalid_date\n  unrecognized date 'someday soon'\n"
    )
    assert explained("missing.txt") == (
        1,
        "",
        f"copydesk: 'missing.txt' is not an input of the run in '{out}'\n",
    )


def test_a_failed_run_leaves_the_previous_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_flow(str(SEEDS), str(tmp_path), OPTIONS)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}

    def broken(*args: object) -> None:
        raise AccountingError("outputs do not account for the inputs")

    monkeypatch.setattr("flows.ingest.check_accounting", broken)
    with pytest.raises(AccountingError):  # other options: the output is not current
        ingest_flow(str(SEEDS), str(tmp_path), OPTIONS.model_copy(update={"threshold": 60}))
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before
    assert gc.get_freeze_count() == 0  # what the run settled went back to the collector


def test_a_second_run_on_the_same_output_fails_or_waits(tmp_path: Path) -> None:
    """Another process holds the folder: the CLI fails at once with one line and exit code
    1, before Prefect starts; a flow run (as a scheduled one) waits for the holder."""
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_UNTIL_STDIN_CLOSES, str(out)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdin is not None and holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    copydesk = Path(sys.executable).with_name("copydesk")
    environment = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    busy = subprocess.run(
        [str(copydesk), "ingest", str(SEEDS), "--out", str(out)],
        capture_output=True, text=True, env=environment, check=False, timeout=60,
    )  # fmt: skip
    assert (busy.returncode, busy.stdout, busy.stderr) == (1, "", (
        f"copydesk: error: another copydesk run (pid {holder.pid}) is writing to '{out}'; "
        "try again when it has finished\n"
    ))  # fmt: skip
    assert [str(p.relative_to(out)) for p in out.rglob("*")] == [".copydesk", ".copydesk/lock"]
    with pytest.raises(OutputBusyError):
        ingest_flow(str(SEEDS), str(out), OPTIONS, lock_wait_seconds=0)
    threading.Timer(1.0, holder.stdin.close).start()  # the holder finishes in a second
    summary = ingest_flow(str(SEEDS), str(out), OPTIONS, lock_wait_seconds=30)
    assert holder.wait(timeout=10) == 0 and summary.records == 1


HOLD_UNTIL_STDIN_CLOSES = (
    "import sys; from pathlib import Path; from tasks.output.lock import output_lock\n"
    "with output_lock(Path(sys.argv[1])):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.read()\n"
)


def test_json_summary_is_run_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The summary as run.json holds it, plus whether this run wrote it."""
    monkeypatch.setattr("flows.cli.start_prefect", lambda arguments: None)
    monkeypatch.setattr("flows.cli.flush_prefect_events", lambda: None)
    capsys.readouterr()
    for written in (True, False):  # the second run: this run's timings, nothing written
        assert main(["ingest", str(SEEDS), "--out", str(tmp_path), "--json"]) == 0
        printed = json.loads(capsys.readouterr().out)
        run_json = json.loads((tmp_path / "run.json").read_text())
        assert (printed.pop("timings") == run_json.pop("timings")) is written
        # The seeds are old files: the second run reads neither (it says so, run.json not).
        assert (printed.pop("not_read"), run_json.pop("not_read")) == (0 if written else 2, 0)
        assert printed == {**run_json, "written": written}
        assert printed["records"] == 1


def test_task_threads_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shard is submitted at once: with Prefect's unbounded default pool that was a
    thread per shard (180 seen on a large run)."""
    write(tmp_path / "in", {f"{number:03}.txt": f"Text number {number}.\n" for number in range(60)})
    threads: list[int] = []
    real_read = read_document

    def counting(file: InputFile, max_bytes: int) -> RawDocument:
        threads.append(threading.active_count())
        return real_read(file, max_bytes)

    monkeypatch.setattr("tasks.read.read.read_document", counting)
    options = OPTIONS.model_copy(update={"shard_size": 1})
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), options)
    assert len(threads) == 60
    assert max(threads) <= TASK_THREADS + 20


def test_matching_in_shard_tasks_writes_what_one_task_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large runs decide variants in shard tasks on worker processes (flows/matching.py)."""
    files = {name: (SEEDS / name).read_text() for name in (SOURCE_SEED, VARIANT_SEED)}
    for number in range(12):
        body = paragraphs(number)
        files[f"source-{number:02}.txt"] = source_text(body, f"2025-05-{number + 1:02}")
        files[f"variant-{number:02}.txt"] = variant_text(body[: 1 + number % 4])
    write(tmp_path / "in", files)
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "one"), OPTIONS)
    started: list[Path] = []

    def counting(
        key: str, out: Path, fingerprint: str, in_turn: bool
    ) -> AbstractContextManager[None]:
        started.append(out)
        return index_workers(key, out, fingerprint, in_turn)

    monkeypatch.setattr("flows.matching.worth_sharding", lambda *counts: True)
    monkeypatch.setattr("flows.matching.index_workers", counting)
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "two"), OPTIONS)
    assert started == [tmp_path / "two"]
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_a_rerun_that_parsed_many_files_starts_its_match_workers_before_the_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They read the stored index while the run updates it, then follow the update
    (tasks/match/index_journal.py): the rerun writes what a fresh run writes. A first run's
    find no index yet, and open the one its update made at their first shard."""
    files = {}
    for number in range(12):
        body = paragraphs(number)
        files[f"source-{number:02}.txt"] = source_text(body, f"2025-05-{number + 1:02}")
        files[f"variant-{number:02}.txt"] = variant_text(body[: 1 + number % 4])
    write(tmp_path / "in", {name: text for name, text in files.items() if name[-6] in "024"})
    events: list[str] = []

    def counting(
        key: str, out: Path, fingerprint: str, in_turn: bool
    ) -> AbstractContextManager[None]:
        events.append("workers in turn" if in_turn else "workers")
        return index_workers(key, out, fingerprint, in_turn)

    def updating(out: str, sources: list[DocumentRef], track: bool, journal: bool) -> object:
        events.append("update")
        return update_index_task(out, sources, track, journal)

    monkeypatch.setattr("flows.matching.worth_sharding", lambda *counts: True)
    monkeypatch.setattr("flows.matching.index_workers", counting)
    monkeypatch.setattr("flows.matching.update_index_task", updating)
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), OPTIONS)
    write(tmp_path / "in", files)
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "out"), OPTIONS)
    assert events == ["workers in turn", "update"] * 2
    ingest_flow(str(tmp_path / "in"), str(tmp_path / "fresh"), OPTIONS)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "fresh")
