"""JSON -> the plain text copydesk reads from a `.txt` file: an object's text, title and date.

Feeds name their fields differently: news-please writes `maintext` and `date_publish`, most
scrapers `text` or `body`, RSS converters `content` and `published`. Each field is taken
from the first name present (`FIELD_NAMES`), or from the one `--field` names for it; a dotted
name reaches into nested objects (`--field text=article.body`). The text's paragraphs stay
as they are (a list of strings is a list of paragraphs); the title and date go into the
front matter, where the same rules as for every header read the date.

A date must be text: a number is refused (`invalid_date`), not guessed at (1556712000 is
seconds since 1970 to one feed, milliseconds to another).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tasks.errors import RejectedError
from tasks.models import RejectReason
from tasks.parse.frontmatter import render_front_matter

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "maintext"),
    "title": ("title",),
    "date": ("date", "date_publish", "published", "published_at"),
}
FieldChoice = tuple[tuple[str, str], ...]  # --field: (field, name) pairs, e.g. ("text", "body")


def json_to_text(source: str, chosen: FieldChoice = ()) -> str:
    r"""The JSON object's text as plain paragraphs, its title and date in a front matter
    block.

    >>> print(json_to_text('{"headline": "x", "title": "Rain", "published": "2025-05-15",'
    ...                    ' "body": "One.\\n\\nTwo."}'))
    ---
    title: "Rain"
    date: "2025-05-15"
    ---
    <BLANKLINE>
    One.
    <BLANKLINE>
    Two.
    >>> print(json_to_text('{"story": {"paras": ["One.", "Two."]}}', (("text", "story.paras"),)))
    One.
    <BLANKLINE>
    Two.
    """
    try:
        found = json.loads(source.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        where = f"column {error.colno}" if error.lineno == 1 else f"line {error.lineno}"
        raise RejectedError(RejectReason.INVALID_JSON, f"not JSON: {error.msg} ({where})") from None
    except RecursionError:
        raise RejectedError(RejectReason.INVALID_JSON, "not JSON: nested too deeply") from None
    if not isinstance(found, dict):
        raise RejectedError(RejectReason.INVALID_JSON, f"a JSON {_kind(found)}, not an object")
    names = {**FIELD_NAMES, **{field: (name,) for field, name in chosen}}
    text = _field(found, names["text"])
    if text is None:
        tried = ", ".join(names["text"])
        detail = f"no article text: none of {tried} (--field text=NAME reads another)"
        raise RejectedError(RejectReason.EMPTY, detail)
    paragraphs = text if isinstance(text, list) else [text]
    if not all(isinstance(paragraph, str) for paragraph in paragraphs):
        raise RejectedError(RejectReason.INVALID_JSON, _not_text("text", text))
    header = {field: _text_field(found, field, names[field]) for field in ("title", "date")}
    body = "\n\n".join(paragraph.strip("\n") for paragraph in paragraphs)
    return render_front_matter({key: value for key, value in header.items() if value}) + body


def _field(found: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    """The value of the first of `names` present and not null (a dotted name: nested)."""
    for name in names:
        value: Any = found
        for key in name.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            return value
    return None


def _text_field(found: Mapping[str, Any], field: str, names: tuple[str, ...]) -> str | None:
    value = _field(found, names)
    if value is None or isinstance(value, str):
        return value
    reason = RejectReason.INVALID_DATE if field == "date" else RejectReason.INVALID_JSON
    raise RejectedError(reason, _not_text(field, value))


def _not_text(field: str, value: Any) -> str:
    return f"the {field} is a JSON {_kind(value)} ({json.dumps(value)[:80]}), not text"


def _kind(value: Any) -> str:
    """JSON's name for the type of `value`.

    >>> [_kind(v) for v in ({}, [], "", 1, 1.5, True, None)]
    ['object', 'array', 'string', 'number', 'number', 'boolean', 'null']
    """
    if isinstance(value, bool):
        return "boolean"
    kinds = {dict: "object", list: "array", str: "string", int: "number", float: "number"}
    return kinds.get(type(value), "null")
