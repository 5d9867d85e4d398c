"""The run summary as rows, rendered as plain text for the terminal or markdown for Prefect."""

from __future__ import annotations

import json

from tasks.models import RunSummary


def summary_rows(summary: RunSummary) -> list[tuple[str, str]]:
    """(label, value) rows: the counts, then one row per rejection reason."""
    rows = [
        ("inputs", str(summary.inputs)),
        ("records", str(summary.records)),
        ("variants", str(summary.variants)),
        ("rejected", str(summary.rejected)),
    ]
    rows.extend(
        (f"  {reason}", str(count)) for reason, count in sorted(summary.rejected_by_reason.items())
    )
    if summary.excluded:
        rows.append(("excluded", str(summary.excluded)))
    if summary.reused:
        rows.append(("cached", str(summary.reused)))
    if summary.not_read:
        rows.append(("unchanged", str(summary.not_read)))
    return rows


def to_text(rows: list[tuple[str, str]]) -> str:
    """
    >>> print(to_text([("inputs", "2"), ("rejected", "10")]))
    inputs     2
    rejected  10
    """
    label_width = max(len(label) for label, _ in rows)
    value_width = max(len(value) for _, value in rows)
    return "\n".join(f"{label:<{label_width}}  {value:>{value_width}}" for label, value in rows)


def to_markdown(rows: list[tuple[str, str]]) -> str:
    """
    >>> print(to_markdown([("inputs", "2")]))
    | | count |
    |---|---:|
    | inputs | 2 |
    """
    lines = ["| | count |", "|---|---:|"]
    lines.extend(f"| {label.strip()} | {value} |" for label, value in rows)
    return "\n".join(lines)


def to_json(summary: RunSummary) -> str:
    """`run.json`'s content, plus `written`: whether this run wrote the output (false when
    the folder was already up to date).

    >>> summary = RunSummary(
    ...     inputs=0, records=0, variants=0, rejected=0, rejected_by_reason={}, timings=[]
    ... )
    >>> json.loads(to_json(summary.model_copy(update={"unchanged": True})))["written"]
    False
    """
    return json.dumps(
        {**summary.model_dump(mode="json"), "written": not summary.unchanged}, indent=2
    )
