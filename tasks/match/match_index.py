"""What variants are matched against in one process: the candidate index's posting lists,
the sources' texts (read when a candidate is scored) and the pair scores an earlier run kept."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from tasks.match.candidates import Candidate, CandidateIndex, PostingLists
from tasks.match.index_journal import IndexJournal
from tasks.match.index_store import IndexStore, LoadedPostings
from tasks.match.index_update import update_index
from tasks.match.pair_scores import decode_scored, encode_scored, pair_key
from tasks.match.score import Scored, Text, Units, lookup_text, score_candidate

# Sources whose units a process keeps: a variant's candidates are often another's (the same
# story's copies), and 2,048 sources' sentences take a few tens of megabytes.
SOURCES_KEPT = 2048
TextOf = Callable[[str, str], Text]  # a source's text, by path and SHA-256


class KnownScores(Protocol):
    """The pair scores an earlier run kept (tasks/output/scores_file.py), by key."""

    def __call__(self, key: bytes) -> str | None: ...
    def close(self) -> None: ...


T = TypeVar("T")


class MatchIndex:
    """What variants are matched against: the index's posting lists, and the sources' texts
    read from `text_of(path, SHA-256)` on first use; the posting lists and the sources'
    paths read from `lists` when given (`LoadedPostings`), else from the store as they are
    needed; the pair scores
    an earlier run kept, from `known`. The units of the `SOURCES_KEPT` sources used last
    are kept: a worker's memory stays flat however many it scores."""

    def __init__(
        self,
        store: IndexStore,
        text_of: TextOf,
        lists: PostingLists | None = None,
        known: KnownScores | None = None,
    ) -> None:
        self._lists = store if lists is None else lists
        self.candidates = CandidateIndex(self._lists)
        self.source_count = store.count()
        self.known = known
        self._store, self._text_of = store, text_of
        self._named: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self._units: OrderedDict[int, Units] = OrderedDict()

    @property
    def version(self) -> str | None:
        """The version of the stored index whose posting lists this holds, if it holds them
        (`LoadedPostings`)."""
        return self._lists.version if isinstance(self._lists, LoadedPostings) else None

    def follow(self, journal: IndexJournal, version: str) -> bool:
        """Hold the stored index as `journal`'s update left it, named `version`
        (tasks/match/index_journal.py), if this holds the version that update started from
        (else False: read it again).
        Nothing read of the sources before is kept: a removed source's number may name an
        added one."""
        lists = self._lists
        if not isinstance(lists, LoadedPostings) or lists.version != journal.before:
            return False
        lists.follow(journal, version)
        self.source_count = self._store.count()
        self._named.clear()
        self._units.clear()
        return True

    def close(self) -> None:
        self._store.connection.close()
        if self.known is not None:
            self.known.close()

    def numbers(self, paths: Iterable[str]) -> dict[str, int]:
        """The numbers of the sources at `paths` (their paths are not kept: a look-up-free
        decision asks for a few, once)."""
        return self._store.numbers(paths)

    def path(self, number: int) -> str:
        return self.key(number)[0]

    def key(self, number: int) -> tuple[str, str]:
        """The path and SHA-256 of source `number` (its text is not read)."""
        return _kept(self._named, number, lambda: self._lists.sources([number])[number])

    def text(self, path: str, sha256: str) -> Text:
        """The text of a document the index reads texts of (a source, or a variant in the
        parse cache)."""
        return self._text_of(path, sha256)

    def units(self, number: int) -> Units:
        return _kept(self._units, number, lambda: Units(self._text_of(*self.key(number)).body))

    def score(
        self, variant: Units, variant_id: str, candidate: Candidate
    ) -> tuple[Scored, bytes, str]:
        """`score_candidate`, or the score an earlier run kept for the pair (the source's
        text is then not read); with the pair's key and the score encoded. `variant_id` is
        the variant body's record id."""
        key = pair_key(variant_id, *self.key(candidate.source))
        kept = self.known(key) if self.known is not None else None
        if kept is not None:
            return decode_scored(kept, candidate), key, kept
        scored = score_candidate(variant, self.units(candidate.source), candidate)
        return scored, key, encode_scored(scored)


def _kept(kept: OrderedDict[int, T], number: int, make: Callable[[], T]) -> T:
    """`kept`'s entry for source `number`, made now if it has none; the `SOURCES_KEPT`
    used last are kept."""
    found = kept.get(number)
    if found is None:
        found = kept[number] = make()
        if len(kept) > SOURCES_KEPT:
            kept.popitem(last=False)
    else:
        kept.move_to_end(number)
    return found


def index_in_memory(sources: Sequence[tuple[str, str, Text]]) -> MatchIndex:
    """The match index of `sources` (path, SHA-256, text), held in this process's memory."""
    texts = {path: text for path, _, text in sources}
    store = IndexStore.in_memory()
    keys = [(path, sha) for path, sha, _ in sources]
    update_index(store, keys, lambda path: lookup_text(texts[path]), track=False)
    return MatchIndex(store, lambda path, _: texts[path])
