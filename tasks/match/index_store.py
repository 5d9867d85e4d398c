"""The candidate index on disk: each word's posting list, kept between runs, updated in place.

Building the index took most of a run that added 1 % of an archive's files (17.7 s of 55 s
at 107,390 sources: every source split into words twice, in every match worker). Its
contents depend only on the sources' texts (tasks/match/candidates.py: nothing is counted
over the archive but how many sources hold a word), so it is kept in `.copydesk/index.sqlite`
and a run adds the sources that are new and removes those gone (tasks/match/index_update.py).

Layout (SQLite, for the reasons the parse cache gives in docs/benchmarks.md):
- `sources`: one row per source indexed, its path, SHA-256 and distinct words (to remove it
  again without its text); its rowid is the number its postings give it.
- `words`: per word, how many sources hold it, and in how many pieces its posting list is
  kept in `postings` while that count is at most `MAX_FALLBACK_POSTINGS` (beyond it no
  look-up reads them; none then).
- `postings`: the pieces, each the sources' numbers (int32) then their BM25 weights
  (double), the bytes of two arrays. A run that adds sources adds a piece to each word they
  hold instead of writing its list again whole: at 118,145 files a +1 % run wrote 15.4 MB
  of lists for 0.6 MB of new postings. A list is written whole again, as one piece, when a
  source leaves it or it has `MAX_PIECES` pieces. Their order does not matter: a source is
  in a word's list once, and a look-up sums each source's score over the words.
It is only a cache: a damaged one, or one made by other code, is made again.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from tasks.match import candidates
from tasks.match.candidates import Postings
from tasks.match.index_journal import IndexJournal

INDEX_FORMAT = 2  # bump when the layout changes
MAX_PIECES = 4  # pieces of a posting list before it is written whole again
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    words BLOB NOT NULL  -- its distinct words, newline-separated, zlib-compressed
);
CREATE TABLE IF NOT EXISTS words (
    word TEXT NOT NULL UNIQUE,
    held_by INTEGER NOT NULL,  -- how many sources hold it
    pieces INTEGER NOT NULL  -- its rows in postings: 0 when held by more than MAX_FALLBACK_POSTINGS
);
CREATE TABLE IF NOT EXISTS postings (word TEXT NOT NULL, piece BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS postings_of_word ON postings (word);
-- A random name for what the last update left (tasks/match/index_journal.py).
CREATE TABLE IF NOT EXISTS version (name TEXT NOT NULL);
"""
_CHUNK = 900  # parameters per IN (...) query: under SQLite's default limit of 999


def index_fingerprint(match_code: str) -> str:
    """What the stored postings depend on: the match code that makes them, the bound past
    which they are not kept, and the byte order of their numbers."""
    parts = f"{INDEX_FORMAT}|{match_code}|{candidates.MAX_FALLBACK_POSTINGS}|{sys.byteorder}"
    return hashlib.sha256(parts.encode()).hexdigest()


def pack_postings(postings: Postings) -> bytes:
    return postings.sources.tobytes() + postings.weights.tobytes()


def unpack_postings(*pieces: bytes) -> Postings:
    """The posting list made of `pieces`, each `pack_postings`' bytes, one after the other.

    >>> made = Postings(); made.add(7, 0.25); made.add(9, 1.5)
    >>> more = Postings(); more.add(3, 2.0)
    >>> found = unpack_postings(pack_postings(made), pack_postings(more))
    >>> list(found.sources), list(found.weights)
    ([7, 9, 3], [0.25, 1.5, 2.0])
    """
    postings = Postings()
    for packed in pieces:
        count = len(packed) // 12
        postings.sources.frombytes(packed[: 4 * count])
        postings.weights.frombytes(packed[4 * count :])
    return postings


def pack_words(words: Iterable[str]) -> bytes:
    return zlib.compress("\n".join(sorted(words)).encode(), 1)


def unpack_words(packed: bytes) -> list[str]:
    """
    >>> unpack_words(pack_words({"harbour", "brennan"}))
    ['brennan', 'harbour']
    """
    text = zlib.decompress(packed).decode()
    return text.split("\n") if text else []


