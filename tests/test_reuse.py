"""Deciding again only what a change of sources reaches gives the decisions of a fresh run
(tasks/match/reuse.py). The look-up bounds are made small, so that a handful of short texts
meets every case: words over the bounds, cut-offs, the fallback look-up."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.match import candidates
from tasks.match.assign import assign_variants, decide_all, merge_assignments
from tasks.match.index_store import IndexStore
from tasks.match.index_update import SourceChange, update_index
from tasks.match.match_index import MatchIndex
from tasks.match.reuse import (
    Decided,
    Kept,
    decisions_of,
    in_variant_order,
    kept_decisions,
    reused_assignment,
)
from tasks.match.score import lookup_text
from tasks.models import ParsedDocument
from tasks.refs import DocumentRef
from tests.helpers import parsed

DAY = dt.date(2025, 5, 15)
# Names and places (rare in English), everyday words, and words in every sentence.
VOCABULARY = [
    "brennan",
    "kettleby",
    "halvorsen",
    "estuary",
    "harbour",
    "bridge",
    "council",
    "ferry",
    "storm",
    "sailors",
    "budget",
    "zinc",
    "wheat",
    "tokyo",
    "opec",
    "dividend",
    "mayor",
    "said",
    "the",
    "and",
    "of",
]
SENTENCE = st.lists(st.sampled_from(VOCABULARY), min_size=4, max_size=9).map(
    lambda chosen: " ".join(chosen).capitalize() + "."
)
TEXT = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)


@pytest.fixture(autouse=True)
def small_bounds() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(candidates, "QUERY_TERMS", 3)
        patch.setattr(candidates, "MAX_POSTINGS", 2)
        patch.setattr(candidates, "FALLBACK_TERMS", 2)
        patch.setattr(candidates, "MAX_FALLBACK_POSTINGS", 4)
        yield


def document(path: str, body: str, date: dt.date | None) -> ParsedDocument:
    made = parsed(path, body, date)
    sha = hashlib.sha256(f"{date}|{body}".encode()).hexdigest()
    return made.model_copy(update={"origin": made.origin.model_copy(update={"sha256": sha})})


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[str], list[str], list[str]]:
    """Source texts before, source texts after (a None-free list: some kept, some edited,
    some gone, some new), and variant texts (most cut from a source of either time)."""
    before = draw(st.lists(TEXT, min_size=1, max_size=8))
    after = [draw(st.sampled_from([text, text + " " + draw(SENTENCE), ""])) for text in before]
    after += draw(st.lists(TEXT, max_size=3))
    pool = [text for text in before + after if text]
    variants = []
    for _ in range(draw(st.integers(1, 6))):
        sentences = draw(st.sampled_from(pool)).split(". ")
        kept = draw(st.lists(st.sampled_from(sentences), min_size=1, max_size=len(sentences)))
        variants.append(draw(st.sampled_from([". ".join(kept), draw(TEXT)])))
    return before, after, variants


def changed(before: list[ParsedDocument], after: list[ParsedDocument]) -> SourceChange:
    """What updating an index of `before` to `after` changed."""
    return updated(before, after)[0]


def updated(
    before: list[ParsedDocument], after: list[ParsedDocument]
) -> tuple[SourceChange, MatchIndex]:
    """What updating an index of `before` to `after` changed, and that index."""
    store = IndexStore.in_memory()
    for sources, track in ((before, False), (after, True)):
        texts = {source.path: lookup_text(source) for source in sources}
        keys = [(source.path, source.origin.sha256) for source in sources]
        change = update_index(store, keys, texts.__getitem__, track)
    now = {source.path: source for source in after}
    return change, MatchIndex(store, lambda path, _: now[path])


def by_text(decided: list[Decided]) -> dict[str, Decided]:
    """Decisions as a run loads them: by the SHA-256 of the text."""
    return {decision.sha256: decision for decision in decided}


def only(decided: dict[str, Decided]) -> Decided:
    """The one decision of `decided`."""
    (decision,) = decided.values()
    return decision


def refs_of(documents: list[ParsedDocument]) -> list[DocumentRef]:
    return [DocumentRef.of(document) for document in documents]


def sources_of(texts: list[str]) -> list[ParsedDocument]:
    return [document(f"s{number}", text, DAY) for number, text in enumerate(texts) if text]


@settings(max_examples=300, deadline=None)
@given(histories())
def test_decisions_kept_and_made_again_are_a_fresh_runs(
    history: tuple[list[str], list[str], list[str]],
) -> None:
    before_texts, after_texts, variant_texts = history
    before, after = sources_of(before_texts), sources_of(after_texts)
    variants = [document(f"v{number}", text, None) for number, text in enumerate(variant_texts)]
    earlier = by_text(decisions_of(assign_variants(before, variants), refs_of(variants)))

    hashes = {source.path: source.origin.sha256 for source in before}
    refs = refs_of(variants)
    change, index = updated(before, after)
    heard: list[str] = []
    kept = kept_decisions(hashes, earlier, change, refs, lambda ref: heard.append(ref.path))
    again = [variant for variant in variants if variant.path not in kept.held]
    if hashes and after:  # the decisions were checked: each one to make is heard of
        assert heard == [variant.path for variant in again]
    # Those the added sources reach are not looked up again (tasks/match/reached.py).
    fresh = decide_all(index, again, reached=kept.reached)
    reused = reused_assignment(kept.held)
    combined = in_variant_order(merge_assignments([reused, fresh]), refs)

    expected = assign_variants(after, variants)
    assert (combined.matches, combined.rejected) == (expected.matches, expected.rejected)
    assert combined.reaches == expected.reaches  # the candidates and scores of a fresh look-up
    # What is saved for the next run: the kept decisions taken as they are, as if made again.
    assert decisions_of(combined, refs, kept.held) == decisions_of(combined, refs)


def _a_source_sharing_no_word() -> tuple[
    dict[str, str],
    dict[str, Decided],
    list[ParsedDocument],
    list[ParsedDocument],
    list[DocumentRef],
]:
    """A variant decided against one source; then a source sharing none of its words comes.
    The earlier sources' hashes, the decisions, the sources before and after, the variant."""
    before = sources_of(["Mayor Brennan opened the Kettleby harbour bridge. The council said."])
    after = [*before, *sources_of(["", "Zinc and wheat futures in Tokyo."])]
    variants = [document("v0", "Mayor Brennan opened the Kettleby harbour bridge.", None)]
    earlier = by_text(decisions_of(assign_variants(before, variants), refs_of(variants)))
    hashes = {source.path: source.origin.sha256 for source in before}
    return hashes, earlier, before, after, refs_of(variants)


