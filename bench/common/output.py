"""Read copydesk's documented output folder and check that it accounts for every input.

Only what the README documents is read (articles.jsonl, rejected.jsonl, run.json, and for
comparisons ledger.jsonl): the same contract any user of the product relies on.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.common.jsonl import Record, read_jsonl

ARTICLES, REJECTED, LEDGER, RUN = "articles.jsonl", "rejected.jsonl", "ledger.jsonl", "run.json"
DATA_FILES = (ARTICLES, REJECTED, LEDGER)


@dataclass(frozen=True)
class Output:
    """One run's output: the records, the rejections and run.json."""

    records: list[Record]
    rejected: list[Record]
    run: Record

    def home_of(self) -> tuple[Counter[str], dict[str, str]]:
        """How often each path appears in the output, and the record (source path) it
        joined."""
        seen: Counter[str] = Counter(rejection["path"] for rejection in self.rejected)
        home: dict[str, str] = {}
        for record in self.records:
            source = record["source"]["path"]
            for path in [source, *(variant["path"] for variant in record["variants"])]:
                seen[path] += 1
                home[path] = source
        return seen, home


def read_output(out: Path) -> Output:
    run = json.loads((out / RUN).read_text(encoding="utf-8"))
    return Output(read_jsonl(out / ARTICLES), read_jsonl(out / REJECTED), run)


def check_accounting(paths: Iterable[str], seen: Counter[str]) -> list[str]:
    """Every corpus file exactly once; one line per violation (empty when sound)."""
    expected = set(paths)
    errors = [f"{path} missing from every output" for path in sorted(expected - set(seen))]
    errors += [f"{path} appears {n} times" for path, n in sorted(seen.items()) if n > 1]
    return errors + [f"{path} is not a corpus file" for path in sorted(set(seen) - expected)]
