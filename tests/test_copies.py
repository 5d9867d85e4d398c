"""A file present under several paths is decided once, as if each copy were decided."""

from __future__ import annotations

import datetime as dt
import hashlib

from tasks.match.assign import assign_variants
from tasks.match.copies import distinct, for_copies
from tasks.models import ParsedDocument
from tasks.refs import DocumentRef
from tests.helpers import parsed

DAY = dt.date(2025, 5, 15)
STORIES = [
    "Mayor Brennan opened the Kettleby harbour bridge on Monday. The council paid for it. "
    "Traffic will cross from June.",
    "Zinc and wheat futures fell in Tokyo. Traders blamed the weather. Prices may recover.",
]


def document(path: str, body: str, date: dt.date | None = None) -> ParsedDocument:
    """A document whose SHA-256 is its body's (the same text is the same file here)."""
    made = parsed(path, body, date)
    sha = hashlib.sha256(body.encode()).hexdigest()
    return made.model_copy(update={"origin": made.origin.model_copy(update={"sha256": sha})})


def test_copies_get_the_decision_each_would_get() -> None:
    sources = [document(f"s{n}.txt", story, DAY) for n, story in enumerate(STORIES)]
    texts = [STORIES[0][:60], "Nothing to do with any story here at all.", STORIES[1][:70]]
    variants = [
        document(f"{folder}/v{n}.txt", text)
        for folder in ("feed-a", "feed-b")
        for n, text in enumerate(texts)
    ]
    refs = [DocumentRef.of(variant) for variant in variants]
    assert len(distinct(refs)) == 3
    by_path = {variant.path: variant for variant in variants}
    once = assign_variants(sources, [by_path[ref.path] for ref in distinct(refs)])
    each = assign_variants(sources, variants)
    shared = for_copies(once, refs)
    assert each.matches and each.rejected  # both outcomes are compared
    in_order = sorted(shared.matches, key=lambda match: match.variant)
    assert in_order == sorted(each.matches, key=lambda match: match.variant)
    assert sorted(shared.rejected, key=lambda r: r.path) == sorted(
        each.rejected, key=lambda r: r.path
    )
    assert shared.reaches == each.reaches
