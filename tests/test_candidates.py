"""A variant's candidates depend only on the sources that share its words (docs/matching.md):
sources that share none, however many, change nothing, not even the scores."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

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
