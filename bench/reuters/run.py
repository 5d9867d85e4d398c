"""Benchmark copydesk end to end on Reuters-21578: build a varied corpus, ingest, score.

Usage: ``python -m bench.reuters.run [--limit N] [--keep] [--no-wait]``. The corpus is built
at run time from ``../shared/corpora`` (never copied into the repository) under
``bench/work/reuters``, the product runs exactly as a user runs it (the ``copydesk`` command
in a fresh Prefect home, see bench/common/cli.py), and the markdown report goes to stdout
and ``bench/work/reuters/report.md``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from bench.common import paths
from bench.common.cli import arguments, ingest
from bench.common.paths import CORPORA, require_corpora
from bench.common.report import publish
from bench.reuters.build import Truth, build_corpus, load_truth
from bench.reuters.corpus import load_stories
from bench.reuters.eval import evaluate
from bench.reuters.report import render

WORK = paths.WORK / "reuters"
CORPUS = WORK / "corpus"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = arguments(__doc__)
    parser.add_argument("--limit", type=int, help="only the first N stories (by NEWID)")
    parser.add_argument("--keep", action="store_true", help="reuse an existing built corpus")
    return parser.parse_args(argv)


def kept_truth(truth_path: Path, limit: int | None) -> list[Truth] | None:
    """The existing corpus' truth when it can be reused as is, else None (rebuild)."""
    if not truth_path.exists():
        return None
    try:
        truths = load_truth(truth_path)
    except (TypeError, ValueError):
        print("kept truth.jsonl is from another benchmark version: rebuilding", file=sys.stderr)
        return None
    if limit is not None and len(truths) != limit:
        print(f"kept corpus has {len(truths)} files, not {limit}: rebuilding", file=sys.stderr)
        return None
    return truths


def prepare_corpus(limit: int | None, keep: bool) -> list[Truth]:
    """Build the corpus afresh (a stale file would skew accounting), or reuse it."""
    truth_path = WORK / "truth.jsonl"
    truths = kept_truth(truth_path, limit) if keep and CORPUS.is_dir() else None
    if truths is not None:
        print(f"reusing {len(truths)} files in {CORPUS}", file=sys.stderr)
        return truths
    reuters_dir = CORPORA / "reuters21578"
    require_corpora(reuters_dir)
    shutil.rmtree(CORPUS, ignore_errors=True)
    truths = build_corpus(load_stories(reuters_dir, limit), CORPUS, truth_path)
    print(f"built {len(truths)} files in {CORPUS}", file=sys.stderr)
    return truths


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    truths = prepare_corpus(args.limit, args.keep)
    label = f"{len(truths)} files" + (f", --limit {args.limit}" if args.limit else "")
    measured = ingest(CORPUS, WORK / "out", fresh=True, wait=args.wait)
    report = render(evaluate(truths, WORK / "out"), measured, label)
    return publish(report, WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
