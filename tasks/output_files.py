"""The names of a run's output files (no Prefect import: the CLI reads outputs with them)."""

ARTICLES = "articles.jsonl"
REJECTED = "rejected.jsonl"
RUN = "run.json"
