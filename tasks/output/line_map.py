"""Where each line of an `articles.jsonl` sits (`.copydesk/record_lines.bin`), kept in
columns of fixed-width bytes rather than as JSON: at 930,000 records the map as JSON was
80 MB, saved in 0.19 s and loaded in 1.11-1.21 s (pydantic filling two dicts of that many
entries); in columns it is 37 MB, saved in 0.03 s and loaded in 0.36-0.38 s (one dict; the
record ids' only when a changed record asks).

The file: one JSON header line (the articles' SHA-256, the salt their lines were built with,
the line count and a BLAKE2b checksum of the rest), then, line by line in file order, each
line's plan digest (16 bytes), its record's id (16 ASCII bytes), then every line's length
(8 bytes, little-endian). The offsets follow from the lengths. A map that is cut short,
damaged or of another layout loads as none: the next run builds every line again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path

DIGEST_BYTES = 16  # a plan's digest (tasks/output/record_lines.py `plan_digest`)
ID_BYTES = 16  # a record's id: 16 hex digits
LAYOUT = 1  # of the file: a map of another layout is not read

Entry = tuple[int, int]  # offset, length


def _checksum(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


@dataclass
class NewLines:
    """The lines of the file being written, in order: each one's plan digest, record id
    and length, appended as they are made."""

    digests: bytearray = field(default_factory=bytearray)
    ids: bytearray = field(default_factory=bytearray)
    lengths: array[int] = field(default_factory=lambda: array("Q"))

    def add(self, digest: bytes, record_id: str, length: int) -> None:
        self.digests += digest
        self.ids += record_id.encode("ascii")
        self.lengths.append(length)


class LineMap:
    """A saved map: the line of a plan digest, and the last line of a record id (that
    table made only when a run first asks it: a run whose plans are all unchanged never
    does)."""

    def __init__(self, sha256: str, salt: str, lines: NewLines) -> None:
        self.sha256, self.salt = sha256, salt
        self._lengths = lines.lengths
        self._offsets = array("Q", accumulate(lines.lengths, initial=0))
        self._ids = bytes(lines.ids)
        self._by_digest = _positions(bytes(lines.digests), DIGEST_BYTES)

    def line(self, digest: bytes) -> Entry | None:
        """Offset and length of the line made from the plan of digest `digest`, if any."""
        return self._entry(self._by_digest.get(digest))

    def record(self, record_id: str) -> Entry | None:
        """Offset and length of record `record_id`'s line, if any."""
        return self._entry(self._by_id.get(record_id.encode("ascii")))

    @cached_property
    def _by_id(self) -> dict[bytes, int]:
        return _positions(self._ids, ID_BYTES)

    def _entry(self, position: int | None) -> Entry | None:
        return None if position is None else (self._offsets[position], self._lengths[position])


def _positions(column: bytes, width: int) -> dict[bytes, int]:
    """Each `width`-byte value of `column` -> its position (the last, if repeated)."""
    return {
        column[start : start + width]: n for n, start in enumerate(range(0, len(column), width))
    }


def map_bytes(lines: NewLines, sha256: str, salt: str) -> bytes:
    """The saved form of `lines`, the map of an `articles.jsonl` of SHA-256 `sha256`."""
    count = len(lines.lengths)
    if (len(lines.digests), len(lines.ids)) != (count * DIGEST_BYTES, count * ID_BYTES):
        raise ValueError("a line's digest or record id is not of its column's width")
    lengths = _little_endian(array("Q", lines.lengths))
    body = b"".join((bytes(lines.digests), bytes(lines.ids), lengths.tobytes()))
    header = {"layout": LAYOUT, "sha256": sha256, "salt": salt, "lines": count,
              "checksum": _checksum(body)}  # fmt: skip
    return json.dumps(header).encode() + b"\n" + body


def read_map(path: Path) -> LineMap | None:
    """The map saved at `path`: None when there is none or it cannot be read."""
    try:
        return parsed_map(path.read_bytes())
    except OSError:
        return None


def parsed_map(saved: bytes) -> LineMap | None:
    """The map `map_bytes` made `saved` from: None when it is cut short, damaged or of
    another layout."""
    try:
        first, _, body = saved.partition(b"\n")
        header = json.loads(first)
        count = header["lines"]
        if header["layout"] != LAYOUT or header["checksum"] != _checksum(body):
            return None
        ids_at = count * DIGEST_BYTES
        lengths_at = ids_at + count * ID_BYTES
        if len(body) != lengths_at + 8 * count:
            return None
        lengths = _little_endian(array("Q", body[lengths_at:]))
        lines = NewLines(bytearray(body[:ids_at]), bytearray(body[ids_at:lengths_at]), lengths)
        return LineMap(str(header["sha256"]), str(header["salt"]), lines)
    except (ValueError, KeyError, TypeError):
        return None


def _little_endian(lengths: array[int]) -> array[int]:
    """`lengths` swapped in place between the machine's byte order and the file's."""
    if sys.byteorder == "big":
        lengths.byteswap()
    return lengths
