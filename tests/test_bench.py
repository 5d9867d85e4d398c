"""The benchmarks' smoke test: `make bench`'s labelled matching benchmark end to end, on its
20-file corpus built without ../shared (the seeds and synthetic articles), through the real
`copydesk` command and the benchmarks' one CLI runner."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.common.jsonl import read_jsonl
from bench.matching import labelled
from bench.runtime import write_parts

SMOKE_FILES = 20
HEADINGS = (
    "# copydesk matching benchmark (20 files)",
    "## Run",
    "## Accounting",
    "## Targets",
    "## Variants by kind",
    "## OCR recall by character error rate",
    "## Distractors (source absent)",
    "## Threshold calibration",
    "## Corpus",
    "## Errors",
)
KIND_HEADER = (
    "| kind | files | correct | wrong source | missed | misread | precision | recall | dup flag "
    "| min | p5 | median |"
)


def _rows(report: str, heading: str) -> list[list[str]]:
    """The cells of the table in the section whose heading starts with `heading`."""
    section = report.split(f"\n{heading}", 1)[1].split("\n## ", 1)[0]
    table = [line.strip("| ").split(" | ") for line in section.splitlines() if line[:2] == "| "]
    return table[1:]  # the header row off ("|---|" lines do not start with "| ")


@pytest.mark.flow
def test_matching_benchmark_on_the_smoke_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert labelled.main(["--smoke", "--no-wait", "--work", str(tmp_path)]) == 0

    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert capsys.readouterr().out == report
    lines = report.splitlines()
    assert [line for line in lines if line in HEADINGS] == list(HEADINGS)
    assert KIND_HEADER in lines

    truths = read_jsonl(tmp_path / "truth.jsonl")
    corpus = sorted(path.name for path in (tmp_path / "corpus").iterdir())
    assert corpus == sorted(truth["path"] for truth in truths)
    assert len(corpus) == SMOKE_FILES

    # Every file exactly once in copydesk's output, and so says the report.
    records = read_jsonl(tmp_path / "out" / "articles.jsonl")
    rejected = read_jsonl(tmp_path / "out" / "rejected.jsonl")
    listed = [record["source"]["path"] for record in records]
    listed += [variant["path"] for record in records for variant in record["variants"]]
    listed += [rejection["path"] for rejection in rejected]
    assert sorted(listed) == corpus
    assert "every file exactly once" in lines
    assert "dated sources not kept as a record's source: 0" in lines

    # Every file counted once by role and kind, every undated one judged once.
    assert sum(int(files) for _, _, files in _rows(report, "## Corpus")) == SMOKE_FILES
    for role, heading in (("variant", "## Variants by kind"), ("distractor", "## Distractors")):
        expected = Counter(truth["kind"] for truth in truths if truth["role"] == role)
        judged = Counter({row[0]: int(row[1]) for row in _rows(report, heading)})
        assert judged == expected, role

    # The seeds' round-trip translation is matched to the seed article.
    (seed,) = [truth for truth in truths if truth["kind"] == "translation_seed"]
    home = {v["path"]: record["source"]["path"] for record in records for v in record["variants"]}
    assert home[seed["path"]] == seed["label"]
    assert any(line.startswith("| translation_seed | 1 | 1 | 0 | 0 | 0 |") for line in lines)


def test_the_write_parts_benchmark_reports_each_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert write_parts.main(["--records", "30", "--rounds", "2", "--work", str(tmp_path)]) == 0
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert capsys.readouterr().out == report
    assert report.startswith("# The write's bookkeeping at 30 records (load ")
    parts = [row[0] for row in _rows("\n## x\n" + report, "## x")]
    assert parts == ["line map saved", "line map loaded", "ledger made"]
