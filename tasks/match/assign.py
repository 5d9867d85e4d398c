"""Assign each variant to its best source, or reject it with its best candidates as evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tasks.match.align import align_sentences
from tasks.match.candidates import CandidateIndex
from tasks.match.explain import describe_alignment
from tasks.match.thresholds import CANDIDATES, MATCH_THRESHOLD
from tasks.match.units import Sentences, sentences
from tasks.models import CandidateScore, Match, ParsedDocument, Rejection, RejectReason
from tasks.runtime import stage_task

EVIDENCE_CANDIDATES = 3  # candidates listed on a rejection


@dataclass(frozen=True)
class Assignment:
    matches: list[Match]
    rejected: list[Rejection]


@dataclass(frozen=True)
class Scored:
    score: float
    source: int  # index into the sources
    pairs: tuple[tuple[int, int], ...]


class SourceSentences:
    """Each source's sentences, split once, on first use."""

    def __init__(self, sources: Sequence[ParsedDocument]) -> None:
        self._sources = sources
        self._split: dict[int, Sentences] = {}

    def __getitem__(self, number: int) -> Sentences:
        if number not in self._split:
            self._split[number] = sentences(self._sources[number].body)
        return self._split[number]


def assign_variants(
    sources: Sequence[ParsedDocument],
    variants: Sequence[ParsedDocument],
    threshold: float = MATCH_THRESHOLD,
    candidates: int = CANDIDATES,
) -> Assignment:
    """Score each variant against its `candidates` nearest sources; keep the best at or above
    `threshold`, reject the rest with reason `no_matching_source` and the scores as evidence."""
    index = CandidateIndex([source.body for source in sources])
    split_sources = SourceSentences(sources)
    matches: list[Match] = []
    rejected: list[Rejection] = []
    for variant in variants:
        variant_sentences = sentences(variant.body)
        scored = sorted(
            (
                _score(variant_sentences, split_sources[candidate.source], candidate.source)
                for candidate in index.top(variant.body, candidates)
            ),
            key=lambda item: (-item.score, sources[item.source].path),
        )
        evidence = [
            CandidateScore(source=sources[item.source].path, score=item.score) for item in scored
        ]
        if scored and scored[0].score >= threshold:
            best = scored[0]
            runner_up = evidence[1] if len(evidence) > 1 else None
            alignment = describe_alignment(
                variant_sentences, split_sources[best.source], best.pairs
            )
            matches.append(
                Match(
                    variant=variant.path,
                    source=evidence[0].source,
                    score=best.score,
                    margin=round(best.score - (runner_up.score if runner_up else 0.0), 2),
                    runner_up=runner_up,
                    alignment=alignment,
                )
            )
        else:
            rejected.append(_no_match(variant.path, evidence, threshold, len(sources)))
    return Assignment(matches, rejected)


def _score(variant: Sentences, source: Sentences, number: int) -> Scored:
    alignment = align_sentences(variant.texts, source.texts)
    return Scored(alignment.score, number, alignment.pairs)


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
    threshold: float,
) -> Assignment:
    return assign_variants(sources, variants, threshold)
