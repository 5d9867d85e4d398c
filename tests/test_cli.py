"""The command line: exact output and exit codes."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flows.arguments import build_parser, read_options
from flows.cli import main
from flows.options import IngestOptions
from tasks.extract.formats import InputFormat
from tasks.models import ArticleRecord
from tasks.parse.dates import DateOrder
from tests.conftest import SEEDS
from tests.helpers import ingest_twice


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_missing_input_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert _run(capsys, "ingest", str(missing), "--out", str(tmp_path / "out")) == (
        2,
        "",
        f"copydesk: error: input folder '{missing}' does not exist\n",
    )
    assert not (tmp_path / "out").exists()


def test_input_is_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text("x")
    assert _run(capsys, "ingest", str(file), "--out", str(tmp_path / "out")) == (
        2,
        "",
        f"copydesk: error: input '{file}' is not a folder\n",
    )


def test_unwritable_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = blocker / "out"
    assert _run(capsys, "ingest", str(SEEDS), "--out", str(out)) == (
        2,
        "",
        f"copydesk: error: cannot write to output folder '{out}': Not a directory\n",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: command"),
        (["ingest", "seeds"], "the following arguments are required: --out"),
        (
            ["frobnicate"],
            "argument command: invalid choice: 'frobnicate' (choose from 'ingest', 'serve', 'explain', 'schema')",
        ),
        (
            ["ingest", "seeds", "--out", "o", "--threshold", "high"],
            "argument --threshold: invalid float value: 'high'",
        ),
        (
            ["ingest", "seeds", "--out", "o", "--format", "pdf"],
            "argument --format: invalid choice: 'pdf' (choose from 'txt', 'md', 'html', 'jsonl', 'json')",
        ),
        (
            ["ingest", "seeds", "--out", "o", "--verify", "--verify-every", "7d"],
            "argument --verify-every: not allowed with argument --verify",
        ),
    ],
)
def test_bad_arguments(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert _run(capsys, *argv) == (2, "", f"copydesk: error: {message} (see 'copydesk --help')\n")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--threshold", "120"], "--threshold: Input should be less than or equal to 100"),
        (["--shard-size", "0"], "--shard-size: Input should be greater than or equal to 1"),
        (["--dask-workers", "0"], "--dask-workers: must be at least 1, got 0"),
        (
            ["serve:--cron", "61 * * * *"],
            "--cron '61 * * * *': Invalid cron string: \"61 * * * *\"",
        ),
        (
            ["serve:--cron", "0 2 * * *", "--timezone", "Mars/Base"],
            "--cron '0 2 * * *': Invalid timezone: \"Mars/Base\" (specify in IANA tzdata format, for example, America/New_York)",
        ),
        (
            ["serve:--interval", "0"],
            "--interval needs a number of seconds above 0 and no --timezone",
        ),
        (
            ["--runner", "threads", "--dask-address", "tcp://h:8786"],
            "--dask-address needs --runner dask",
        ),
        (["--field", "body=content"], "--field: 'body' is not one of text, title, date"),
        (["--field", "text"], "--field: no field name for text (FIELD=NAME)"),
        (
            ["--verify-every", "weekly"],
            "--verify-every: 'weekly' is not a duration (a number and s, m, h, d or w)",
        ),
        (["--verify-every", "0d"], "--verify-every: Input should be greater than 0"),
        (["--verify-every", "inf"], "--verify-every: Input should be a finite number"),
    ],
)
def test_out_of_range_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: list[str], message: str
) -> None:
    command, _, first = option[0].rpartition(":")
    argv = [command or "ingest", str(SEEDS), "--out", str(tmp_path / "out"), first, *option[1:]]
    assert _run(capsys, *argv) == (2, "", f"copydesk: error: {message}\n")


def test_explain_needs_a_run_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert _run(capsys, "explain", "a.txt", "--in", str(tmp_path)) == (
        2,
        "",
        f"copydesk: error: no copydesk output in '{tmp_path}'\n",
    )
    for name in ("articles.jsonl", "rejected.jsonl"):
        (tmp_path / name).write_text("")
    (tmp_path / "run.json").write_text("{not json")
    code, out, err = _run(capsys, "explain", "a.txt", "--in", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.startswith(f"copydesk: error: '{tmp_path}' holds no valid copydesk output: ")


def test_explain_refuses_files_that_do_not_belong_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tasks.models import RunSummary
    from tasks.output.write import write_outputs

    summary = RunSummary(
        inputs=0, records=0, variants=0, rejected=0, rejected_by_reason={}, timings=[]
    )
    write_outputs(tmp_path, [], [], [], summary, "s")
    assert _run(capsys, "explain", "a.txt", "--in", str(tmp_path))[0] == 1  # valid, not found
    (tmp_path / "articles.jsonl").write_text("{}\n")  # as if a later run was cut short
    assert _run(capsys, "explain", "a.txt", "--in", str(tmp_path)) == (
        2, "", f"copydesk: error: '{tmp_path}' holds no valid copydesk output: "
        "articles.jsonl is not the one run.json names (an interrupted run?)\n",
    )  # fmt: skip


def test_options_reach_the_run() -> None:
    arguments = build_parser().parse_args(
        [
            "ingest", "in", "--out", "out", "--threshold", "60", "--word-order-threshold", "40",
            "--ambiguous-dates", "mdy", "--max-bytes", "1000", "--shard-size", "7", "--verify",
            "--format", "html", "--parquet",
        ]
    )  # fmt: skip
    assert read_options(arguments) == IngestOptions(
        threshold=60, word_order_threshold=40, ambiguous_dates=DateOrder.MDY, max_bytes=1000,
        shard_size=7, verify=True, input_format=InputFormat.HTML, parquet=True,
    )  # fmt: skip
    # --verify changes what is read, never the output: it is not among the run's settings.
    assert "verify" not in read_options(arguments).run_rules()[1]
    periodic = build_parser().parse_args(["serve", "in", "--out", "o", "--interval", "60",
                                          "--verify-every", "7d"])  # fmt: skip
    assert read_options(periodic) == IngestOptions(verify_every=7 * 86_400)
    assert "verify_every" not in read_options(periodic).run_rules()[1]
    assert (
        read_options(build_parser().parse_args(["ingest", "in", "--out", "o"])) == IngestOptions()
    )


def test_a_failed_run_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_flow(*args: object) -> None:
        raise RuntimeError("outputs do not account for the inputs")

    monkeypatch.setattr("flows.cli.start_prefect", lambda arguments: None)
    monkeypatch.setattr("flows.private_server.launch", lambda: None)
    monkeypatch.setattr("flows.private_server.api_server", contextlib.nullcontext)
    monkeypatch.setattr("flows.ingest.ingest_flow", failing_flow)
    assert _run(capsys, "ingest", str(SEEDS), "--out", str(tmp_path / "out")) == (
        1, "", "copydesk: error: the run failed: RuntimeError: outputs do not account for the inputs\n"
    )  # fmt: skip


def test_schema_validates_a_real_record() -> None:
    """The published schema describes what is written, variants' evidence included."""
    import jsonschema

    record: dict[str, object] = {
        "id": "0123456789abcdef", "title": None, "title_from": None, "date": "2025-05-15",
        "published_at": None, "date_ambiguous": False, "date_raw": "2025-05-15",
        "place": None, "place_from": None, "body": "Body.",
        "source": {"path": "s.txt", "sha256": "0" * 64, "encoding": "utf-8",
                   "encoding_reason": "valid UTF-8", "fixes": []},
        "variants": [{"path": "v.txt", "sha256": "1" * 64, "encoding": "utf-8",
                      "encoding_reason": "valid UTF-8", "fixes": [], "score": 64.9, "measure": "sentences",
                      "margin": 60.0, "runner_up": None, "duplicate": False, "date": None,
                      "alignment": {"source_paragraphs": [1], "source_paragraph_count": 1,
                                    "added_paragraphs": [], "variant_paragraph_count": 1,
                                    "source_coverage": 1.0}}],
    }  # fmt: skip
    jsonschema.validate(record, ArticleRecord.model_json_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**record, "extra": 1}, ArticleRecord.model_json_schema())


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "schema")
    schema = json.loads(out)
    assert (code, err, schema["title"]) == (0, "", "ArticleRecord")
    assert set(schema["required"]) == {
        "id", "title", "title_from", "date", "published_at", "date_ambiguous", "date_raw",
        "place", "place_from", "body", "source", "variants",
    }  # fmt: skip
    assert schema["additionalProperties"] is False


