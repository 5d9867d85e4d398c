"""What a run's caches are keyed by besides its files: the options that shape a parse (the
parse cache) and a match decision (the decisions kept for the next run)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flows.options import IngestOptions
from tasks.output.cache import cache_fingerprint
from tasks.output.decisions import decisions_fingerprint
from tasks.output.fingerprint import code_fingerprint
from tasks.parse.header import DateRules
from tasks.pipeline import ShardWork


def run_work(options: IngestOptions, rules: DateRules) -> ShardWork:
    """What every shard of a run is read with, but its files (each shard's own)."""
    return ShardWork([], {}, options.max_bytes, rules, options.input_format, options.field_choice)


def parse_fingerprint(work: ShardWork) -> str:
    """The parse cache's key for parses made as `work` says (its options, not its files)."""
    return cache_fingerprint(work.max_bytes, work.rules.order, work.input_format, work.fields)


@dataclass(frozen=True)
class CacheKeys:
    """A run's keys: its parses', the day their dates are checked against, its decisions'."""

    parses: str
    today: dt.date
    decisions: str

    @property
    def lines(self) -> str:
        """What the lines of `articles.jsonl` are built with besides their plans (the salt
        of their digests, tasks/output/record_lines.py): the code and the decisions' key."""
        return f"{code_fingerprint()}|{self.decisions}"

    @classmethod
    def of(cls, options: IngestOptions, work: ShardWork | None = None) -> CacheKeys:
        """The keys of a run with `options` (whose shards' `work` is made of them)."""
        work = work or run_work(options, options.run_rules()[0])
        parses = parse_fingerprint(work)
        return cls(parses, work.rules.today, decisions_fingerprint(parses, options.thresholds()))
