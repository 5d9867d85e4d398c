"""Build: one validated `ArticleRecord` per source, with its variants attached best first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from tasks.extract.formats import in_input_order
from tasks.match.duplicates import SourceGroups
from tasks.memory import paused_garbage_collection
from tasks.models import ArticleRecord, FieldOrigin, Match, ParsedDocument, VariantRef
from tasks.refs import DocumentRef

DocumentOf = Callable[[DocumentRef], ParsedDocument]  # where the parsed documents are read


@dataclass(frozen=True, slots=True)
class Attached:
    """A document on a record other than its source: a matched variant (with its `match`)
    or a duplicate source (none: grouped by identical text, not scored)."""

    document: DocumentRef
    match: Match | None
    duplicate: bool  # its clean body is the source's, up to line wrapping

    @property
    def score(self) -> float:
        return self.match.score if self.match else 100.0


@dataclass(frozen=True, slots=True)
class Planned:
    """A record before it is built: its source and what attaches to it, best first. The
    run counts, checks and lists its records from these; each record is built only as it
    is written (a million built records took more than a gigabyte)."""

    source: DocumentRef
    attached: list[Attached]

    @property
    def id(self) -> str:
        return self.source.record_id


def variant_ref(item: Attached, document: ParsedDocument) -> VariantRef:
    """A variant's entry (`document` is its parse): its provenance plus the match evidence."""
    return VariantRef(**document.origin.model_dump(), **evidence(item))


def evidence(item: Attached) -> dict[str, Any]:
    """What a variant's entry says of how it attached, besides its provenance."""
    match = item.match
    return {
        "score": item.score,
        "measure": match.measure if match else None,
        "margin": match.margin if match else None,
        "runner_up": match.runner_up if match else None,
        "alignment": match.alignment if match else None,
        "duplicate": item.duplicate,
        "date": item.document.date,
    }


def pick_field(
    name: Literal["title", "place"], source: ParsedDocument, variants: Sequence[ParsedDocument]
) -> tuple[str | None, FieldOrigin | None]:
    """The source's value, else the best-matching variant's that has one, and where from."""
    value = getattr(source, name)
    if value:
        return value, FieldOrigin(role="source", path=source.path)
    for variant in variants:
        value = getattr(variant, name)
        if value:
            return value, FieldOrigin(role="variant", path=variant.path)
    return None, None


@paused_garbage_collection()
def plan_records(
    groups: SourceGroups, variants: Sequence[DocumentRef], matches: Sequence[Match]
) -> list[Planned]:
    """Records in source path order; each record's variants by score, then path."""
    found: dict[str, list[tuple[DocumentRef, Match | None]]] = defaultdict(list)
    for copy, canonical in groups.duplicates:
        found[canonical].append((copy, None))
    by_path = {variant.path: variant for variant in variants}
    for match in matches:
        found[match.source].append((by_path[match.variant], match))
    plans = []
    for source in groups.canonical:
        attached = [
            Attached(document, match, document.body_key == source.body_key)
            for document, match in found.pop(source.path, [])
        ]
        attached.sort(key=lambda item: (-item.score, in_input_order(item.document.path)))
        plans.append(Planned(source, attached))
    return plans


def build_record(plan: Planned, document_of: DocumentOf) -> ArticleRecord:
    """The planned record, validated, from its documents' parses as `document_of` reads
    them."""
    source = document_of(plan.source)
    attached = [document_of(item.document) for item in plan.attached]
    title, title_from = pick_field("title", source, attached)
    place, place_from = pick_field("place", source, attached)
    assert source.header is not None, "only dated documents are sources"
    return ArticleRecord(
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
        variants=[
            variant_ref(item, document)
            for item, document in zip(plan.attached, attached, strict=True)
        ],
    )
