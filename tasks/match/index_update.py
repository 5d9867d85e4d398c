"""Bringing the stored index (tasks/match/index_store.py) to this run's sources, and telling
what that changed (tasks/match/reuse.py decides which earlier decisions still hold).

Only the sources added, changed or removed since the index was last updated are read: a
removed one's postings go by the words stored with it, an added one is split into words once.
The first run adds every source, `ADD_AT_ONCE` at a time, so that the postings held in memory
stay bounded whatever the archive's size. A word whose count of sources falls back to
`MAX_FALLBACK_POSTINGS` or under (its postings were not kept) has them rebuilt from the
sources' texts: rare, since sources seldom go.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tasks.batch import shard
from tasks.match import candidates
from tasks.match.candidates import Postings, source_weights
from tasks.match.index_journal import IndexJournal
from tasks.match.index_store import (
    MAX_PIECES,
    IndexStore,
    pack_postings,
    pack_words,
    unpack_postings,
    unpack_words,
)
from tasks.match.units import words

ADD_AT_ONCE = 20_000  # sources whose postings are merged into the store together


@dataclass(frozen=True)
class SourceChange:
    """What an update changed: the sources indexed before (path -> SHA-256); how many are
    now; the paths of
    those removed (changed ones too); the postings of the added ones, when asked for; the
    words that became held by too many sources to be looked up, or by few enough
    (`flipped`); the words the fallback look-up sees change (held by at most
    `MAX_FALLBACK_POSTINGS` sources before or after)."""

    before: dict[str, str]
    now: int
    removed: set[str]
    added: dict[str, Postings]
    flipped: set[str]
    seen_by_fallback: set[str]
    journal: IndexJournal | None = None  # the writes, when asked for (index_journal.py)
    version: str | None = None  # the name of what the update left, once it is committed


@dataclass
class _Counts:
    """Each touched word's count of sources before the update and now."""

    before: dict[str, int] = field(default_factory=dict)
    now: dict[str, int] = field(default_factory=dict)


def update_index(
    store: IndexStore,
    sources: Sequence[tuple[str, str]],
    text_of: Callable[[str], str],
    track: bool,
    journal: IndexJournal | None = None,
) -> SourceChange:
    """Index `sources` (path, SHA-256) and nothing else; `text_of(path)` is what the index
    reads of any of them. The postings of the added sources are kept in the change only
    when `track` (an earlier run's decisions are to be checked against it); the writes are
    noted in `journal`, when given, and kept in the change. The caller commits."""
    indexed = store.indexed()
    now = dict(sources)
    removed = [(number, path) for path, (number, sha) in indexed.items() if now.get(path) != sha]
    added = [(path, sha) for path, sha in sources if path not in indexed or indexed[path][1] != sha]
    counts, rebuild, gained_all = _Counts(), set[str](), defaultdict[str, Postings](Postings)
    _apply(store, _remove_sources(store.connection, removed, journal), {}, counts, rebuild, journal)
    for part in shard(added, ADD_AT_ONCE):
        gained = _add_sources(store.connection, part, text_of, journal)
        _apply(store, {}, gained, counts, rebuild, journal)
        if track:
            for word, postings in gained.items():
                gained_all[word].extend(postings)
    if rebuild:
        _rebuild(store, rebuild, text_of, journal)
    return SourceChange(
        before={path: sha for path, (_, sha) in indexed.items()},
        now=len(now),
        removed={path for _, path in removed},
        added=dict(gained_all),
        flipped={w for w, n in counts.now.items() if _looked_up(counts.before[w]) != _looked_up(n)},
        seen_by_fallback={
            word
            for word, count in counts.now.items()
            if min(counts.before[word], count) <= candidates.MAX_FALLBACK_POSTINGS
        },
        journal=journal,
    )


def _looked_up(sources: int) -> bool:
    return 0 < sources <= candidates.MAX_POSTINGS


def _remove_sources(
    connection: sqlite3.Connection, removed: list[tuple[int, str]], journal: IndexJournal | None
) -> dict[str, set[int]]:
    """Delete the `removed` sources (number, path); the numbers each of their words loses."""
    lost: dict[str, set[int]] = defaultdict(set)
    for number, _ in removed:
        (packed,) = connection.execute(
            "SELECT words FROM sources WHERE id = ?", (number,)
        ).fetchone()
        for word in unpack_words(packed):
            lost[word].add(number)
        connection.execute("DELETE FROM sources WHERE id = ?", (number,))
        if journal is not None:
            journal.removed_source(number)
    return lost


def _add_sources(
    connection: sqlite3.Connection,
    added: list[tuple[str, str]],
    text_of: Callable[[str], str],
    journal: IndexJournal | None,
) -> dict[str, Postings]:
    """Insert the `added` sources (path, SHA-256); the postings they bring, by word."""
    numbers: dict[str, list[int]] = defaultdict(list)
    weights: dict[str, list[float]] = defaultdict(list)
    for path, sha in added:
        weighed = source_weights(words(text_of(path)))
        row = (path, sha, pack_words(weighed))
        number = connection.execute(
            "INSERT INTO sources (path, sha256, words) VALUES (?, ?, ?)", row
        ).lastrowid
        assert number is not None
        if journal is not None:
            journal.added_source(number, path, sha)
        for word, weight in weighed.items():
            numbers[word].append(number)
            weights[word].append(weight)
    return {word: Postings.of(numbers[word], weights[word]) for word in numbers}


