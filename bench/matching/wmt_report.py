"""The WMT translation benchmark's report (bench/matching/wmt.py): the issue's targets, each
kind's recall and scores by language pair, the hard negatives' highest scores and the
margin between the two, then every miss."""

from __future__ import annotations

from bench.common.report import table
from bench.matching.eval import Evaluation, Outcome
from bench.matching.metrics import highest, kind_row, overall, ratio
from bench.matching.report import verdict

PAIRS = ("ja_en", "ru_en", "is_en")
TARGETS = {"recall": 0.985, "ja_en recall": 0.95}


def _recall(outcomes: list[Outcome]) -> float:
    present = [o for o in outcomes if o.truth.role == "variant"]
    return sum(o.verdict == "correct" for o in present) / len(present) if present else 0.0


def _targets(outcomes: list[Outcome]) -> list[str]:
    totals = overall(outcomes)
    japanese = [o for o in outcomes if o.truth.topic == "ja_en"]
    wrong = sum(o.verdict == "wrong_source" for o in outcomes)
    return [
        "## Targets",
        "",
        f"- recall, all pairs: {verdict(totals.recall, TARGETS['recall'])}",
        f"- recall, Japanese → English: {verdict(_recall(japanese), TARGETS['ja_en recall'])}",
        f"- hard negatives attached: {totals.false_accepts} of {totals.distractors} (target 0)",
        f"- variants attached to a wrong source: {wrong} (target 0)",
        f"- precision: {ratio(totals.correct, totals.assignments)}",
        "",
    ]


def _kinds(outcomes: list[Outcome]) -> list[str]:
    kinds = [f"{role}_{pair}" for pair in PAIRS for role in ("mt", "human")]
    rows = [kind_row(kind, outcomes) for kind in kinds]
    header = ("kind", "files", "correct", "wrong", "missed", "misread", "precision", "recall")
    cells = [
        (
            row.kind,
            row.files,
            row.correct,
            row.wrong,
            row.missed,
            row.misread,
            row.precision,
            row.recall,
            *row.distribution(),
        )
        for row in rows
        if row.files
    ]
    return ["## Variants by kind", "", *table((*header, "min", "p5", "median"), cells), ""]


def _separation(outcomes: list[Outcome]) -> list[str]:
    """Per pair: the lowest correct score, the highest hard negative's, the margin."""
    cells = []
    for pair in (*PAIRS, None):
        mine = [o for o in outcomes if pair is None or o.truth.topic == pair]
        correct = [o.score for o in mine if o.verdict == "correct" and o.score is not None]
        negative = highest(o for o in mine if o.truth.role == "distractor")
        low = min(correct) if correct else None
        top = negative.score if negative and negative.score is not None else None
        margin = f"{low - top:.1f}" if low is not None and top is not None else "-"
        cells.append(
            (
                pair or "all",
                f"{low:.1f}" if low is not None else "-",
                f"{top:.1f}" if top is not None else "-",
                margin,
            )
        )
    header = ("pair", "lowest correct", "highest negative", "margin")
    return ["## Separation", "", *table(header, cells), ""]


def _misses(outcomes: list[Outcome]) -> list[str]:
    wrong = [o for o in outcomes if o.verdict not in ("correct", "rejected_ok")]
    cells = [
        (
            o.truth.path,
            o.truth.origin,
            o.truth.note,
            o.verdict,
            "-" if o.score is None else f"{o.score:.1f}",
            o.best or "-",
        )
        for o in sorted(wrong, key=lambda o: (o.truth.kind, o.score or 0.0))
    ]
    header = ("file", "origin", "note", "verdict", "score", "best candidate")
    return [f"## Misses and errors ({len(cells)})", "", *table(header, cells), ""]


def render(result: Evaluation, wall: float, peak_mb: float) -> str:
    outcomes = result.outcomes
    run = [
        f"# copydesk on real translations: WMT newstest2021 ({result.files} files)",
        "",
        f"wall {wall:.1f} s, peak RSS {peak_mb:.0f} MB; accounting: "
        + (
            "every file exactly once"
            if not result.accounting_errors
            else f"{len(result.accounting_errors)} violations"
        )
        + f"; dated sources lost: {len(result.lost_sources)}",
        "",
    ]
    return "\n".join(
        [*run, *_targets(outcomes), *_kinds(outcomes), *_separation(outcomes), *_misses(outcomes)]
    )
