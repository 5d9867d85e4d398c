"""Match decision thresholds (no Prefect import: the CLI validates options with them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks.match.score import Scored

# Scores are 0-100 (see align.py). The seed round-trip translation scores 64.9 against its
# source; BBC articles on the same topic that share no sentences score below 50 (the ones
# above it are real rewrites of each other). Calibration: docs/matching.md.
MATCH_THRESHOLD = 50.0
# Sources scored carefully per variant, out of those the candidate index ranks highest.
CANDIDATES = 5
# Matches decided by word order (OCR text whose sentences run on, see assign.py) have their
# own threshold: that measure's chance level is lower. In the labelled benchmark
# (docs/benchmarks.md) no distractor whose source was absent scored above 36.5 by it (real
# OCR distractors: 27.9), while real OCR copies with up to ~30 % character errors score 38+.
WORD_ORDER_THRESHOLD = 38.0


@dataclass(frozen=True)
class Thresholds:
    sentences: float = MATCH_THRESHOLD
    word_order: float = WORD_ORDER_THRESHOLD

    def of(self, scored: Scored) -> float:
        return self.word_order if scored.by_words else self.sentences

    def excess(self, scored: Scored) -> float:
        """Points above the threshold of the measure that scored it (negative: below)."""
        return scored.score - self.of(scored)

    def accepts(self, scored: Scored) -> bool:
        """At or above its threshold, on enough text (see evidence.py)."""
        return scored.short is None and self.excess(scored) >= 0

    def margin(self, best: Scored, runner_up: Scored | None) -> float:
        """How much further above its threshold `best` is than `runner_up` (the plain score
        difference within one measure). Across measures the excesses can differ by more than
        100 (a word-order 95 over a sentence-scored 0); beyond 100 it says nothing more. A
        runner-up resting on too little text (evidence.py) may score higher: the margin is 0."""
        if runner_up is None:
            return best.score
        return max(0.0, min(self.excess(best) - self.excess(runner_up), 100.0))


DEFAULT_THRESHOLDS = Thresholds()
