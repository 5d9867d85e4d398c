"""The same stories as text, Markdown, HTML and JSON Lines: are dates, titles and bodies as
exact as for text, and are variants matched across formats?

Usage: ``python -m bench.formats.run [--stories 300] [--no-wait]``. From BBC News (stories
with no copy in the corpus, so each has one right answer), each story gets a dated source
in one format and an undated, shortened variant in another (txt -> md, md -> html,
html -> jsonl, jsonl -> txt, in turn), each rendered as its publisher would
(bench/formats/render.py); JSON Lines stories are lines of two scraper feeds,
``feeds/sources.jsonl`` and ``feeds/variants.jsonl``, each line an input named
``feeds/sources.jsonl#N`` (bench/formats/feeds.py). `copydesk ingest` reads them all; the
report gives, per format, the share of sources whose date and title are exact, the mean and
minimum body similarity to the story (rapidfuzz's normalized Indel similarity, 1.0 =
identical), the share at or above 0.995, and the share of variants attached to their own
story. Then the HTML extractors side by side on the same pages: the body each finds against
the story, and its time per page (bench/formats/extractors.py). Report: stdout and
``bench/work/formats/report.md``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.common import paths
from bench.common.cli import arguments, ingest
from bench.common.output import read_output
from bench.common.report import publish, table
from bench.formats.extractors import EXACT, Page, extractor_rows, share, similarity
from bench.formats.feeds import write_feed
from bench.formats.render import as_feed_record, as_html, as_markdown, as_text
from bench.matching.bbc import bbc_date
from bench.matching.corpora import Article, load_bbc, load_near_duplicates
from tasks.extract.formats import InputFormat, feed_of, format_of, part_name

WORK = paths.WORK / "formats"
BBC = paths.CORPORA / "bbc"
FORMATS = ("txt", "md", "html", "jsonl")


@dataclass(frozen=True)
class Story:
    article: Article
    date: dt.date
    source: str  # the dated input's name: a file's path, or a feed's `path#line`
    variant: str  # the undated copy's
    kept: int  # the variant's paragraphs: the story's first ones

    @property
    def url(self) -> str:
        """Where a scraper found it: "https://example.com/news/business/001"."""
        return f"https://example.com/news/{self.article.origin[4:].removesuffix('.txt')}"


def stories(count: int) -> list[Story]:
    """`count` BBC stories with no copy in the corpus, spread over the topics, each with its
    source's and variant's input names (format by turn; a feed's lines numbered in order)."""
    bbc = load_bbc(BBC)
    copies = load_near_duplicates(BBC).components()
    alone = [key for key in bbc if key not in copies and len(bbc[key].paragraphs) >= 3]
    chosen = alone[:: max(1, len(alone) // count)][:count]
    lines: Counter[str] = Counter()

    def name(form: str, slug: str, role: str) -> str:
        if form == "jsonl":
            lines[role] += 1
            return part_name(f"feeds/{role}s.jsonl", lines[role])
        return f"{form}/{slug}{'-copy' if role == 'variant' else ''}.{form}"

    planned = []
    for number, key in enumerate(chosen):
        article = bbc[key]
        slug = key.replace("/", "-").removesuffix(".txt")
        source_format, variant_format = (FORMATS[(number + step) % len(FORMATS)] for step in (0, 1))
        planned.append(Story(article, bbc_date(article.origin), name(source_format, slug, "source"),
                             name(variant_format, slug, "variant"),
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
    """Every story's two inputs: files written as they come, feed lines gathered and each
    feed written once, its lines in the order their names were given."""
    shutil.rmtree(corpus, ignore_errors=True)
    feeds: dict[str, list[dict[str, object]]] = {}
    for number, story in enumerate(planned):
        others = [planned[(number + step) % len(planned)].article.title for step in (1, 2, 3)]
        for path, dated in ((story.source, True), (story.variant, False)):
            paragraphs = truth(story, path).split("\n\n")
            feed = feed_of(path)
            if feed != path:
                line = int(path.rpartition("#")[2])
                date = story.date if dated else None
                feeds.setdefault(feed, []).append(
                    as_feed_record(story.article.title, paragraphs, date, story.url, style=line)
                )
                assert len(feeds[feed]) == line, f"{path} written as line {len(feeds[feed])}"
                continue
            target = corpus / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(story, path, dated, paragraphs, others), encoding="utf-8")
    for feed, records in feeds.items():
        write_feed(corpus / feed, records)


def truth(story: Story, path: str) -> str:
    """The body a reader finds in `path`: the whole story, or the variant's first part."""
    paragraphs = story.article.paragraphs
    return "\n\n".join(paragraphs if path == story.source else paragraphs[: story.kept])


def format_rows(planned: list[Story], out: Path) -> list[tuple[object, ...]]:
    """One row per format; records are found by their input names, feed lines included."""
    output = read_output(out)
    by_source = {record["source"]["path"]: record for record in output.records}
    home = output.home_of()[1]
    rows: list[tuple[object, ...]] = []
    for form in FORMATS:
        sources = [s for s in planned if format_of(s.source) == form]
        variants = [s for s in planned if format_of(s.variant) == form]
        dates = titles = exact = 0
        scores = []
        for story in sources:
            record = by_source.get(story.source, {"date": None, "title": None, "body": ""})
            dates += record["date"] == story.date.isoformat()
            titles += record["title"] == story.article.title
            scores.append(similarity(record["body"], truth(story, story.source)))
            exact += scores[-1] >= EXACT
        attached = sum(home.get(s.variant) == s.source for s in variants)
        mean, least = (
            (f"{statistics.mean(scores):.4f}", f"{min(scores):.4f}") if scores else ("-", "-")
        )
        rows.append((
            form, len(sources), share(dates, len(sources)), share(titles, len(sources)),
            mean, least, share(exact, len(sources)),
            f"{share(attached, len(variants))} of {len(variants)}",
        ))  # fmt: skip
    return rows


def html_pages(planned: list[Story], corpus: Path) -> list[Page]:
    """Every HTML page (sources and variants) with its story's title and body."""
    return [
        ((corpus / path).read_text(encoding="utf-8"), story.article.title, truth(story, path))
        for story in planned
        for path in (story.source, story.variant)
        if format_of(path) is InputFormat.HTML
    ]


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--stories", type=int, default=300)
    args = parser.parse_args(argv)
    paths.require_corpora(BBC)
    planned = stories(args.stories)
    corpus, out = WORK / "corpus", WORK / "out"
    build(planned, corpus)
    files = sum(path.is_file() for path in corpus.rglob("*"))
    measured = ingest(corpus, out, fresh=True, wait=args.wait)
    header = ["format", "sources", "date exact", "title exact", "body similarity, mean",
              "min", f">= {EXACT}", "variants attached to their story"]  # fmt: skip
    report = [
        f"# The same {len(planned)} BBC stories as text, Markdown, HTML and JSON Lines", "",
        f"{measured.summary['inputs']:,} inputs in {files:,} files, {measured.wall:.1f} s; "
        f"{measured.summary['rejected']} rejected.", "",
        *table(header, format_rows(planned, out)), "",
        "## HTML extractors, on the same pages", "",
        *table(["extractor", "pages", "body similarity, mean", "min", f">= {EXACT}", "ms a page"],
               extractor_rows(html_pages(planned, corpus))),
    ]  # fmt: skip
    return publish("\n".join(report), WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
