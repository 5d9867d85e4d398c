"""Reading a 100k-line JSON Lines feed costs no more per article than 100k .txt files.

Usage: ``python -m bench.formats.feed_cost [--articles 100000] [--rounds 3] [--keep]
[--no-wait]``. Builds once, into ``bench/work/feed_cost/``: ``txt/``, N .txt files made by
the archive builder (bench/runtime/many_files.py: copies of the scale corpus, every
Reuters-21578 body and BBC article plus generated variants, bench/matching/scale_build.py),
and ``jsonl/feed.jsonl``, the same N articles as N lines (bench/formats/feed_corpus.py).
``--keep`` reuses them when they were built for the same N. Each round then runs
`copydesk ingest` into an emptied OUT on each folder (txt first in odd rounds, jsonl first in
even ones, so neither always runs on a warmer machine), in a Prefect home kept warm as a
scheduled user's is. The report gives each run's load and per-article milliseconds, their
min and median per format, the ratio jsonl/txt, and checks that both give the same numbers
of records, variants and rejections, and every article the same outcome (the names differ:
``copy-1/00007.txt`` against ``feed.jsonl#8``); then each output is run again with nothing
new (an unchanged feed must be read no more than unchanged files are). Report: stdout and
``bench/work/feed_cost/report.md``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from dataclasses import dataclass

from bench.common import paths
from bench.common.cli import Measured, arguments, ingest, warm_home
from bench.common.processes import wait_quiet
from bench.common.report import publish, table
from bench.formats.feed_corpus import build, differences, outcomes
from bench.runtime.many_files import corpus_files
from tasks.extract.formats import part_name

WORK = paths.WORK / "feed_cost"
TXT, FEED = WORK / "txt", WORK / "jsonl" / "feed.jsonl"
BUILT = WORK / "built.json"  # what was built: {"articles": N}
NO_MORE_WITHIN = 1.05  # a median ratio up to this is "no more" (rounds differ by that much)


@dataclass(frozen=True)
class Run:
    round: int
    form: str  # "txt" or "jsonl"
    load: float  # 1-minute load average when it started
    measured: Measured

    def per_article_ms(self, articles: int) -> float:
        return 1000 * self.measured.wall / articles

    def counts(self) -> tuple[int, int, int]:
        summary = self.measured.summary
        return summary["records"], summary["variants"], summary["rejected"]


def prepared(articles: int, keep: bool) -> list[str]:
    """The .txt inputs' names, in the feed's order; built now unless ``--keep`` finds them
    built for `articles`."""
    recorded = json.loads(BUILT.read_text()) if keep and BUILT.is_file() else {}
    if recorded.get("articles") != articles:
        BUILT.unlink(missing_ok=True)
        build(articles, TXT, FEED)
        BUILT.write_text(json.dumps({"articles": articles}))
    return [path.relative_to(TXT).as_posix() for path in corpus_files(TXT)]


def measure(number: int, form: str, wait: bool, fresh: bool = True) -> Run:
    """One run on one format's folder: into an emptied OUT when `fresh`, else over the
    last run's output with nothing new (an unchanged feed, as unchanged files, must be read
    no more: its articles' places come from the stamps). The load is read after waiting for
    a quiet machine, just before the run, so it says what the run competed with."""
    folder = TXT if form == "txt" else FEED.parent
    if wait:
        wait_quiet()
    load = os.getloadavg()[0]
    measured = ingest(folder, WORK / f"out-{form}", fresh=fresh, wait=False, home=warm_home(WORK))
    return Run(number, form, load, measured)


def render(runs: list[Run], articles: int, differing: list[str], reruns: list[Run]) -> str:
    header = ["round", "format", "load", "wall s", "ms an article", "in stages, ms an article",
              "records", "variants", "rejected", "peak MB"]  # fmt: skip
    rows = [
        (r.round, r.form, f"{r.load:.2f}", f"{r.measured.wall:.1f}",
         f"{r.per_article_ms(articles):.3f}", f"{_staged(r.measured) * 1000 / articles:.3f}",
         *(f"{n:,}" for n in r.counts()), f"{r.measured.peak_mb:.0f}")
        for r in runs
    ]  # fmt: skip
    per = {form: [r.per_article_ms(articles) for r in runs if r.form == form]
           for form in ("txt", "jsonl")}  # fmt: skip
    least = {form: min(values) for form, values in per.items()}
    middle = {form: statistics.median(values) for form, values in per.items()}
    ratio = middle["jsonl"] / middle["txt"]
    verdict = "met" if ratio <= NO_MORE_WITHIN else "NOT MET"
    same_counts = len({r.counts() for r in runs}) == 1
    lines = [
        f"# {articles:,} articles: one {articles:,}-line JSON Lines feed against "
        f"{articles:,} .txt files", "",
        f"Rounds: {len(runs) // 2}; CPUs: {os.cpu_count()}; load: the 1-minute load average "
        "when the run started. Wall time includes start-up (a warm Prefect home).", "",
        *table(header, rows), "",
        *table(["ms an article (wall)", "txt", "jsonl", "jsonl / txt"], [
            ("min", f"{least['txt']:.3f}", f"{least['jsonl']:.3f}",
             f"{least['jsonl'] / least['txt']:.3f}"),
            ("median", f"{middle['txt']:.3f}", f"{middle['jsonl']:.3f}", f"{ratio:.3f}"),
        ]), "",
        f"No more per article (median jsonl / txt <= {NO_MORE_WITHIN}): {verdict}.",
        "Records, variants and rejections: " + ("the same in every run." if same_counts
                                                else "DIFFER between runs."),
        *_outcome_lines(differing), "",
        "## A rerun with nothing new", "",
        *table(["format", "load", "wall s", "not read", "in stages, s"], [
            (r.form, f"{r.load:.2f}", f"{r.measured.wall:.2f}",
             f"{r.measured.summary.get('not_read', 0):,}", f"{_staged(r.measured):.2f}")
            for r in reruns
        ]), "",
        "## Stage seconds, the fastest run of each format", "",
        *table(["stage", "txt", "jsonl"], _stage_rows(runs)),
    ]  # fmt: skip
    return "\n".join(lines)


def _staged(measured: Measured) -> float:
    """Seconds inside the timed stages: wall time less start-up, Prefect and shutdown."""
    return measured.wall - measured.outside


def _outcome_lines(differing: list[str]) -> list[str]:
    if not differing:
        return ["Outcomes: the same records (the same articles, the same source) and the same "
                "rejections from both."]  # fmt: skip
    return ["Outcomes, the feed's run against the files' (the last of each):", "",
            *(f"- {line}" for line in differing)]  # fmt: skip


def _stage_rows(runs: list[Run]) -> list[tuple[object, ...]]:
    fastest = {f: min((r for r in runs if r.form == f), key=lambda r: r.measured.wall)
               for f in ("txt", "jsonl")}  # fmt: skip
    stages = list(dict.fromkeys(s for r in fastest.values() for s in r.measured.stages))
    return [
        (stage, *(f"{r.measured.stage(stage) or 0:.2f}" for r in fastest.values()))
        for stage in stages
    ]


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="reuse the inputs built before")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.rounds < 1:
        parser.error("--articles and --rounds must be at least 1")
    paths.require_corpora(paths.CORPORA / "reuters21578", paths.CORPORA / "bbc")
    names = prepared(args.articles, args.keep)
    warm_home(WORK)  # its first use runs a warm-up ingest: not inside a measured round
    runs = []
    for number in range(1, args.rounds + 1):
        order = ("txt", "jsonl") if number % 2 else ("jsonl", "txt")
        runs += [measure(number, form, args.wait) for form in order]
    feed_names = [part_name(FEED.name, line) for line in range(1, len(names) + 1)]
    txt, jsonl = outcomes(WORK / "out-txt", names), outcomes(WORK / "out-jsonl", feed_names)
    differing = differences(txt, jsonl, (names, feed_names))
    reruns = [measure(0, form, args.wait, fresh=False) for form in ("txt", "jsonl")]
    return publish(render(runs, len(names), differing, reruns), WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
