"""The stored candidate index, updated run after run, holds what one built afresh from the
last run's sources holds (tasks/match/index_update.py): sources added, edited, removed,
words crossing the bound past which postings are not kept, and back under it, posting
lists in pieces and written whole again."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.match import candidates, index_update
from tasks.match.index_journal import IndexJournal
from tasks.match.index_store import IndexStore, LoadedPostings, unpack_postings
from tasks.match.index_update import update_index
from tasks.output import databases
from tasks.output.cache import add_parses
from tasks.output.index_file import update_stored_index
from tasks.output.paths import INDEX_FILE
from tests.test_match_shards import corpus

WORDS = ["brennan", "kettleby", "harbour", "bridge", "storm", "zinc", "the", "said"]
TEXT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
# One run's sources: path -> text (a path whose text differs from the last run's was edited).
PIECES = 2  # a posting list is written whole again often
SOURCES = st.dictionaries(st.sampled_from([f"s{n}" for n in range(8)]), TEXT, max_size=8)


@pytest.fixture(autouse=True)
def small_bounds() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(candidates, "MAX_FALLBACK_POSTINGS", 3)
        patch.setattr(index_update, "ADD_AT_ONCE", 2)
        patch.setattr(index_update, "MAX_PIECES", PIECES)
        yield


def update(store: IndexStore, sources: dict[str, str]) -> None:
    keys = [(path, hashlib.sha256(text.encode()).hexdigest()) for path, text in sources.items()]
    update_index(store, keys, sources.__getitem__, track=True)


def contents(store: IndexStore) -> dict[str, tuple[int, list[tuple[str, float]] | None]]:
    """Each word's count of sources and postings (by path: numbers differ between stores)."""
    paths = {number: path for path, (number, _) in store.indexed().items()}
    found = {}
    for word, held, pieces in store.connection.execute("SELECT word, held_by, pieces FROM words"):
        kept = store.pieces([word]).get(word, [])
        assert len(kept) == pieces <= PIECES  # made whole again past it
        postings = None
        if kept:
            unpacked = unpack_postings(*kept)
            postings = sorted(
                (paths[number], weight)
                for number, weight in zip(unpacked.sources, unpacked.weights, strict=True)
            )
            assert len(postings) == held  # each source once
        found[word] = (held, postings)
    kept_words = {word for (word,) in store.connection.execute("SELECT word FROM postings")}
    assert kept_words <= set(found)  # no piece of a word gone
    return found


@settings(max_examples=200, deadline=None)
@given(st.lists(SOURCES, min_size=1, max_size=5))
def test_an_index_updated_run_after_run_is_the_index_built_afresh(
    runs: list[dict[str, str]],
) -> None:
    store = IndexStore.in_memory()
    for sources in runs:
        update(store, sources)
    fresh = IndexStore.in_memory()
    update(fresh, runs[-1])
    assert contents(store) == contents(fresh)
    assert set(store.indexed()) == set(runs[-1])


@settings(max_examples=100, deadline=None)
@given(st.lists(SOURCES, min_size=1, max_size=3), st.lists(st.integers(0, 12), max_size=6))
def test_the_postings_a_match_worker_loads_answer_as_the_store_does(
    runs: list[dict[str, str]], numbers: list[int]
) -> None:
    """Counts, posting lists and the sources' paths and SHA-256, read at once by a match
    worker (`LoadedPostings`), are the store's own answers, also for numbers no source has."""
    store = IndexStore.in_memory()
    for sources in runs:
        update(store, sources)
    loaded = LoadedPostings(store)
    assert loaded.held_by([*WORDS, "absent"]) == store.held_by([*WORDS, "absent"])
    for word in [*WORDS, "absent"]:  # in any order: a source is in a word's list once
        made, stored = loaded.postings(word), store.postings(word)
        assert sorted(zip(made.sources, made.weights, strict=True)) == sorted(
            zip(stored.sources, stored.weights, strict=True)
        )
        assert len(set(made.sources)) == len(made.sources)
    assert loaded.sources(numbers) == store.sources(numbers)
    every = [number for number, _ in store.indexed().values()]
    assert loaded.sources(every) == store.sources(every)


def test_a_word_back_under_the_bound_gets_its_postings_again() -> None:
    store = IndexStore.in_memory()
    update(store, {f"s{n}": "harbour storm" for n in range(5)})  # 5 > 3: not kept
    assert contents(store)["harbour"] == (5, None)
    change = update_index(
        store,
        [("s0", "x"), ("s1", "y")],
        {"s0": "harbour", "s1": "harbour storm"}.__getitem__,
        track=True,
    )
    assert contents(store)["harbour"][0] == 2
    assert [path for path, _ in contents(store)["harbour"][1] or []] == ["s0", "s1"]
    assert change.removed == {f"s{n}" for n in range(5)} and change.now == 2
    assert "harbour" in change.seen_by_fallback


def test_an_index_of_other_code_is_made_afresh_whatever_its_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other code's index (here one whose posting lists are in many pieces) is dropped
    whole: none of its pieces joins the new one's lists."""
    sources, _ = corpus()
    refs = add_parses(tmp_path / "out", "parses", sources)
    for part in range(3):  # three runs: lists in pieces
        update_stored_index(tmp_path / "out", refs[: 4 + part], track=False)
    monkeypatch.setattr("tasks.output.index_file.match_code_fingerprint", lambda: "other")
    update_stored_index(tmp_path / "out", refs[2:], track=False)
    fresh = add_parses(tmp_path / "fresh", "parses", sources)
    update_stored_index(tmp_path / "fresh", fresh[2:], track=False)
    assert _stored(tmp_path / "out") == _stored(tmp_path / "fresh")


def _stored(out: Path) -> dict[str, tuple[int, list[tuple[str, float]] | None]]:
    with databases.opened(out / INDEX_FILE, "ro") as connection:
        return contents(IndexStore(connection))


@settings(max_examples=200, deadline=None)
@given(st.lists(SOURCES, min_size=2, max_size=5))
def test_postings_read_before_an_update_follow_it_by_its_journal(
    runs: list[dict[str, str]],
) -> None:
    """A match worker that read the index before the run updated it replays the update's
    journal and holds what reading it after gives: counts, lists (in any order), sources,
    also when a removed source's number is given to an added one."""
    store = IndexStore.in_memory()
    store.name_version("v0")
    update(store, runs[0])
    for step, sources in enumerate(runs[1:], start=1):
        before, after = f"v{step - 1}", f"v{step}"
        store.name_version(before)
        loaded = LoadedPostings(store)
        journal = IndexJournal(before)
        keys = [(path, hashlib.sha256(text.encode()).hexdigest()) for path, text in sources.items()]
        update_index(store, keys, sources.__getitem__, track=True, journal=journal)
        store.name_version(after)
        loaded.follow(journal, after)
        again = LoadedPostings(store)
        assert loaded.version == again.version == after
        assert loaded.held_by(WORDS) == again.held_by(WORDS)
        every = [number for number, _ in store.indexed().values()]
        assert loaded.sources(range(-1, 40)) == again.sources(range(-1, 40))
        assert loaded.sources(every) == store.sources(every)
        for word in WORDS:
            made, read = loaded.postings(word), again.postings(word)
            assert sorted(zip(made.sources, made.weights, strict=True)) == sorted(
                zip(read.sources, read.weights, strict=True)
            )


def test_a_journal_replays_onto_its_own_version_only() -> None:
    store = IndexStore.in_memory()
    store.name_version("v0")
    loaded = LoadedPostings(store)
    with pytest.raises(AssertionError, match="its own version"):
        loaded.follow(IndexJournal("v1"), "v2")
