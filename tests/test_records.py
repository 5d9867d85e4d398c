from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import tasks.records.ledger as ledger_module
from tasks.match.duplicates import SourceGroups, group_duplicate_sources
from tasks.models import ArticleRecord, InputFile, Match, ParsedDocument, Rejection, RejectReason
from tasks.read.names import display_name
from tasks.records.accounting import AccountingError, check_accounting
from tasks.records.ledger import LedgerEntry, Outcome, ledger_end, ledger_line, ledger_lines
from tasks.records.records import build_record, plan_records
from tasks.refs import DocumentRef, record_id
from tests.helpers import match, parsed

DAY = dt.date(2025, 5, 15)


def groups_of(sources: list[ParsedDocument]) -> SourceGroups:
    return group_duplicate_sources([DocumentRef.of(source) for source in sources])


def records(
    sources: list[ParsedDocument], variants: list[ParsedDocument], matches: list[Match]
) -> list[ArticleRecord]:
    """The records, built from the documents themselves (the run reads them from the parse
    cache)."""
    by_path = {document.path: document for document in [*sources, *variants]}
    refs = [DocumentRef.of(variant) for variant in variants]
    plans = plan_records(groups_of(sources), refs, matches)
    return [build_record(plan, lambda ref: by_path[ref.path]) for plan in plans]


def test_record_takes_title_and_place_from_best_variant_with_one() -> None:
    source = parsed("s", "Body text.", DAY)
    variants = [
        parsed("v1", "Body.", title=None, place="Oslo"),
        parsed("v2", "Body text", title="Second title"),
        parsed("v3", "Body", title="Best title"),
    ]
    matches = [
        match("v1", "s", 95.0),
        match("v2", "s", 80.0),
        match("v3", "s", 90.0),
    ]
    (record,) = records([source], variants, matches)
    assert [v.path for v in record.variants] == ["v1", "v3", "v2"]
    assert (record.title, record.title_from and record.title_from.path) == ("Best title", "v3")
    assert (record.place, record.place_from and record.place_from.role) == ("Oslo", "variant")
    assert record.id == record_id("Body text.")


def test_source_title_wins() -> None:
    source = parsed("s", "Body.", DAY, title="Own title", place="Rome")
    variant = parsed("v", "Body, edited.", title="Other")
    (record,) = records([source], [variant], [match("v", "s", 70.0)])
    assert record.title_from is not None and record.title_from.role == "source"
    assert record.title == "Own title" and record.place == "Rome"
    assert record.variants[0].duplicate is False


def test_duplicate_sources_become_one_record_keeping_each_date() -> None:
    later = parsed("a-later", "Same body,\nwrapped differently.", dt.date(2025, 5, 16))
    original = parsed("b-original", "Same body, wrapped\ndifferently.", DAY)
    (record,) = records([later, original], [], [])
    assert (record.source.path, record.date) == ("b-original", DAY)
    assert [(v.path, v.score, v.duplicate, v.date) for v in record.variants] == [
        ("a-later", 100.0, True, dt.date(2025, 5, 16))
    ]


def test_variants_tie_break_by_path() -> None:
    source = parsed("s", "Body.", DAY)
    variants = [parsed("b", "Body."), parsed("a", "Body.")]
    matches = [match(p, "s", 100.0) for p in ("b", "a")]
    (record,) = records([source], variants, matches)
    assert [(v.path, v.duplicate) for v in record.variants] == [("a", True), ("b", True)]


def test_record_model_is_strict() -> None:
    (record,) = records([parsed("s", "Body.", DAY)], [], [])
    data = record.model_dump()
    with pytest.raises(ValidationError):
        ArticleRecord.model_validate({**data, "unexpected": 1})
    with pytest.raises(ValidationError):
        ArticleRecord.model_validate({**data, "body": ""})
    with pytest.raises(ValidationError):
        ArticleRecord.model_validate({**data, "id": "not-hex"})
    assert ArticleRecord.model_validate_json(record.model_dump_json()) == record


def _file(path: str) -> InputFile:
    return InputFile(path=path, location=f"/in/{path}")


