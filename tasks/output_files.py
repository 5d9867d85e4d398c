"""The names of a run's output files (no Prefect import: the CLI reads outputs with them)."""

ARTICLES = "articles.jsonl"
REJECTED = "rejected.jsonl"
LEDGER = "ledger.jsonl"
RUN = "run.json"
DATA_FILES = (ARTICLES, REJECTED, LEDGER)  # written in this order, then RUN
