"""Builders for documents in tests."""

from __future__ import annotations

import datetime as dt

from tasks.models import DateHeader, ParsedDocument, Provenance


def origin(path: str = "a.txt") -> Provenance:
    return Provenance(
        path=path, sha256="0" * 64, encoding="utf-8", encoding_reason="valid UTF-8", fixes=[]
    )


def parsed(
    path: str,
    body: str,
    date: dt.date | None = None,
    title: str | None = None,
    place: str | None = None,
) -> ParsedDocument:
    header = None
    if date is not None:
        header = DateHeader(date=date, published_at=None, ambiguous=False, raw=date.isoformat())
    return ParsedDocument(origin=origin(path), header=header, title=title, place=place, body=body)
