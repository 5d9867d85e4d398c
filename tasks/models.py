"""The document types that flow between stages, and the record copydesk writes.

Every model is frozen and strict: a stage can neither mutate what an earlier stage
produced nor smuggle in an unexpected field or a silently coerced value. The chain is::

    InputFile -> RawDocument -> DecodedDocument -> CleanDocument -> ParsedDocument
                                                                   -> ArticleRecord
    (any stage) -> Rejection
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from tasks.extract.formats import InputFormat

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Score = Annotated[float, Field(ge=0.0, le=100.0)]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")


class RejectReason(StrEnum):
    """Why a file did not become a source or a variant. Stable codes: users filter on them."""

    UNREADABLE = "unreadable"
    TOO_LARGE = "too_large"
    SYMLINK_LOOP = "symlink_loop"
    DUPLICATE_LINK = "duplicate_link"
    OUTSIDE_INPUT = "outside_input"
    EMPTY = "empty"
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    INVALID_JSON = "invalid_json"
    NAME_CLASH = "name_clash"
    INVALID_DATE = "invalid_date"
    NO_MATCHING_SOURCE = "no_matching_source"
    INTERNAL_ERROR = "internal_error"


class CandidateScore(Model):
    source: str = Field(description="Path of a candidate source.")
    score: Score


MAX_DETAIL_CHARACTERS = 500


def bounded(detail: str) -> str:
    """`detail` cut to `MAX_DETAIL_CHARACTERS`, saying so: a detail quotes the input (a date
    value, a link target), and an input can hold 100 KB where one word was expected.

    >>> bounded("x" * 600).endswith("xx… [cut: 600 characters]"), len(bounded("x" * 600))
    (True, 523)
    """
    if len(detail) <= MAX_DETAIL_CHARACTERS:
        return detail
    return f"{detail[:MAX_DETAIL_CHARACTERS]}… [cut: {len(detail):,} characters]"


class Rejection(Model):
    path: str
    reason: RejectReason
    detail: Annotated[str, AfterValidator(bounded)]
    candidates: list[CandidateScore] = Field(
        default_factory=list,
        description="For no_matching_source: the best-scoring candidate sources, best first.",
    )


class Fix(Model):
    """One repair applied to a document: ftfy's explanation steps, then copydesk's own."""

    action: str
    parameter: str


# The ones below are not models: discovery makes one per input file and a run holds them
# all (a validated model pair took 1.8 KB a file, 1.8 GB at a million files; these take
# about 0.3 KB). They come from the file system, never from JSON. They pickle as their fields:
# a walk crosses from a child process (flows/checked_meanwhile.py), and a slotted dataclass's
# own pickling, a state dict per object, took 2.0 s for the 236,290 objects of 118,145 files,
# against 0.65 s. A file's stamp and the file itself are named tuples: a +1 % run makes them
# on its way to the flow's first stage (in the walk, from the stamps file, from the child's
# walk), and a tuple is made in 0.048 s per 118,145 against 0.082 s for a frozen dataclass.
class FileStamp(NamedTuple):
    """What the file system says of a file without reading it. Equal stamps, on a file
    whose times are not too close to when they were taken, mean equal contents (the rule git
    and rsync use): size, modification and change times (the change time moves on any
    write, rename or `touch` back, and cannot be set by hand), device and inode. As a tuple,
    in this order, they are what the stamps file records (tasks/output/stamps.py)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    device: int
    inode: int

    @classmethod
    def of(cls, info: os.stat_result) -> FileStamp:
        return cls(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_dev, info.st_ino)


@dataclass(frozen=True, slots=True)
class FeedPart:
    """Where one article of a feed lies: its number (the line of a JSON Lines feed, the item
    of a JSON array, from 1) and its bytes in the feed."""

    number: int
    offset: int
    length: int

    def __reduce__(self) -> tuple[type[FeedPart], tuple[int, int, int]]:
        return FeedPart, (self.number, self.offset, self.length)


@dataclass(frozen=True, slots=True)
class FeedSplit:
    """How a feed was split into articles (tasks/read/feeds.py): by which reader, when its
    stamp was `stamp`; `parts` None when it is one article (a JSON file that is no array)."""

    form: InputFormat  # the reader that split it: JSONL or JSON
    stamp: FileStamp
    parts: tuple[FeedPart, ...] | None


class InputFile(NamedTuple):
    path: str  # relative to the input folder, with '/' separators; `feed.jsonl#3` for a part
    location: str  # absolute path on the machine that ran the job (the feed's, for a part)
    stamp: FileStamp | None = None  # the file as discovery judged it; reading checks identity
    part: FeedPart | None = None  # an article of a feed: read only its bytes

    @property
    def identity(self) -> tuple[int, int] | None:
        return None if self.stamp is None else (self.stamp.device, self.stamp.inode)


class RawDocument(Model):
    path: str
    sha256: Sha256
    data: bytes


class DecodedDocument(Model):
    path: str
    sha256: Sha256
    encoding: str
    encoding_reason: str
    text: str
    markup: Literal["md", "html", "json"] | None = None  # once extracted to plain text


class Provenance(Model):
    """Where a record's text came from and what was done to it."""

    path: str
    sha256: Sha256
    encoding: str = Field(description="Python codec name the bytes were decoded with.")
    encoding_reason: str = Field(description="Why that encoding was chosen.")
    fixes: list[Fix]


