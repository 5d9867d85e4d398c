"""Score copydesk's variant-to-source assignments against the labels.

Only the documented output is read: articles.jsonl (a variant belongs to the record it is
listed on) and rejected.jsonl. Fields newer than the README (a rejection's `candidates`, a
match's `runner_up`) are used when present, else the rejection detail is parsed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matching_build import Truth
from matching_overlap import containment
from reuters_output import home_of, read_jsonl

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


def check_accounting(paths: list[str], seen: Counter[str]) -> list[str]:
    """Every corpus file exactly once; one line per violation."""
    expected = set(paths)
    errors = [f"{path} missing from every output" for path in sorted(expected - set(seen))]
    errors += [f"{path} appears {n} times" for path, n in sorted(seen.items()) if n > 1]
    return errors + [f"{path} is not a corpus file" for path in sorted(set(seen) - expected)]


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
        best, score = best_of_rejection(rejection, truth.label)
        verdict = "missed" if present else "rejected_ok"
        return Outcome(truth, verdict, None, score, best, False, rejection["detail"])
    how = f"rejected {rejection['reason']}: {rejection['detail']}" if rejection else ""
    return Outcome(truth, "misread", home, None, None, False, how or "came out as a source")


def evaluate(truths: list[Truth], out: Path) -> Evaluation:
    records, rejected = read_jsonl(out / "articles.jsonl"), read_jsonl(out / "rejected.jsonl")
    seen, home = home_of(records, rejected)
    variants = {v["path"]: v for record in records for v in record["variants"]}
    rejections = {rejection["path"]: rejection for rejection in rejected}
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
        run=json.loads((out / "run.json").read_text(encoding="utf-8")),
        accounting_errors=check_accounting([t.path for t in truths], seen),
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