def _apply(
    store: IndexStore,
    lost: dict[str, set[int]],
    gained: dict[str, Postings],
    counts: _Counts,
    rebuild: set[str],
    journal: IndexJournal | None,
) -> None:
    """Write the words' new counts and postings: a piece more for a word that only gained
    sources, its list whole for one that lost any or has `MAX_PIECES` pieces; note in
    `rebuild` those whose postings must be made again, and in `journal` what was written."""
    touched = set(lost) | set(gained)
    stored = _stored_rows(store.connection, touched)
    rows: list[tuple[str, int, int]] = []  # word, count, pieces
    dropped: list[str] = []  # words whose postings are not kept (any more)
    rewritten: list[str] = []  # words whose lists are written again whole
    pieces_added: list[tuple[str, bytes]] = []
    for word in touched:
        held, pieces = stored.get(word, (0, 0))
        gone, new = lost.get(word, set()), gained.get(word, Postings())
        count = held - len(gone) + len(new)
        counts.before.setdefault(word, held)
        counts.now[word] = count
        if count <= 0 or count > candidates.MAX_FALLBACK_POSTINGS:
            dropped.append(word)
            rows.append((word, count, 0))
        elif held > candidates.MAX_FALLBACK_POSTINGS:  # back under: none kept until now
            rebuild.add(word)
            rows.append((word, count, 0))
        elif gone or pieces >= MAX_PIECES:
            rewritten.append(word)
            rows.append((word, count, 1))
        else:  # only gained: a piece more
            pieces_added.append((word, pack_postings(new)))
            rows.append((word, count, pieces + 1))
    old = store.pieces(rewritten)
    for word in rewritten:
        kept = _without(unpack_postings(*old.get(word, [])), lost.get(word, set()))
        kept.extend(gained.get(word, Postings()))
        pieces_added.append((word, pack_postings(kept)))
    connection = store.connection
    connection.executemany("DELETE FROM postings WHERE word = ?",
                           [(word,) for word in (*dropped, *rewritten)])  # fmt: skip
    connection.executemany("INSERT INTO postings (word, piece) VALUES (?, ?)", pieces_added)
    if journal is not None:
        journal.deleted_pieces((*dropped, *rewritten))
        journal.added_pieces(pieces_added)
        journal.counted(rows)
    connection.executemany("DELETE FROM words WHERE word = ?",
                           [(word,) for word, count, _ in rows if count <= 0])  # fmt: skip
    connection.executemany(
        "INSERT INTO words (word, held_by, pieces) VALUES (?, ?, ?) ON CONFLICT (word)"
        " DO UPDATE SET held_by = excluded.held_by, pieces = excluded.pieces",
        [row for row in rows if row[1] > 0],
    )


def _stored_rows(
    connection: sqlite3.Connection, touched: Iterable[str]
) -> dict[str, tuple[int, int]]:
    connection.execute("CREATE TEMP TABLE IF NOT EXISTS touched (word TEXT PRIMARY KEY)")
    connection.execute("DELETE FROM touched")
    connection.executemany("INSERT INTO touched VALUES (?)", ((word,) for word in touched))
    rows = connection.execute("SELECT word, held_by, pieces FROM words JOIN touched USING (word)")
    return {word: (held, pieces) for word, held, pieces in rows}


def _without(postings: Postings, gone: set[int]) -> Postings:
    if not gone:
        return postings
    kept = Postings()
    for number, weight in zip(postings.sources, postings.weights, strict=True):
        if number not in gone:
            kept.add(number, weight)
    return kept


def _rebuild(
    store: IndexStore,
    rebuild: set[str],
    text_of: Callable[[str], str],
    journal: IndexJournal | None,
) -> None:
    """The postings of `rebuild`'s words that are kept again, from every source holding
    one (read from their stored words, weighed from their texts)."""
    remade: dict[str, Postings] = defaultdict(Postings)
    rows = store.connection.execute("SELECT id, path, words FROM sources").fetchall()
    for number, path, packed in rows:
        if rebuild.isdisjoint(unpack_words(packed)):
            continue
        for word, weight in source_weights(words(text_of(path))).items():
            if word in rebuild:
                remade[word].add(number, weight)
    # made whole, in place of pieces added since (a later batch's), unless it went over again
    held = store.held_by(remade)
    kept = [word for word in remade if held.get(word, 0) <= candidates.MAX_FALLBACK_POSTINGS]
    connection = store.connection
    made = [(word, pack_postings(remade[word])) for word in kept]
    connection.executemany("DELETE FROM postings WHERE word = ?", [(word,) for word in kept])
    connection.executemany("INSERT INTO postings (word, piece) VALUES (?, ?)", made)
    if journal is not None:
        journal.deleted_pieces(kept)
        journal.added_pieces(made)
    connection.executemany("UPDATE words SET pieces = 1 WHERE word = ?", [(w,) for w in kept])
