"""Parse: clean text -> date header, title, place and body."""

from __future__ import annotations

from tasks.errors import RejectedError
from tasks.models import CleanDocument, DateHeader, ParsedDocument, RejectReason
from tasks.parse.dates import UnrecognizedDateError
from tasks.parse.frontmatter import split_front_matter
from tasks.parse.header import DateRules, read_header_value, split_date_header
from tasks.parse.layout import split_dateline, split_paragraphs, split_title


def _front_matter_date(value: str, rules: DateRules) -> DateHeader:
    """A front matter `date:` is an explicit header: an unreadable value rejects the file."""
    try:
        header, prose = read_header_value(value, rules)
    except UnrecognizedDateError as error:
        raise RejectedError(RejectReason.INVALID_DATE, str(error)) from None
    if prose:  # nothing but the date belongs on a front matter line
        header = header.model_copy(update={"raw": value.strip()})
    return header


def parse_document(document: CleanDocument, rules: DateRules) -> ParsedDocument:
    """Front matter first, else a header line (before or after the title); then the title
    and the dateline."""
    fields, text = split_front_matter(document.text)
    if "date" in fields:
        header: DateHeader | None = _front_matter_date(fields["date"], rules)
    else:
        header, text = split_date_header(text, rules)
    title: str | None = fields.get("title")
    if title:
        paragraphs = split_paragraphs(text)
    else:
        title, paragraphs = split_title(split_paragraphs(text))
    place, paragraphs = split_dateline(paragraphs)
    body = "\n\n".join(paragraphs).strip()
    if not body:
        raise RejectedError(RejectReason.EMPTY, "no body text besides the header and title")
    return ParsedDocument(
        origin=document.origin, header=header, title=title, place=place, body=body
    )
