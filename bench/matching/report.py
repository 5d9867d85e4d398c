"""Render the matching evaluation as markdown: the targets first, then what calibrates the
threshold, then the errors with enough context (origin, note, score, detail) to act on."""

from __future__ import annotations

from pathlib import Path

from bench.common.cli import Measured
from bench.common.report import table
from bench.matching.build import Truth
from bench.matching.eval import Evaluation
from bench.matching.listing import corpus_section, error_section, name
from bench.matching.metrics import (
    KIND_ORDER,
    highest,
    kind_row,
    noise_rows,
    overall,
    ratio,
    sweep,
    variant_rows,
)

MAX_ERRORS = 10  # sources lost, accounting violations
TARGETS = {"precision": 0.995, "recall": 0.985, "ocr_real recall": 0.95}


def verdict(value: float, target: float) -> str:
    return f"{value:.4f} (target ≥ {target}: {'met' if value >= target else 'MISSED'})"


def _run(result: Evaluation, measured: Measured) -> list[str]:
    lines = [f"# copydesk matching benchmark ({result.files} files)", "", "## Run", ""]
    lines += table(
        ("files", "wall s", "peak RSS MB"),
        [(result.files, f"{measured.wall:.1f}", f"{measured.peak_mb:.0f}")],
    )
    timings = [(t["stage"], t["seconds"]) for t in result.run.get("timings", [])]
    lines += ["", *table(("stage", "seconds"), timings), ""]
    counts = ("inputs", "records", "variants", "rejected")
    lines.append("run.json: " + ", ".join(f"{name} {result.run.get(name)}" for name in counts))
    errors = result.accounting_errors
    lines += [
        "",
        "## Accounting",
        "",
        "every file exactly once" if not errors else f"{len(errors)} violations",
        *(f"- {e}" for e in errors[:MAX_ERRORS]),
    ]
    lost = result.lost_sources
    return [
        *lines,
        "",
        f"dated sources not kept as a record's source: {len(lost)}",
        *(f"- {item}" for item in lost[:MAX_ERRORS]),
        "",
    ]


def _targets(result: Evaluation) -> list[str]:
    total = overall(result.outcomes)
    ocr = kind_row("ocr_real", [o for o in result.outcomes if o.truth.role == "variant"])
    ocr_recall = ocr.correct / ocr.files if ocr.files else 0.0
    return [
        "## Targets",
        "",
        f"- precision (correct / all assignments to undated files): {total.correct}/"
        f"{total.assignments} = {verdict(total.precision, TARGETS['precision'])}",
        f"- recall (correct / variants whose source is present): {total.correct}/"
        f"{total.variants} = {verdict(total.recall, TARGETS['recall'])}",
        f"- recall on real OCR pairs: {ocr.correct}/{ocr.files} = "
        f"{verdict(ocr_recall, TARGETS['ocr_real recall'])}",
        f"- distractor false-accept rate: {ratio(total.false_accepts, total.distractors)}",
        "",
    ]


def _by_kind(result: Evaluation) -> list[str]:
    header = ["kind", "files", "correct", "wrong source", "missed", "misread", "precision"]
    header += ["recall", "dup flag", "min", "p5", "median"]
    rows = [row.cells() for row in variant_rows(result.outcomes)]
    lines = ["## Variants by kind", "", "min / p5 / median: scores of the correct matches.", ""]
    return [*lines, *table(header, rows), ""]


def _ocr_noise(result: Evaluation) -> list[str]:
    rows = noise_rows(result.outcomes)
    header = ("kind", "character error rate", "recall", "lowest score")
    return ["## OCR recall by character error rate", "", *table(header, rows), ""]


def _distractors(result: Evaluation) -> list[str]:
    mine = [o for o in result.outcomes if o.truth.role == "distractor"]
    rows = []
    for kind in [k for k in KIND_ORDER if any(o.truth.kind == k for o in mine)]:
        group = [o for o in mine if o.truth.kind == kind]
        accepted = sum(o.verdict == "false_accept" for o in group)
        top = highest(group)
        rows.append(
            (
                kind,
                len(group),
                sum(o.verdict == "rejected_ok" for o in group),
                accepted,
                ratio(accepted, len(group)),
                f"{top.score:.1f}" if top else "-",
            )
        )
    header = ("kind", "files", "rejected", "attached", "false-accept rate", "max best score")
    lines = [
        "## Distractors (source absent)",
        "",
        "max best score: the highest score any candidate reached, whether attached or rejected.",
        "",
    ]
    return [*lines, *table(header, rows), ""]


def _calibration(result: Evaluation, by_path: dict[str, Truth]) -> list[str]:
    wrong = highest(
        o
        for o in result.outcomes
        if o.verdict in ("wrong_source", "false_accept") or o.truth.role == "distractor"
    )
    lowest = min(
        (o for o in result.outcomes if o.verdict == "correct" and o.score is not None),
        key=lambda o: o.score or 0.0,
        default=None,
    )
    lines = ["## Threshold calibration", ""]
    if wrong is not None:
        lines.append(
            f"- highest score of a wrong attachment or a distractor's best candidate: "
            f"{wrong.score} (`{wrong.truth.path}` {wrong.truth.kind} {wrong.truth.role}"
            f", {wrong.truth.origin} -> {name(wrong.best, by_path)})"
        )
    if lowest is not None:
        lines.append(
            f"- lowest score of a correct match: {lowest.score} (`{lowest.truth.path}` "
            f"{lowest.truth.kind}, {lowest.truth.origin})"
        )
    header = ("threshold", "precision", "recall", "ocr_real recall", "distractors attached")
    lines += ["", "Had the threshold been t (each file's best candidate and its score):", ""]
    return [*lines, *table(header, sweep(result.outcomes)), ""]


def render(
    result: Evaluation, truths: list[Truth], measured: Measured, corpus: Path, unused_bbc: int
) -> str:
    by_path = {truth.path: truth for truth in truths}
    sections = (
        _run(result, measured),
        _targets(result),
        _by_kind(result),
        _ocr_noise(result),
        _distractors(result),
        _calibration(result, by_path),
        corpus_section(truths, unused_bbc),
        error_section(result, corpus, by_path),
    )
    return "\n".join(line for section in sections for line in section)
