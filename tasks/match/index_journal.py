"""What one update of the stored index wrote (tasks/match/index_update.py), so that a match
worker that read the index before the update can hold it as it is after, without reading it
again (tasks/match/index_store.py `LoadedPostings.follow`).

A run's match workers read the whole index when they start (0.15 s of a core each at 118,145
files, about ten times that at a million). Started only once the update is committed, they
read it while the run waited for them. Started before it, they read it on the core the run
leaves idle while it updates the index, and each then replays the update's writes, in order:
the counts of the words it touched, the pieces of their posting lists deleted and added, the
sources added and removed. Reading only what the update touched would not save much: a +1 %
update at 118,145 files touched 14,789 of 58,645 words, which held 15.4 of the lists' 17.1 MB
(the common words are in every source).

Each committed update that writes anything gives the index a new random version (none
before the first). A journal names the version it starts from; the worker is told the one
it ends at (the update's, which the run knows). A worker that holds any other version (a
damaged index made again, a run stopped between two updates) reads the index again:
replaying a journal onto another version would hold what no update wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class IndexJournal:
    """The writes of one update of the index at version `before`, as they were
    made: a word's count of sources (0 or less: the word is gone), the pieces of a posting
    list added after the list held before (`appended`) or after it was deleted
    (`replaced`, whole: empty when the list is no longer kept), the sources added (number
    -> path, SHA-256) and removed (numbers: removals come first, and a number may be given
    again to a source added after)."""

    before: str
    held: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, list[bytes]] = field(default_factory=dict)
    appended: dict[str, list[bytes]] = field(default_factory=dict)
    added: dict[int, tuple[str, str]] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)

    def counted(self, rows: Iterable[tuple[str, int, int]]) -> None:
        """The words' rows written: (word, count, pieces)."""
        self.held.update((word, count) for word, count, _ in rows)

    def deleted_pieces(self, words: Iterable[str]) -> None:
        """Every piece of these words' lists deleted."""
        for word in words:
            self.replaced[word] = []
            self.appended.pop(word, None)

    def added_pieces(self, pieces: Iterable[tuple[str, bytes]]) -> None:
        """Pieces (word, piece) inserted."""
        for word, piece in pieces:
            target = self.replaced if word in self.replaced else self.appended
            target.setdefault(word, []).append(piece)

    def added_source(self, number: int, path: str, sha256: str) -> None:
        self.added[number] = (path, sha256)

    def removed_source(self, number: int) -> None:
        self.removed.add(number)
        self.added.pop(number, None)
