"""The candidate index's file, `.copydesk/index.sqlite` (tasks/match/index_store.py): brought
to each run's sources in one transaction, then read by the match stage's processes.

Like the parse cache it is only a cache, keyed by a fingerprint of the code that makes it: a
damaged one, or one of other code, is made again from the sources. A run killed while
updating it leaves it as it was (the journal rolls back); one killed after leaves it
indexing this run's sources, which the next run's update starts from; the earlier run's
decisions are then not trusted (tasks/match/reuse.py compares what each was made against).
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from functools import partial
from pathlib import Path

from tasks.match.index_journal import IndexJournal
from tasks.match.index_store import SCHEMA, IndexStore, LoadedPostings, index_fingerprint
from tasks.match.index_update import SourceChange, update_index
from tasks.match.match_index import MatchIndex
from tasks.match.score import lookup_text
from tasks.match.shards import install
from tasks.memory import paused_garbage_collection
from tasks.output import databases
from tasks.output.cache_read import CachedTexts
from tasks.output.fingerprint import match_code_fingerprint
from tasks.output.paths import CACHE_FILE, INDEX_FILE, work_folder
from tasks.output.scores_file import open_known_scores
from tasks.refs import DocumentRef

# How long the update's commit waits for match workers still reading the index as it was
# (about 0.15 s each at 118,145 files, a few seconds at a million).
READERS_SECONDS = 600.0


@paused_garbage_collection()
def update_stored_index(
    out: Path, sources: Sequence[DocumentRef], track: bool, journal: bool = False
) -> SourceChange:
    """Index exactly `sources` in OUT's index (see `update_index` for `track`), reading the
    texts of those it adds from OUT's parse cache; with `journal`, the change holds the
    update's writes when the index had a version to start from (match workers started
    before hold that one: tasks/match/index_journal.py)."""
    path = work_folder(out) / INDEX_FILE.name
    keys = {source.path: source.sha256 for source in sources}
    with contextlib.ExitStack() as stack:
        if keys:  # a run without sources may have no parse cache
            texts = CachedTexts(stack.enter_context(databases.opened(out / CACHE_FILE, "ro")))

        def text_of(source: str) -> str:
            return lookup_text(texts(source, keys[source]))

        try:
            return _update(path, keys, text_of, track, journal)
        except sqlite3.DatabaseError:
            databases.remove_database(path)
            return _update(path, keys, text_of, track, journal)


def _update(
    path: Path,
    sources: dict[str, str],
    text_of: Callable[[str], str],
    track: bool,
    journal: bool,
) -> SourceChange:
    fingerprint = index_fingerprint(match_code_fingerprint())
    databases.create_private(path)
    # Match workers may be reading it (flows/matching.py): the commit waits for them.
    with contextlib.closing(sqlite3.connect(path, timeout=READERS_SECONDS)) as connection:
        connection.executescript(SCHEMA)
        row = connection.execute("SELECT fingerprint FROM meta").fetchone()
        if row is None or row[0] != fingerprint:  # other code: made afresh
            databases.made_afresh(connection, SCHEMA)
            connection.execute("INSERT INTO meta VALUES (?)", (fingerprint,))
        store = IndexStore(connection)
        before = store.version()
        noted = IndexJournal(before) if journal and before is not None else None
        written = connection.total_changes
        change = update_index(store, list(sources.items()), text_of, track, noted)
        wrote = connection.total_changes != written
        after = before if before is not None and not wrote else uuid.uuid4().hex
        if after != before:  # an update that wrote nothing leaves the file as it was
            store.name_version(after)
        databases.commit(connection)
    return replace(change, version=after)


def open_match_index(out: Path, fingerprint: str) -> MatchIndex:
    """The match index of OUT's stored index (its posting lists read at once: a worker
    decides thousands of variants), parse cache and the pair scores kept under the
    decisions' `fingerprint` (tasks/output/scores_file.py), all read-only, open for the
    life of the process (a match worker's)."""
    store = IndexStore(databases.connect(out / INDEX_FILE, "ro"))
    cache = databases.connect(out / CACHE_FILE, "ro")
    known = open_known_scores(out, fingerprint)
    return MatchIndex(store, CachedTexts(cache), LoadedPostings(store), known)


def install_stored_index(
    key: str, out: str, fingerprint: str, turn: AbstractContextManager[object] | None = None
) -> None:
    """A local match worker's initializer: `open_match_index`, installed under `key`
    (tasks/match/shards.py), holding `turn` (a lock the workers share) if given. A worker
    started before the run updates the index may find none yet, or a damaged one, which
    the update makes again: it opens it at its first shard."""
    opener = partial(open_match_index, Path(out), fingerprint)
    with turn or contextlib.nullcontext():
        try:
            index: MatchIndex | None = opener()
        except sqlite3.DatabaseError:
            index = None
    install(key, index, opener)


@contextlib.contextmanager
def stored_match_index(out: Path, fingerprint: str) -> Iterator[MatchIndex]:
    """`open_match_index` for the length of the block (matching in the run's process),
    without reading the posting lists at once."""
    with (
        databases.opened(out / INDEX_FILE, "ro") as index,
        databases.opened(out / CACHE_FILE, "ro") as cache,
    ):
        known = open_known_scores(out, fingerprint)
        with contextlib.closing(
            MatchIndex(IndexStore(index), CachedTexts(cache), known=known)
        ) as matched:
            yield matched
