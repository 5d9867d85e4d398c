"""The per-file stages as one pipeline: a shard of files goes read -> decode -> extract ->
clean -> parse in one call, as datatrove runs a shard through its steps.

One task run per shard, not one per shard and stage: each task run costs the orchestration
server, and a shard handed from stage to stage is shipped once per stage when the work runs in
another process. Each step's time, documents and rejections (by reason) are tallied, so the
run still says where its time went. A file whose parse the cache holds is only read and
hashed (its bytes decide whether the cache still applies). Pure Python, no Prefect: worker
processes import it alone.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tasks.batch import attempt
from tasks.clean.clean import clean_document
from tasks.decode.decode import decode_document
from tasks.extract.extract import extract_document
from tasks.extract.formats import InputFormat
from tasks.extract.json_article import FieldChoice
from tasks.models import InputFile, ParsedDocument, RawDocument, Rejection
from tasks.parse.header import DateRules
from tasks.parse.parse import parse_document
from tasks.read.read import read_with_retries

STEPS = ("read", "decode", "extract", "clean", "parse")


@dataclass(frozen=True)
class ShardWork:
    files: list[InputFile]
    cached: dict[str, str]  # path -> SHA-256 of the files whose parse the cache holds
    max_bytes: int
    rules: DateRules
    input_format: InputFormat | None = None  # --format: one reader for every file
    fields: FieldChoice = ()  # --field: a JSON article's fields by name


@dataclass
class StepTally:
    seconds: float = 0.0
    passed: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def add(self, other: StepTally) -> None:
        self.seconds += other.seconds
        self.passed += other.passed
        self.rejected.update(other.rejected)


@dataclass
class ShardResult:
    hashes: dict[str, str] = field(default_factory=dict)  # path -> SHA-256, every file read
    parsed: list[ParsedDocument] = field(default_factory=list)  # parsed now, not cached
    unread: list[Rejection] = field(default_factory=list)  # rejected by the read step
    rejected: list[Rejection] = field(default_factory=list)  # by decode, clean or parse
    tallies: dict[str, StepTally] = field(default_factory=dict)


def process_shard(work: ShardWork) -> ShardResult:
    """Read every file of the shard; decode, clean and parse those the cache does not hold."""
    result = ShardResult(tallies={step: StepTally() for step in STEPS})
    read = partial(read_with_retries, max_bytes=work.max_bytes)
    raw: list[RawDocument] = _run_step("read", read, work.files, result, result.unread)
    result.hashes = {document.path: document.sha256 for document in raw}
    documents: list[Any] = [d for d in raw if work.cached.get(d.path) != d.sha256]
    steps: list[tuple[str, Callable[[Any], Any]]] = [
        ("decode", decode_document),
        ("extract", partial(extract_document, chosen=work.input_format, fields=work.fields)),
        ("clean", clean_document),
        ("parse", partial(parse_document, rules=work.rules)),
    ]
    for name, step in steps:
        documents = _run_step(name, step, documents, result, result.rejected)
    result.parsed = documents
    return result


def _run_step(
    name: str,
    step: Callable[[Any], Any],
    documents: list[Any],
    result: ShardResult,
    rejected: list[Rejection],
) -> list[Any]:
    tally = result.tallies[name]
    start = time.perf_counter()
    passed = []
    for document in documents:
        outcome = attempt(document.path, partial(step, document))
        if isinstance(outcome, Rejection):
            rejected.append(outcome)
            tally.rejected[outcome.reason.value] += 1
        else:
            passed.append(outcome)
    tally.seconds += time.perf_counter() - start
    tally.passed += len(passed)
    return passed
