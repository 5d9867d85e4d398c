"""Precision, recall and score distributions from the judged outcomes.

Precision counts every assignment copydesk made to an undated file (a distractor attached
anywhere is a wrong assignment); recall counts only variants whose source is present.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

from bench.matching.eval import Outcome
from bench.matching.variants import GENERATED_KINDS

KIND_ORDER = (*GENERATED_KINDS, "bbc_near", "ocr_real", "translation_seed")
CER_BANDS = (0.0, 0.05, 0.10, 0.15, 0.20, 0.30)  # lower bounds of character-error-rate bands
SWEEP = (30.0, 40.0, 45.0, 50.0, 55.0, 60.0, 65.0, 70.0, 80.0)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ratio(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.4f})" if total else "-"


@dataclass(frozen=True)
class KindRow:
    """One variant kind: where its files went and how its correct matches scored."""

    kind: str
    files: int
    correct: int
    wrong: int
    missed: int
    misread: int
    duplicates: int
    scores: tuple[float, ...]  # scores of the correct matches

    @property
    def precision(self) -> str:
        return ratio(self.correct, self.correct + self.wrong)

    @property
    def recall(self) -> str:
        return ratio(self.correct, self.files)

    def cells(self) -> tuple[object, ...]:
        """The row of the by-kind table."""
        counts = (self.files, self.correct, self.wrong, self.missed, self.misread)
        return (
            self.kind,
            *counts,
            self.precision,
            self.recall,
            self.duplicates,
            *self.distribution(),
        )

    def distribution(self) -> tuple[str, str, str]:
        """Min, 5th percentile and median of the correct matches' scores."""
        if not self.scores:
            return "-", "-", "-"
        low, fifth, middle = min(self.scores), percentile(self.scores, 0.05), median(self.scores)
        return f"{low:.1f}", f"{fifth:.1f}", f"{middle:.1f}"


def kind_row(kind: str, outcomes: Iterable[Outcome]) -> KindRow:
    mine = [o for o in outcomes if o.truth.kind == kind]
    count = {v: sum(o.verdict == v for o in mine) for v in ("correct", "wrong_source", "missed")}
    return KindRow(
        kind=kind,
        files=len(mine),
        correct=count["correct"],
        wrong=count["wrong_source"],
        missed=count["missed"],
        misread=sum(o.verdict == "misread" for o in mine),
        duplicates=sum(o.duplicate for o in mine),
        scores=tuple(o.score for o in mine if o.verdict == "correct" and o.score is not None),
    )


def variant_rows(outcomes: list[Outcome]) -> list[KindRow]:
    variants = [o for o in outcomes if o.truth.role == "variant"]
    kinds = [k for k in KIND_ORDER if any(o.truth.kind == k for o in variants)]
    return [kind_row(kind, variants) for kind in kinds]


@dataclass(frozen=True)
class Overall:
    assignments: int  # undated files attached to some source
    correct: int
    variants: int  # undated files whose source is present
    distractors: int
    false_accepts: int

    @property
    def precision(self) -> float:
        return self.correct / self.assignments if self.assignments else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.variants if self.variants else 0.0


def overall(outcomes: list[Outcome]) -> Overall:
    attached = ("correct", "wrong_source", "false_accept")
    return Overall(
        assignments=sum(o.verdict in attached for o in outcomes),
        correct=sum(o.verdict == "correct" for o in outcomes),
        variants=sum(o.truth.role == "variant" for o in outcomes),
        distractors=sum(o.truth.role == "distractor" for o in outcomes),
        false_accepts=sum(o.verdict == "false_accept" for o in outcomes),
    )


def sweep(outcomes: list[Outcome], thresholds: Sequence[float] = SWEEP) -> list[tuple[str, ...]]:
    """Precision and recall had the threshold been `t`, from each file's best candidate and
    its score (the best candidate does not depend on the threshold): a calibration curve."""
    rows: list[tuple[str, ...]] = []
    for threshold in thresholds:
        kept = [o for o in outcomes if o.score is not None and o.score >= threshold]
        correct = sum(o.truth.role == "variant" and o.best == o.truth.label for o in kept)
        variants = sum(o.truth.role == "variant" for o in outcomes)
        ocr = [o for o in outcomes if o.truth.kind == "ocr_real" and o.truth.role == "variant"]
        ocr_hits = sum(
            o.score is not None and o.score >= threshold and o.best == o.truth.label for o in ocr
        )
        false_accepts = sum(o.truth.role == "distractor" for o in kept)
        precision = f"{correct / len(kept):.4f}" if kept else "-"
        recall = f"{correct / variants:.4f}" if variants else "-"
        ocr_recall = f"{ocr_hits / len(ocr):.4f}" if ocr else "-"
        rows.append((f"{threshold:g}", precision, recall, ocr_recall, str(false_accepts)))
    return rows


def highest(outcomes: Iterable[Outcome]) -> Outcome | None:
    """The highest-scoring outcome (None when none has a score)."""
    scored = [o for o in outcomes if o.score is not None]
    return max(scored, key=lambda o: (o.score, o.truth.path)) if scored else None


def noise_rows(outcomes: list[Outcome]) -> list[tuple[str, ...]]:
    """Recall of the OCR kinds by character error rate band: where OCR matching gives out."""
    rows: list[tuple[str, ...]] = []
    for kind in ("ocr_synthetic", "ocr_real"):
        mine = [o for o in outcomes if o.truth.kind == kind and o.truth.role == "variant"]
        for low, high in zip(CER_BANDS, (*CER_BANDS[1:], 1.0), strict=True):
            band = [o for o in mine if low <= (o.truth.char_error_rate or 0.0) < high]
            if band:
                hits = sum(o.verdict == "correct" for o in band)
                scores = [o.score for o in band if o.score is not None]
                low_score = f"{min(scores):.1f}" if scores else "-"
                rows.append((kind, f"{low:.2f}-{high:.2f}", ratio(hits, len(band)), low_score))
    return rows
