"""Feeds: a file that holds many articles -> one input per article.

A scraper's or an archive's export is often one JSON Lines file (`.jsonl`, `.ndjson`) with an
article per line, or one JSON array (`.json`). Each article is an input of its own, named
`<feed>#<N>` (N: the line of a JSON Lines feed, the item of an array, from 1), with its own
SHA-256, outcome, rejection and `explain`, exactly as a file would have. Discovery finds
where each lies (its byte range); the read step reads only those bytes, so the articles of a
100,000-line feed are shards' work like 100,000 files, spread over the workers.

- A blank line is not an article (feeds end with one, or separate groups with them).
- A line that is not a JSON object is rejected alone, when it is read (`invalid_json`).
- A JSON file is split only when it parses whole as an array; any other JSON file is one
  input (one object: one article; broken JSON: one rejection saying where it breaks).
- A feed that holds no article, or cannot be read, is one rejection under its own path.
- A file named as a feed's article would be (`wire.jsonl#3`) is rejected (`name_clash`):
  two inputs could share the name.
- An unchanged feed (the same stamp as the last run's, not racy, read the same way) is not
  read again: its articles' places come from the last run's stamps
  (tasks/output/stamps.py). A JSON file that is no array is not read at discovery beyond
  its first bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from tasks.errors import RejectedError
from tasks.extract.formats import FEEDS, InputFormat, feed_of, format_of, part_name
from tasks.models import FeedPart, FeedSplit, InputFile, RejectReason
from tasks.output.stamps import Stamps, recorded_split
from tasks.read.discover import Discovery
from tasks.read.read import describe, open_found

SCAN_BYTES = 1 << 20
JSON_SPACE = b" \t\r\n"
UTF8_BOM = b"\xef\xbb\xbf"
_JSON_SPACES = re.compile(r"[ \t\r\n]*")


def expand_feeds(
    discovery: Discovery, recorded: Stamps | None, chosen: InputFormat | None
) -> Discovery:
    """`discovery` with every feed replaced by its articles, in the feed's order, where the
    feed was; a feed that cannot be split is rejected under its path. How each feed was
    split goes into `discovery.feeds`, for the stamps."""
    files: list[InputFile] = []
    for file in discovery.files:
        form = format_of(file.path, chosen)
        if chosen is None and feed_of(file.path) != file.path:
            _reject_clash(discovery, file.path)
            continue
        if form not in FEEDS:
            files.append(file)
            continue
        split = recorded_split(recorded, file, form)
        try:
            parts = _split(file, form) if split is None else split.parts
        except RejectedError as error:
            discovery.reject(file.path, error.reason, error.detail)
            continue
        except OSError as error:
            discovery.reject(file.path, RejectReason.UNREADABLE, describe(error))
            continue
        if file.stamp is not None:
            discovery.feeds[file.path] = FeedSplit(form, file.stamp, parts)
        if parts is None:  # a JSON file that is not an array: one article
            files.append(file)
        elif not parts:
            discovery.reject(file.path, RejectReason.EMPTY, "the feed holds no article")
        else:
            location, stamp = file.location, file.stamp
            files += [InputFile(part_name(file.path, p.number), location, stamp, p) for p in parts]
    if chosen is not None and discovery.feeds:  # --format: any name can be a feed's
        taken = {file.path for file in files if file.part is not None}
        clashes = {file.path for file in files if file.part is None and file.path in taken}
        for path in clashes:
            _reject_clash(discovery, path)
        files = [file for file in files if file.part is not None or file.path not in clashes]
    discovery.files = files
    discovery.rejected.sort(key=lambda rejection: rejection.path)
    return discovery


def _reject_clash(discovery: Discovery, path: str) -> None:
    feed, _, number = path.rpartition("#")
    detail = f"the name of article {number} of the feed '{feed}': rename the file"
    discovery.reject(path, RejectReason.NAME_CLASH, detail)


def _split(file: InputFile, form: InputFormat) -> tuple[FeedPart, ...] | None:
    """The feed's articles; None for a JSON file that is no array (one article, which is
    read as such, not here: a folder of one-object `.json` files is not read twice)."""
    handle, _ = open_found(file)
    with handle:
        if form is InputFormat.JSONL:
            return tuple(split_lines(handle))
        start = handle.read(SCAN_BYTES)
        if not start.removeprefix(UTF8_BOM).lstrip(JSON_SPACE).startswith(b"["):
            return None
        return split_array(start + handle.read())


def split_lines(handle: BinaryIO) -> Iterator[FeedPart]:
    r"""Every line of a JSON Lines feed that is not blank, without its line break, read in
    1 MiB chunks (a feed can be far larger than memory should hold).

    >>> import io
    >>> feed = io.BytesIO(b'{}\n\n {"a":1}\r\n  \n[]')
    >>> [(p.number, p.offset, p.length) for p in split_lines(feed)]
    [(1, 0, 2), (3, 4, 9), (5, 17, 2)]
    """
    number, start, position, blank = 1, 0, 0, True
    while chunk := handle.read(SCAN_BYTES):
        cut = 0
        while (end := chunk.find(b"\n", cut)) >= 0:
            blank = blank and not chunk[cut:end].strip(JSON_SPACE)
            if not blank:
                yield FeedPart(number, start, position + end - start)
            number, start, blank, cut = number + 1, position + end + 1, True, end + 1
        blank = blank and not chunk[cut:].strip(JSON_SPACE)
        position += len(chunk)
    if not blank:
        yield FeedPart(number, start, position - start)


def split_array(data: bytes) -> tuple[FeedPart, ...] | None:
    """The items of a JSON array, or None when `data` is not one whole, valid array.

    The bytes are scanned as Latin-1: one character per byte, so the offsets found are byte
    offsets, and UTF-8 never encodes anything but ASCII with bytes below 0x80, so JSON's
    structure (brackets, commas, quotes) reads the same (the items' texts are read properly,
    as UTF-8, when each is read as an input).

    >>> [(p.number, p.offset, p.length) for p in split_array(b' [{"t": "\\xc3\\xa9"}, 1]')]
    [(1, 2, 11), (2, 15, 1)]
    >>> split_array(b'{"t": 1}'), split_array(b'[1,'), split_array(b"[]"), split_array(b"[" * 9**5)
    (None, None, (), None)
    """
    text = data.decode("latin-1")
    position = _skip_space(text, len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0)
    if not text.startswith("[", position):
        return None
    decoder, parts = json.JSONDecoder(), list[FeedPart]()
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        return () if _skip_space(text, position + 1) == len(text) else None
    while True:
        try:
            _, end = decoder.raw_decode(text, position)
        except (json.JSONDecodeError, RecursionError):  # RecursionError: nested too deeply
            return None
        parts.append(FeedPart(len(parts) + 1, position, end - position))
        position = _skip_space(text, end)
        if text.startswith("]", position):
            return tuple(parts) if _skip_space(text, position + 1) == len(text) else None
        if not text.startswith(",", position):
            return None
        position = _skip_space(text, position + 1)


def _skip_space(text: str, position: int) -> int:
    return _JSON_SPACES.match(text, position).end()  # type: ignore[union-attr]  # matches ""
