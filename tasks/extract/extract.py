"""Extract: a decoded Markdown or HTML file -> the plain text a `.txt` article would be.

The text that comes out follows the `.txt` conventions the rest of the pipeline reads:
paragraphs between blank lines, the title and date (when the markup gives them) in a front
matter block. So cleaning, parsing, matching and the records treat every format alike, and
the record's repair trail names the conversion (`md_to_text`, `html_to_text`).
"""

from __future__ import annotations

from tasks.extract.formats import InputFormat, format_of
from tasks.extract.html import html_to_text
from tasks.extract.markdown import markdown_to_text
from tasks.models import DecodedDocument

_CONVERTERS = {InputFormat.MD: markdown_to_text, InputFormat.HTML: html_to_text}


def extract_document(document: DecodedDocument, chosen: InputFormat | None) -> DecodedDocument:
    """`document` as plain text, by its format (`chosen`, else its extension); a text file
    as it is."""
    form = format_of(document.path, chosen)
    convert = _CONVERTERS.get(form)
    if convert is None:
        return document
    return document.model_copy(update={"text": convert(document.text), "markup": form.value})