def test_accounting_passes_when_every_file_is_placed_once() -> None:
    (record,) = plan_records(groups_of([parsed("s", "Body.", DAY)]), [], [])
    rejected = [Rejection(path="r", reason=RejectReason.EMPTY, detail="x")]
    check_accounting([_file("s"), _file("r")], [], [record], rejected)


def test_accounting_names_missing_and_repeated_files() -> None:
    (record,) = plan_records(groups_of([parsed("s", "Body.", DAY)]), [], [])
    rejected = [Rejection(path="s", reason=RejectReason.EMPTY, detail="x")]
    with pytest.raises(AccountingError) as caught:
        check_accounting([_file("s"), _file("lost")], [], [record], rejected)
    assert str(caught.value) == (
        "outputs do not account for the inputs: missing ['lost'] (1 in all), "
        "unexpected or repeated ['s'] (1 in all)"
    )


@given(
    path=st.text(min_size=1).map(display_name),
    sha256=st.none() | st.text("0123456789abcdef", min_size=64, max_size=64),
    outcome=st.sampled_from(["source", "variant", "duplicate", "rejected"]),
    record=st.none() | st.text("0123456789abcdef", min_size=16, max_size=16),
    reason=st.none() | st.sampled_from(RejectReason),
)
def test_a_ledger_line_is_the_entry_models_json(
    path: str,
    sha256: str | None,
    outcome: Outcome,
    record: str | None,
    reason: RejectReason | None,
) -> None:
    """The ledger's lines are written without models: byte for byte what the model writes,
    and read back as the same entry."""
    entry = LedgerEntry(path=path, sha256=sha256, outcome=outcome, record=record, reason=reason)
    line = ledger_line(path, sha256, outcome, ledger_end(record, reason))
    assert line == (entry.model_dump_json() + "\n").encode()
    assert LedgerEntry.model_validate_json(line) == entry


@given(
    st.lists(st.sampled_from("abcdef"), max_size=8),
    st.lists(st.sampled_from("abcdef"), max_size=8),
)
def test_accounting_fails_exactly_when_the_placed_paths_are_not_the_inputs(
    inputs: list[str], placed: list[str]
) -> None:
    """Against counting both sides: the check by sets must pass and fail as counts do."""
    rejected = [Rejection(path=path, reason=RejectReason.EMPTY, detail="x") for path in placed]
    files = [_file(path) for path in inputs]
    if Counter(inputs) == Counter(placed):
        check_accounting(files, [], [], rejected)
    else:
        with pytest.raises(AccountingError):
            check_accounting(files, [], [], rejected)


@pytest.mark.parametrize("feed", [False, True], ids=["files", "a feed's articles"])
def test_the_ledger_lists_every_input_in_input_order(
    feed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sources, variants, duplicates and rejections, each once, in path order (a feed's
    articles in line order), in chunks of `LINES_AT_ONCE` lines."""
    monkeypatch.setattr(ledger_module, "LINES_AT_ONCE", 2)

    def name(number: int) -> str:
        return f"f.jsonl#{number}" if feed else f"{number:02d}.txt"

    source, copy = parsed(name(2), "Body.", DAY), parsed(name(10), "Body.", DAY)
    variant = parsed(name(9), "Body, reprinted.")
    plans = plan_records(groups_of([source, copy]), [DocumentRef.of(variant)],
                         [match(variant.path, source.path, 90.0)])  # fmt: skip
    rejected = [Rejection(path=name(1), reason=RejectReason.EMPTY, detail="")]
    hashes = {document.path: document.origin.sha256 for document in (source, copy, variant)}
    hashes[name(1)] = "f" * 64  # read, then rejected
    chunks = list(ledger_lines(hashes, plans, rejected))
    entries = [LedgerEntry.model_validate_json(line) for line in b"".join(chunks).splitlines()]
    assert [len(chunk.splitlines()) for chunk in chunks] == [2, 2]
    record = plans[0].id
    assert [(entry.path, entry.outcome, entry.record) for entry in entries] == [
        (name(1), "rejected", None),
        (name(2), "source", record),
        (name(9), "variant", record),
        (name(10), "duplicate", record),
    ]
    assert [entry.sha256 for entry in entries] == ["f" * 64, source.origin.sha256, variant.origin.sha256,
                                                   copy.origin.sha256]  # fmt: skip
