"""Build: one validated `ArticleRecord` per source, with its variants attached best first."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tasks.match.duplicates import SourceGroups, same_text_key
from tasks.models import ArticleRecord, FieldOrigin, Match, ParsedDocument, VariantRef


@dataclass(frozen=True)
class Attached:
    ref: VariantRef
    document: ParsedDocument


def record_id(body: str) -> str:
    """Stable id from content: the same clean body always gets the same id.

    >>> record_id("The Trump administration")
    '566bc5795bdf0ef2'
    """
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def attach(document: ParsedDocument, source_key: str, match: Match | None) -> Attached:
    """A variant's entry: its provenance plus the match evidence (none for a duplicate
    source, which is grouped by identical text rather than scored)."""
    ref = VariantRef(
        **document.origin.model_dump(),
        score=match.score if match else 100.0,
        measure=match.measure if match else None,
        margin=match.margin if match else None,
        runner_up=match.runner_up if match else None,
        alignment=match.alignment if match else None,
        duplicate=same_text_key(document.body) == source_key,
        date=document.header.date if document.header else None,
    )
    return Attached(ref, document)


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


def build_records(
    groups: SourceGroups, variants: Sequence[ParsedDocument], matches: Sequence[Match]
) -> list[ArticleRecord]:
    """Records in source path order; each record's variants by score, then path."""
    keys = {source.path: same_text_key(source.body) for source in groups.canonical}
    attached: dict[str, list[Attached]] = defaultdict(list)
    for copy, canonical in groups.duplicates:
        attached[canonical].append(attach(copy, keys[canonical], None))
    by_path = {variant.path: variant for variant in variants}
    for match in matches:
        attached[match.source].append(attach(by_path[match.variant], keys[match.source], match))
    records = []
    for source in groups.canonical:
        ranked = sorted(attached[source.path], key=lambda a: (-a.ref.score, a.ref.path))
        title, title_from = pick_field("title", source, ranked)
        place, place_from = pick_field("place", source, ranked)
        assert source.header is not None, "only dated documents are sources"
        records.append(
            ArticleRecord(
                id=record_id(source.body),
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
                variants=[a.ref for a in ranked],
            )
        )
    return records
