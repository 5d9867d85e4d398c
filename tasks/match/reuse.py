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
from dataclasses import dataclass

from tasks.match.assign import Assignment, Reach
from tasks.match.copies import match_at, rejection_at
from tasks.match.index_update import SourceChange
from tasks.match.reached import Reached
from tasks.models import Match, Model, Rejection
from tasks.refs import DocumentRef


class Decided(Model):
    """One text's decision, and what it rested on (`Reach`), as the next run reads it. It
    names the variant it was made for (`variant`, its match's or rejection's path: the first
    of that text's then, perhaps gone since); every copy of the text has it under its own
    path (tasks/match/copies.py), so the next run reads and judges a text once."""

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


@dataclass(frozen=True)
class Kept:
    """Of an earlier run's decisions, those that still hold (by variant path: copies of a
    text share its decision), and those that only sources added since can change
    (tasks/match/reached.py)."""

    held: dict[str, Decided]
    reached: dict[str, Reached]


def kept_decisions(
    sources_before: dict[str, str],
    decided: dict[str, Decided],
    change: SourceChange,
    variants: Sequence[DocumentRef],
    to_decide: Callable[[DocumentRef], None] = lambda variant: None,
) -> Kept:
    """Of the earlier run's decisions (`decided`, by the SHA-256 of the text, made against
    sources of `sources_before`: path -> SHA-256), those that still hold after `change`, the
    update of the index to this run's sources, and those that added sources reach. None is
    kept when the index held other sources than those (a run stopped between updating it and
    keeping its decisions), nor when there were or are no sources (a rejection then says so).
    `to_decide` hears of each variant found to need deciding, as it is found. A text is
    judged once, for all its copies (the scale archive holds each text about 5 times:
    10,755 variants, 2,246 texts)."""
    kept = Kept({}, {})
    if not sources_before or not change.now or change.before != sources_before:
        return kept
    verdicts: dict[str, Decided | Reached | None] = {}
    for variant in variants:
        text = variant.sha256
        if text in verdicts:
            judged = verdicts[text]
        else:
            judged = verdicts[text] = judge(variant, decided.get(text), change)
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


def decisions_of(
    assignment: Assignment,
    variants: Iterable[DocumentRef],
    kept: Mapping[str, Decided] | None = None,
) -> list[Decided]:
    """The decisions worth keeping for the next run, one per text (its first variant's):
    those with what they rested on, in the order of `variants`. `kept` holds the last
    run's decisions that still hold, by variant: taken as they are, not made again (a 1 %
    rerun keeps nearly all of them)."""
    matches = {match.variant: match for match in assignment.matches}
    rejections = {rejection.path: rejection for rejection in assignment.rejected}
    decided = []
    texts: set[str] = set()
    for variant in variants:
        earlier = kept.get(variant.path) if kept else None
        reach = assignment.reaches.get(variant.path)
        if variant.sha256 in texts or (earlier is None and reach is None):
            continue  # its text's decision is in already, or it has none to keep
        texts.add(variant.sha256)
        if earlier is not None:
            decided.append(earlier)
        elif reach is not None:
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


def reused_assignment(held: Mapping[str, Decided]) -> Assignment:
    """The assignment the `held` decisions (by variant path) make, each under its own path."""
    matches: list[Match] = []
    rejected: list[Rejection] = []
    reach: dict[str, Reach] = {}
    reaches: dict[int, Reach] = {}  # by decision: copies share it
    for path, item in held.items():
        if item.match is not None:
            matches.append(match_at(item.match, path))
        if item.rejection is not None:
            rejected.append(rejection_at(item.rejection, path))
        made = reaches.get(id(item))
        if made is None:
            made = reaches[id(item)] = item.reach()
        reach[path] = made
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
