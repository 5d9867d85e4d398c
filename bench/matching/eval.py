"""Score copydesk's variant-to-source assignments against the labels.

Only the documented output is read: articles.jsonl (a variant belongs to the record it is
listed on) and rejected.jsonl. Fields newer than the README (a rejection's `candidates`, a
match's `runner_up`) are used when present, else the rejection detail is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common.output import check_accounting, read_output
from bench.matching.build import Truth
from bench.matching.overlap import containment

NO_MATCH = "no_matching_source"
_DETAIL = re.compile(r"best candidate (?P<source>\S+) scored (?P<score>\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Outcome:
    """What became of one undated file, judged against its label."""

    truth: Truth
    verdict: str  # correct | wrong_source | missed | misread | rejected_ok | false_accept
    got: str | None  # source path of the record it joined
    score: float | None  # its match score, or its best candidate's score when rejected
    best: str | None  # the best candidate (the source it joined, when attached)
    duplicate: bool
    detail: str  # the rejection detail, or the runner-up of a match when known


@dataclass(frozen=True)
class Evaluation:
    files: int
    run: dict[str, Any]
    accounting_errors: list[str]
    outcomes: list[Outcome]
    lost_sources: list[str]  # dated sources that did not come out as a record's source


def best_of_rejection(
    rejection: dict[str, Any], label: str | None
) -> tuple[str | None, float | None]:
    """The best candidate and its score, from `candidates` or else from the detail. When
    several candidates tie for best (often all at 0), the label wins if among them: the
    file's best candidate *was* its true source, the order among equals is arbitrary."""
    candidates = rejection.get("candidates") or []
    if candidates:
        top = float(candidates[0]["score"])
        tied = {c["source"] for c in candidates if float(c["score"]) == top}
        return (label if label in tied else candidates[0]["source"]), top
    found = _DETAIL.search(rejection.get("detail") or "")
    return (found["source"], float(found["score"])) if found else (None, None)


def _runner_up(variant: dict[str, Any]) -> str:
    runner = variant.get("runner_up")
    return f"runner-up {runner['source']} {runner['score']}" if runner else ""


def judge(
    truth: Truth, home: str | None, variant: dict[str, Any] | None, rejection: dict[str, Any] | None
) -> Outcome:
    """The verdict on one undated file from where it ended up."""
    present = truth.role == "variant"
    if variant is not None and home is not None:
        correct = "correct" if home == truth.label else "wrong_source"
        verdict = correct if present else "false_accept"
        score, duplicate = float(variant["score"]), bool(variant.get("duplicate"))
        return Outcome(truth, verdict, home, score, home, duplicate, _runner_up(variant))
    if rejection is not None and rejection["reason"] == NO_MATCH:
        best, best_score = best_of_rejection(rejection, truth.label)
        verdict = "missed" if present else "rejected_ok"
        return Outcome(truth, verdict, None, best_score, best, False, rejection["detail"])
    how = f"rejected {rejection['reason']}: {rejection['detail']}" if rejection else ""
    return Outcome(truth, "misread", home, None, None, False, how or "came out as a source")


def evaluate(truths: list[Truth], out: Path) -> Evaluation:
    output = read_output(out)
    seen, home = output.home_of()
    variants = {v["path"]: v for record in output.records for v in record["variants"]}
    rejections = {rejection["path"]: rejection for rejection in output.rejected}
    outcomes: list[Outcome] = []
    lost: list[str] = []
    for truth in truths:
        if truth.role == "source":
            if home.get(truth.path) != truth.path:
                where = home.get(truth.path) or rejections.get(truth.path, {}).get("reason")
                lost.append(f"`{truth.path}` ({truth.origin}): {where}")
            continue
        outcomes.append(
            judge(truth, home.get(truth.path), variants.get(truth.path), rejections.get(truth.path))
        )
    return Evaluation(
        files=len(truths),
        run=output.run,
        accounting_errors=check_accounting((t.path for t in truths), seen),
        outcomes=outcomes,
        lost_sources=lost,
    )


def shared_share(corpus: Path, inner: str, outer: str) -> float:
    """Share of corpus file `inner`'s 5-word shingles found in `outer`: how much text a
    wrong pair really shares."""
    first, second = (
        (corpus / p).read_text(encoding="utf-8", errors="replace") for p in (inner, outer)
    )
    return containment(first, second)
