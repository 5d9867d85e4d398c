"""Deciding again only the variants a change of sources can reach.

A variant's decision depends on its own text and on the posting lists of its words, nothing
else (tasks/match/candidates.py): its query weights are its own, the words it looks up are
the heaviest of those that few enough sources hold, its candidates are the best sums over
those words' posting lists, and the candidates' texts are scored. So after sources are
added, changed (the old version removed, the new one added) or removed, a variant whose text
did not change keeps its decision unless
- one of its candidates was removed;
- a word it has became held by too many sources to be looked up, or by few enough, and
  weighs at least the last word it looked up (every such word, when it looked up fewer than
  the most): the words looked up change;
- an added source scores at least the lowest of its candidates over the words it looked up
  (any score, when it had fewer candidates than asked for): the candidates change;
- it was found by the fallback look-up and a word it has changed where that look-up sees it.
Scores of the sources that stay do not move: their weights are their own. The result is the
one a fresh run gives: tests/test_reuse.py checks it against fresh decisions. A decision
keeps the query weights these checks need (`Reach.weights`), so they read no text: checking
10,755 kept decisions took 3-4 s when each variant's text was read and weighed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter

from tasks.match.assign import Assignment, Reach
from tasks.match.index_update import SourceChange
from tasks.match.reached import Reached
from tasks.models import Match, Model, Rejection
from tasks.refs import DocumentRef


class Decided(Model):
    """One variant's decision, and what it rested on (`Reach`), as the next run reads it."""

    variant: str
    sha256: str
    looked_up: list[str]
    cutoff: float | None
    fallback: bool
    candidates: list[str]
    similarities: list[float]
    floor: float
    weights: dict[str, float]
    match: Match | None = None
    rejection: Rejection | None = None

    def reach(self) -> Reach:
        return Reach(tuple(self.looked_up), self.cutoff, self.fallback, tuple(self.candidates),
                     tuple(self.similarities), self.floor, self.weights)  # fmt: skip


# A decision's fields that make its `Reach` (those a `Reach` is compared by), but its query
# weights: they are its text's (the same SHA-256) at or above its cutoff (compared), so they
# are equal whenever those are (comparing them took 2.8 of 4.6 µs a copy).
DERIVED = {"weights"}
_reach_of = attrgetter(
    *(field.name for field in fields(Reach) if field.compare and field.name not in DERIVED)
)


@dataclass(frozen=True)
class Kept:
    """Of an earlier run's decisions, those that still hold (by variant path), and those
    that only sources added since can change (tasks/match/reached.py)."""

    held: dict[str, Decided]
    reached: dict[str, Reached]


def kept_decisions(
    sources_before: dict[str, str],
    decided: dict[str, Decided],
    change: SourceChange,
    variants: Sequence[DocumentRef],
    to_decide: Callable[[DocumentRef], None] = lambda variant: None,
) -> Kept:
    """Of the earlier run's decisions (`decided`, by variant path, made against sources of
    `sources_before`: path -> SHA-256), those that still hold after `change`, the update of
    the index to this run's sources, and those that added sources reach. None is kept when
    the index held other sources than those (a run stopped between updating it and keeping
    its decisions), nor when there were or are no sources (a rejection then says so).
    `to_decide` hears of each variant found to need deciding, as it is found."""
    kept = Kept({}, {})
    if not sources_before or not change.now or change.before != sources_before:
        return kept
    # Copies of a text (one file under several paths) are decided once, alike, and a change
    # judges them alike: each text's first judgement is reused for its copies (the scale
    # archive holds each text about 5 times: 10,755 variants, 2,246 texts).
    by_text: dict[str, tuple[Decided, Decided | Reached | None]] = {}
    for variant in variants:
        earlier = decided.get(variant.path)
        first = by_text.get(variant.sha256)
        if earlier is not None and first is not None and same_reach(first[0], earlier):
            judged = judged_alike(first[1], earlier)
        else:
            judged = judge(variant, earlier, change)
            if earlier is not None:
                by_text.setdefault(variant.sha256, (earlier, judged))
        if isinstance(judged, Decided):
            kept.held[variant.path] = judged
            continue
        if judged is not None:
            kept.reached[variant.path] = judged
        to_decide(variant)
    return kept


