"""The ingest run's options, validated before any work (and before Prefect is imported)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tasks.extract.formats import InputFormat
from tasks.extract.json_article import FIELD_NAMES, FieldChoice
from tasks.match.thresholds import MATCH_THRESHOLD, WORD_ORDER_THRESHOLD, Thresholds
from tasks.parse.dates import DateOrder
from tasks.parse.header import DateRules
from tasks.read.discover import WalkRules
from tasks.read.selection import DEFAULT_EXCLUDES, Selection, check_pattern

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # a long article is ~100 KB; 10 MiB is never an article
# Options that change which files are read (hashed again), never what a run writes: not in
# the run's settings (run.json, the run state), so a run with them writes what one without
# would. They are still options of the flow (a deployment's runs receive them).
READING_ONLY = {"verify", "verify_every"}


class IngestOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # allow_inf_nan=False: "nan" parses as a float, and every comparison with it is false.
    threshold: float = Field(
        MATCH_THRESHOLD, ge=0, le=100, allow_inf_nan=False, description="Minimum match score."
    )
    word_order_threshold: float = Field(
        WORD_ORDER_THRESHOLD,
        ge=0,
        le=100,
        allow_inf_nan=False,
        description="Minimum score decided by word order.",
    )
    shard_size: int | None = Field(
        None, ge=1, description="Documents per task run (default: a few shards per worker)."
    )
    ambiguous_dates: DateOrder = Field(
        DateOrder.DMY, description="Reading of 05/06/2025: dmy, mdy, or reject the file."
    )
    max_bytes: int = Field(
        DEFAULT_MAX_BYTES, ge=1, description="Larger files are rejected (too_large) unread."
    )
    today: dt.date | None = Field(
        None, description="Dates more than a day after this are implausible (default: today)."
    )
    include: tuple[str, ...] = Field((), description="Read only the files these globs match.")
    exclude: tuple[str, ...] = Field((), description="Do not read what these globs match.")
    default_excludes: bool = Field(
        True, description="Also skip hidden entries and tool folders (tasks/read/selection.py)."
    )
    follow_outside_links: bool = Field(
        False, description="Read links that resolve outside the input folder."
    )
    parquet: bool = Field(False, description="Also write the records as articles.parquet.")
    input_format: InputFormat | None = Field(
        None,
        description="Read every file as txt, md, html, jsonl or json (default: by extension).",
    )
    fields: dict[str, str] = Field(
        {}, description="A JSON article's text, title or date read from the field named here."
    )
    # Not among the run's settings (`READING_ONLY`): they change what is read, never the output.
    verify: bool = Field(False, description="Read every file, trusting no size or time.")
    verify_every: float | None = Field(
        None,
        gt=0,
        allow_inf_nan=False,
        description="Read every file when the last run that did began this many seconds ago.",
    )

    @field_validator("fields")
    @classmethod
    def _check_fields(cls, fields: dict[str, str]) -> dict[str, str]:
        for field, name in fields.items():
            if field not in FIELD_NAMES:
                raise ValueError(f"'{field}' is not one of {', '.join(FIELD_NAMES)}")
            if not name:
                raise ValueError(f"no field name for {field} (FIELD=NAME)")
        return dict(sorted(fields.items()))

    @property
    def field_choice(self) -> FieldChoice:
        return tuple(self.fields.items())

    @field_validator("include", "exclude")
    @classmethod
    def _check_patterns(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_pattern(pattern) for pattern in patterns)

    def walk_rules(self, out: Path) -> WalkRules:
        """How to walk the input: what to select, which links to follow, `out` unread."""
        defaults = DEFAULT_EXCLUDES if self.default_excludes else ()
        selection = Selection(include=self.include, exclude=(*defaults, *self.exclude))
        return WalkRules(selection, self.follow_outside_links, out)

    def thresholds(self) -> Thresholds:
        return Thresholds(self.threshold, self.word_order_threshold)

    def run_rules(self) -> tuple[DateRules, dict[str, Any]]:
        """The run's date rules (today fixed once) and its settings as `run.json` keeps
        them."""
        rules = DateRules(today=self.today or dt.date.today(), order=self.ambiguous_dates)
        settings = self.model_copy(update={"today": rules.today})
        return rules, settings.model_dump(mode="json", exclude=READING_ONLY)


@dataclass(frozen=True)
class RunnerChoice:
    """Where task runs execute (see flows/runners.py); it never changes the output, so it
    is not among the run's settings."""

    kind: Literal["threads", "dask"] = "threads"
    address: str | None = None  # tcp://host:port of a running Dask scheduler
    workers: int = 2  # processes of the local cluster when there is no address
