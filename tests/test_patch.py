"""A record made from its last line equals the record built from every document."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tasks.models import ArticleRecord, ParsedDocument
from tasks.records.patch import patched_record
from tasks.records.records import Attached, Planned, build_record
from tasks.refs import DocumentRef
from tests.helpers import match, parsed

DAY = dt.date(2025, 5, 15)
VARIANTS = 5


def _document(path: str, version: int, title: str | None, place: str | None) -> ParsedDocument:
    """A variant, or a duplicate source when dated: `version` changes its bytes."""
    document = parsed(path, f"Story told, version {version}.", title=title, place=place)
    origin = document.origin.model_copy(update={"sha256": f"{version}" * 64})
    return document.model_copy(update={"origin": origin})


class Documents:
    """The parses a record is built from, counting which are read."""

    def __init__(self, documents: list[ParsedDocument]) -> None:
        self.by_key = {(d.path, d.origin.sha256): d for d in documents}
        self.read: list[str] = []

    def __call__(self, ref: DocumentRef) -> ParsedDocument:
        self.read.append(ref.path)
        return self.by_key[(ref.path, ref.sha256)]


SOURCE = st.builds(
    lambda title, place: parsed("s.txt", "The story.", DAY, title=title, place=place),
    st.sampled_from([None, "", "Source title"]),
    st.sampled_from([None, "Source place"]),
)
# (variant number, version, score or None for a duplicate source, title, place), best first
ITEMS = st.lists(
    st.tuples(
        st.integers(0, VARIANTS - 1),
        st.integers(0, 1),
        st.sampled_from([None, 80.0, 90.0]),
        st.sampled_from([None, "", "A title"]),
        st.sampled_from([None, "A place"]),
    ),
    unique_by=lambda item: item[0],
    max_size=VARIANTS,
)


def _plan(source: ParsedDocument, items: list[tuple[int, int, float | None, str | None, str | None]]
          ) -> tuple[Planned, list[ParsedDocument]]:  # fmt: skip
    attached, documents = [], [source]
    for number, version, score, title, place in items:
        document = _document(f"v{number}.txt", version, title, place)
        if score is None:  # a duplicate source: dated, not scored
            header = source.header
            document = document.model_copy(update={"header": header})
        ref = DocumentRef.of(document)
        found = None if score is None else match(ref.path, "s.txt", score)
        attached.append(Attached(ref, found, duplicate=score is None))
        documents.append(document)
    return Planned(DocumentRef.of(source), attached), documents


@given(SOURCE, ITEMS, ITEMS)
def test_a_record_made_from_its_last_line_is_the_one_built(
    source: ParsedDocument,
    before: list[tuple[int, int, float | None, str | None, str | None]],
    now: list[tuple[int, int, float | None, str | None, str | None]],
) -> None:
    """Whatever attached before and now (documents kept, added, removed, scored again or
    changed, titles and places anywhere), the line is the same bytes."""
    last_plan, last_documents = _plan(source, before)
    plan, documents = _plan(source, now)
    every = Documents([*last_documents, *documents])
    last = ArticleRecord.model_validate_json(build_record(last_plan, every).model_dump_json())
    patched = patched_record(plan, last, every)
    assert patched is not None
    assert patched.model_dump_json() == build_record(plan, every).model_dump_json()


@given(SOURCE, ITEMS, st.integers(0, 1), st.sampled_from([None, "New title"]))
def test_a_document_added_is_the_only_one_read(
    source: ParsedDocument,
    before: list[tuple[int, int, float | None, str | None, str | None]],
    position: int,
    title: str | None,
) -> None:
    kept = [item for item in before if item[0] != 0]
    last_plan, last_documents = _plan(source, kept)
    added = (0, 0, 85.0, title, None)
    plan, documents = _plan(source, [*kept[:position], added, *kept[position:]])
    every = Documents([*last_documents, *documents])
    last = ArticleRecord.model_validate_json(build_record(last_plan, every).model_dump_json())
    every.read.clear()
    assert patched_record(plan, last, every) is not None
    assert every.read == ["v0.txt"]


def test_another_sources_record_is_not_used() -> None:
    plan, documents = _plan(parsed("s.txt", "The story.", DAY), [])
    other, _ = _plan(parsed("t.txt", "Another story.", DAY), [])
    every = Documents([*documents, parsed("t.txt", "Another story.", DAY)])
    assert patched_record(plan, build_record(other, every), every) is None
