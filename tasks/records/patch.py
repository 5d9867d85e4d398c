"""A record made again from its last line, reading only the documents that line lacks.

A record's plan changes when a document attaches to it, leaves it or is scored again. The
rest of what its line is made of does not change: the source's fields, and the entry of
every attached document whose match did not change (an entry is the document's provenance,
a function of its parse, and its match evidence). So a record whose last line was built by
the same code and options (`tasks/output/record_lines.py` checks that) is made from that
line, and only the documents it does not describe are read from the parse cache. In an
archive that adds 1 % of its files, the new copies of a story join records of dozens of
documents: building those records again read every one of them.

The title and the place are picked as `build_record` picks them: the source's, else the
first attached document's, best first, that has one. The last line says which one that
was, so the documents ranked before it then had none; a document it says nothing of (new,
or ranked after it then) is read when the pick gets to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from tasks.models import ArticleRecord, FieldOrigin, ParsedDocument, VariantRef
from tasks.records.records import Attached, DocumentOf, Planned, evidence, variant_ref

Field = Literal["title", "place"]


def patched_record(
    plan: Planned, last: ArticleRecord, document_of: DocumentOf
) -> ArticleRecord | None:
    """`plan`'s record, as `build_record` builds it, from `last` (this source's record in the
    last run, built by the same code and options) and the documents `last` does not
    describe, read by `document_of`; None when `last` is another source's record."""
    if (last.source.path, last.source.sha256) != (plan.source.path, plan.source.sha256):
        return None
    entries = {(entry.path, entry.sha256): entry for entry in last.variants}
    read: dict[str, ParsedDocument] = {}

    def parse_of(item: Attached) -> ParsedDocument:
        document = read.get(item.document.path)
        if document is None:
            document = read[item.document.path] = document_of(item.document)
        return document

    title, title_from = _picked("title", plan, last, parse_of)
    place, place_from = _picked("place", plan, last, parse_of)
    variants = [_entry(item, entries, parse_of) for item in plan.attached]
    return ArticleRecord(
        id=plan.id,
        title=title,
        title_from=title_from,
        date=last.date,
        published_at=last.published_at,
        date_ambiguous=last.date_ambiguous,
        date_raw=last.date_raw,
        place=place,
        place_from=place_from,
        body=last.body,
        source=last.source,
        variants=variants,
    )


def _entry(
    item: Attached,
    entries: dict[tuple[str, str], VariantRef],
    parse_of: Callable[[Attached], ParsedDocument],
) -> VariantRef:
    """`item`'s entry: the last line's, when it describes this document attached the same
    way; else made from its parse."""
    entry = entries.get((item.document.path, item.document.sha256))
    if entry is not None and _evidence_of(entry) == evidence(item):
        return entry
    return variant_ref(item, parse_of(item))


def _evidence_of(entry: VariantRef) -> dict[str, object]:
    return {name: getattr(entry, name) for name in _EVIDENCE}


_EVIDENCE = (
    "score", "measure", "margin", "runner_up", "alignment", "duplicate", "date",
)  # fmt: skip


def _picked(
    name: Field, plan: Planned, last: ArticleRecord, parse_of: Callable[[Attached], ParsedDocument]
) -> tuple[str | None, FieldOrigin | None]:
    """The record's `name` and where it comes from (`pick_field`), reading what `last` does
    not tell."""
    value, origin = getattr(last, name), getattr(last, f"{name}_from")
    if origin is not None and origin.role == "source":
        return value, origin  # the source has one: it comes first
    # The source has none; the documents ranked before the one that had it (all of them,
    # when none had it) had none.
    without: set[tuple[str, str]] = set()
    holder = None
    for entry in last.variants:
        if origin is not None and entry.path == origin.path:
            holder = (entry.path, entry.sha256)
            break
        without.add((entry.path, entry.sha256))
    for item in plan.attached:
        key = (item.document.path, item.document.sha256)
        if key in without:
            continue
        if key == holder:
            return value, origin
        found = getattr(parse_of(item), name)
        if found:
            return found, FieldOrigin(role="variant", path=item.document.path)
    return None, None