def test_cli_does_not_import_prefect_before_configuring_it() -> None:
    """Prefect reads its settings at import: if the CLI imported it first, the quiet
    defaults would come too late and the console would fill with Prefect's INFO lines."""
    code = "import sys, flows.cli; print(sorted(m for m in sys.modules if m.startswith('prefect')))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


@pytest.mark.flow
def test_ingest_end_to_end_is_clean(tmp_path: Path) -> None:
    """The installed console script, as a user runs it: exact output, and on stderr (not a
    terminal here) one progress line per stage and nothing else. The second run finds
    nothing new and says so."""
    out = tmp_path / "out"
    environment = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    runs = ingest_twice(SEEDS, out, environment)
    counts = "inputs    2\nrecords   1\nvariants  1\nrejected  0\n"
    stages = [
        "discover                   ",
        "cache                      ",
        "files              2 files ",
        "save_cache                 ",
        "match                      ",
        "build_records              ",
    ]
    assert [run.returncode for run in runs] == [0, 0]
    assert runs[0].stdout == (
        f"copydesk ingest {SEEDS} -> {out}\n{counts}wrote {out}/articles.jsonl, "
        f"{out}/rejected.jsonl, {out}/ledger.jsonl, {out}/run.json\n"
    )
    # The seeds are old files: the second run trusts their stamps and reads neither.
    unchanged = "inputs     2\nrecords    1\nvariants   1\nrejected   0\nunchanged  2\n"
    assert runs[1].stdout == (
        f"copydesk ingest {SEEDS} -> {out}\n{unchanged}{out} is up to date: nothing written\n"
    )
    # The second run finds OUT current before Prefect starts (flows/up_to_date.py): silently.
    for run, stages_run in zip(runs, [stages, []], strict=True):
        assert re.sub(r"\d+\.\d s$", "N s", run.stderr, flags=re.MULTILINE) == "".join(
            f"copydesk: {stage}  N s\n" for stage in stages_run
        )
    assert len((out / "articles.jsonl").read_text().splitlines()) == 1


def test_output_folder_must_differ_from_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "in")
    assert _run(capsys, "ingest", str(tmp_path / "in"), "--out", str(tmp_path / "link")) == (
        2,
        "",
        "copydesk: error: the output folder must not be the input folder\n",
    )
