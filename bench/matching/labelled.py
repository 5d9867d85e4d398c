"""Benchmark copydesk's variant-to-source matching on a labelled corpus: precision, recall.

Usage: ``python -m bench.matching.labelled [--smoke] [--work DIR] [--no-wait]``. The corpus
is built at run time from ``../shared/corpora`` (never copied into the repository) under
``bench/work/matching``: BBC articles as dated sources (all of them, so every variant
competes with same-topic articles), generated variants of ~1,000 of them (reprint, edit,
truncation, retitled, synthetic OCR, exact copy), BBC's own near-duplicate pairs,
Overproof's real OCR with its human correction, the seed translation, and distractors whose
source is left out. ``--smoke`` builds a 20-file corpus instead, without ../shared (the seeds
and synthetic articles, see smoke.py), under ``bench/work/matching/smoke``; `make test` runs
it (tests/test_bench.py). The product runs exactly as a user runs it (the ``copydesk``
command in a fresh Prefect home, see bench/common/cli.py); the markdown report goes to
stdout and ``report.md`` in the work folder.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

from bench.common import paths
from bench.common.cli import arguments, ingest
from bench.common.paths import CORPORA, SEEDS, require_corpora
from bench.common.report import publish
from bench.matching.bbc import plan_bbc
from bench.matching.build import SEED, Planned, plan_overproof, plan_seeds, write_corpus
from bench.matching.corpora import load_bbc, load_near_duplicates, load_overproof
from bench.matching.eval import evaluate
from bench.matching.report import render
from bench.matching.smoke import plan_smoke

WORK = paths.WORK / "matching"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = arguments(__doc__)
    parser.add_argument(
        "--smoke", action="store_true", help="a 20-file corpus from the seeds, no ../shared"
    )
    parser.add_argument("--work", type=Path, help="folder of the corpus, truth, output and report")
    return parser.parse_args(argv)


def plan_labelled() -> tuple[list[Planned], int]:
    """Every file of the labelled corpus, and the number of BBC files left out as copies of
    another."""
    require_corpora(CORPORA / "bbc", CORPORA / "overproof", SEEDS)
    bbc = load_bbc(CORPORA / "bbc")
    rng = random.Random(SEED)
    planned = plan_bbc(bbc, load_near_duplicates(CORPORA / "bbc"), rng)
    planned += plan_overproof(load_overproof(CORPORA / "overproof"), rng)
    planned += plan_seeds(SEEDS)
    used = {p.origin for p in planned if p.origin.startswith("bbc/")}
    return planned, len(bbc) - len(used)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = args.work or (WORK / "smoke" if args.smoke else WORK)
    planned, unused_bbc = (plan_smoke(SEEDS), 0) if args.smoke else plan_labelled()
    corpus, out = work / "corpus", work / "out"
    shutil.rmtree(corpus, ignore_errors=True)  # a stale file would skew the accounting
    truths = write_corpus(planned, corpus, work / "truth.jsonl")
    print(f"built {len(truths)} files in {corpus}", file=sys.stderr)
    measured = ingest(corpus, out, fresh=True, wait=args.wait)
    report = render(evaluate(truths, out), truths, measured, corpus, unused_bbc)
    return publish(report, work / "report.md")


if __name__ == "__main__":
    sys.exit(main())
