"""Render an `Evaluation` as a markdown report: tables a reviewer can paste into an issue."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import zip_longest
from statistics import mean

from bench.common.cli import Measured
from bench.common.report import table
from bench.reuters.eval import Evaluation
from bench.reuters.metrics import Examples, Outcome, Tally, total

MAX_BODY_EXAMPLES = 5


def pct(tally: Tally) -> str:
    return f"{tally.hits}/{tally.total} ({100 * tally.rate:.2f}%)" if tally.total else "-"


def listing(title: str, examples: Examples) -> list[str]:
    """A count, then its examples as a bullet list."""
    return [f"{title}: {examples.count}", *(f"- {item}" for item in examples.items), ""]


def breakdown(key: str, tallies: Mapping[str, Tally]) -> list[str]:
    return [*table((key, "correct"), [(k, pct(tallies[k])) for k in sorted(tallies)]), ""]


def _run_section(result: Evaluation, measured: Measured, label: str) -> list[str]:
    rate = result.files / measured.wall if measured.wall else 0.0
    lines = [f"# copydesk on Reuters-21578 ({label})", "", "## Run", ""]
    lines += table(
        ("files", "wall s", "docs/s", "peak RSS MB"),
        [(result.files, f"{measured.wall:.1f}", f"{rate:.1f}", f"{measured.peak_mb:.0f}")],
    )
    timings = [(t["stage"], t["seconds"]) for t in result.run.get("timings", [])]
    lines += ["", *table(("stage", "seconds"), timings), ""]
    counts = ("inputs", "records", "variants", "rejected")
    lines.append("run.json: " + ", ".join(f"{name} {result.run.get(name)}" for name in counts))
    errors = result.accounting_errors
    verdict = "every file exactly once" if not errors else f"{len(errors)} violations"
    return [*lines, "", "## Accounting", "", verdict, *(f"- {e}" for e in errors[:10]), ""]


def _outcome_row(name: str, outcome: Outcome, *tallies: Tally) -> tuple[object, ...]:
    return (
        name, outcome.files, outcome.sources, outcome.duplicates, outcome.undated_variants,
        outcome.rejected, *(pct(tally) for tally in tallies),
    )  # fmt: skip


def _date_section(result: Evaluation) -> list[str]:
    header = ["form", "files", "sources", "dup variants", "undated variants", "rejected"]
    header += ["date", "published_at"]
    rows = [
        _outcome_row(f, result.outcomes[f], result.date_by_form[f], result.published_by_form[f])
        for f in sorted(result.outcomes)
    ]
    malformed = (result.malformed_outcome, result.malformed, result.malformed_published)
    rows.append(_outcome_row("malformed DATE", *malformed))
    overall = total(list(result.date_by_form.values()))
    lines = ["## Dates (over sources)", "", f"overall: {pct(overall)}", "", *table(header, rows)]
    lines += ["", *listing("date mismatches", result.date_mismatches)]
    lines += listing("published_at mismatches", result.published_mismatches)
    return lines + listing("dated files that came out undated (variants)", result.undated)


def _body_section(result: Evaluation) -> list[str]:
    body = result.body
    lines = ["## Body fidelity (over sources, whitespace-normalized, exact)", ""]
    lines += [f"overall: {pct(total(list(body.by_encoding.values())))}"]
    if body.ratios:
        lines += [f"mismatches: {len(body.ratios)}, mean fuzz.ratio {mean(body.ratios):.1f}"]
    lines += ["", *breakdown("encoding", body.by_encoding)]
    lines += breakdown("newline", body.by_newline)
    lines += breakdown("header form", body.by_form) + breakdown("title", body.by_title)
    lines += [*table(("mismatch kind", "sources"), body.kinds.most_common()), ""]
    for example in _spread(body.examples, MAX_BODY_EXAMPLES):
        lines += [f"- `{example['path']}` ({example['form']}, {example['encoding']})",
                  f"  - got:  `{example['got']}`", f"  - want: `{example['want']}`"]  # fmt: skip
    return [*lines, ""]


def _spread(groups: Mapping[str, list[dict[str, str]]], limit: int) -> list[dict[str, str]]:
    """Up to `limit` examples taken round-robin across groups, so every kind shows."""
    rounds = zip_longest(*(groups[key] for key in sorted(groups)))
    return [example for batch in rounds for example in batch if example][:limit]


def _title_section(result: Evaluation) -> list[str]:
    lines = ["## Titles and places", "", f"title lines read as the title: {pct(result.title)}"]
    lines += ["", *listing("sources without a title line given one", result.spurious_titles)]
    return lines + listing("places read from the source (none exist)", result.spurious_places)


def _rejection_section(result: Evaluation) -> list[str]:
    lines = ["## Rejections and duplicates", ""]
    rows = result.rejections.most_common()
    lines += [*table(("reason", "files"), rows), ""] if rows else ["no rejections", ""]
    for reason, examples in sorted(result.rejection_examples.items()):
        lines += listing(f"{reason} examples", examples)
    got = sum(outcome.duplicates for outcome in result.outcomes.values())
    want = result.expected_duplicates
    lines += [f"duplicate variants: {got} (identical truth bodies predict {want})", ""]
    lines += listing("identical-body groups split across records", result.split_duplicates)
    folded = "duplicates folded into a record of another date"
    return lines + listing(folded, result.duplicate_dates_lost)


def render(result: Evaluation, measured: Measured, label: str) -> str:
    """The whole report, sections in reading order."""
    sections = (
        _run_section(result, measured, label),
        _date_section(result),
        _body_section(result),
        _title_section(result),
        _rejection_section(result),
    )
    return "\n".join(line for section in sections for line in section)
