"""Hostile input folders through the whole flow: links out of the input, a checkout's
`.git`, file names that are not UTF-8, an oversized rejection detail."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from flows.cli import main
from flows.ingest import ingest_flow
from flows.options import IngestOptions
from tests.conftest import SEEDS, SOURCE_SEED, TODAY
from tests.corpus import paragraphs, source_text, write
from tests.helpers import output_lines

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
OPTIONS = IngestOptions(today=TODAY)


def test_a_link_out_of_the_input_publishes_nothing(tmp_path: Path) -> None:
    """A dated file behind a link to another folder used to reach articles.jsonl, and its
    text the world-readable parse cache."""
    folder, out = tmp_path / "in", tmp_path / "out"
    secret = source_text(paragraphs(7), "2025-01-02")
    write(tmp_path / "private", {"secret.txt": secret})
    shutil.copytree(SEEDS, folder)
    (folder / "private").symlink_to(tmp_path / "private")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    summary = ingest_flow(str(folder), str(out), OPTIONS)
    assert (summary.inputs, summary.records, summary.rejected, summary.excluded) == (3, 1, 1, 1)
    assert output_lines(out / "rejected.jsonl") == [
        {
            "path": "private",
            "reason": "outside_input",
            "detail": f"links to '{tmp_path / 'private'}', outside the input folder "
            "(--follow-outside-links reads such links)",
            "candidates": [],
        }
    ]
    words = paragraphs(7)[0].split()[0].encode()
    for path in out.rglob("*"):
        assert not path.is_file() or words not in path.read_bytes(), path
    allowed = ingest_flow(
        str(folder), str(out), OPTIONS.model_copy(update={"follow_outside_links": True})
    )
    assert (allowed.records, allowed.rejected) == (2, 0)


def test_explain_takes_a_file_whose_name_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    byte_name = folder / os.fsdecode(b"caf\xe9.txt")
    shutil.copy(SEEDS / SOURCE_SEED, byte_name)
    (folder / "caf\\xe9.txt").write_text("Date: someday soon\n\nNo date here.\n")
    ingest_flow(str(folder), str(out), OPTIONS)
    capsys.readouterr()
    assert main(["explain", str(byte_name), "--in", str(out)]) == 0
    assert capsys.readouterr().out.startswith("caf\\xe9.txt is the source of record ")
    assert main(["explain", str(folder / "caf\\xe9.txt"), "--in", str(out)]) == 0
    assert capsys.readouterr().out == (
        "caf\\\\xe9.txt was rejected: invalid_date\n  unrecognized date 'someday soon'\n"
    )


def test_a_huge_rejection_detail_is_cut(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, {"a.txt": "Date: " + "x" * 100_000 + "\n\nText.\n"})
    ingest_flow(str(folder), str(out), OPTIONS)
    [rejection] = output_lines(out / "rejected.jsonl")
    assert rejection["reason"] == "invalid_date"
    assert rejection["detail"].endswith("… [cut: 100,020 characters]")
    assert len(rejection["detail"]) < 600
