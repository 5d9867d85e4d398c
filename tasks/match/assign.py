"""Assign each variant to its best source, or reject it with its best candidate as evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tasks.match.align import align_sentences
from tasks.match.candidates import CandidateIndex
from tasks.match.thresholds import CANDIDATES, MATCH_THRESHOLD
from tasks.match.units import sentences
from tasks.models import Match, ParsedDocument, Rejection, RejectReason
from tasks.runtime import stage_task


@dataclass(frozen=True)
class Assignment:
    matches: list[Match]
    rejected: list[Rejection]


def assign_variants(
    sources: Sequence[ParsedDocument],
    variants: Sequence[ParsedDocument],
    threshold: float = MATCH_THRESHOLD,
    candidates: int = CANDIDATES,
) -> Assignment:
    """Score each variant against its `candidates` nearest sources; keep the best at or above
    `threshold`, reject the rest with reason `no_matching_source`."""
    index = CandidateIndex([source.body for source in sources])
    source_sentences: dict[int, list[str]] = {}
    matches: list[Match] = []
    rejected: list[Rejection] = []
    for variant in variants:
        variant_sentences = sentences(variant.body)
        scored: list[tuple[float, str]] = []
        for candidate in index.top(variant.body, candidates):
            if candidate.source not in source_sentences:
                source_sentences[candidate.source] = sentences(sources[candidate.source].body)
            alignment = align_sentences(variant_sentences, source_sentences[candidate.source])
            scored.append((alignment.score, sources[candidate.source].path))
        scored.sort(key=lambda item: (-item[0], item[1]))
        if scored and scored[0][0] >= threshold:
            matches.append(Match(variant=variant.path, source=scored[0][1], score=scored[0][0]))
        else:
            rejected.append(_no_match(variant.path, scored, threshold, len(sources)))
    return Assignment(matches, rejected)


def _no_match(
    path: str, scored: list[tuple[float, str]], threshold: float, source_count: int
) -> Rejection:
    if not source_count:
        detail = "there is no source (dated document) in this run to match it to"
    elif scored:
        score, best = scored[0]
        detail = f"best candidate {best} scored {score:.1f}, below the threshold {threshold:.1f}"
    else:
        detail = "no source in this run shares any distinctive word with it"
    return Rejection(path=path, reason=RejectReason.NO_MATCHING_SOURCE, detail=detail)


@stage_task("match")
def match_task(
    sources: Sequence[ParsedDocument],
    variants: Sequence[ParsedDocument],
    threshold: float,
) -> Assignment:
    return assign_variants(sources, variants, threshold)
