"""Match decision thresholds (no Prefect import: the CLI validates options with them)."""

# Scores are 0-100 (see align.py). The seed round-trip translation scores 64.9 against its
# source; BBC articles on the same topic that share no sentences score below 50 (the ones
# above it are real rewrites of each other). Calibration: docs/matching.md.
MATCH_THRESHOLD = 50.0
# Sources scored carefully per variant, out of those the candidate index ranks highest.
CANDIDATES = 5
