"""A variant's candidates depend only on the sources that share its words (docs/matching.md):
sources that share none, however many, change nothing, not even the scores."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.match.candidates import Scores
from tests.helpers import text_index

VARIANT = "Mayor Alice Brennan said the harbour bridge in Kettleby would open in 2027."
SOURCES = [
    "The council approved the harbour bridge. Mayor Alice Brennan said it opens in 2027.",
    "Residents of Kettleby opposed the bridge route for years, the mayor said.",
    "A storm closed the harbour on Monday; the coast guard rescued two sailors.",
]
# Words none of the texts above holds: a source made of them shares nothing with VARIANT.
UNRELATED = ["quarterly", "dividend", "zinc", "futures", "tokyo", "yen", "wheat", "opec", "crude"]


def ranked(texts: list[str]) -> list[tuple[str, float]]:
    index = text_index(texts)
    found = index.candidates.top(VARIANT, k=5)
    return [(texts[int(index.path(one.source))], one.similarity) for one in found]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(UNRELATED), min_size=1, max_size=12).map(" ".join),
        min_size=1,
        max_size=30,
    ),
    st.data(),
)
def test_unrelated_sources_leave_a_variants_candidates_as_they_were(
    unrelated: list[str], data: st.DataObject
) -> None:
    """Under inverse document frequency every new source changed every weight."""
    texts = [*SOURCES, *unrelated]
    texts = data.draw(st.permutations(texts))  # wherever they land in the source order
    assert ranked(texts) == ranked(SOURCES)


def test_a_source_sharing_the_variants_words_can_change_them() -> None:
    """The counterpart: a new source holding the variant's words is a candidate."""
    texts = [*SOURCES, VARIANT]
    assert ranked(texts)[0] != ranked(SOURCES)[0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(st.integers(0, 40), st.floats(0.0, 9.0, allow_subnormal=False)),
            max_size=25,
        ),
        max_size=8,
    ),
    st.lists(st.floats(0.0, 3.0, allow_subnormal=False), min_size=8, max_size=8),
)
def test_scores_are_the_sums_a_loop_over_the_postings_makes(
    lists: list[list[tuple[int, float]]], weights: list[float]
) -> None:
    """The same floats, added in the same order (an order of its own would break ties
    that the sources' path order settles), and every source reached, even with a sum of 0."""
    looped: dict[int, float] = {}
    for postings, weight in zip(lists, weights, strict=False):
        for source, in_source in postings:
            looped[source] = looped.get(source, 0.0) + weight * in_source
    summed = Scores.summed(
        [np.array([source for source, _ in postings], dtype=np.intc) for postings in lists],
        [np.array([w for _, w in postings]) * weight
         for postings, weight in zip(lists, weights, strict=False)],
    )  # fmt: skip
    assert dict(zip(summed.numbers.tolist(), summed.totals.tolist(), strict=True)) == dict(
        sorted(looped.items())
    )
    assert summed.numbers.tolist() == sorted(looped)
