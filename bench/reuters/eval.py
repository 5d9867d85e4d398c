"""Score copydesk's output against the truth: accounting, dates, bodies, titles, duplicates.

Only the documented output files are read (articles.jsonl, rejected.jsonl, run.json), the
same contract any user of the product relies on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bench.common.jsonl import Record
from bench.common.output import check_accounting, read_output
from bench.reuters.build import Truth
from bench.reuters.corpus import normalize_words
from bench.reuters.metrics import (
    BodyScores,
    Examples,
    Outcome,
    Tally,
    first_difference,
    mismatch_kind,
    same_moment,
)

MAX_BODY_EXAMPLES = 5
MAX_REASON_EXAMPLES = 3


@dataclass
class Evaluation:
    """Everything the report prints, filled in by one pass over the output."""

    files: int
    run: dict[str, Any]
    accounting_errors: list[str]
    expected_duplicates: int
    outcomes: defaultdict[str, Outcome] = field(default_factory=lambda: defaultdict(Outcome))
    malformed_outcome: Outcome = field(default_factory=Outcome)
    date_by_form: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    malformed: Tally = field(default_factory=Tally)
    malformed_published: Tally = field(default_factory=Tally)
    date_mismatches: Examples = field(default_factory=Examples)
    published_by_form: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    published_mismatches: Examples = field(default_factory=Examples)
    undated: Examples = field(default_factory=Examples)
    body: BodyScores = field(default_factory=BodyScores)
    title: Tally = field(default_factory=Tally)
    spurious_titles: Examples = field(default_factory=Examples)
    spurious_places: Examples = field(default_factory=Examples)
    rejections: Counter[str] = field(default_factory=Counter)
    rejection_examples: defaultdict[str, Examples] = field(
        default_factory=lambda: defaultdict(Examples)
    )
    duplicate_dates_lost: Examples = field(default_factory=Examples)
    split_duplicates: Examples = field(default_factory=Examples)


def duplicate_groups(truths: list[Truth]) -> list[list[Truth]]:
    """Files sharing a body word for word: one story, so one record is expected."""
    groups: defaultdict[str, list[Truth]] = defaultdict(list)
    for truth in truths:
        groups[truth.body_words].append(truth)
    return [group for group in groups.values() if len(group) > 1]


def evaluate(truths: list[Truth], out: Path) -> Evaluation:
    """Compare the output folder with the truth; see `Evaluation` for what is measured."""
    output = read_output(out)
    seen, home = output.home_of()
    groups = duplicate_groups(truths)
    result = Evaluation(
        files=len(truths),
        run=output.run,
        accounting_errors=check_accounting((truth.path for truth in truths), seen),
        expected_duplicates=sum(len(group) - 1 for group in groups),
    )
    by_path = {truth.path: truth for truth in truths}
    for truth in truths:
        for outcome in _outcomes(result, truth):
            outcome.files += 1
    for record in output.records:
        _score_source(result, by_path[record["source"]["path"]], record)
        for variant in record["variants"]:
            _score_variant(result, by_path[variant["path"]], variant, record)
    for rejection in output.rejected:
        _score_rejection(result, by_path[rejection["path"]], rejection)
    for group in groups:
        if len({home.get(truth.path) for truth in group}) > 1:
            result.split_duplicates.add(", ".join(truth.path for truth in group))
    return result


def _outcomes(result: Evaluation, truth: Truth) -> list[Outcome]:
    """The form's row, plus the malformed-DATE row when the raw value is malformed."""
    return [result.outcomes[truth.form], *([result.malformed_outcome] * truth.malformed)]


def _score_source(result: Evaluation, truth: Truth, record: Record) -> None:
    for outcome in _outcomes(result, truth):
        outcome.sources += 1
    _tally(
        truth,
        record["date"] == truth.date,
        (result.date_by_form, result.malformed, result.date_mismatches),
        f"`{truth.path}` {truth.form} raw `{truth.raw_date}` (header read as "
        f"`{record['date_raw']}`): got {record['date']}, want {truth.date}",
    )
    _score_published(result, truth, record)
    _score_body(result.body, truth, normalize_words(record["body"]))
    _score_title_and_place(result, truth, record)


def _tally(
    truth: Truth,
    ok: bool,
    tallies: tuple[defaultdict[str, Tally], Tally, Examples],
    mismatch: str,
) -> None:
    """Count one reading by header form and on the malformed subset; keep a mismatch."""
    by_form, malformed, mismatches = tallies
    by_form[truth.form].add(ok)
    if truth.malformed:
        malformed.add(ok)
    if not ok:
        mismatches.add(mismatch)


def _score_published(result: Evaluation, truth: Truth, record: Record) -> None:
    """The header's time and zone, where it states one; nothing where it does not."""
    _tally(
        truth,
        same_moment(record["published_at"], truth.published_at),
        (result.published_by_form, result.malformed_published, result.published_mismatches),
        f"`{truth.path}` {truth.form} raw `{truth.raw_date}`: "
        f"got {record['published_at']}, want {truth.published_at}",
    )


def _score_body(scores: BodyScores, truth: Truth, got: str) -> None:
    body_ok = got == truth.body_words
    scores.by_encoding[truth.encoding].add(body_ok)
    scores.by_newline[truth.newline].add(body_ok)
    scores.by_form[truth.form].add(body_ok)
    scores.by_title["title line" if truth.has_title else "no title line"].add(body_ok)
    if body_ok:
        return
    scores.ratios.append(fuzz.ratio(got, truth.body_words))
    kind = mismatch_kind(got, truth.body_words)
    scores.kinds[kind] += 1
    if len(scores.examples[kind]) < MAX_BODY_EXAMPLES:
        example = {"path": truth.path, "form": truth.form, "encoding": truth.encoding}
        scores.examples[kind].append(example | first_difference(got, truth.body_words))


def _score_title_and_place(result: Evaluation, truth: Truth, record: Record) -> None:
    """A title line must become the title; no body line may become one. The bodies carry no
    dateline (Reuters keeps it apart), so any place the source yields is misread."""
    role = (record["title_from"] or {}).get("role")
    if truth.has_title:
        result.title.add(role == "source" and record["title"] == truth.title)
    elif role == "source":
        result.spurious_titles.add(f"`{truth.path}`: {record['title']!r}")
    if record["place"] and (record["place_from"] or {}).get("role") == "source":
        title = f"title line {truth.title!r}" if truth.has_title else "no title line"
        result.spurious_places.add(f"`{truth.path}`: {record['place']!r} ({title})")


def _score_variant(result: Evaluation, truth: Truth, variant: Record, record: Record) -> None:
    """A duplicate is expected; any other variant is a dated file whose header was missed."""
    for outcome in _outcomes(result, truth):
        if variant["duplicate"]:
            outcome.duplicates += 1
        else:
            outcome.undated_variants += 1
    source = record["source"]["path"]
    if not variant["duplicate"]:
        result.undated.add(
            f"`{truth.path}` {truth.form} raw `{truth.raw_date}` -> variant of {source} "
            f"(score {variant['score']})"
        )
    elif truth.date != record["date"]:
        result.duplicate_dates_lost.add(
            f"`{truth.path}` dated {truth.date} folded into `{source}` dated {record['date']}"
        )


def _score_rejection(result: Evaluation, truth: Truth, rejection: Record) -> None:
    for outcome in _outcomes(result, truth):
        outcome.rejected += 1
    result.rejections[rejection["reason"]] += 1
    result.rejection_examples[rejection["reason"]].add(
        f"`{truth.path}` ({truth.form}, {truth.encoding}): {rejection['detail']}",
        MAX_REASON_EXAMPLES,
    )
