"""A variant that rests on one sentence needs that sentence near-verbatim (tasks/match/evidence.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks.match.align import Alignment
from tasks.match.assign import assign_variants
from tasks.match.evidence import NEAR_VERBATIM, ShortEvidence
from tasks.match.score import Scored
from tasks.match.thresholds import Thresholds
from tasks.models import ParsedDocument, RejectReason
from tests.helpers import parsed

DAY = dt.date(2025, 5, 15)
LEAD = "Police arrested two men after a robbery at a jewellery shop in the city centre on Friday."
SOURCE = (
    f"{LEAD}\n\n"
    "Detective Inspector Ruth Okafor said the men had been caught on camera. Jewellery worth "
    "thousands of pounds was recovered from a car abandoned near the station."
)
# Same topic, same shape, another event: one loosely similar sentence (68.5 before the rule).
UNRELATED = (
    "Police are searching for two men after a robbery at a petrol station in the city on Sunday."
)


def _source() -> list[ParsedDocument]:
    return [parsed("source.txt", SOURCE, DAY, title="Two held after jewellery raid")]


def test_one_loosely_similar_sentence_is_not_enough() -> None:
    (rejection,) = assign_variants(_source(), [parsed("v.txt", UNRELATED)]).rejected
    assert rejection.reason == RejectReason.NO_MATCHING_SOURCE
    assert [(c.source, c.score) for c in rejection.candidates] == [("source.txt", 68.54)]
    assert rejection.detail == (
        "best candidate source.txt scored 68.5, above the threshold 50.0, but it rests on "
        "8 content words, 68.5 % alike; under 25 they must be near-verbatim (85 % or more)"
    )


@pytest.mark.parametrize(
    "variant",
    [
        LEAD,  # a one-sentence truncation
        LEAD + "\n\nRead more…",
        LEAD.replace("Friday", "Saturday") + "\n\nRead more…",  # a word edited
        LEAD.replace(" two", ""),  # a word dropped
    ],
)
def test_a_one_sentence_truncation_is_still_attached(variant: str) -> None:
    (match,) = assign_variants(_source(), [parsed("v.txt", variant)]).matches
    assert (match.source, match.measure, match.alignment.source_paragraphs) == (
        "source.txt",
        "sentences",
        [1],
    )


def test_one_run_on_sentence_is_not_enough_by_word_order_either() -> None:
    """A single sentence longer than the source's makes word order apply; a few of its
    words in the source's order are no more evidence than one loosely similar sentence."""
    source = (
        "The central bank raised interest rates by a quarter point on Tuesday. It was the "
        "third rise this year. Markets fell. Analysts expect more. The governor spoke to "
        "reporters in London."
    )
    variant = (
        "The central bank kept interest rates at a record low, with a quarter point cut "
        "expected by analysts and the governor in London."
    )
    sources = [parsed("s.txt", source, DAY)]
    (rejection,) = assign_variants(sources, [parsed("v.txt", variant)]).rejected
    assert rejection.candidates[0].score == 64.29  # above the word-order threshold, 38
    assert rejection.detail.endswith(
        "it rests on 14 content words, 64.3 % of its words in order; "
        "under 25 they must be near-verbatim (85 % or more)"
    )


def test_long_aligned_text_is_judged_by_the_score_alone() -> None:
    """Two sentences each about 84 % alike: enough text together (33 content words), too
    little alone (17)."""
    first = "Alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima"
    second = "Lima kilo juliet india hotel golf foxtrot echo delta charlie bravo alpha"
    source = f"{first} mike november. {second} november oscar."
    variant = f"{first} papa quebec romeo sierra tango. {second} uniform victor whiskey xray."
    sources = [parsed("s", source, DAY)]
    (match,) = assign_variants(sources, [parsed("v", variant)]).matches
    assert match.score == 84.57 < NEAR_VERBATIM
    (rejection,) = assign_variants(sources, [parsed("v", variant.split(". ")[0])]).rejected
    assert "it rests on 17 content words, 84.2 % alike" in rejection.detail


def test_a_runner_up_on_too_little_text_may_outscore_the_best() -> None:
    no_pairs = Alignment(0.0, ())
    best = Scored(60.0, 0.5, 0, no_pairs, by_words=False)
    short = ShortEvidence(words=8, similarity=70.0)
    runner_up = Scored(70.0, 0.4, 1, no_pairs, by_words=False, short=short)
    thresholds = Thresholds(sentences=50.0)
    assert thresholds.accepts(best) and not thresholds.accepts(runner_up)
    assert thresholds.margin(best, runner_up) == 0.0  # never negative (the schema's range)
