"""The WMT translation benchmark's corpus plan (bench/matching/wmt.py), on made-up documents
shaped like ../shared/corpora/wmt_dev's: roles, labels, headlines and paragraph cuts."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from bench.matching.build import Truth
from bench.matching.eval import Evaluation, Outcome
from bench.matching.wmt import plan_document, rendered
from bench.matching.wmt_report import render

DAY = dt.date(2021, 8, 2)


def document(name: str, second_reference: bool) -> dict[str, Any]:
    segments = [f"Headline of {name}"] + [f"Sentence {n} of {name}." for n in range(1, 10)]
    refs = {"A": segments, **({"B": [s.upper() for s in segments]} if second_reference else {})}
    hyps = {system: [s.replace("of", system) for s in segments] for system in ("S1", "S2", "S3")}
    return {"lp": "ja-en", "doc": name, "refs": refs, "hyps": hyps}


def test_paragraphs_hold_two_to_four_segments_and_keep_every_one() -> None:
    segments = ["headline", *(f"s{n}." for n in range(11))]
    text = rendered(segments, True, random.Random(1))
    headline, *paragraphs = text.split("\n\n")
    assert headline == "headline"
    assert all(2 <= len(p.split()) <= 4 for p in paragraphs[:-1])
    assert " ".join(paragraphs).split() == segments[1:]
    assert not rendered(segments, False, random.Random(1)).startswith("headline")


def test_a_present_document_gives_a_dated_source_and_labelled_variants() -> None:
    present = next(
        planned
        for name in (f"doc{n}" for n in range(40))
        if (planned := plan_document(document(name, True), DAY))[0].role == "source"
    )
    source, *variants = present
    assert source.data.startswith(b"date: 2021-08-02\n\nHeadline of ")
    assert [v.kind for v in variants] == ["mt_ja_en", "mt_ja_en", "human_ja_en"]
    assert {v.label_origin for v in variants} == {source.origin}
    assert all(v.role == "variant" and not v.data.startswith(b"date") for v in variants)


def test_an_absent_document_gives_one_hard_negative() -> None:
    plans = [plan_document(document(f"doc{n}", False), DAY) for n in range(40)]
    absent = [planned for planned in plans if planned[0].role == "distractor"]
    assert absent and len(absent) < len(plans)  # about one in four
    assert all(len(p) == 1 and p[0].kind == "negative_ja_en" for p in absent)
    assert all(p[0].label_origin is None for p in absent)


def outcome(kind: str, role: str, verdict: str, score: float) -> Outcome:
    pair = kind.split("_", 1)[1]
    truth = Truth(f"{kind}-{verdict}.txt", role, kind, "wmt/x", pair, None, "note")
    return Outcome(truth, verdict, None, score, None, False, "")


def test_the_report_gives_the_targets_by_pair_and_the_margin() -> None:
    outcomes = [
        outcome("mt_ja_en", "variant", "correct", 61.0),
        outcome("mt_ja_en", "variant", "missed", 40.0),
        outcome("mt_ru_en", "variant", "correct", 70.0),
        outcome("negative_ja_en", "distractor", "rejected_ok", 12.5),
    ]
    result = Evaluation(files=6, run={}, accounting_errors=[], outcomes=outcomes, lost_sources=[])
    report = render(result, wall=1.0, peak_mb=100.0)
    assert "- recall, all pairs: 0.6667 (target ≥ 0.985: MISSED)" in report
    assert "- recall, Japanese → English: 0.5000 (target ≥ 0.95: MISSED)" in report
    assert "- hard negatives attached: 0 of 1 (target 0)" in report
    assert "| ja_en | 61.0 | 12.5 | 48.5 |" in report
    assert (
        "| mt_ja_en | 2 | 1 | 0 | 1 | 0 | 1/1 (1.0000) | 1/2 (0.5000) | 61.0 | 61.0 | 61.0 |"
        in report
    )
