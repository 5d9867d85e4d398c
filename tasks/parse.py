"""Parse: clean text -> date, title, place and body."""

from __future__ import annotations

import datetime as dt
from functools import partial

from tasks.batch import Batch, map_batch
from tasks.errors import RejectedError
from tasks.header import split_date_header
from tasks.layout import split_dateline, split_paragraphs, split_title
from tasks.models import CleanDocument, ParsedDocument, RejectReason
from tasks.runtime import stage_task


def parse_document(document: CleanDocument, today: dt.date) -> ParsedDocument:
    """Header first (it may sit before or after the title), then title, then dateline."""
    date, text = split_date_header(document.text, today)
    title, paragraphs = split_title(split_paragraphs(text))
    place, paragraphs = split_dateline(paragraphs)
    body = "\n\n".join(paragraphs).strip()
    if not body:
        raise RejectedError(RejectReason.EMPTY, "no body text besides the header and title")
    return ParsedDocument(origin=document.origin, date=date, title=title, place=place, body=body)


@stage_task("parse")
def parse_shard(batch: Batch[CleanDocument], today: dt.date) -> Batch[ParsedDocument]:
    return map_batch(partial(parse_document, today=today), batch)
