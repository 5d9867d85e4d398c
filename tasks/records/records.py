"""Build: one validated `ArticleRecord` per source, with its variants attached best first."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from tasks.match.duplicates import SourceGroups, same_text_key
from tasks.models import ArticleRecord, FieldOrigin, Match, ParsedDocument, VariantRef


@dataclass(frozen=True)
class Attached:
    """A document on a record other than its source: a matched variant (with its `match`)
    or a duplicate source (none: grouped by identical text, not scored)."""

    document: ParsedDocument
    match: Match | None
    duplicate: bool  # its clean body is the source's, up to line wrapping

    @property
    def score(self) -> float:
        return self.match.score if self.match else 100.0


@dataclass(frozen=True)
class Planned:
    """A record before it is built: its source and what attaches to it, best first. The
    run counts, checks and lists its records from these; each record is built only as it
    is written (a million built records took more than a gigabyte)."""

    source: ParsedDocument
    id: str  # record_id of the source's body
    attached: list[Attached]

    @property
    def paths(self) -> list[str]:
        return [self.source.path, *(item.document.path for item in self.attached)]


def record_id(body: str) -> str:
    """Stable id from content: the same clean body always gets the same id.

    >>> record_id("The Trump administration")
    '566bc5795bdf0ef2'
    """
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def variant_ref(item: Attached) -> VariantRef:
    """A variant's entry: its provenance plus the match evidence."""
    match = item.match
    return VariantRef(
        **item.document.origin.model_dump(),
        score=item.score,
        measure=match.measure if match else None,
        margin=match.margin if match else None,
        runner_up=match.runner_up if match else None,
        alignment=match.alignment if match else None,
        duplicate=item.duplicate,
        date=item.document.header.date if item.document.header else None,
    )


def pick_field(
    name: Literal["title", "place"], source: ParsedDocument, variants: Sequence[Attached]
) -> tuple[str | None, FieldOrigin | None]:
    """The source's value, else the best-matching variant's that has one, and where from."""
    value = getattr(source, name)
    if value:
        return value, FieldOrigin(role="source", path=source.path)
    for variant in variants:
        value = getattr(variant.document, name)
        if value:
            return value, FieldOrigin(role="variant", path=variant.document.path)
    return None, None


def plan_records(
    groups: SourceGroups, variants: Sequence[ParsedDocument], matches: Sequence[Match]
) -> list[Planned]:
    """Records in source path order; each record's variants by score, then path."""
    found: dict[str, list[tuple[ParsedDocument, Match | None]]] = defaultdict(list)
    for copy, canonical in groups.duplicates:
        found[canonical].append((copy, None))
    by_path = {variant.path: variant for variant in variants}
    for match in matches:
        found[match.source].append((by_path[match.variant], match))
    plans = []
    for source in groups.canonical:
        key = same_text_key(source.body) if source.path in found else ""
        attached = [
            Attached(document, match, same_text_key(document.body) == key)
            for document, match in found.pop(source.path, [])
        ]
        attached.sort(key=lambda item: (-item.score, item.document.path))
        plans.append(Planned(source, record_id(source.body), attached))
    return plans


def build_records(plans: Iterable[Planned]) -> Iterator[ArticleRecord]:
    """Each planned record, validated, one at a time."""
    for plan in plans:
        source = plan.source
        title, title_from = pick_field("title", source, plan.attached)
        place, place_from = pick_field("place", source, plan.attached)
        assert source.header is not None, "only dated documents are sources"
        yield ArticleRecord(
            id=plan.id,
            title=title,
            title_from=title_from,
            date=source.header.date,
            published_at=source.header.published_at,
            date_ambiguous=source.header.ambiguous,
            date_raw=source.header.raw,
            place=place,
            place_from=place_from,
            body=source.body,
            source=source.origin,
            variants=[variant_ref(item) for item in plan.attached],
        )
