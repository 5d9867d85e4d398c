"""Assign each variant to its best source, or reject it with its best candidates as evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from tasks.match.align import Alignment, align_sentences, align_words
from tasks.match.candidates import Candidate, CandidateIndex
from tasks.match.explain import describe_alignment
from tasks.match.thresholds import CANDIDATES, MATCH_THRESHOLD, WORD_ORDER_THRESHOLD
from tasks.match.units import Segments, content_words, sentences
from tasks.models import CandidateScore, Match, ParsedDocument, Rejection, RejectReason
from tasks.runtime import stage_task

EVIDENCE_CANDIDATES = 3  # candidates listed on a rejection
# Word order is used where a variant's sentences are this much longer than the source's
# (all 49 real OCR pairs in Overproof that need it are at 1.38 or more; copies are near 1).
RUN_ON_RATIO = 1.3


@dataclass(frozen=True)
class Assignment:
    matches: list[Match]
    rejected: list[Rejection]


@dataclass(frozen=True)
class Scored:
    score: float
    similarity: float  # the candidate index's, to order equal scores
    source: int  # index into the sources
    alignment: Alignment
    by_words: bool  # which measure won: decides which units `alignment` pairs up


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

    def mean_sentence_words(self) -> float:
        texts = self.sentences.texts
        return sum(len(text.split()) for text in texts) / len(texts) if texts else 0.0


class SourceUnits:
    """Each source's units, computed once, on first use."""

    def __init__(self, sources: Sequence[ParsedDocument]) -> None:
        self._sources = sources
        self._units: dict[int, Units] = {}

    def __getitem__(self, number: int) -> Units:
        if number not in self._units:
            self._units[number] = Units(self._sources[number].body)
        return self._units[number]


@dataclass(frozen=True)
class Thresholds:
    sentences: float = MATCH_THRESHOLD
    word_order: float = WORD_ORDER_THRESHOLD

    def of(self, scored: Scored) -> float:
        return self.word_order if scored.by_words else self.sentences

    def excess(self, scored: Scored) -> float:
        """Points above the threshold of the measure that scored it (negative: below)."""
        return scored.score - self.of(scored)

    def margin(self, best: Scored, runner_up: Scored | None) -> float:
        """How much further above its threshold `best` is than `runner_up` (the plain score
        difference within one measure). Across measures the excesses can differ by more than
        100 (a word-order 95 over a sentence-scored 0); beyond 100 it says nothing more."""
        if runner_up is None:
            return best.score
        return min(self.excess(best) - self.excess(runner_up), 100.0)


def assign_variants(
    sources: Sequence[ParsedDocument],
    variants: Sequence[ParsedDocument],
    thresholds: Thresholds = Thresholds(),
    candidates: int = CANDIDATES,
) -> Assignment:
    """Score each variant against its `candidates` nearest sources; keep the best when it
    reaches the threshold of the measure that scored it, reject the rest with reason
    `no_matching_source` and the scores as evidence. A variant whose matching fails (a bug)
    is rejected as `internal_error`; the others go on."""
    index = CandidateIndex([lookup_text(source) for source in sources])
    source_units = SourceUnits(sources)
    matches: list[Match] = []
    rejected: list[Rejection] = []
    for variant in variants:
        try:
            decided = _decide(variant, sources, index, source_units, thresholds, candidates)
        except Exception as error:  # one variant's bug must not cost the run
            detail = f"{type(error).__name__}: {error}"
            decided = Rejection(
                path=variant.path, reason=RejectReason.INTERNAL_ERROR, detail=detail
            )
        (matches if isinstance(decided, Match) else rejected).append(decided)  # type: ignore[arg-type]
    return Assignment(matches, rejected)


def _decide(
    variant: ParsedDocument,
    sources: Sequence[ParsedDocument],
    index: CandidateIndex,
    source_units: SourceUnits,
    thresholds: Thresholds,
    candidates: int,
) -> Match | Rejection:
    """Candidates are ranked by how far they clear the threshold of the measure that scored
    them, so that scores of the two measures are never compared raw."""
    variant_units = Units(variant.body)
    scored = sorted(
        (
            _score(variant_units, source_units[candidate.source], candidate)
            for candidate in index.top(lookup_text(variant), candidates)
        ),
        key=lambda item: (-thresholds.excess(item), -item.similarity, sources[item.source].path),
    )
    evidence = [
        CandidateScore(source=sources[item.source].path, score=item.score) for item in scored
    ]
    if not scored or thresholds.excess(scored[0]) < 0:
        limit = thresholds.of(scored[0]) if scored else thresholds.sentences
        return _no_match(variant.path, evidence, limit, len(sources))
    best = scored[0]
    runner_up = scored[1] if len(scored) > 1 else None
    margin = thresholds.margin(best, runner_up)
    return Match(
        variant=variant.path,
        source=evidence[0].source,
        score=best.score,
        measure="word_order" if best.by_words else "sentences",
        margin=round(margin, 2),
        runner_up=evidence[1] if runner_up else None,
        alignment=describe_alignment(
            variant_units.segments(best.by_words),
            source_units[best.source].segments(best.by_words),
            best.alignment.pairs,
        ),
    )


def lookup_text(document: ParsedDocument) -> str:
    """What the candidate index sees: the title too. Templated wire items ("Qtly div 15 cts
    vs 15 cts prior") differ only by the company in their headline; scores are computed on
    bodies, and equal scores are ordered by this lookup's similarity."""
    return f"{document.title}\n\n{document.body}" if document.title else document.body


def punctuation_lost(variant: Units, source: Units) -> bool:
    """Whether the variant's sentences run on: OCR dropped the full stops. Only then is word
    order used: for a text with intact sentences, sentence alignment is the sharper test,
    and word order would let another article on the same event, sharing names in the same
    order, score as a copy."""
    return variant.mean_sentence_words() >= RUN_ON_RATIO * source.mean_sentence_words()


def _score(variant: Units, source: Units, candidate: Candidate) -> Scored:
    """Sentence alignment; where the variant's punctuation is lost, the better of it and the
    word-order measure (see align.py)."""
    by_sentences = align_sentences(variant.sentences.texts, source.sentences.texts)
    if punctuation_lost(variant, source):
        by_words = align_words(variant.words.texts, source.words.texts)
        if by_words.score > by_sentences.score:
            return Scored(by_words.score, candidate.similarity, candidate.source, by_words, True)
    return Scored(by_sentences.score, candidate.similarity, candidate.source, by_sentences, False)


def _no_match(
    path: str, evidence: list[CandidateScore], threshold: float, source_count: int
) -> Rejection:
    if not source_count:
        detail = "there is no source (dated document) in this run to match it to"
    elif evidence:
        best = evidence[0]
        detail = (
            f"best candidate {best.source} scored {best.score:.1f}, "
            f"below the threshold {threshold:.1f}"
        )
    else:
        detail = "no source in this run shares any distinctive word with it"
    return Rejection(
        path=path,
        reason=RejectReason.NO_MATCHING_SOURCE,
        detail=detail,
        candidates=evidence[:EVIDENCE_CANDIDATES],
    )


@stage_task("match")
def match_task(
    sources: Sequence[ParsedDocument],
    variants: Sequence[ParsedDocument],
    thresholds: Thresholds,
) -> Assignment:
    return assign_variants(sources, variants, thresholds)
