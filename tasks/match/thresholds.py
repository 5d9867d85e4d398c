"""Match decision thresholds (no Prefect import: the CLI validates options with them)."""

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
