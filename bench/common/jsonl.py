"""JSON Lines: one JSON object a line. The one reader of copydesk's output files and of a
benchmark's truth file (one dataclass instance a line, one line per corpus file)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
Record = dict[str, Any]


def read_jsonl(path: Path) -> list[Record]:
    """Every object of the file, in order; blank lines are skipped."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_truth(path: Path, truths: Iterable[Any]) -> None:
    """Write dataclass instances, one JSON line each."""
    lines = (json.dumps(asdict(truth), ensure_ascii=False) + "\n" for truth in truths)
    path.write_text("".join(lines), encoding="utf-8")


def read_truth(path: Path, kind: type[T]) -> list[T]:
    """Read them back as `kind` (for reusing a built corpus)."""
    return [kind(**record) for record in read_jsonl(path)]
