"""How much text a match rests on: too little of it must be near-verbatim.

An alignment score is a share of the variant's text, so a one-sentence variant scores high on
one loosely similar sentence; and another article on the same event often has one (in BBC,
a third of all leads have a sentence of another same-topic article at 60 or more). A real
one-sentence truncation copies the source's sentence word for word or nearly: one word
replaced leaves 99 % of BBC leads at 85 or more, one word dropped 99.9 %. So a match whose
aligned text is short must be near-verbatim; a longer alignment is judged by the score
alone, since chance agreement falls as aligned text grows (see docs/matching.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from tasks.match.align import Alignment
from tasks.match.units import content_words

# Less than this many content words is less than two sentences of news prose (a BBC
# sentence has a median of 11, a lead 13): a one-sentence match must be near-verbatim.
SHORT_EVIDENCE_WORDS = 25
# Near-verbatim: a word or two edited. Another article's closest sentence reaches this for
# 0.7 % of BBC leads, nearly all of them reports of the same story reusing its lead.
NEAR_VERBATIM = 85.0


@dataclass(frozen=True)
class ShortEvidence:
    """Why a candidate cannot be accepted: too little aligned text, not alike enough."""

    words: int  # content words of the variant in the alignment
    similarity: float  # how alike that text is to the source's (0-100)
    by_words: bool = False  # word order: `similarity` is the share of words in order

    def explain(self) -> str:
        alike = "of its words in order" if self.by_words else "alike"
        return (
            f"it rests on {self.words} content words, {self.similarity:.1f} % {alike}; "
            f"under {SHORT_EVIDENCE_WORDS} they must be near-verbatim "
            f"({NEAR_VERBATIM:.0f} % or more)"
        )


def short_evidence(
    variant_sentences: list[str], alignment: Alignment, by_words: bool
) -> ShortEvidence | None:
    """The shortfall when the variant text `alignment` covers has fewer than
    SHORT_EVIDENCE_WORDS content words and is less than NEAR_VERBATIM alike, else None.
    That text is the aligned sentences or, for word order, the variant's content words from
    the first aligned one to the last (an OCR copy's damaged words are still its text), and
    its likeness then the share of the variant's words the source has in order (the score).

    >>> verbatim = Alignment(92.5, ((0, 0),), 100.0)
    >>> short_evidence(["the bank raised rates by a quarter point"], verbatim, False)
    >>> loose = Alignment(68.5, ((0, 0),), 68.5)
    >>> short_evidence(["the bank left rates unchanged officials said"], loose, False)
    ShortEvidence(words=5, similarity=68.5, by_words=False)
    >>> short_evidence([], Alignment(64.3, ((0, 0), (8, 30)), 100.0), True).words
    9
    """
    pairs = alignment.pairs
    if by_words:
        words = pairs[-1][0] - pairs[0][0] + 1 if pairs else 0
        similarity = alignment.score
    else:
        words, similarity = 0, alignment.similarity
        for i in sorted({i for i, _ in pairs}):  # a link pairs one sentence twice
            words += len(content_words(variant_sentences[i]).texts)
            if words >= SHORT_EVIDENCE_WORDS:
                break
    if words >= SHORT_EVIDENCE_WORDS or similarity >= NEAR_VERBATIM:
        return None
    return ShortEvidence(words, similarity, by_words)
