"""Score one variant against one candidate source: the units compared and the measures.

See align.py for the two in-order measures; this module decides which applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple, Protocol

from tasks.match.align import Alignment, align_sentences, align_words
from tasks.match.candidates import Candidate
from tasks.match.evidence import ShortEvidence, short_evidence
from tasks.match.units import Segments, content_words, sentences

# Word order is used where a variant's sentences are this much longer than the source's
# (all 49 real OCR pairs in Overproof that need it are at 1.38 or more; copies are near 1).
RUN_ON_RATIO = 1.3


class Text(Protocol):
    """What matching reads of a document (a `ParsedDocument` has it)."""

    @property
    def path(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def body(self) -> str: ...


class SourceText(NamedTuple):
    """A source as matching needs it and nothing more: cheap to ship to another process
    (a whole `ParsedDocument` takes ten times longer to unpickle)."""

    path: str
    title: str | None
    body: str


@dataclass(frozen=True)
class Scored:
    score: float
    similarity: float  # the candidate index's, to order equal scores
    source: int  # index into the sources
    alignment: Alignment
    by_words: bool  # which measure won: decides which units `alignment` pairs up
    short: ShortEvidence | None = None  # too little aligned text to accept it (evidence.py)


class Units:
    """What a text is compared by: its sentences and (only when needed) its content words."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def sentences(self) -> Segments:
        return sentences(self.text)

    @cached_property
    def words(self) -> Segments:
        return content_words(self.text)

    def segments(self, words: bool) -> Segments:
        return self.words if words else self.sentences

    @cached_property
    def mean_sentence_words(self) -> float:
        """Computed once per text: it is compared for every candidate pair."""
        texts = self.sentences.texts
        return sum(len(text.split()) for text in texts) / len(texts) if texts else 0.0


def lookup_text(document: Text) -> str:
    """What the candidate index sees: the title too. Templated wire items ("Qtly div 15 cts
    vs 15 cts prior") differ only by the company in their headline; scores are computed on
    bodies, and equal scores are ordered by this lookup's similarity."""
    return f"{document.title}\n\n{document.body}" if document.title else document.body


def punctuation_lost(variant: Units, source: Units) -> bool:
    """Whether the variant's sentences run on: OCR dropped the full stops. Only then is word
    order used: for a text with intact sentences, sentence alignment is the sharper test,
    and word order would let another article on the same event, sharing names in the same
    order, score as a copy."""
    return variant.mean_sentence_words >= RUN_ON_RATIO * source.mean_sentence_words


def score_candidate(variant: Units, source: Units, candidate: Candidate) -> Scored:
    """Sentence alignment; where the variant's punctuation is lost, the better of it and the
    word-order measure (see align.py). Either way, whether it rests on enough text."""
    run_on = punctuation_lost(variant, source)
    # Run-on OCR text is judged by word order; links of its page-long "sentences" to two
    # of the source's would only raise a sentence score judged by the wrong threshold.
    alignment = align_sentences(variant.sentences.texts, source.sentences.texts, not run_on)
    by_words = False
    if run_on:
        word_order = align_words(variant.words.texts, source.words.texts)
        if word_order.score > alignment.score:
            alignment, by_words = word_order, True
    short = short_evidence(variant.sentences.texts, alignment, by_words)
    if short is not None and not run_on:
        # The refinements add loosely alike pairs: on a short near-verbatim copy they must
        # not hide that it is one (the plain alignment alone is then the evidence).
        plain = align_sentences(variant.sentences.texts, source.sentences.texts, False)
        if short_evidence(variant.sentences.texts, plain, False) is None:
            alignment, short = plain, None
    return Scored(
        alignment.score, candidate.similarity, candidate.source, alignment, by_words, short
    )