class CleanDocument(Model):
    origin: Provenance
    text: str

    @property
    def path(self) -> str:
        return self.origin.path


class DateHeader(Model):
    date: dt.date = Field(description="The calendar date as written, in the header's own zone.")
    published_at: dt.datetime | None = Field(
        description="Date and time when the header has a valid time; with its UTC offset when "
        "the header names one."
    )
    ambiguous: bool = Field(description="Day and month could be swapped; read by policy.")
    raw: str = Field(
        description="The header's value as it stands after encoding repair and whitespace "
        "cleanup (control characters removed, spaces collapsed), trailing junk included."
    )


class ParsedDocument(Model):
    origin: Provenance
    header: DateHeader | None
    title: str | None
    place: str | None
    body: str

    @property
    def path(self) -> str:
        return self.origin.path

    @property
    def role(self) -> Literal["source", "variant"]:
        """A dated document is a source; an undated one is a variant of some source."""
        return "variant" if self.header is None else "source"


class ParagraphAlignment(Model):
    """How a variant lines up with its source, in paragraph numbers (1-based)."""

    source_paragraphs: list[int] = Field(
        description="Source paragraphs the variant reproduces (at least one sentence of each)."
    )
    source_paragraph_count: int
    added_paragraphs: list[int] = Field(
        description="Variant paragraphs with no counterpart in the source (boilerplate, new text)."
    )
    variant_paragraph_count: int
    source_coverage: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        description="Share of the source's text the variant reproduces."
    )


Measure = Literal["sentences", "word_order"]


class Match(Model):
    variant: str = Field(description="Path of the variant.")
    source: str = Field(description="Path of the source it was assigned to.")
    score: Score
    measure: Measure = Field(
        description="What decided the score: in-order sentence alignment, or, for text whose "
        "punctuation OCR lost, the order of its content words."
    )
    margin: Score = Field(
        description="How much further above its measure's threshold the best candidate is "
        "than the runner-up (the score difference when one measure scored both)."
    )
    runner_up: CandidateScore | None
    alignment: ParagraphAlignment


class VariantRef(Provenance):
    score: Score = Field(description="Match score against the record's source, 0-100.")
    measure: Measure | None = Field(description="What decided the score; null for duplicates.")
    margin: Score | None = Field(
        description="Score minus the second-best source's; null for duplicate sources, "
        "which are grouped by identical text rather than scored."
    )
    runner_up: CandidateScore | None = Field(
        description="The second-best source and its score, when there was one."
    )
    alignment: ParagraphAlignment | None = Field(
        description="Which source paragraphs it covers and what it adds; null for duplicates."
    )
    duplicate: bool = Field(
        description="True when its clean body is the source's, up to line wrapping."
    )
    date: dt.date | None = Field(
        description="A duplicate source's own date header (the record keeps the earliest); "
        "null for undated variants."
    )


class FieldOrigin(Model):
    role: Literal["source", "variant"]
    path: str


class ArticleRecord(Model):
    """One story: the source's clean text plus every variant matched to it."""

    id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")] = Field(
        description="First 16 hex digits of the SHA-256 of the source's clean body."
    )
    title: str | None
    title_from: FieldOrigin | None
    date: dt.date
    published_at: dt.datetime | None
    date_ambiguous: bool
    date_raw: str
    place: str | None
    place_from: FieldOrigin | None
    body: Annotated[str, Field(min_length=1)]
    source: Provenance
    variants: list[VariantRef] = Field(description="Best match first.")


class StageTiming(Model):
    stage: str
    seconds: float

    @classmethod
    def of(cls, stage: str, seconds: float) -> StageTiming:
        """A stage's time as run.json keeps it (to the millisecond)."""
        return cls(stage=stage, seconds=round(seconds, 3))


class StepSummary(Model):
    """One per-file step over the whole run: its time summed over shards (worker time, in
    parallel), the documents that passed it and those it rejected, by reason."""

    step: str
    seconds: float
    passed: int
    rejected_by_reason: dict[str, int]


class OutputFile(Model):
    sha256: Sha256
    lines: int


Setting = float | int | str | bool | list[str] | dict[str, str] | None


class RunSummary(Model):
    """What `run.json` holds: counts that add up to the input count, timings, and the
    checksums of the data files written with it."""

    inputs: int = Field(description="Files found; always records + variants + rejected.")
    variants: int
    records: int
    rejected: int
    rejected_by_reason: dict[str, int]
    excluded: int = Field(
        0, description="Entries --include/--exclude left out (not inputs; a folder counts once)."
    )
    timings: list[StageTiming]
    steps: list[StepSummary] = Field(
        default_factory=list, description="read, decode, clean, parse: time, counts, drops."
    )
    input: str = Field("", description="The input folder, as an absolute path.")
    settings: dict[str, Setting] = Field(
        default_factory=dict, description="The options the run used (threshold, ...)."
    )
    outputs: dict[str, OutputFile] = Field(
        default_factory=dict,
        description="articles.jsonl, rejected.jsonl and ledger.jsonl, as this run wrote them.",
    )
    reused: int = Field(0, description="Files whose cached parse an earlier run made.")
    not_read: int = Field(
        0, description="Files unchanged since the last run (size, times, inode): not read again."
    )
    unchanged: bool = Field(
        False,
        exclude=True,
        description="Set on the result (never written): the output was already up to date.",
    )