def test_a_source_sharing_no_word_keeps_every_decision() -> None:
    hashes, earlier, before, after, variants = _a_source_sharing_no_word()
    assert kept_decisions(hashes, earlier, changed(before, after), variants) == Kept(
        {"v0": only(earlier)}, {}
    )
    assert only(earlier).match is not None


def test_a_variant_found_by_the_fallback_look_up_sees_a_new_source_of_its_words() -> None:
    """All the variant's words are held by more sources than are looked up (2 here), so
    the fallback found its candidates; a new copy of it holds only such words."""
    before = sources_of(
        [f"Brennan said the harbour {word}." for word in ("bridge", "ferry", "storm")]
    )
    variants = [document("v0", "Brennan said the harbour.", None)]
    after = [*before, document("s9", "Brennan said the harbour.", DAY)]
    earlier = by_text(decisions_of(assign_variants(before, variants), refs_of(variants)))
    assert only(earlier).fallback
    hashes = {source.path: source.origin.sha256 for source in before}
    assert kept_decisions(hashes, earlier, changed(before, after), refs_of(variants)) == Kept(
        {}, {}
    )
    fresh = assign_variants(after, variants).matches
    assert [match.source for match in fresh] == ["s9"]


def test_no_decision_is_kept_when_the_index_held_other_sources() -> None:
    """A run stopped between updating the index and keeping its decisions: the index then
    holds sources the kept decisions were not made against."""
    hashes, earlier, before, after, variants = _a_source_sharing_no_word()
    kept = kept_decisions(hashes, earlier, changed(before, after), variants)
    assert kept == Kept({"v0": only(earlier)}, {})
    assert kept_decisions(hashes, earlier, changed(after, after), variants) == Kept({}, {})


