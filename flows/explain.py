"""`copydesk explain FILE --in OUT`: why a file of a run became a source, a variant or a
rejection, told from the run's own output (no Prefect, no re-run)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tasks.models import ArticleRecord, Rejection, RunSummary, VariantRef
from tasks.output_files import ARTICLES, REJECTED, RUN


class NotInRun(LookupError):
    """The file is not among the run's inputs."""


@dataclass(frozen=True)
class RunOutput:
    summary: RunSummary
    records: list[ArticleRecord]
    rejected: list[Rejection]

    @classmethod
    def load(cls, out: Path) -> RunOutput:
        """Raise FileNotFoundError when `out` holds no complete copydesk output."""
        summary = RunSummary.model_validate_json((out / RUN).read_text(encoding="utf-8"))
        lines = (out / ARTICLES).read_text(encoding="utf-8").splitlines()
        records = [ArticleRecord.model_validate_json(line) for line in lines]
        rejected = [
            Rejection.model_validate_json(line)
            for line in (out / REJECTED).read_text(encoding="utf-8").splitlines()
        ]
        return cls(summary, records, rejected)


def ranges(numbers: list[int]) -> str:
    """
    >>> ranges([1, 2, 3, 5, 7, 8])
    '1-3, 5, 7-8'
    >>> ranges([])
    'none'
    """
    parts: list[str] = []
    for number in numbers:
        if parts and number == int(parts[-1].rsplit("-", 1)[-1]) + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{number}"
        else:
            parts.append(str(number))
    return ", ".join(parts) or "none"


def stored_path(file: str, run: RunOutput) -> str:
    """The run's name for `file`: as given, or relative to the run's input folder."""
    given = Path(file)
    if given.exists() and run.summary.input:
        try:
            return given.resolve().relative_to(Path(run.summary.input).resolve()).as_posix()
        except ValueError:
            pass
    return given.as_posix()


def explain(file: str, run: RunOutput) -> str:
    path = stored_path(file, run)
    for record in run.records:
        if record.source.path == path:
            return _explain_source(record)
        for variant in record.variants:
            if variant.path == path:
                return _explain_variant(variant, record, run.summary.settings)
    for rejection in run.rejected:
        if rejection.path == path:
            return _explain_rejection(rejection)
    raise NotInRun(path)


def _explain_source(record: ArticleRecord) -> str:
    title = f"title {record.title!r}" if record.title else "no title"
    if record.title_from and record.title_from.role == "variant":
        title += f" (from variant {record.title_from.path})"
    lines = [
        f"{record.source.path} is the source of record {record.id}",
        f"  dated {record.date} by its header ({record.date_raw!r}); {title}",
        f"  decoded as {record.source.encoding}: {record.source.encoding_reason}",
        f"  {len(record.variants)} variant(s) attached, best first:",
    ]
    lines += [f"    {v.path}  score {v.score:.1f}" for v in record.variants]
    return "\n".join(lines)


def _explain_variant(
    variant: VariantRef, record: ArticleRecord, settings: dict[str, float | int | str | None]
) -> str:
    head = f"{variant.path} was matched to {record.source.path} (record {record.id})"
    if variant.alignment is None:
        return (
            f"{head}\n  a duplicate: the same text up to line wrapping, dated {variant.date}; "
            f"the record keeps the earliest date, {record.date}"
        )
    by_words = variant.measure == "word_order"
    measure = "word order (its punctuation is lost)" if by_words else "sentence alignment"
    threshold = settings.get("word_order_threshold" if by_words else "threshold")
    runner_up = variant.runner_up
    next_best = f"{runner_up.source} ({runner_up.score:.1f})" if runner_up else "none"
    alignment = variant.alignment
    return "\n".join(
        [
            head,
            f"  score {variant.score:.1f} by {measure} (threshold {threshold}); "
            f"margin {variant.margin:.1f} over the next candidate, {next_best}",
            f"  it reproduces source paragraphs {ranges(alignment.source_paragraphs)} of "
            f"{alignment.source_paragraph_count} ({alignment.source_coverage:.0%} of the "
            "source text)",
            f"  its paragraphs with no counterpart in the source: "
            f"{ranges(alignment.added_paragraphs)} of {alignment.variant_paragraph_count}",
        ]
    )


def _explain_rejection(rejection: Rejection) -> str:
    lines = [f"{rejection.path} was rejected: {rejection.reason.value}", f"  {rejection.detail}"]
    if rejection.candidates:
        scores = ", ".join(f"{c.source} ({c.score:.1f})" for c in rejection.candidates)
        lines.append(f"  candidates, best first: {scores}")
    return "\n".join(lines)
