"""One shard through read -> decode -> extract -> clean -> parse: tallies, the cache, worker
processes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flows.workers import (
    MIN_FILES_WARM,
    run_in_worker,
    warm_up,
    worker_count,
    worker_processes,
)
from tasks.models import InputFile
from tasks.parse.header import DateRules
from tasks.pipeline import ShardResult, ShardWork, process_shard
from tests.conftest import TODAY
from tests.corpus import paragraphs, source_text, variant_text, write

RULES = DateRules(today=TODAY)


def _work(folder: Path, cached: dict[str, str] | None = None) -> ShardWork:
    files = [InputFile(path=path.name, location=str(path)) for path in sorted(folder.iterdir())]
    return ShardWork(files, cached or {}, 10_000, RULES)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    write(
        folder,
        {
            "a.txt": source_text(paragraphs(1), "2025-05-15"),
            "b.txt": variant_text(paragraphs(1)[:2]),
            "bad-date.txt": "Date: 2025-02-30\n\nText.\n",
            "empty.txt": "",
            "huge.txt": "x" * 20_000,
        },
    )
    return folder


def test_each_step_is_tallied_with_its_rejections(tmp_path: Path) -> None:
    result = process_shard(_work(_folder(tmp_path)))
    assert [document.path for document in result.parsed] == ["a.txt", "b.txt"]
    assert [(r.path, r.reason) for r in result.unread] == [("huge.txt", "too_large")]
    assert [(r.path, r.reason) for r in result.rejected] == [
        ("empty.txt", "empty"),
        ("bad-date.txt", "invalid_date"),
    ]
    tallies = {step: (t.passed, dict(t.rejected)) for step, t in result.tallies.items()}
    assert tallies == {
        "read": (4, {"too_large": 1}),
        "decode": (3, {"empty": 1}),
        "extract": (3, {}),
        "clean": (3, {}),
        "parse": (2, {"invalid_date": 1}),
    }
    assert sorted(result.hashes) == ["a.txt", "b.txt", "bad-date.txt", "empty.txt"]


def test_a_cached_file_is_only_read_and_hashed(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    sha = hashlib.sha256((folder / "a.txt").read_bytes()).hexdigest()
    stale = "0" * 64
    result = process_shard(_work(folder, {"a.txt": sha, "b.txt": stale}))
    assert [document.path for document in result.parsed] == ["b.txt"]  # its bytes changed
    assert result.hashes["a.txt"] == sha
    assert result.tallies["decode"].passed == 2


def _outcome(result: ShardResult) -> tuple[object, ...]:
    return result.hashes, result.parsed, result.unread, result.rejected


def test_worker_processes_give_what_this_process_gives(tmp_path: Path) -> None:
    work = _work(_folder(tmp_path))
    here = _outcome(process_shard(work))
    with worker_processes(10) as workers:  # too few files: no pool
        assert workers == 1
        assert _outcome(run_in_worker(process_shard, work)) == here
    warm_up(100_000)  # the fork server started ahead, as a large run does
    with worker_processes(100_000) as workers:
        assert workers >= 1
        assert _outcome(run_in_worker(process_shard, work)) == here
    # A scheduled run's few new files: with the fork server running, a pool is cheap.
    with worker_processes(MIN_FILES_WARM) as workers:
        assert workers == worker_count()
    with worker_processes(MIN_FILES_WARM - 1) as workers:
        assert workers == 1
