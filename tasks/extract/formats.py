"""Which reader a file gets: by its name's extension, or the one `--format` names for all.

Any other file is read as text, as copydesk always has: a landing folder's articles often
have no extension, or one a feed chose (`.story`, `.art`).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath


class InputFormat(StrEnum):
    TXT = "txt"
    MD = "md"
    HTML = "html"


BY_EXTENSION = {
    ".md": InputFormat.MD,
    ".markdown": InputFormat.MD,
    ".html": InputFormat.HTML,
    ".htm": InputFormat.HTML,
    ".xhtml": InputFormat.HTML,
}


def format_of(path: str, chosen: InputFormat | None = None) -> InputFormat:
    """`chosen`, else the format `path`'s extension (any case) names, else text.

    >>> [format_of(p).value for p in ["a/story.MD", "page.htm", "wire.txt", "NOTES"]]
    ['md', 'html', 'txt', 'txt']
    >>> format_of("page.htm", InputFormat.TXT).value
    'txt'
    """
    if chosen is not None:
        return chosen
    return BY_EXTENSION.get(PurePosixPath(path).suffix.lower(), InputFormat.TXT)
