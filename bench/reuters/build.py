"""Turn Reuters stories into article files that vary the way real feeds vary.

Each story gets a date-header form, an encoding and a line ending chosen by a random
generator seeded with the story's NEWID: the same story always becomes the same bytes, and
``--limit`` keeps the exact files of the full corpus (only fewer of them).
"""

from __future__ import annotations

import codecs
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common.jsonl import read_truth, write_truth
from bench.reuters.corpus import Story, normalize_words, true_date, true_time

SEED = 21578
RAW_SHARE = 1 / 3  # the verbatim Reuters DATE form; malformed values always use it
TITLE_SHARE = 1 / 2
RAW_FORM = "reuters_raw"
ZONE = dt.timezone(dt.timedelta(hours=-5))  # New York, where the wire was stamped
NEWLINES = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252", "latin-1")
_UTF16_BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}


@dataclass(frozen=True)
class Truth:
    """What the product should report for one file (one line of truth.jsonl)."""

    path: str
    newid: int
    date: str
    published_at: str | None
    raw_date: str
    malformed: bool
    form: str
    encoding: str
    newline: str
    has_title: bool
    title: str
    body_words: str


def _stamp(story: Story) -> dt.datetime:
    """The story's time to the second in New York; midnight when the raw time is impossible."""
    clock = (true_time(story.raw_date) or dt.time(0, 0)).replace(microsecond=0)
    return dt.datetime.combine(true_date(story.raw_date), clock, tzinfo=ZONE)


def published_at(story: Story, form: str) -> str | None:
    """The moment the header states, for the forms that state one (Reuters' is zoneless)."""
    if form in ("rfc2822", "iso_timestamp_zone"):
        return _stamp(story).isoformat()
    clock = true_time(story.raw_date)
    if form != RAW_FORM or clock is None:
        return None
    return dt.datetime.combine(true_date(story.raw_date), clock).isoformat()


# A form renders the header value; the line holding it is built by `_layout`.
HEADER_VALUES: dict[str, Callable[[Story], str]] = {
    "glued_inline": lambda s: f" date {true_date(s.raw_date).isoformat()}",
    "colon_iso": lambda s: f"date: {true_date(s.raw_date).isoformat()}",
    "equals_iso": lambda s: f"Date={true_date(s.raw_date).isoformat()}",
    RAW_FORM: lambda s: f"DATE {s.raw_date}",
    "colon_nospace": lambda s: f"Date:{true_date(s.raw_date).isoformat()}",
    "yaml_front_matter": lambda s: f"date: {true_date(s.raw_date).isoformat()}",
    "after_title": lambda s: f"date: {true_date(s.raw_date).isoformat()}",
    "rfc2822": lambda s: "Date: " + _stamp(s).strftime("%a, %d %b %Y %H:%M:%S %z"),
    "month_day_year": lambda s: "Date: " + _stamp(s).strftime("%B %-d, %Y"),
    "day_month_year": lambda s: "Date: " + _stamp(s).strftime("%-d %B %Y"),
    "year_slash": lambda s: "Date: " + _stamp(s).strftime("%Y/%m/%d"),
    "dotted_dmy": lambda s: "Date: " + _stamp(s).strftime("%d.%m.%Y"),
    "iso_timestamp_zone": lambda s: "Date: " + _stamp(s).isoformat(),
}
OTHER_FORMS = tuple(form for form in HEADER_VALUES if form != RAW_FORM)


def _layout(story: Story, form: str, has_title: bool) -> str:
    """The article text with LF line ends: optional title, the header, then the body."""
    header = HEADER_VALUES[form](story)
    if form == "yaml_front_matter":
        title = [f"title: {story.title}"] if has_title else []
        return "\n".join(["---", *title, header, "---", "", story.body]) + "\n"
    if form == "glued_inline":
        first, _, rest = story.body.partition("\n")
        body = f"{header} {first}" + (f"\n{rest}" if rest else "")
    else:
        body = f"{header}\n\n{story.body}"
    if form == "after_title":
        body = f"{story.title}\n{body}"
    elif has_title:
        body = f"{story.title}\n\n{body}"
    return body + "\n"


def _encode(text: str, encoding: str) -> bytes:
    """Bytes in `encoding`; UTF-16 always carries its byte-order mark, as real files do."""
    if encoding in _UTF16_BOMS:
        return _UTF16_BOMS[encoding] + text.encode(encoding)
    return text.encode(encoding)


def _choose(story: Story) -> tuple[str, str, str, bool]:
    """Form, encoding, newline and whether a title line comes first, seeded by NEWID."""
    rng = random.Random(f"{SEED}:{story.newid}")
    raw = story.malformed or rng.random() < RAW_SHARE
    form = RAW_FORM if raw else rng.choice(OTHER_FORMS)
    encoding = rng.choice(ENCODINGS)
    newline = rng.choice(list(NEWLINES))
    has_title = bool(story.title) and (form == "after_title" or rng.random() < TITLE_SHARE)
    if form == "after_title" and not has_title:
        form = "colon_iso"  # no title to put the header after
    return form, encoding, newline, has_title


def build_file(story: Story, corpus: Path) -> Truth:
    """Write one story's file under `corpus` and return its truth."""
    form, encoding, newline, has_title = _choose(story)
    text = _layout(story, form, has_title).replace("\n", NEWLINES[newline])
    name = f"reut-{story.newid:05d}.txt"
    (corpus / name).write_bytes(_encode(text, encoding))
    return Truth(
        path=name,
        newid=story.newid,
        date=true_date(story.raw_date).isoformat(),
        published_at=published_at(story, form),
        raw_date=story.raw_date,
        malformed=story.malformed,
        form=form,
        encoding=encoding,
        newline=newline,
        has_title=has_title,
        title=story.title if has_title else "",
        body_words=normalize_words(story.body),
    )


def build_corpus(stories: list[Story], corpus: Path, truth_path: Path) -> list[Truth]:
    """Write every story's file and the truth file (one JSON object a line)."""
    corpus.mkdir(parents=True, exist_ok=True)
    truths = [build_file(story, corpus) for story in stories]
    write_truth(truth_path, truths)
    return truths


def load_truth(truth_path: Path) -> list[Truth]:
    """The truth of an existing corpus (for ``--keep``)."""
    return read_truth(truth_path, Truth)
