"""Builders for documents in tests."""

from __future__ import annotations

import datetime as dt

from tasks.models import ParsedDocument, Provenance


def parsed(
    path: str,
    body: str,
    date: dt.date | None = None,
    title: str | None = None,
    place: str | None = None,
) -> ParsedDocument:
    origin = Provenance(path=path, sha256="0" * 64, encoding="utf-8", fixes=[])
    return ParsedDocument(origin=origin, date=date, title=title, place=place, body=body)