def test_a_new_copy_of_a_source_reaches_its_variant_which_is_scored_without_a_look_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The copy scores what the source scores: the tie goes to the first path, as a fresh
    look-up ranks it, and the variant is decided without being looked up again."""
    story = "Mayor Brennan opened the Kettleby harbour bridge. The council said."
    before = [document("s5", story, DAY), document("s7", "Zinc and wheat in Tokyo.", DAY)]
    variants = [document("v0", "Mayor Brennan opened the Kettleby harbour bridge.", None)]
    refs = refs_of(variants)
    earlier = by_text(decisions_of(assign_variants(before, variants), refs))
    after = [*before, document("s1", story, DAY)]  # before s5 in path order
    change, index = updated(before, after)
    hashes = {source.path: source.origin.sha256 for source in before}
    kept = kept_decisions(hashes, earlier, change, refs)
    assert list(kept.reached) == ["v0"] and not kept.held
    monkeypatch.setattr(index.candidates, "lookup", None)  # not looked up
    decided = decide_all(index, variants, reached=kept.reached)
    expected = assign_variants(after, variants)
    assert (decided.matches, decided.reaches) == (expected.matches, expected.reaches)
    assert [match.source for match in decided.matches] == ["s1"]
    assert decided.reaches["v0"].candidates[:2] == ("s1", "s5")


@pytest.mark.parametrize("added", ["a copy of the source", "a source sharing no word"])
def test_copies_of_a_variant_are_judged_once_and_alike(
    monkeypatch: pytest.MonkeyPatch, added: str
) -> None:
    """A text under three paths (decided once, alike) gets one judgement per change, each
    copy's verdict made of its own decision: reached by the added copy of its source, or
    kept."""
    from tasks.match import reuse

    story = "Mayor Brennan opened the Kettleby harbour bridge. The council said."
    before = [document("s5", story, DAY), document("s7", "Zinc and wheat in Tokyo.", DAY)]
    text = "Mayor Brennan opened the Kettleby harbour bridge."
    variants = [document(path, text, None) for path in ("v0", "v1", "v2")]
    refs = refs_of(variants)
    earlier = by_text(decisions_of(assign_variants(before, variants), refs))
    new = document("s1", story if added == "a copy of the source" else "Ferry storm.", DAY)
    change = changed(before, [*before, new])
    hashes = {source.path: source.origin.sha256 for source in before}
    judged: list[str] = []
    real_judge = reuse.judge

    def counting(variant: DocumentRef, decided: Decided | None, change: SourceChange) -> object:
        judged.append(variant.path)
        return real_judge(variant, decided, change)

    monkeypatch.setattr(reuse, "judge", counting)
    kept = kept_decisions(hashes, earlier, change, refs)
    assert judged == ["v0"]
    monkeypatch.setattr(reuse, "judge", real_judge)
    one_by_one = [kept_decisions(hashes, earlier, change, [ref]) for ref in refs]
    assert kept == Kept(
        {path: d for k in one_by_one for path, d in k.held.items()},
        {path: r for k in one_by_one for path, r in k.reached.items()},
    )
    if added == "a copy of the source":
        assert list(kept.reached) == ["v0", "v1", "v2"] and not kept.held
        assert all(r.reach == only(earlier).reach() for r in kept.reached.values())
    else:
        assert kept.held == {ref.path: only(earlier) for ref in refs} and not kept.reached


def test_copies_of_a_text_are_kept_once_and_reused_each_under_its_own_path() -> None:
    """The decisions kept for the next run hold a text once (its first variant's); reused,
    they give each copy what a fresh run gives it: the match, rejection and reach under its
    own path."""
    sources = [document("s5", "Mayor Brennan opened the Kettleby harbour bridge.", DAY)]
    texts = {"v0": "Mayor Brennan opened the Kettleby harbour bridge today.",
             "v1": "Zinc and wheat futures in Tokyo.",
             "v2": "Mayor Brennan opened the Kettleby harbour bridge today.",
             "v3": "Zinc and wheat futures in Tokyo."}  # fmt: skip
    variants = [document(path, text, None) for path, text in texts.items()]
    refs = refs_of(variants)
    fresh = assign_variants(sources, variants)
    decided = decisions_of(fresh, refs)
    assert [decision.variant for decision in decided] == ["v0", "v1"]
    loaded = by_text(decided)
    reused = reused_assignment({ref.path: loaded[ref.sha256] for ref in refs})
    assert [match.variant for match in reused.matches] == ["v0", "v2"]
    assert [rejection.path for rejection in reused.rejected] == ["v1", "v3"]
    assert (reused.matches, reused.rejected, reused.reaches) == (
        fresh.matches,
        fresh.rejected,
        fresh.reaches,
    )
