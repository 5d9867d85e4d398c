"""The ingest run's options, validated before any work (and before Prefect is imported)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tasks.dates import DateOrder
from tasks.match.thresholds import MATCH_THRESHOLD, WORD_ORDER_THRESHOLD

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # a long article is ~100 KB; 10 MiB is never an article
SHARD_SIZE = 256  # documents per task: few enough tasks for the server, enough for progress


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
    shard_size: int = Field(SHARD_SIZE, ge=1, description="Documents per task run.")
    ambiguous_dates: DateOrder = Field(
        DateOrder.DMY, description="Reading of 05/06/2025: dmy, mdy, or reject the file."
    )
    max_bytes: int = Field(
        DEFAULT_MAX_BYTES, ge=1, description="Larger files are rejected (too_large) unread."
    )
    today: dt.date | None = Field(
        None, description="Dates more than a day after this are implausible (default: today)."
    )


@dataclass(frozen=True)
class RunnerChoice:
    """Where task runs execute (see flows/runners.py); it never changes the output, so it
    is not among the run's settings."""

    kind: Literal["threads", "dask"] = "threads"
    address: str | None = None  # tcp://host:port of a running Dask scheduler
    workers: int = 2  # processes of the local cluster when there is no address
