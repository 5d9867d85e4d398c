"""The feed-cost benchmark's inputs: N .txt articles from the archive builder, the same N as
one JSON Lines feed, and each article's outcome in a run's output, comparable across the two.

The feed must hold the very articles the files hold, so that any difference between the runs
is the reader's: a line takes the file's date header as `date`, and as `title` the headline
copydesk itself finds at the top of a text file (tasks/parse/layout.py's split_title), so
the record made from the line has the title and body the record made from the file has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.common.output import check_accounting, read_output
from bench.formats.feeds import write_feed
from bench.matching.build import DATE_HEADER
from bench.runtime import many_files
from bench.runtime.corpora import resolve_corpus
from tasks.parse.layout import split_paragraphs, split_title

MAX_SHOWN = 3


def feed_record(text: str) -> dict[str, str]:
    r"""A .txt article as a scraper's record: its date header in `date`, its headline in
    `title` (when it has one), the rest in `text`, paragraphs separated by blank lines.

    >>> feed_record("date: 1987-02-26\n\nBAHIA COCOA REVIEW\n\nShowers continued.\n")
    {'date': '1987-02-26', 'title': 'BAHIA COCOA REVIEW', 'text': 'Showers continued.'}
    >>> feed_record("Showers continued throughout\nthe week.\n\nMore rain.\n")
    {'text': 'Showers continued throughout\nthe week.\n\nMore rain.'}
    """
    record: dict[str, str] = {}
    head, _, rest = text.partition("\n\n")
    if head.startswith(DATE_HEADER):
        record["date"], text = head.removeprefix(DATE_HEADER).strip(), rest
    title, paragraphs = split_title(split_paragraphs(text.strip("\n")))
    if title:
        record["title"] = title
    record["text"] = "\n\n".join(paragraphs)
    return record


def distinct_copy(path: Path, copy: str) -> None:
    """Give a file of the builder's later copies (``copy-2``...) a last line naming its
    copy: identical bytes are parsed once per run, which would make every repeat nearly free
    and hide the per-article cost being measured."""
    number = copy.removeprefix("copy-")
    path.write_bytes(path.read_bytes() + f"\nRepeated in copy {number} of the archive.\n".encode())


def build(articles: int, txt: Path, feed: Path) -> list[Path]:
    """`articles` .txt files under `txt` (the archive builder's, cut to the number asked
    for), and `feed`, the same articles in the same order (sorted paths), one a line."""
    built = many_files.build(resolve_corpus("scale"), txt, articles)
    for extra in built[articles:]:
        extra.unlink()
    files = built[:articles]
    for path in files:
        copy = path.relative_to(txt).parts[0]
        if copy != "copy-1":
            distinct_copy(path, copy)
    write_feed(feed, (feed_record(path.read_text(encoding="utf-8")) for path in files))
    return files


@dataclass(frozen=True)
class Outcomes:
    """A run's outcome over articles known by their position in a list of input names (from
    1), so two runs over the same articles under other names compare."""

    records: dict[frozenset[int], int]  # each record's articles -> its source's position
    rejected: dict[int, str]  # position -> the reason
    unaccounted: list[str]  # inputs missing from the output, repeated, or not asked for


def outcomes(out: Path, names: list[str]) -> Outcomes:
    """The records and rejections of the run written to `out`, by position in `names`
    (0: a name not in `names`, which `unaccounted` reports)."""
    output = read_output(out)
    position = {name: number for number, name in enumerate(names, 1)}
    records: dict[frozenset[int], int] = {}
    for record in output.records:
        source = position.get(record["source"]["path"], 0)
        variants = [position.get(variant["path"], 0) for variant in record["variants"]]
        records[frozenset([source, *variants])] = source
    rejected = {position.get(r["path"], 0): r["reason"] for r in output.rejected}
    return Outcomes(records, rejected, check_accounting(names, output.home_of()[0]))


def differences(a: Outcomes, b: Outcomes, names: tuple[list[str], list[str]]) -> list[str]:
    """How `b` differs from `a`, one line per kind (empty when they agree): records made of
    other articles, rejections for other articles or reasons, and records of the same
    articles whose source is another of them (identical copies: the first name wins, a
    feed's articles in line order)."""

    def shown(group: frozenset[int]) -> str:
        first = min(group)
        return f"{names[0][first - 1]} = {names[1][first - 1]} (+{len(group) - 1})"

    found = [
        f"inputs unaccounted for in the {which} run: {len(u):,} (e.g. {u[0]})"
        for which, u in (("first", a.unaccounted), ("second", b.unaccounted))
        if u
    ]
    for which, groups in (("first", a.records.keys() - b.records.keys()),
                          ("second", b.records.keys() - a.records.keys())):  # fmt: skip
        if groups:
            examples = ", ".join(shown(g) for g in sorted(groups, key=min)[:MAX_SHOWN])
            found.append(f"records whose articles only the {which} run put together: "
                         f"{len(groups):,} (e.g. {examples})")  # fmt: skip
    rejected = {n for n in a.rejected.keys() | b.rejected.keys()
                if a.rejected.get(n) != b.rejected.get(n)}  # fmt: skip
    if rejected:
        examples = ", ".join(names[1][n - 1] for n in sorted(rejected)[:MAX_SHOWN])
        found.append(f"articles rejected differently: {len(rejected):,} (e.g. {examples})")
    swapped = [g for g in a.records.keys() & b.records.keys() if a.records[g] != b.records[g]]
    if swapped:
        examples = "; ".join(
            f"{names[0][a.records[g] - 1]} against {names[1][b.records[g] - 1]}"
            for g in sorted(swapped, key=min)[:MAX_SHOWN]
        )
        found.append(f"records of the same articles with another of them as source: "
                     f"{len(swapped):,} (e.g. {examples})")  # fmt: skip
    return found
