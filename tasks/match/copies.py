"""Variants that are the same file, byte for byte, are decided once.

Archives receive the same file more than once (a feed delivering a story again, an export
copied into two folders). A variant's decision depends on its text and on the sources only
(assign.py), and a file's parse on its bytes only, so two variants with the same SHA-256
get the same decision: the first of them is decided, and each copy gets that decision under
its own path.
"""

from __future__ import annotations

from collections.abc import Sequence

from tasks.match.assign import Assignment
from tasks.models import Match, Rejection
from tasks.refs import DocumentRef


def distinct(variants: Sequence[DocumentRef]) -> list[DocumentRef]:
    """The first variant of each SHA-256, in order.

    >>> refs = [DocumentRef(path, sha, None, b"", "") for path, sha in
    ...         [("a", "1"), ("b", "2"), ("c", "1")]]
    >>> [ref.path for ref in distinct(refs)]
    ['a', 'b']
    """
    first: dict[str, DocumentRef] = {}
    for variant in variants:
        first.setdefault(variant.sha256, variant)
    return list(first.values())


def for_copies(decided: Assignment, variants: Sequence[DocumentRef]) -> Assignment:
    """`decided`, the assignment of `distinct(variants)`, for every one of `variants`: a
    copy gets its first's match, rejection and reach under its own path."""
    firsts = {variant.sha256: variant.path for variant in distinct(variants)}
    matches = {match.variant: match for match in decided.matches}
    rejections = {rejection.path: rejection for rejection in decided.rejected}
    found: list[Match] = []
    rejected: list[Rejection] = []
    reaches = {}
    for variant in variants:
        first = firsts[variant.sha256]
        if first in matches:
            found.append(match_at(matches[first], variant.path))
        if first in rejections:
            rejected.append(rejection_at(rejections[first], variant.path))
        if first in decided.reaches:
            reaches[variant.path] = decided.reaches[first]
    return Assignment(found, rejected, reaches)


def match_at(match: Match, path: str) -> Match:
    """`match`, a copy's, as the copy at `path` has it."""
    return match if match.variant == path else match.model_copy(update={"variant": path})


def rejection_at(rejection: Rejection, path: str) -> Rejection:
    """`rejection`, a copy's, as the copy at `path` has it."""
    return rejection if rejection.path == path else rejection.model_copy(update={"path": path})
