"""`copydesk explain FILE --in OUT`: why a file of a run became a source, a variant or a
rejection, told from the run's own output (no Prefect, no re-run)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from tasks.extract.formats import is_number
from tasks.models import ArticleRecord, Rejection, RunSummary, Setting, VariantRef
from tasks.output.paths import ARTICLES, REJECTED, RUN
from tasks.output.state import mismatched
from tasks.read.names import display_name


class NotInRun(LookupError):
    """The file is not among the run's inputs."""


@dataclass(frozen=True)
class RunOutput:
    summary: RunSummary
    records: list[ArticleRecord]
    rejected: list[Rejection]

    @classmethod
    def load(cls, out: Path) -> RunOutput:
        """Raise FileNotFoundError when `out` holds no copydesk output, ValueError when it is
        damaged or its files do not belong together (a run was killed between renames)."""
        summary = RunSummary.model_validate_json((out / RUN).read_text(encoding="utf-8"))
        data = {name: (out / name).read_bytes() for name in (ARTICLES, REJECTED)}
        read = {name: file for name, file in summary.outputs.items() if name in data}
        for name in mismatched(read, data):
            raise ValueError(f"{name} is not the one {RUN} names (an interrupted run?)")
        records = [ArticleRecord.model_validate_json(line) for line in _lines(data[ARTICLES])]
        rejected = [Rejection.model_validate_json(line) for line in _lines(data[REJECTED])]
        return cls(summary, records, rejected)


def _lines(content: bytes) -> list[str]:
    """JSON Lines split on "\n" only: JSON leaves U+2028 and U+0085 unescaped, and
    str.splitlines() would cut a record at them."""
    return [line for line in content.decode("utf-8").split("\n") if line]


def ranges(numbers: list[int]) -> str:
    """
    >>> ranges([1, 2, 3, 5, 7, 8])
    '1-3, 5, 7-8'
    >>> ranges([])
    'none'
    """
    runs = [
        [number for _, number in run]
        for _, run in groupby(enumerate(numbers), key=lambda pair: pair[1] - pair[0])
    ]
    parts = [f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs]
    return ", ".join(parts) or "none"


def stored_path(file: str, run: RunOutput) -> str:
    """The run's name for `file`: a path to a file of the run's input folder, relative to
    it (without resolving links, which the run read under the link's own path) and escaped
    as the run wrote it, an article of a feed named by the feed's path and `#N`; else
    `file` as given, i.e. as written in the output."""
    feed, mark, number = file.rpartition("#")
    if not Path(file).exists() and mark and is_number(number) and Path(feed).is_file():
        return f"{stored_path(feed, run)}#{number}"
    given = Path(file)
    if given.exists() and run.summary.input:
        relative = os.path.relpath(given.absolute(), run.summary.input)
        if not relative.startswith(".."):
            return display_name(Path(relative).as_posix())
    return file


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
    variant: VariantRef, record: ArticleRecord, settings: dict[str, Setting]
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
