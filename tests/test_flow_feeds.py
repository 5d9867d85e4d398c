"""JSON feeds through the whole flow: each article an input (`feed.jsonl#N`) matched with
files, a bad line rejected alone, incremental runs per article, `explain` and `--field`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flows.explain import RunOutput, explain
from flows.ingest import ingest_flow
from flows.options import IngestOptions
from tests.conftest import TODAY
from tests.corpus import paragraphs, source_text, variant_text, write
from tests.helpers import output_lines, snapshot

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
OPTIONS = IngestOptions(today=TODAY)


def _article(seed: int, date: str | None = None, keep: slice = slice(None)) -> str:
    found: dict[str, Any] = {"title": f"Story {seed}", "text": "\n\n".join(paragraphs(seed)[keep])}
    return json.dumps(found | ({"date": date} if date else {}))


FEED = [
    _article(1, "2025-03-01"),
    "",
    _article(2, keep=slice(1, None)),
    '{"title": "cut off", ',
    _article(3, "2025-03-03"),
]


def test_each_article_of_a_feed_is_an_input(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    write(
        folder,
        {"wire.jsonl": "\n".join(FEED) + "\n", "b.txt": source_text(paragraphs(2), "2025-03-02")},
    )
    write(folder, {"copies.json": json.dumps([json.loads(_article(3, keep=slice(2)))])})
    summary = ingest_flow(str(folder), str(out), OPTIONS)
    assert (summary.inputs, summary.records, summary.variants, summary.rejected) == (6, 3, 2, 1)
    records = {r["source"]["path"]: r for r in output_lines(out / "articles.jsonl")}
    assert {path: [v["path"] for v in r["variants"]] for path, r in records.items()} == {
        "b.txt": ["wire.jsonl#3"],
        "wire.jsonl#1": [],
        "wire.jsonl#5": ["copies.json#1"],
    }
    assert (records["wire.jsonl#1"]["title"], records["wire.jsonl#1"]["date"]) == (
        "Story 1",
        "2025-03-01",
    )
    assert records["wire.jsonl#5"]["source"]["fixes"][0]["parameter"] == "json_to_text"
    assert [(r["path"], r["reason"]) for r in output_lines(out / "rejected.jsonl")] == [
        ("wire.jsonl#4", "invalid_json")
    ]
    ledger = [(entry["path"], entry["outcome"]) for entry in output_lines(out / "ledger.jsonl")]
    assert ledger == [
        ("b.txt", "source"),
        ("copies.json#1", "variant"),
        ("wire.jsonl#1", "source"),
        ("wire.jsonl#3", "variant"),
        ("wire.jsonl#4", "rejected"),
        ("wire.jsonl#5", "source"),
    ]
    run = RunOutput.load(out)
    assert explain(str(folder / "wire.jsonl#4"), run).splitlines() == [
        "wire.jsonl#4 was rejected: invalid_json",
        "  not JSON: Expecting property name enclosed in double quotes (column 22)",
    ]
    assert explain("wire.jsonl#3", run).startswith("wire.jsonl#3 was matched to b.txt")


@pytest.mark.usefixtures("settled")
def test_an_unchanged_feed_is_not_read_and_a_grown_one_parses_only_what_is_new(
    tmp_path: Path, reads: list[str]
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    write(folder, {"wire.jsonl": "\n".join(FEED) + "\n"})
    ingest_flow(str(folder), str(out), OPTIONS)
    reads.clear()
    summary = ingest_flow(str(folder), str(out), OPTIONS)
    assert (summary.unchanged, summary.not_read, reads) == (True, 4, [])  # OUT is current
    with (folder / "wire.jsonl").open("a") as feed:
        feed.write(_article(3, keep=slice(1)) + "\n")
    summary = ingest_flow(str(folder), str(out), OPTIONS)
    assert (summary.variants, summary.reused) == (1, 3)  # lines 1, 3 and 5 parsed before
    ingest_flow(str(folder), str(tmp_path / "fresh"), OPTIONS)
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_fields_are_read_by_the_names_chosen(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    article = {"story": {"body": paragraphs(4)}, "pubDate": "2025-03-04", "text": "not this"}
    write(folder, {"wire.jsonl": json.dumps(article)})
    options = IngestOptions(today=TODAY, fields={"text": "story.body", "date": "pubDate"})
    summary = ingest_flow(str(folder), str(out), options)
    [record] = output_lines(out / "articles.jsonl")
    assert (record["date"], record["body"]) == ("2025-03-04", "\n\n".join(paragraphs(4)))
    assert summary.settings["fields"] == {"date": "pubDate", "text": "story.body"}


def test_a_feeds_articles_are_in_line_order(tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    lines = [_article(seed, f"2025-03-{seed:02d}") if seed % 4 else "{" for seed in range(1, 12)]
    write(folder, {"wire.jsonl": "\n".join(lines)})
    ingest_flow(str(folder), str(out), OPTIONS)
    numbers = [
        int(entry["path"].rpartition("#")[2]) for entry in output_lines(out / "ledger.jsonl")
    ]
    assert numbers == list(range(1, 12))
    rejected = [r["path"] for r in output_lines(out / "rejected.jsonl")]
    assert rejected == ["wire.jsonl#4", "wire.jsonl#8"]
    sources = [r["source"]["path"] for r in output_lines(out / "articles.jsonl")]
    assert sources == [f"wire.jsonl#{n}" for n in (1, 2, 3, 5, 6, 7, 9, 10, 11)]


# A batch: the feed's lines, each an index into ARTICLES (None: a blank line), or None: the
# feed left as it is; and whether the run reads every file as JSON Lines (--format jsonl).
ARTICLES = [
    _article(1, "2025-03-01"),
    _article(2, "2025-03-02"),
    _article(1, keep=slice(2)),
    _article(2, keep=slice(1, None)),
    "not json",
]
LINES = st.lists(st.none() | st.integers(0, len(ARTICLES) - 1), max_size=5)
BATCHES = st.lists(st.tuples(st.none() | LINES, st.booleans()), min_size=1, max_size=3)


@pytest.mark.usefixtures("settled")
@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=BATCHES)
@example(batches=[([0, 2, 3], True), (None, False), ([1, None, 0, 2, 3], True), (None, True)])
def test_any_sequence_of_feed_edits_ends_as_one_fresh_run(
    tmp_path_factory: pytest.TempPathFactory, batches: list[tuple[list[int | None] | None, bool]]
) -> None:
    """Lines added, removed, moved (their numbers change), the feed left alone, the files
    read another way: the output after each batch is what a fresh run gives."""
    tmp_path = tmp_path_factory.mktemp("feeds")
    folder, out = tmp_path / "in", tmp_path / "out"
    array = json.dumps([json.loads(ARTICLES[0]), json.loads(ARTICLES[3])], indent=1)
    write(folder, {"b.txt": variant_text(paragraphs(1)[1:]), "wire.jsonl": ARTICLES[1]})
    write(folder, {"c.json": array})  # an array by its name, lines with --format jsonl
    for number, (batch, as_jsonl) in enumerate(batches):
        if batch is not None:
            lines = ["" if index is None else ARTICLES[index] for index in batch]
            write(folder, {"wire.jsonl": "\n".join(lines)})
        options = IngestOptions(today=TODAY, input_format="jsonl" if as_jsonl else None)
        ingest_flow(str(folder), str(out), options)
        fresh = tmp_path / f"fresh{number}"
        ingest_flow(str(folder), str(fresh), options)
        assert snapshot(out) == snapshot(fresh)