def judge(
    variant: DocumentRef, decided: Decided | None, change: SourceChange
) -> Decided | Reached | None:
    """`decided`, an earlier run's decision of this variant, if it is still the decision;
    what added sources score, if only they can change it; None if it must be made again.
    Its `weights` hold every query word the checks below can ask about, so the variant's
    text is not read."""
    if decided is None or decided.sha256 != variant.sha256:
        return None
    if change.removed.intersection(decided.candidates):
        return None
    query = decided.weights
    if decided.fallback:
        held = not (change.seen_by_fallback | change.flipped).intersection(query)
        return decided if held else None
    cutoff = decided.cutoff
    if any(cutoff is None or query[word] >= cutoff for word in change.flipped.intersection(query)):
        return None
    scores: dict[int, float] = defaultdict(float)  # summed in the look-up's order, as it does
    for word in decided.looked_up:
        postings = change.added.get(word)
        if postings is not None:
            for source, in_source in zip(postings.sources, postings.weights, strict=True):
                scores[source] += query[word] * in_source
    reaching = {source: score for source, score in scores.items() if score >= decided.floor}
    return Reached(decided.reach(), reaching) if reaching else decided


def same_reach(one: Decided, other: Decided) -> bool:
    """Whether two decisions rest on the same text and the same `Reach`, so that any change
    judges them alike (compared field by field, not as two `reach()`: 1.8 µs a copy on the
    million-file archive's 89,335 copies)."""
    return one.sha256 == other.sha256 and _reach_of(one) == _reach_of(other)


def judged_alike(judged: Decided | Reached | None, decided: Decided) -> Decided | Reached | None:
    """`judge`'s verdict on a decision with the `same_reach` as one it gave `judged` for:
    the same, but a kept decision is this one."""
    return decided if isinstance(judged, Decided) else judged


def decisions_of(
    assignment: Assignment,
    variants: Iterable[DocumentRef],
    kept: Mapping[str, Decided] | None = None,
) -> list[Decided]:
    """The decisions worth keeping for the next run: those with what they rested on, in the
    order of `variants`. `kept` holds the last run's decisions that still hold, by variant:
    taken as they are, not made again (a 1 % rerun keeps nearly all of them)."""
    matches = {match.variant: match for match in assignment.matches}
    rejections = {rejection.path: rejection for rejection in assignment.rejected}
    decided = []
    for variant in variants:
        earlier = kept.get(variant.path) if kept else None
        if earlier is not None:
            decided.append(earlier)
        elif (reach := assignment.reaches.get(variant.path)) is not None:
            # Not validated again: these are this run's own typed values (validating each
            # query's weights took 1.4 s of a +1 % run at a million files).
            decided.append(Decided.model_construct(
                variant=variant.path,
                sha256=variant.sha256,
                looked_up=list(reach.looked_up),
                cutoff=reach.cutoff,
                fallback=reach.fallback,
                candidates=list(reach.candidates),
                similarities=list(reach.similarities),
                floor=reach.floor,
                weights=reach.weights,
                match=matches.get(variant.path),
                rejection=rejections.get(variant.path),
            ))  # fmt: skip
    return decided


def reused_assignment(decided: Iterable[Decided]) -> Assignment:
    matches: list[Match] = []
    rejected: list[Rejection] = []
    reach: dict[str, Reach] = {}
    for item in decided:
        if item.match is not None:
            matches.append(item.match)
        if item.rejection is not None:
            rejected.append(item.rejection)
        reach[item.variant] = item.reach()
    return Assignment(matches, rejected, reach)


def in_variant_order(assignment: Assignment, variants: Sequence[DocumentRef]) -> Assignment:
    """`assignment` (reused and new decisions together) in the order of `variants`, as one
    run deciding them all gives it."""
    order = {variant.path: number for number, variant in enumerate(variants)}
    return Assignment(
        sorted(assignment.matches, key=lambda match: order[match.variant]),
        sorted(assignment.rejected, key=lambda rejection: order[rejection.path]),
        assignment.reaches,
    )
