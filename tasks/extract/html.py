"""HTML -> the plain text copydesk reads from a `.txt` file: the page's main text, title
and date.

A saved web page holds navigation, footers and scripts around the story, and its date sits
in the markup (`<meta property="article:published_time">`, `<time>`, JSON-LD), not in a
header line: read as text, the page would publish its menus and be rejected as undated.
trafilatura finds the main text and the title (it led the main-text extraction benchmarks
it was compared in, and is maintained; docs/benchmarks.md, "Formats", gives our
measurement); htmldate, which trafilatura uses, finds the date, called here strictly:

- from the markup only (`extensive_search` off: no date guessed from the prose or a
  copyright line, and never today's date), and never from the URL: trafilatura would hand
  htmldate the page's canonical or `og:url` address, whose date (`/2019/05/01/...`) htmldate
  prefers to the markup's, so htmldate is called here with none;
- the original publication date, not the last modification;
- no bounds of its own (htmldate drops dates before 1995 or after today by default): the
  date goes into the front matter, where the same rules as for every header accept or
  reject it (tasks/parse/parse.py), so a page dated in the future is rejected as such
  instead of silently becoming undated.
"""

from __future__ import annotations

from typing import Any

from tasks.errors import RejectedError
from tasks.models import RejectReason
from tasks.parse.frontmatter import render_front_matter

# No URL, and bounds wide enough that htmldate never judges a date itself (see above).
DATE_SEARCH: dict[str, Any] = {
    "extensive_search": False,
    "original_date": True,
    "url": "",
    "min_date": "1000-01-01",
    "max_date": "9999-12-31",
}


def html_to_text(html: str) -> str:
    """The page's main text as plain paragraphs, its title and date in a front matter block.

    >>> page = ("<html><head><title>Cocoa exports rise | News</title><meta property="
    ...         "'article:published_time' content='1987-02-26'></head><body><nav>Home</nav>"
    ...         "<article><h1>Cocoa exports rise</h1><p>Showers continued in Bahia.</p>"
    ...         "<p>Arrivals were 155,221 bags.</p></article></body></html>")
    >>> print(html_to_text(page))
    ---
    title: "Cocoa exports rise"
    date: "1987-02-26"
    ---
    <BLANKLINE>
    Showers continued in Bahia.
    <BLANKLINE>
    Arrivals were 155,221 bags.
    """
    import htmldate  # with trafilatura, 0.5 s of imports, for runs that read HTML only
    import trafilatura

    found: Any = trafilatura.bare_extraction(
        html,
        with_metadata=True,  # the title
        favor_precision=True,  # a menu or a "related stories" line in the body misleads matching
        include_comments=False,
        include_tables=False,
        date_extraction_params=DATE_SEARCH,
    )
    lines = [line.strip() for line in (found.text or "").split("\n")] if found else []
    title = found.title if found and found.title else None
    if lines and title and lines[0] == title:
        lines = lines[1:]  # the page's headline, repeated above the story
    paragraphs = [line for line in lines if line]
    if not paragraphs:
        raise RejectedError(RejectReason.EMPTY, "no article text found in the HTML page")
    fields = {"title": title, "date": htmldate.find_date(html, **DATE_SEARCH)}
    header = render_front_matter({name: value for name, value in fields.items() if value})
    return header + "\n\n".join(paragraphs)
