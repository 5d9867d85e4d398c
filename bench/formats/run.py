"""The same stories as text, Markdown and HTML: are dates, titles and bodies as exact as
for text, and are variants matched across formats?

Usage: ``python -m bench.formats.run [--stories 300] [--no-wait]``. From BBC News (stories
with no copy in the corpus, so each has one right answer), each story gets a dated source
in one format and an undated, shortened variant in another (txt -> md, md -> html,
html -> txt, in turn), each rendered as its publisher would (bench/formats/render.py).
`copydesk ingest` reads them all; the report gives, per format, the share of sources whose
date and title are exact, the mean and minimum body similarity to the story (rapidfuzz's
normalized Indel similarity, 1.0 = identical), the share at or above 0.995, and the share of
variants attached to their own story. Then the HTML extractors side by side on the same
pages: the body each finds against the story, and its time per page. Report: stdout and
``bench/work/formats/report.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Indel

from bench.common import paths
from bench.common.cli import arguments, ingest
from bench.common.report import publish, table
from bench.formats.render import as_html, as_markdown, as_text
from bench.matching.bbc import bbc_date
from bench.matching.corpora import Article, load_bbc, load_near_duplicates

WORK = paths.WORK / "formats"
BBC = paths.CORPORA / "bbc"
FORMATS = ("txt", "md", "html")
EXACT = 0.995


@dataclass(frozen=True)
class Story:
    article: Article
    date: dt.date
    source: str  # the dated file's path
    variant: str  # the undated copy's path
    kept: int  # the variant's paragraphs: the story's first ones


def stories(count: int) -> list[Story]:
    """`count` BBC stories with no copy in the corpus, spread over the topics, each with its
    source's and variant's paths (format by turn)."""
    bbc = load_bbc(BBC)
    copies = load_near_duplicates(BBC).components()
    alone = [key for key in bbc if key not in copies and len(bbc[key].paragraphs) >= 3]
    chosen = alone[:: max(1, len(alone) // count)][:count]
    planned = []
    for number, key in enumerate(chosen):
        article = bbc[key]
        source_format, variant_format = FORMATS[number % 3], FORMATS[(number + 1) % 3]
        name = key.replace("/", "-").removesuffix(".txt")
        planned.append(Story(article, bbc_date(article.origin), f"{source_format}/{name}."
                             f"{source_format}", f"{variant_format}/{name}-copy.{variant_format}",
                             max(2, len(article.paragraphs) - 1)))  # fmt: skip
    return planned


def render(story: Story, path: str, dated: bool, paragraphs: list[str], others: list[str]) -> str:
    """The file at `path` (its extension names the format), dated or not."""
    article, date = story.article, story.date if dated else None
    if path.endswith(".md"):
        return as_markdown(article.title, paragraphs, date, f"https://example.com/{path}")
    if path.endswith(".html"):
        return as_html(article.title, paragraphs, date, others, style=len(path))
    return as_text(article.title, paragraphs, date)


def build(planned: list[Story], corpus: Path) -> None:
    shutil.rmtree(corpus, ignore_errors=True)
    for number, story in enumerate(planned):
        others = [planned[(number + step) % len(planned)].article.title for step in (1, 2, 3)]
        for path, dated in ((story.source, True), (story.variant, False)):
            target = corpus / path
            target.parent.mkdir(parents=True, exist_ok=True)
            text = render(story, path, dated, truth(story, path).split("\n\n"), others)
            target.write_text(text, encoding="utf-8")


def truth(story: Story, path: str) -> str:
    """The body a reader finds in `path`: the whole story, or the variant's first part."""
    paragraphs = story.article.paragraphs
    return "\n\n".join(paragraphs if path == story.source else paragraphs[: story.kept])


def similarity(found: str, expected: str) -> float:
    return float(Indel.normalized_similarity(found, expected))


def format_rows(planned: list[Story], out: Path) -> list[tuple[object, ...]]:
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    by_source = {record["source"]["path"]: record for record in records}
    home = {v["path"]: record["source"]["path"] for record in records for v in record["variants"]}
    rows: list[tuple[object, ...]] = []
    for form in FORMATS:
        sources = [s for s in planned if s.source.endswith(f".{form}")]
        variants = [s for s in planned if s.variant.endswith(f".{form}")]
        dates = titles = exact = 0
        scores = []
        for story in sources:
            record = by_source.get(story.source, {"date": None, "title": None, "body": ""})
            dates += record["date"] == story.date.isoformat()
            titles += record["title"] == story.article.title
            scores.append(similarity(record["body"], truth(story, story.source)))
            exact += scores[-1] >= EXACT
        attached = sum(home.get(s.variant) == s.source for s in variants)
        rows.append((
            form, len(sources), _share(dates, len(sources)), _share(titles, len(sources)),
            f"{statistics.mean(scores):.4f}", f"{min(scores):.4f}", _share(exact, len(sources)),
            f"{_share(attached, len(variants))} of {len(variants)}",
        ))  # fmt: skip
    return rows


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def extractor_rows(planned: list[Story], corpus: Path) -> list[tuple[object, ...]]:
    """Each HTML extractor's body against the story, on every page (sources and variants)."""
    pages = [
        ((corpus / path).read_text(encoding="utf-8"), story.article.title, truth(story, path))
        for story in planned
        for path in (story.source, story.variant)
        if path.endswith(".html")
    ]
    rows: list[tuple[object, ...]] = []
    for name, extract in EXTRACTORS.items():
        started = time.perf_counter()
        scores = [similarity(extract(page, title), expected) for page, title, expected in pages]
        seconds = time.perf_counter() - started  # the similarities are a small part of it
        rows.append((name, len(pages), f"{statistics.mean(scores):.4f}", f"{min(scores):.4f}",
                     _share(sum(s >= EXACT for s in scores), len(pages)),
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


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--stories", type=int, default=300)
    args = parser.parse_args(argv)
    paths.require_corpora(BBC)
    planned = stories(args.stories)
    corpus, out = WORK / "corpus", WORK / "out"
    build(planned, corpus)
    measured = ingest(corpus, out, fresh=True, wait=args.wait)
    header = ["format", "sources", "date exact", "title exact", "body similarity, mean",
              "min", f">= {EXACT}", "variants attached to their story"]  # fmt: skip
    report = [
        f"# The same {len(planned)} BBC stories as text, Markdown and HTML", "",
        f"{measured.summary['inputs']:,} files, {measured.wall:.1f} s; "
        f"{measured.summary['rejected']} rejected.", "",
        *table(header, format_rows(planned, out)), "",
        "## HTML extractors, on the same pages", "",
        *table(["extractor", "pages", "body similarity, mean", "min", f">= {EXACT}", "ms a page"],
               extractor_rows(planned, corpus)),
    ]  # fmt: skip
    return publish("\n".join(report), WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
