"""Refining a sentence alignment where a translation strays from one-to-one: links of one
sentence to two (tasks/match/links.py) and pairs pinned between aligned neighbours
(tasks/match/pinned.py); chance pairs are kept out."""

from __future__ import annotations

from tasks.match.align import align_sentences
from tasks.match.candidates import Candidate
from tasks.match.evidence import short_evidence
from tasks.match.score import Units, score_candidate

SOURCE = [
    "the council approved the new harbour bridge on tuesday after a long debate",
    "mayor alice brennan said the bridge would open in the spring of 2027",
    "engineers from halvorsen partners will begin surveying the estuary next month",
    "residents of kettleby have opposed the route for years",
    "the project is expected to cost 48 million pounds",
]
# A translation that merged the second and third sentences into one.
MERGED = [
    "after a long debate on tuesday the council approved the new bridge over the harbour",
    "mayor brennan said the bridge opens in spring 2027 and halvorsen partners engineers "
    "begin to survey the estuary next month",
    "kettleby residents have opposed this route for years",
    "the project should cost 48 million pounds",
]


def test_a_merged_sentence_is_linked_to_both_of_its_sources() -> None:
    linked = align_sentences(MERGED, SOURCE)
    alone = align_sentences(MERGED, SOURCE, links=False)
    assert (1, 1) in linked.pairs and (1, 2) in linked.pairs
    assert linked.score > alone.score
    assert (1, 1) not in alone.pairs  # one-to-one: the merged sentence takes one half only


def test_a_split_sentence_is_linked_to_the_one_it_came_from() -> None:
    split = [
        SOURCE[0],
        "mayor alice brennan said so",
        "the bridge would open in the spring of 2027",
    ]
    linked = align_sentences(split, SOURCE)
    assert {(1, 1), (2, 1)} <= set(linked.pairs)
    assert linked.score > align_sentences(split, SOURCE, links=False).score


def test_no_link_when_the_lengths_disagree() -> None:
    """One short sentence does not stand for two long ones, however alike its words."""
    short = [SOURCE[0], "brennan bridge 2027 halvorsen estuary", SOURCE[3]]
    linked = [i for i, _ in align_sentences(short, SOURCE).pairs]
    assert linked.count(1) <= 1  # paired once at most: no link


def test_copies_and_unrelated_text_are_scored_as_before() -> None:
    assert align_sentences(SOURCE[:3], SOURCE).score == 100.0
    unrelated = ["markets rallied on friday", "the yen fell against the dollar"]
    assert align_sentences(unrelated, SOURCE) == align_sentences(unrelated, SOURCE, links=False)


def test_a_paraphrase_between_aligned_neighbours_is_pinned() -> None:
    """59.7 alike: under the 60 a pair needs anywhere, enough between two aligned ones."""
    source = [SOURCE[0], "residents opposed the route for years", SOURCE[4]]
    variant = [SOURCE[0], "the locals fought it for years", SOURCE[4]]
    assert (1, 1) in align_sentences(variant, source).pairs
    assert (1, 1) not in align_sentences(variant, source, links=False).pairs


def test_nothing_is_pinned_in_a_gap_of_three() -> None:
    source = [SOURCE[0], "a", "residents opposed the route for years", "b", SOURCE[4]]
    source[1] = source[3] = "the weather was mild all week in the north of the county"
    variant = [SOURCE[0], "x y z", "the locals fought it for years", "p q r", SOURCE[4]]
    assert (2, 2) not in align_sentences(variant, source).pairs


def test_a_repeated_line_counts_once() -> None:
    """A feed's boilerplate line repeated a dozen times dilutes the score no more than once."""
    once = [*SOURCE, "read more on yahoo news"]
    repeated = [*SOURCE[:2], *["read more on yahoo news"] * 12, *SOURCE[2:]]
    assert align_sentences(repeated, SOURCE).score == align_sentences(once, SOURCE).score < 100


def test_a_short_near_verbatim_copy_keeps_its_plain_evidence() -> None:
    """A loosely alike pinned pair lowers how alike a short alignment is; a copy whose plain
    alignment is near-verbatim is judged on that (tasks/match/score.py)."""
    source = Units("The council met. Residents of the northern villages opposed the new "
                   "route for many years. The vote passed.")  # fmt: skip
    variant = Units("The council met. For many years the locals up north fought against "
                    "this route. The vote passed.")  # fmt: skip
    refined = align_sentences(variant.sentences.texts, source.sentences.texts)
    assert short_evidence(variant.sentences.texts, refined, False) is not None
    scored = score_candidate(variant, source, Candidate(0, 0.0))
    assert scored.short is None
    assert scored.alignment == align_sentences(
        variant.sentences.texts, source.sentences.texts, links=False
    )