class IndexStore:
    """Reads of the stored index (its updates: tasks/match/index_update.py)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def in_memory(cls) -> IndexStore:
        """An empty index in this process's memory (tests, Dask workers, `assign_variants`)."""
        connection = sqlite3.connect(":memory:")
        connection.executescript(SCHEMA)
        return cls(connection)

    def held_by(self, words: Iterable[str]) -> dict[str, int]:
        """How many sources hold each of `words` that any source holds."""
        query = "SELECT word, held_by FROM words WHERE word IN ({})"
        return dict(self._rows_in(query, list(words)))

    def postings(self, word: str) -> Postings:
        """`word`'s posting list (empty when it is not kept: held by too many sources)."""
        return unpack_postings(*self.pieces([word]).get(word, []))

    def pieces(self, words: Iterable[str]) -> dict[str, list[bytes]]:
        """The pieces of each of `words`' posting lists that are kept (in any order: a source
        is in one piece of a word's list, and its scores are summed over the words)."""
        query = "SELECT word, piece FROM postings WHERE word IN ({})"
        found: dict[str, list[bytes]] = {}
        for word, piece in self._rows_in(query, list(words)):
            found.setdefault(word, []).append(piece)
        return found

    def sources(self, numbers: Iterable[int]) -> dict[int, tuple[str, str]]:
        """The path and SHA-256 of the sources numbered `numbers`."""
        query = "SELECT id, path, sha256 FROM sources WHERE id IN ({})"
        return {number: (path, sha) for number, path, sha in self._rows_in(query, list(numbers))}

    def numbers(self, paths: Iterable[str]) -> dict[str, int]:
        """The numbers of the sources at `paths`."""
        query = "SELECT path, id FROM sources WHERE path IN ({})"
        return dict(self._rows_in(query, list(paths)))

    def _rows_in(self, query: str, values: list[Any]) -> Iterator[tuple[Any, ...]]:
        """`query`'s rows, its `IN ({})` filled with `values` a chunk at a time."""
        for start in range(0, len(values), _CHUNK):
            part = values[start : start + _CHUNK]
            yield from self.connection.execute(query.format(",".join("?" * len(part))), part)

    def count(self) -> int:
        """How many sources are indexed."""
        return int(self.connection.execute("SELECT count(*) FROM sources").fetchone()[0])

    def indexed(self) -> dict[str, tuple[int, str]]:
        """path -> (number, SHA-256) of every source indexed."""
        rows = self.connection.execute("SELECT path, id, sha256 FROM sources")
        return {path: (number, sha) for path, number, sha in rows}

    def version(self) -> str | None:
        """The name of what the last update left (None before the first, or in an index
        made before updates were named)."""
        try:
            row = self.connection.execute("SELECT name FROM version").fetchone()
        except sqlite3.OperationalError:  # no such table: written by older code
            return None
        return None if row is None else str(row[0])

    def name_version(self, name: str) -> None:
        """Name what this update leaves `name` (the caller commits)."""
        self.connection.execute("DELETE FROM version")
        self.connection.execute("INSERT INTO version VALUES (?)", (name,))


class LoadedPostings:
    """The stored index's counts, posting lists and sources' keys read in one scan each, for
    a match worker that decides thousands of variants: a look-up then costs no query per
    word (about 1.5 ms a variant less at 21,901 sources), nor per candidate (its path and
    SHA-256: 600 variants decided in 1.20-1.59 s against 1.23-1.68 s at 21,901 sources,
    15-20 ms to read them all). They take 43 MB of a worker at 21,901 sources (118,145
    files), 17 MB of it the postings' bytes."""

    def __init__(self, store: IndexStore) -> None:
        connection = store.connection
        snapshot = not connection.in_transaction  # one read, named by its version
        if snapshot:  # a run may update the index meanwhile (tasks/match/index_journal.py)
            connection.execute("BEGIN")
        try:
            self.version = store.version()
            self._held: dict[str, int] = dict(connection.execute("SELECT word, held_by FROM words"))
            self._pieces: dict[str, list[bytes]] = {}
            for word, piece in connection.execute("SELECT word, piece FROM postings"):
                self._pieces.setdefault(word, []).append(piece)
            keys = connection.execute("SELECT id, path, sha256 FROM sources")
            self._keys = {number: (path, sha) for number, path, sha in keys}
        finally:
            if snapshot:
                connection.execute("COMMIT")

    def follow(self, journal: IndexJournal, version: str) -> None:
        """Hold what `journal`'s update left (named `version`), from what it started from,
        which this holds."""
        assert journal.before == self.version, "a journal replays onto its own version only"
        for word, count in journal.held.items():
            if count > 0:
                self._held[word] = count
            else:
                self._held.pop(word, None)
        for word, pieces in journal.replaced.items():
            if pieces:
                self._pieces[word] = list(pieces)
            else:
                self._pieces.pop(word, None)
        for word, pieces in journal.appended.items():
            self._pieces.setdefault(word, []).extend(pieces)
        for number in journal.removed:
            self._keys.pop(number, None)
        self._keys.update(journal.added)
        self.version = version

    def held_by(self, words: Iterable[str]) -> dict[str, int]:
        held = self._held
        return {word: held[word] for word in words if word in held}

    def postings(self, word: str) -> Postings:
        return unpack_postings(*self._pieces.get(word, []))

    def sources(self, numbers: Iterable[int]) -> dict[int, tuple[str, str]]:
        keys = self._keys
        return {number: keys[number] for number in numbers if number in keys}
