"""JSON feeds without Prefect: a feed split into articles, each read alone, and an article's
JSON turned into the text conventions."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.errors import RejectedError
from tasks.extract.formats import InputFormat
from tasks.extract.json_article import json_to_text
from tasks.models import FeedSplit, FileStamp, InputFile, RejectReason
from tasks.output.stamps_file import load_stamps, save_stamps
from tasks.parse.frontmatter import split_front_matter
from tasks.parse.header import DateRules
from tasks.pipeline import ShardWork, process_shard
from tasks.read import feeds
from tasks.read.discover import find_input_files
from tasks.read.feeds import expand_feeds, split_array, split_lines
from tasks.read.read import open_found, read_document
from tests.conftest import TODAY
from tests.helpers import SpyingHandle

LINES = st.lists(st.sampled_from(["", " ", "\r", '{"a": 1}', '{"b": "x y"}\r', "[", "é"]))


@given(lines=LINES, chunk=st.integers(1, 9))
def test_lines_are_found_whatever_the_chunks(lines: list[str], chunk: int) -> None:
    data = "\n".join(lines).encode()
    saved, feeds.SCAN_BYTES = feeds.SCAN_BYTES, chunk
    try:
        found = list(split_lines(io.BytesIO(data)))
    finally:
        feeds.SCAN_BYTES = saved
    expected = [(n + 1, line.encode()) for n, line in enumerate(lines) if line.strip()]
    assert [(p.number, data[p.offset : p.offset + p.length]) for p in found] == expected


@pytest.mark.parametrize(
    ("data", "items"),
    [
        (
            b'[{"t": "a,]\\"["}, {"t": [1, {"u": "]"}]}]',
            [b'{"t": "a,]\\"["}', b'{"t": [1, {"u": "]"}]}'],
        ),
        (b'\xef\xbb\xbf[ {"t": "\xc3\xa9"} ]\n', [b'{"t": "\xc3\xa9"}']),
        (b"[1, 2", None),
        (b"[1 2]", None),
        (b"[1], 2", None),
        (b'{"t": [1, 2]}', None),
        (b"\xff\xfe", None),
    ],
)
def test_arrays_are_split_only_whole(data: bytes, items: list[bytes] | None) -> None:
    parts = split_array(data)
    found = None if parts is None else [data[p.offset : p.offset + p.length] for p in parts]
    assert found == items


def _discover(folder: Path, recorded_from: Path | None = None) -> list[tuple[object, ...]]:
    recorded = None if recorded_from is None else load_stamps(recorded_from)
    found = expand_feeds(find_input_files(folder), recorded, None)
    files = [(f.path, f.part.number if f.part else None) for f in found.files]
    return [*files, *((r.path, r.reason.value, r.detail) for r in found.rejected)]


def test_feeds_become_their_articles_in_place(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A story.")
    (tmp_path / "b.jsonl").write_text('{"text": "1"}\n\n{"text": "3"}\n')
    (tmp_path / "c.json").write_text('[{"text": "1"}, {"text": "2"}]')
    (tmp_path / "d.json").write_text('{"text": "one article"}')
    (tmp_path / "e.ndjson").write_text("\n \n")
    (tmp_path / "f.json").write_text("[]")
    os.mkfifo(tmp_path / "g.jsonl")
    (tmp_path / "b.jsonl#2").write_text("named as the feed's second article")
    assert _discover(tmp_path) == [
        ("a.txt", None),
        ("b.jsonl#1", 1),
        ("b.jsonl#3", 3),
        ("c.json#1", 1),
        ("c.json#2", 2),
        ("d.json", None),
        ("b.jsonl#2", "name_clash", "the name of article 2 of the feed 'b.jsonl': rename the file"),
        ("e.ndjson", "empty", "the feed holds no article"),
        ("f.json", "empty", "the feed holds no article"),
        ("g.jsonl", "unreadable", "not a regular file: a FIFO"),
    ]


def test_format_makes_any_file_a_feed(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text('{"text": "1"}\n{"text": "2"}\n')
    (tmp_path / "wire.txt#2").write_text('{"text": "its name is taken"}')
    (tmp_path / "wire.jsonl#2").write_text("a text file, read as JSON Lines")
    found = expand_feeds(find_input_files(tmp_path), None, InputFormat.JSONL)
    paths = ["wire.jsonl#2#1", "wire.txt#1", "wire.txt#2", "wire.txt#2#1"]
    assert ([file.path for file in found.files], found.rejected) == (paths, [])
    (tmp_path / "wire.txt").write_text('[{"text": "1"}, {"text": "2"}]')
    found = expand_feeds(find_input_files(tmp_path), None, InputFormat.JSON)
    assert [file.path for file in found.files] == ["wire.jsonl#2", "wire.txt#1", "wire.txt#2"]
    assert [(r.path, r.reason.value) for r in found.rejected] == [("wire.txt#2", "name_clash")]
    found = expand_feeds(find_input_files(tmp_path), None, InputFormat.TXT)
    assert len(found.files) == 3 and not found.rejected


def _refuse(*_: object) -> None:
    raise OSError(5, "split again")


def test_an_unchanged_feed_is_not_split_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "b.jsonl").write_text('{"text": "1"}\n{"text": "2"}\n')
    (folder / "one.json").write_text('{"text": "one article"}')
    (folder / "none.json").write_text("[]")
    found = expand_feeds(find_input_files(folder), None, None)
    hashes = {file.path: "0" * 64 for file in found.files}
    # taken long after: settled
    save_stamps(out, 2**62, found.files, found.files, hashes, {}, None, found.feeds)
    monkeypatch.setattr(feeds, "_split", _refuse)
    assert _discover(folder, out) == [
        ("b.jsonl#1", 1),
        ("b.jsonl#2", 2),
        ("one.json", None),
        ("none.json", "empty", "the feed holds no article"),
    ]
    again = expand_feeds(find_input_files(folder), load_stamps(out), InputFormat.JSON)
    assert [file.path for file in again.files] == ["one.json"]  # read as JSON again
    refused = ("b.jsonl", "unreadable", "cannot read: split again (errno 5)")  # split again
    assert next((r.path, r.reason.value, r.detail) for r in again.rejected) == refused
    with (folder / "b.jsonl").open("a") as feed:
        feed.write('{"text": "3"}\n')
    monkeypatch.undo()
    assert _discover(folder, out)[2] == ("b.jsonl#3", 3)


def test_a_json_file_that_is_no_array_is_not_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "big.json").write_text('{"text": "' + "x" * 3 * feeds.SCAN_BYTES + '"}')
    (tmp_path / "deep.json").write_text("[" * 100_000)
    asked: list[int] = []

    def counting(file: InputFile) -> tuple[Any, Any]:
        handle, info = open_found(file)
        return SpyingHandle(handle, asked), info

    monkeypatch.setattr(feeds, "open_found", counting)
    assert _discover(tmp_path) == [("big.json", None), ("deep.json", None)]
    assert asked == [feeds.SCAN_BYTES, feeds.SCAN_BYTES, -1]  # big.json: its first MiB only


def _part(folder: Path, path: str) -> InputFile:
    found = expand_feeds(find_input_files(folder), None, None).files
    return next(file for file in found if file.path == path)


def test_an_article_is_its_own_bytes(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text('{"text": "one"}\r\n{"text": "' + "x" * 50 + '"}\n')
    first = read_document(_part(tmp_path, "b.jsonl#1"), 100)
    assert first.data == b'{"text": "one"}\r'
    with pytest.raises(RejectedError, match="62 bytes, over the limit of 20 bytes"):
        read_document(_part(tmp_path, "b.jsonl#2"), 20)
    second = _part(tmp_path, "b.jsonl#2")
    (tmp_path / "b.jsonl").write_text('{"text": "one"}\n')  # cut short, same file
    with pytest.raises(RejectedError, match="cut short") as caught:
        read_document(second, 100)
    assert caught.value.reason is RejectReason.UNREADABLE


def test_stamps_keep_the_places_of_a_feeds_articles(tmp_path: Path) -> None:
    stamp = FileStamp(size=9, mtime_ns=1, ctime_ns=1, device=1, inode=2)
    (tmp_path / "b.jsonl").write_text('{"t":1}\n')
    part = _part(tmp_path, "b.jsonl#1")
    assert part.part is not None
    split = FeedSplit(InputFormat.JSONL, stamp, (part.part,))
    save_stamps(tmp_path, 10**10, [part], [part], {}, {}, None, {"b.jsonl": split})
    recorded = load_stamps(tmp_path)
    assert recorded is not None
    assert (recorded.feeds["b.jsonl"].form, recorded.feeds["b.jsonl"].parts) == (
        "jsonl",
        [(1, 0, 7)],
    )
    assert recorded.files == {}  # not read: no SHA-256 to vouch for


@pytest.mark.parametrize(
    ("article", "fields", "reason", "detail"),
    [
        ('{"text": "a"', (), "invalid_json", "not JSON: Expecting ',' delimiter (column 13)"),
        ('{"text":\n1 2}', (), "invalid_json", "not JSON: Expecting ',' delimiter (line 2)"),
        ("[1]", (), "invalid_json", "a JSON array, not an object"),
        ('"story"', (), "invalid_json", "a JSON string, not an object"),
        (
            '{"title": "t"}',
            (),
            "empty",
            "no article text: none of text, body, content, "
            "maintext (--field text=NAME reads another)",
        ),
        (
            '{"text": 5}',
            (("text", "body"),),
            "empty",
            "no article text: none of body (--field text=NAME reads another)",
        ),
        (
            '{"text": ["a", 5], "body": "b"}',
            (),
            "invalid_json",
            'the text is a JSON array (["a", 5]), not text',
        ),
        (
            '{"text": "a", "date": 1556712000}',
            (),
            "invalid_date",
            "the date is a JSON number (1556712000), not text",
        ),
        (
            '{"text": "a", "title": ["x"]}',
            (),
            "invalid_json",
            'the title is a JSON array (["x"]), not text',
        ),
    ],
)
def test_what_is_not_an_article_says_why(
    article: str, fields: tuple[tuple[str, str], ...], reason: str, detail: str
) -> None:
    with pytest.raises(RejectedError) as caught:
        json_to_text(article, fields)
    assert (caught.value.reason.value, caught.value.detail) == (reason, detail)


def test_fields_by_name_nested_and_first_present() -> None:
    article = {"body": None, "content": "Two.", "meta": {"when": "2025-05-15"}, "title": "T"}
    chosen = (("date", "meta.when"),)
    assert json_to_text("\ufeff" + json.dumps(article), chosen) == (
        '---\ntitle: "T"\ndate: "2025-05-15"\n---\n\nTwo.'
    )


@pytest.mark.parametrize(
    ("article", "date"),
    [
        ({"maintext": "A.", "date_publish": "2025-05-15 10:00:00"}, "2025-05-15 10:00:00"),
        ({"content": "A.", "date": None, "published_at": "2025-05-15"}, "2025-05-15"),
        ({"body": "A.", "date_publish": None}, None),  # news-please's undated article
    ],
)
def test_every_documented_name_is_read(article: dict[str, object], date: str | None) -> None:
    fields, body = split_front_matter(json_to_text(json.dumps(article)))
    assert (fields.get("date"), body) == (date, "A.")


def test_a_feed_line_is_decoded_as_a_file_is(tmp_path: Path) -> None:
    line = '{"text": "Café owners in Zürich said prices rose again, à la française."}\n'
    (tmp_path / "wire.jsonl").write_bytes(line.encode("cp1252"))
    files = expand_feeds(find_input_files(tmp_path), None, None).files
    [document] = process_shard(ShardWork(files, {}, 10_000, DateRules(today=TODAY))).parsed
    assert document.body == json.loads(line)["text"]
    assert document.origin.encoding == "cp1252"
