"""Builders for documents in tests, and a run's output as a test compares it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, BinaryIO

from tasks.match.match_index import MatchIndex, index_in_memory
from tasks.match.score import SourceText
from tasks.models import DateHeader, Match, ParagraphAlignment, ParsedDocument, Provenance
from tasks.output.paths import DATA_FILES, RUN

CompletedRun = subprocess.CompletedProcess[str]


def origin(path: str = "a.txt") -> Provenance:
    return Provenance(
        path=path, sha256="0" * 64, encoding="utf-8", encoding_reason="valid UTF-8", fixes=[]
    )


def parsed(
    path: str,
    body: str,
    date: dt.date | None = None,
    title: str | None = None,
    place: str | None = None,
) -> ParsedDocument:
    header = None
    if date is not None:
        header = DateHeader(date=date, published_at=None, ambiguous=False, raw=date.isoformat())
    return ParsedDocument(origin=origin(path), header=header, title=title, place=place, body=body)


def text_index(texts: list[str]) -> MatchIndex:
    """A match index of `texts` in memory, each named by its position, zero-padded: path
    order is list order."""
    return index_in_memory(
        [(f"{n:04d}", "0" * 64, SourceText(f"{n:04d}", None, text)) for n, text in enumerate(texts)]
    )


def ranked_positions(index: MatchIndex, text: str, k: int) -> list[int]:
    """The positions (in `text_index`'s list) of `text`'s `k` best candidates."""
    return [int(index.path(found.source)) for found in index.candidates.top(text, k)]


def match(variant: str, source: str, score: float) -> Match:
    """A match whose alignment evidence does not matter to the test."""
    alignment = ParagraphAlignment(
        source_paragraphs=[1],
        source_paragraph_count=1,
        added_paragraphs=[],
        variant_paragraph_count=1,
        source_coverage=1.0,
    )
    return Match(
        variant=variant, source=source, score=score, measure="sentences", margin=score,
        runner_up=None,
        alignment=alignment,
    )  # fmt: skip


def snapshot(out: Path) -> dict[str, Any]:
    """The output as a reader sees it; run.json without what only describes this run's work
    (its timings, its steps' times and how much it reused)."""
    files: dict[str, Any] = {name: (out / name).read_bytes() for name in DATA_FILES}
    run_json = json.loads((out / RUN).read_text())
    described = ("timings", "steps", "reused", "not_read")
    files[RUN] = {k: v for k, v in run_json.items() if k not in described}
    return files


def output_lines(path: Path) -> list[dict[str, Any]]:
    """A JSON Lines output file's objects."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class SpyingHandle:
    """A binary file handle that notes the size of every read asked of it."""

    def __init__(self, handle: BinaryIO, asked: list[int]) -> None:
        self.handle, self.asked = handle, asked

    def __enter__(self) -> SpyingHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def fileno(self) -> int:
        return self.handle.fileno()

    def close(self) -> None:
        self.handle.close()

    def read(self, size: int = -1) -> bytes:
        self.asked.append(size)
        return self.handle.read(size)


def ingest_twice(folder: Path, out: Path, environment: dict[str, str]) -> list[CompletedRun]:
    """`copydesk ingest FOLDER --out OUT` twice: the installed console script, as a user
    runs it."""
    copydesk = Path(sys.executable).with_name("copydesk")
    return [
        subprocess.run(
            [str(copydesk), "ingest", str(folder), "--out", str(out)],
            capture_output=True,
            text=True,
            env=environment,
            check=False,
            timeout=120,
        )
        for _ in range(2)
    ]
