"""The saved map of `articles.jsonl`'s lines: read back as written, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.output.line_map import LAYOUT, NewLines, map_bytes, parsed_map, read_map
from tasks.output.paths import LINES_FILE
from tasks.output.record_lines import FORMER_MAP, save_line_map

SHA = "a" * 64

lines_made = st.lists(
    st.tuples(
        st.binary(min_size=16, max_size=16),
        st.text("0123456789abcdef", min_size=16, max_size=16),
        st.integers(1, 2**40),
    ),
    unique_by=(lambda line: line[0], lambda line: line[1]),
    max_size=30,
)


def _made(lines: list[tuple[bytes, str, int]]) -> NewLines:
    made = NewLines()
    for digest, record_id, length in lines:
        made.add(digest, record_id, length)
    return made


@given(lines_made)
def test_a_map_reads_back_each_line_where_it_was_written(
    lines: list[tuple[bytes, str, int]],
) -> None:
    read = parsed_map(map_bytes(_made(lines), SHA, "salt"))
    assert read is not None and (read.sha256, read.salt) == (SHA, "salt")
    offset = 0
    for digest, record_id, length in lines:
        assert read.line(digest) == read.record(record_id) == (offset, length)
        offset += length
    assert read.line(b"\xff" * 17) is None and read.record("g" * 16) is None


def _saved(tmp_path: Path) -> Path:
    save_line_map(tmp_path, _made([(b"d" * 16, "0" * 16, 10), (b"e" * 16, "1" * 16, 7)]),
                  SHA, "salt")  # fmt: skip
    return tmp_path / LINES_FILE


def test_saving_a_map_removes_the_json_map_of_an_older_copydesk(tmp_path: Path) -> None:
    (tmp_path / LINES_FILE).parent.mkdir()
    former = tmp_path / LINES_FILE.parent / FORMER_MAP
    former.write_text("{}")
    map_path = _saved(tmp_path)
    assert not former.exists()
    read = read_map(map_path)
    assert read is not None and read.line(b"e" * 16) == (10, 7)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda saved: saved[:-1], id="cut short"),
        pytest.param(lambda saved: saved[:-3] + b"\x00\x00\x01", id="a length changed"),
        pytest.param(lambda saved: saved + b"\x00" * 8, id="grown"),
        pytest.param(
            lambda saved: saved.replace(b'"layout": %d' % LAYOUT, b'"layout": 0'),
            id="another layout",
        ),
        pytest.param(lambda saved: b"not json\n" + saved, id="no header"),
        pytest.param(lambda saved: b"", id="empty"),
    ],
)
def test_a_damaged_map_is_not_read(tmp_path: Path, damage: object) -> None:
    map_path = _saved(tmp_path)
    assert callable(damage)
    map_path.write_bytes(damage(map_path.read_bytes()))
    assert read_map(map_path) is None


def test_a_missing_map_is_none(tmp_path: Path) -> None:
    assert read_map(tmp_path / LINES_FILE) is None


def test_a_record_id_of_another_width_is_refused() -> None:
    with pytest.raises(ValueError, match="not of its column's width"):
        map_bytes(_made([(b"d" * 16, "0" * 15, 1)]), SHA, "salt")
