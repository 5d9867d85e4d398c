r"""YAML front matter: a ``---`` fenced block of ``key: value`` lines at the very top.

Static-site exports and some feeds put the date and title there. Only flat ``key: value``
lines are read (no YAML library): YAML would turn ``date: 2025-05-15`` into a date object and
``date: 05/06/2025`` into a string by its own rules, while copydesk reads every header value
with the same strict date reader.
"""

from __future__ import annotations

import re

FENCE = "---"
FENCE_ENDS = ("---", "...")
MAX_FRONT_MATTER_LINES = 40
_KEY = re.compile(r"[A-Za-z_][\w-]*")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def split_front_matter(text: str, yaml: bool = False) -> tuple[dict[str, str], str]:
    r"""Return the front matter's fields (keys lower-cased) and the text after it.

    `yaml`: the block may hold YAML's nested values (a Markdown file of a static site has
    `tags:` and an indented list under it): indented lines, list items, comments and keys
    without a value of their own are skipped, and the flat `key: value` lines are read.

    >>> split_front_matter('---\ntitle: "Hi: there"\nDate: 2025-05-15\n---\n\nBody.')
    ({'title': 'Hi: there', 'date': '2025-05-15'}, 'Body.')
    >>> split_front_matter("--- not a fence\nBody.")
    ({}, '--- not a fence\nBody.')
    >>> split_front_matter("---\nno closing fence")
    ({}, '---\nno closing fence')
    >>> split_front_matter("---\nA paragraph.\n---\nRest.")
    ({}, '---\nA paragraph.\n---\nRest.')
    >>> split_front_matter("---\ndate: 2025-05-01\ntags:\n  - a\n- x\n# c\n---\nB.", yaml=True)
    ({'date': '2025-05-01'}, 'B.')
    """
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        return {}, text
    for end in range(1, min(len(lines), MAX_FRONT_MATTER_LINES)):
        if lines[end].strip() in FENCE_ENDS:
            fields: dict[str, str] = {}
            for line in lines[1:end]:
                key, separator, value = line.partition(":")
                if not line.strip() or (yaml and (line[0] in " \t-#" or not value.strip())):
                    continue
                if not (separator and _KEY.fullmatch(key.strip())):
                    return {}, text  # prose between two rules, not front matter
                fields[key.strip().lower()] = _unquote(value.strip())
            return fields, "\n".join(lines[end + 1 :]).strip("\n")
    return {}, text


def render_front_matter(fields: dict[str, str]) -> str:
    r"""`fields` as a front matter block that `split_front_matter` reads back as they are
    (each value on one line, its spaces collapsed, quoted), or nothing when there are none.
    Extraction from Markdown and HTML hands the title and date on this way.

    >>> render_front_matter({"title": '"Hi":  there', "date": "2025-05-15"})
    '---\ntitle: ""Hi": there"\ndate: "2025-05-15"\n---\n\n'
    >>> split_front_matter(render_front_matter({"title": '"Hi":  there'}) + "Body.")
    ({'title': '"Hi": there'}, 'Body.')
    >>> render_front_matter({})
    ''
    """
    if not fields:
        return ""
    lines = [f'{name}: "{" ".join(value.split())}"' for name, value in fields.items()]
    return "\n".join([FENCE, *lines, FENCE]) + "\n\n"
