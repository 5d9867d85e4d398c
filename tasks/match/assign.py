"""Assign each variant to its best source, or reject it with its best candidates as evidence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from tasks.batch import attempt
from tasks.extract.formats import in_input_order
from tasks.match.candidates import Lookup
from tasks.match.explain import describe_alignment
from tasks.match.match_index import MatchIndex, index_in_memory
from tasks.match.pair_scores import PairScore
from tasks.match.reached import Reached, merged_lookup
from tasks.match.score import Scored, Text, Units, lookup_text
from tasks.match.thresholds import CANDIDATES, DEFAULT_THRESHOLDS, Thresholds
from tasks.memory import paused_garbage_collection
from tasks.models import CandidateScore, Match, ParsedDocument, Rejection, RejectReason
from tasks.refs import record_id

EVIDENCE_CANDIDATES = 3  # candidates listed on a rejection


@dataclass(frozen=True, slots=True)
class Reach:
    """What a variant's decision rested on (tasks/match/reuse.py): the words looked up, the
    weight of the last when there were the most (else None), whether the fallback look-up
    found the candidates, their paths (best first), the lowest of their scores when there
    were as many as asked for (else 0: any source sharing a word looked up is one), and the
    query weights of the words whose change can change the decision (those at least as heavy
    as the cutoff; all, without one), so that the next run checks it without the text."""

    looked_up: tuple[str, ...]
    cutoff: float | None
    fallback: bool
    candidates: tuple[str, ...]
    similarities: tuple[float, ...]  # the candidates' (tasks/match/reached.py)
    floor: float
    weights: dict[str, float]
    # The candidates' scores, when decided in this run (tasks/match/pair_scores.py): kept
    # for the next, not part of what the decision rested on.
    scores: tuple[PairScore, ...] = field(default=(), compare=False)

    @classmethod
    def of(
        cls, found: Lookup, index: MatchIndex, wanted: int, scores: tuple[PairScore, ...] = ()
    ) -> Reach:
        full = len(found.candidates) == wanted
        cutoff = found.cutoff
        return cls(
            tuple(found.looked_up),
            cutoff,
            found.fallback,
            tuple(index.path(candidate.source) for candidate in found.candidates),
            tuple(candidate.similarity for candidate in found.candidates),
            found.candidates[-1].similarity if full else 0.0,
            {
                word: weight
                for word, weight in found.query.items()
                if cutoff is None or weight >= cutoff
            },
            scores,
        )


@dataclass(frozen=True)
class Assignment:
    matches: list[Match]
    rejected: list[Rejection]
    reaches: dict[str, Reach]  # by variant path: what its candidates rested on (reuse.py)


def assign_variants(
    sources: Sequence[ParsedDocument],
    variants: Sequence[ParsedDocument],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    candidates: int = CANDIDATES,
) -> Assignment:
    """Score each variant against its `candidates` nearest sources; keep the best when it
    reaches the threshold of the measure that scored it, reject the rest with reason
    `no_matching_source` and the scores as evidence. A variant whose matching fails (a bug)
    is rejected as `internal_error`; the others go on. The index lives in memory."""
    index = index_in_memory([(source.path, source.origin.sha256, source) for source in sources])
    try:
        return decide_all(index, variants, thresholds, candidates)
    finally:
        index.close()


def decide_all(
    index: MatchIndex,
    variants: Iterable[Text],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    candidates: int = CANDIDATES,
    reached: Mapping[str, Reached] | None = None,
) -> Assignment:
    """`assign_variants` against an index built earlier: each variant is decided alone, so
    any shard of the variants can be decided anywhere the index is (flows/matching.py). A
    variant `reached` names, by path, is not looked up (tasks/match/reached.py)."""
    matches: list[Match] = []
    rejected: list[Rejection] = []
    reaches: dict[str, Reach] = {}
    with paused_garbage_collection():
        for variant in variants:
            known = reached.get(variant.path) if reached else None
            decide = partial(_decide, variant, index, thresholds, candidates, reaches, known)
            decided = attempt(variant.path, decide)  # one variant's bug must not cost the run
            (matches if isinstance(decided, Match) else rejected).append(decided)  # type: ignore[arg-type]
    return Assignment(matches, rejected, reaches)


def merge_assignments(parts: Iterable[Assignment]) -> Assignment:
    """The assignments of shards of the variants, as one, in shard order (a run puts its
    decisions in variant order once: tasks/match/reuse.py `in_variant_order`)."""
    matches: list[Match] = []
    rejected: list[Rejection] = []
    reaches: dict[str, Reach] = {}
    for part in parts:
        matches.extend(part.matches)
        rejected.extend(part.rejected)
        reaches.update(part.reaches)
    return Assignment(matches, rejected, reaches)


def _decide(
    variant: Text,
    index: MatchIndex,
    thresholds: Thresholds,
    candidates: int,
    reaches: dict[str, Reach],
    reached: Reached | None = None,
) -> Match | Rejection:
    """Candidates that can be accepted come first, then by how far they clear the threshold
    of the measure that scored them, so that scores of the two measures are never compared
    raw. What the candidates rested on goes into `reaches`."""
    variant_units, variant_id = Units(variant.body), record_id(variant.body)
    if reached is None:
        found = index.candidates.lookup(lookup_text(variant), candidates)
    else:
        found = merged_lookup(reached, index, candidates)
    made = [index.score(variant_units, variant_id, candidate) for candidate in found.candidates]
    pairs = tuple((key, encoded) for _, key, encoded in made)
    reaches[variant.path] = Reach.of(found, index, candidates, pairs)
    scored = sorted(
        (item for item, _, _ in made),
        key=lambda item: (
            not thresholds.accepts(item),
            -thresholds.excess(item),
            -item.similarity,
            in_input_order(index.path(item.source)),
        ),
    )
    evidence = [CandidateScore(source=index.path(item.source), score=item.score) for item in scored]
    if not scored or not thresholds.accepts(scored[0]):
        return _no_match(variant.path, evidence, scored[:1], thresholds, index.source_count)
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
            index.units(best.source).segments(best.by_words),
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
