"""Assign each variant to its best source, or reject it with its best candidates as evidence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from tasks.batch import attempt
from tasks.match.candidates import CandidateIndex, Lookup
from tasks.match.explain import describe_alignment
from tasks.match.score import Scored, SourceUnits, Text, Units, lookup_text, score_candidate
from tasks.match.thresholds import CANDIDATES, DEFAULT_THRESHOLDS, Thresholds
from tasks.memory import paused_garbage_collection
from tasks.models import CandidateScore, Match, ParsedDocument, Rejection, RejectReason

EVIDENCE_CANDIDATES = 3  # candidates listed on a rejection


@dataclass(frozen=True)
class Reach:
    """What a variant's decision rested on (tasks/match/reuse.py): the words looked up, the
    weight of the last when there were the most (else None), whether the fallback look-up
    found the candidates, their paths (best first), and the lowest of their scores when
    there were as many as asked for (else 0: any source sharing a word looked up is one)."""

    looked_up: tuple[str, ...]
    cutoff: float | None
    fallback: bool
    candidates: tuple[str, ...]
    floor: float

    @classmethod
    def of(cls, found: Lookup, sources: Sequence[Text], wanted: int) -> Reach:
        full = len(found.candidates) == wanted
        return cls(
            tuple(found.looked_up),
            found.cutoff,
            found.fallback,
            tuple(sources[candidate.source].path for candidate in found.candidates),
            found.candidates[-1].similarity if full else 0.0,
        )


@dataclass(frozen=True)
class Assignment:
    matches: list[Match]
    rejected: list[Rejection]
    reaches: dict[str, Reach]  # by variant path: what its candidates rested on (reuse.py)


class MatchIndex:
    """What variants are matched against, built once from the sources: the candidate index
    and each source's units (computed on first use)."""

    def __init__(self, sources: Sequence[Text]) -> None:
        self.sources = sources
        with paused_garbage_collection():
            self.candidates = CandidateIndex([lookup_text(source) for source in sources])
        self.units = SourceUnits(sources)


def assign_variants(
    sources: Sequence[ParsedDocument],
    variants: Sequence[ParsedDocument],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    candidates: int = CANDIDATES,
) -> Assignment:
    """Score each variant against its `candidates` nearest sources; keep the best when it
    reaches the threshold of the measure that scored it, reject the rest with reason
    `no_matching_source` and the scores as evidence. A variant whose matching fails (a bug)
    is rejected as `internal_error`; the others go on."""
    return decide_all(MatchIndex(sources), variants, thresholds, candidates)


def decide_all(
    index: MatchIndex,
    variants: Sequence[ParsedDocument],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    candidates: int = CANDIDATES,
) -> Assignment:
    """`assign_variants` against an index built earlier: each variant is decided alone, so
    any shard of the variants can be decided anywhere the index is (flows/matching.py)."""
    matches: list[Match] = []
    rejected: list[Rejection] = []
    reaches: dict[str, Reach] = {}
    with paused_garbage_collection():
        for variant in variants:
            decide = partial(_decide, variant, index, thresholds, candidates, reaches)
            decided = attempt(variant.path, decide)  # one variant's bug must not cost the run
            (matches if isinstance(decided, Match) else rejected).append(decided)  # type: ignore[arg-type]
    return Assignment(matches, rejected, reaches)


def merge_assignments(parts: Iterable[Assignment]) -> Assignment:
    """The assignments of consecutive shards of the variants, as one (in variant order)."""
    matches: list[Match] = []
    rejected: list[Rejection] = []
    reaches: dict[str, Reach] = {}
    for part in parts:
        matches.extend(part.matches)
        rejected.extend(part.rejected)
        reaches.update(part.reaches)
    return Assignment(matches, rejected, reaches)


def _decide(
    variant: ParsedDocument,
    index: MatchIndex,
    thresholds: Thresholds,
    candidates: int,
    reaches: dict[str, Reach],
) -> Match | Rejection:
    """Candidates that can be accepted come first, then by how far they clear the threshold
    of the measure that scored them, so that scores of the two measures are never compared
    raw. What the candidates rested on goes into `reaches`."""
    sources, source_units = index.sources, index.units
    variant_units = Units(variant.body)
    found = index.candidates.lookup(lookup_text(variant), candidates)
    reaches[variant.path] = Reach.of(found, sources, candidates)
    scored = sorted(
        (
            score_candidate(variant_units, source_units[candidate.source], candidate)
            for candidate in found.candidates
        ),
        key=lambda item: (
            not thresholds.accepts(item),
            -thresholds.excess(item),
            -item.similarity,
            sources[item.source].path,
        ),
    )
    evidence = [
        CandidateScore(source=sources[item.source].path, score=item.score) for item in scored
    ]
    if not scored or not thresholds.accepts(scored[0]):
        return _no_match(variant.path, evidence, scored[:1], thresholds, len(sources))
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


def _no_match(
    path: str,
    evidence: list[CandidateScore],
    best: list[Scored],
    thresholds: Thresholds,
    source_count: int,
) -> Rejection:
    if not source_count:
        detail = "there is no source (dated document) in this run to match it to"
    elif best:
        top, threshold = evidence[0], thresholds.of(best[0])
        detail = f"best candidate {top.source} scored {top.score:.1f}, "
        short = best[0].short
        if short is not None and thresholds.excess(best[0]) >= 0:
            detail += f"above the threshold {threshold:.1f}, but {short.explain()}"
        else:
            detail += f"below the threshold {threshold:.1f}"
    else:
        detail = "no source in this run shares any distinctive word with it"
    return Rejection(
        path=path,
        reason=RejectReason.NO_MATCHING_SOURCE,
        detail=detail,
        candidates=evidence[:EVIDENCE_CANDIDATES],
    )
