"""Formats through the whole flow: Markdown and HTML inputs matched with text ones, and
`--parquet`'s articles.parquet, read back with pyarrow and DuckDB."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.ingest import ingest_flow
from flows.options import IngestOptions
from tasks.extract.formats import InputFormat
from tasks.models import ArticleRecord
from tasks.output.parquet import record_schema, write_parquet
from tests.conftest import REPO, TODAY
from tests.corpus import page, paragraphs, source_text, variant_text, write
from tests.helpers import output_lines

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
OPTIONS = IngestOptions(today=TODAY)
PARQUET = IngestOptions(today=TODAY, parquet=True)


def _folder(tmp_path: Path) -> Path:
    """Three stories: one told in text with a Markdown and an HTML copy, one in Markdown
    with a text copy, one an HTML page alone; and a page with no story."""
    folder = tmp_path / "in"
    write(
        folder,
        {
            "wire-a.txt": source_text(paragraphs(11), "2025-03-02"),
            "blog-a.md": "# Rains return\n\n" + "\n\n".join(f"*{p}*" for p in paragraphs(11)),
            "web-a.html": page(paragraphs(11)[:3], date=None, title="Rains return"),
            "blog-b.md": "---\ndate: 2025-04-01\n---\n# Prices fall\n\n"
            + variant_text(paragraphs(12)),
            "wire-b.txt": variant_text(paragraphs(12)[1:]),
            "web-c.html": page(paragraphs(13), date="2025-05-06", title="Rates held"),
            "web-gone.html": "<html><head><title>Gone</title></head><body></body></html>",
        },
    )
    return folder


def test_markdown_and_html_join_the_stories_text_tells(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = ingest_flow(str(_folder(tmp_path)), str(out), OPTIONS)
    assert (summary.inputs, summary.records, summary.variants, summary.rejected) == (7, 3, 3, 1)
    records = {record["source"]["path"]: record for record in output_lines(out / "articles.jsonl")}
    assert sorted(records) == ["blog-b.md", "web-c.html", "wire-a.txt"]
    attached = {path: sorted(v["path"] for v in r["variants"]) for path, r in records.items()}
    assert attached == {
        "blog-b.md": ["wire-b.txt"],
        "web-c.html": [],
        "wire-a.txt": ["blog-a.md", "web-a.html"],
    }
    assert (records["blog-b.md"]["title"], records["web-c.html"]["title"]) == (
        "Prices fall",
        "Rates held",
    )
    assert records["web-c.html"]["date"] == "2025-05-06"
    assert [(r["path"], r["reason"]) for r in output_lines(out / "rejected.jsonl")] == [
        ("web-gone.html", "empty")
    ]


def test_parquet_holds_the_records_typed_and_goes_when_not_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, out = _folder(tmp_path), tmp_path / "out"
    copy = {"title": "Rains return", "text": variant_text(paragraphs(11)[1:])}
    write(folder, {"copies.jsonl": json.dumps(copy)})  # story A's third copy, a feed's line
    summary = ingest_flow(str(folder), str(out), PARQUET)
    parquet = out / "articles.parquet"
    assert (
        summary.outputs["articles.parquet"].sha256
        == hashlib.sha256(parquet.read_bytes()).hexdigest()
    )
    assert json.loads((out / "run.json").read_text())["outputs"]["articles.parquet"]["lines"] == 3
    table = pq.read_table(parquet)
    assert table.schema == record_schema()
    schema = table.schema
    assert (schema.field("date").type, schema.field("published_at").type) == (
        pa.date32(),
        pa.string(),  # ISO text: see tasks/output/parquet.py
    )
    assert not schema.field("date").nullable and schema.field("title").nullable
    variant = schema.field("variants").type.value_type
    assert isinstance(variant, pa.StructType)
    assert (variant.field("path").type, variant.field("score").type) == (pa.string(), pa.float64())
    assert variant.field("alignment").type.field("source_paragraphs").type == pa.list_(pa.int64())
    rows = [ArticleRecord.model_validate(row).model_dump(mode="json") for row in table.to_pylist()]
    assert rows == output_lines(out / "articles.jsonl")  # the same records, in the same order
    first = parquet.read_bytes()
    fresh = ingest_flow(str(folder), str(tmp_path / "fresh"), PARQUET)
    assert (tmp_path / "fresh" / "articles.parquet").read_bytes() == first
    assert fresh.outputs == summary.outputs
    assert ingest_flow(str(folder), str(out), PARQUET).unchanged
    with (tmp_path / "small-blocks.parquet").open("wb") as handle:  # records over a block
        write_parquet(out / "articles.jsonl", handle, batch_bytes=64)
    assert pq.read_table(tmp_path / "small-blocks.parquet") == table
    monkeypatch.chdir(tmp_path)
    query = re.search(r"```sql\n(.*?)```", (REPO / "README.md").read_text(), re.DOTALL)
    assert query is not None, "the README shows a DuckDB query over articles.parquet"
    assert _query(query.group(1)) == [(dt.date(2025, 3, 2), 1, ["Rains return"])]
    per_story = "SELECT source.path, len(variants) FROM 'out/articles.parquet' ORDER BY 1"
    assert _query(per_story) == [("blog-b.md", 1), ("web-c.html", 0),
                                                ("wire-a.txt", 3)]  # fmt: skip
    without = ingest_flow(str(folder), str(out), OPTIONS)
    assert not parquet.exists() and "articles.parquet" not in without.outputs


def _query(sql: str) -> list[Any]:
    relation = duckdb.sql(sql)
    assert relation is not None, "a query gives rows"
    return relation.fetchall()


def test_another_format_reads_the_cached_files_again(tmp_path: Path) -> None:
    folder, out = _folder(tmp_path), tmp_path / "out"
    ingest_flow(str(folder), str(out), OPTIONS)
    as_text = ingest_flow(
        str(folder), str(out), OPTIONS.model_copy(update={"input_format": InputFormat.TXT})
    )
    assert as_text.reused == 0
    records = output_lines(out / "articles.jsonl")
    assert any(record["body"].startswith("# Prices fall") for record in records)  # as text
    assert "web-c.html" not in [record["source"]["path"] for record in records]  # undated
