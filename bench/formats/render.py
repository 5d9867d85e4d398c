"""One story rendered as a publisher would: a `.txt` wire file, a `.md` blog post, an
`.html` news page with its menus, related links and footer, a scraper's JSON Lines record.

Each rendering must say exactly the story: its words, paragraphs, title and date, with the
markup a real writer uses (emphasis, links, a page template), escaped where the format
needs it (a Markdown paragraph starting "2004. " would be a numbered list). What a reader
of the format finds is then the truth the benchmark scores against.
"""

from __future__ import annotations

import datetime as dt
import html
import re

# How scrapers name the text and the date: a generic export, news-please, an RSS converter,
# a CMS dump. Each is one of the names copydesk reads; the title is `title` in all of them.
SCRAPER_FIELDS = (("text", "date"), ("maintext", "date_publish"), ("content", "published"),
                  ("body", "published_at"))  # fmt: skip
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_MD_LINE_START = re.compile(r"^([#>+=-]|\d{1,9}(?=[.)]\s))")


def as_text(title: str, paragraphs: list[str], date: dt.date | None) -> str:
    header = f"Date: {date.isoformat()}\n\n" if date else ""
    return header + "\n\n".join([title, *paragraphs]) + "\n"


def escape_markdown(paragraph: str) -> str:
    r"""`paragraph` as Markdown text that reads back as itself.

    >>> print(escape_markdown("2004. Profits *rose* at A&B <Reuters> - again"))
    2004\. Profits \*rose\* at A&amp;B \<Reuters> - again
    >>> print(escape_markdown("- not a list"))
    \- not a list
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", paragraph).replace("&", "&amp;")
    if match := re.match(r"^\d{1,9}([.)])\s", escaped):  # "2004. ": not a numbered list
        cut = match.start(1)
        return escaped[:cut] + "\\" + escaped[cut:]
    return _MD_LINE_START.sub(r"\\\1", escaped)


def as_markdown(title: str, paragraphs: list[str], date: dt.date | None, link: str) -> str:
    """Front matter with the date, the title as a heading, and every second paragraph's
    first word in bold and every third's last word a link, as blog posts have them."""
    body = []
    for number, paragraph in enumerate(paragraphs):
        words = escape_markdown(paragraph).split(" ")
        if number % 2 == 1 and len(words) > 1:
            words[0] = f"**{words[0]}**"
        if number % 3 == 2 and len(words) > 1:
            words[-1] = f"[{words[-1]}]({link})"
        body.append(" ".join(words))
    front = f"---\ndate: {date.isoformat()}\nauthor: Staff\n---\n\n" if date else ""
    return front + f"# {escape_markdown(title)}\n\n" + "\n\n".join(body) + "\n"


def date_markup(date: dt.date, style: int) -> tuple[str, str]:
    """Where a page keeps its date, (in the head, in the article): a meta tag, a `<time>`
    element, or JSON-LD, by `style`."""
    day = date.isoformat()
    if style % 3 == 0:
        return f'<meta property="article:published_time" content="{day}T08:00:00+00:00">', ""
    if style % 3 == 1:
        return "", f'<p class="byline">By Staff, <time datetime="{day}">{day}</time></p>'
    data = f'{{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "{day}"}}'
    return f'<script type="application/ld+json">{data}</script>', ""


def as_html(
    title: str, paragraphs: list[str], date: dt.date | None, related: list[str], style: int
) -> str:
    """A news page: navigation, the story, a box of related headlines, a footer."""
    head, byline = date_markup(date, style) if date else ("", "")
    story = "".join(f"<p>{html.escape(paragraph, quote=False)}</p>\n" for paragraph in paragraphs)
    links = "".join(f'<li><a href="/story/{n}">{html.escape(t)}</a></li>' for n, t in
                    enumerate(related))  # fmt: skip
    heading = html.escape(title, quote=False)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{heading} - The Daily Record</title>{head}</head>\n<body>\n"
        "<header><a href='/'>The Daily Record</a><nav><ul><li><a href='/news'>News</a></li>"
        "<li><a href='/business'>Business</a></li><li><a href='/sport'>Sport</a></li>"
        "<li><a href='/tech'>Technology</a></li></ul></nav></header>\n"
        f"<main><article><h1>{heading}</h1>{byline}\n{story}</article>\n"
        f"<aside><h2>Related stories</h2><ul>{links}</ul></aside></main>\n"
        "<footer><p>Copyright 2005 The Daily Record. All rights reserved.</p>"
        "<p><a href='/privacy'>Privacy</a> | <a href='/terms'>Terms</a></p></footer>\n"
        "</body></html>\n"
    )


def as_feed_record(
    title: str, paragraphs: list[str], date: dt.date | None, url: str, style: int
) -> dict[str, object]:
    r"""A scraper's record of the page at `url`: the title, the text with its paragraphs
    joined by blank lines, the date, and fields copydesk has no use for (address, site,
    language, authors), named as `SCRAPER_FIELDS[style]` names them. An undated copy has no
    date: news-please writes null for one it did not find, the others leave the field out.

    >>> record = as_feed_record("Rain", ["One.", "Two."], None, "https://example.com/a", 1)
    >>> record["title"], record["maintext"], record["date_publish"]
    ('Rain', 'One.\n\nTwo.', None)
    >>> sorted(as_feed_record("Rain", ["One."], None, "https://example.com/a", 2))
    ['authors', 'content', 'language', 'source_domain', 'title', 'url']
    """
    text_field, date_field = SCRAPER_FIELDS[style % len(SCRAPER_FIELDS)]
    record: dict[str, object] = {"url": url, "source_domain": url.split("/")[2], "title": title,
                                 text_field: "\n\n".join(paragraphs), "language": "en",
                                 "authors": []}  # fmt: skip
    if date or text_field == "maintext":
        record[date_field] = date.isoformat() if date else None
    return record
