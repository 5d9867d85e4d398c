"""Extract: a decoded Markdown, HTML or JSON input -> the plain text a `.txt` article would be.

The text that comes out follows the `.txt` conventions the rest of the pipeline reads:
paragraphs between blank lines, the title and date (when the markup gives them) in a front
matter block. So cleaning, parsing, matching and the records treat every format alike, and
the record's repair trail names the conversion (`md_to_text`, `html_to_text`,
`json_to_text`).
"""

from __future__ import annotations

from tasks.extract.formats import InputFormat, format_of
from tasks.extract.html import html_to_text
from tasks.extract.json_article import FieldChoice, json_to_text
from tasks.extract.markdown import markdown_to_text
from tasks.models import DecodedDocument


def extract_document(
    document: DecodedDocument, chosen: InputFormat | None, fields: FieldChoice = ()
) -> DecodedDocument:
    """`document` as plain text, by its format (`chosen`, else its extension); a text file
    as it is. `fields`: --field, the JSON fields chosen by name."""
    form = format_of(document.path, chosen)
    if form is InputFormat.TXT:
        return document
    if form is InputFormat.MD:
        text, markup = markdown_to_text(document.text), "md"
    elif form is InputFormat.HTML:
        text, markup = html_to_text(document.text), "html"
    else:
        text, markup = json_to_text(document.text, fields), "json"
    return document.model_copy(update={"text": text, "markup": markup})
