"""The HTML extractors side by side on the formats benchmark's pages: the body each finds
against the story, and its time per page.

Kept apart from run.py, which scores copydesk's records: these call the extractors directly,
to show why copydesk uses the one it does. The scoring helpers live here and run.py shares
them, so a page and a record are measured alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from rapidfuzz.distance import Indel

EXACT = 0.995  # a body this similar to the story counts as exact
Page = tuple[str, str, str]  # (the page's HTML, the story's title, the story's body)


def similarity(found: str, expected: str) -> float:
    """rapidfuzz's normalized Indel similarity: 1.0 = identical.

    >>> similarity("abcd", "abcd"), similarity("ab", "abcd")
    (1.0, 0.6666666666666667)
    """
    return float(Indel.normalized_similarity(found, expected))


def share(part: int, whole: int) -> str:
    """`part` of `whole` as a percentage for a report, "-" when there is no whole.

    >>> share(1, 3), share(0, 0)
    ('33.3 %', '-')
    """
    return f"{100 * part / whole:.1f} %" if whole else "-"


def extractor_rows(pages: list[Page]) -> list[tuple[object, ...]]:
    """Each HTML extractor's body against the story, on every page (sources and variants)."""
    rows: list[tuple[object, ...]] = []
    for name, extract in EXTRACTORS.items():
        started = time.perf_counter()
        scores = [similarity(extract(page, title), expected) for page, title, expected in pages]
        seconds = time.perf_counter() - started  # the similarities are a small part of it
        rows.append((name, len(pages), f"{statistics.mean(scores):.4f}", f"{min(scores):.4f}",
                     share(sum(s >= EXACT for s in scores), len(pages)),
                     f"{1000 * seconds / len(pages):.1f}"))  # fmt: skip
    return rows


def _paragraphs(lines: list[str], title: str) -> str:
    """Non-empty lines as paragraphs, a first line repeating the title dropped (as copydesk
    does for every extractor's output, to compare extraction alone)."""
    kept = [line.strip() for line in lines if line.strip()]
    return "\n\n".join(kept[1:] if kept and kept[0] == title else kept)


def _copydesk(page: str, title: str) -> str:
    from tasks.extract.html import html_to_text
    from tasks.parse.frontmatter import split_front_matter

    return split_front_matter(html_to_text(page))[1]


def _trafilatura_default(page: str, title: str) -> str:
    import trafilatura

    return _paragraphs((trafilatura.extract(page, include_comments=False) or "").split("\n"), title)


def _justext(page: str, title: str) -> str:
    import justext

    found = justext.justext(page.encode(), justext.get_stoplist("English"))
    return _paragraphs([p.text for p in found if not p.is_boilerplate], title)


def _all_text(page: str, title: str) -> str:
    import lxml.html

    body = lxml.html.fromstring(page).find("body")
    return _paragraphs((body.text_content() if body is not None else "").split("\n"), title)


EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "trafilatura, favor_precision (copydesk)": _copydesk,
    "trafilatura, defaults": _trafilatura_default,
    "jusText": _justext,
    "all the page's text (lxml)": _all_text,
}
