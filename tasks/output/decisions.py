"""The match stage's decisions, kept for the next run (tasks/match/reuse.py).

Like the parse cache, it is only a cache: a run that cannot read it decides every variant
afresh. It is keyed by a fingerprint of everything a decision depends on besides the texts:
the parse cache's own (the options and code that make a parse), the match stage's code, the
thresholds and the number of candidates. The texts are in the header (the sources the
decisions were made against, by path and SHA-256) and in each line (the variant's SHA-256).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from tasks.match.reuse import Decided
from tasks.match.thresholds import CANDIDATES, Thresholds
from tasks.memory import paused_garbage_collection
from tasks.models import Model
from tasks.output.fingerprint import match_code_fingerprint
from tasks.output.paths import DECISIONS_FILE, work_folder
from tasks.output.write import jsonl_lines, write_atomic


class DecisionsHeader(Model):
    fingerprint: str
    sources: dict[str, str]  # path -> SHA-256 of each source matched against


class Decisions(Model):
    sources: dict[str, str]
    decided: dict[str, Decided]  # by variant path


def decisions_fingerprint(parse_fingerprint: str, thresholds: Thresholds) -> str:
    key = f"{parse_fingerprint}|{match_code_fingerprint()}|{thresholds!r}|{CANDIDATES}"
    return hashlib.sha256(key.encode()).hexdigest()


@paused_garbage_collection()
def load_decisions(out: Path, fingerprint: str) -> Decisions | None:
    """The last run's decisions if they were made under `fingerprint` and can be read."""
    try:
        with (out / DECISIONS_FILE).open("rb") as handle:
            header = DecisionsHeader.model_validate_json(handle.readline())
            if header.fingerprint != fingerprint:
                return None
            decided = [Decided.model_validate_json(line) for line in handle]
    except (OSError, ValidationError, ValueError):
        return None
    return Decisions(sources=header.sources, decided={item.variant: item for item in decided})


def save_decisions(
    out: Path, fingerprint: str, sources: dict[str, str], decided: list[Decided]
) -> None:
    header: list[BaseModel] = [DecisionsHeader(fingerprint=fingerprint, sources=sources)]
    write_atomic(work_folder(out) / DECISIONS_FILE.name, jsonl_lines([*header, *decided]),
                 private=True)  # fmt: skip
