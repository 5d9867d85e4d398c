"""Benchmark copydesk's variant-to-source matching on a labelled corpus: precision, recall.

Usage: ``python bench/matching.py``. The corpus is built at run time from
``../shared/corpora`` (never copied into the repository) under ``bench/work/matching``: BBC
articles as dated sources (all of them, so every variant competes with same-topic articles),
generated variants of ~1,000 of them (reprint, edit, truncation, retitled, synthetic OCR,
exact copy), BBC's own near-duplicate pairs, Overproof's real OCR with its human
correction, the seed translation, and distractors whose source is left out. The product runs
exactly as a user runs it (the ``copydesk`` command in a fresh Prefect home); the markdown
report goes to stdout and ``bench/work/matching/report.md``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

from matching_bbc import plan_bbc
from matching_build import SEED, Truth, plan_overproof, plan_seeds, write_corpus
from matching_corpora import load_bbc, load_near_duplicates, load_overproof
from matching_eval import evaluate
from matching_report import render
from reuters import run_product
from reuters_report import publish

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
WORK = REPO / "bench" / "work" / "matching"
MISSING_CORPORA_EXIT = 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    return parser.parse_args(argv)


def build(corpus: Path) -> tuple[list[Truth], int]:
    """Build the corpus afresh (a stale file would skew the accounting); return the truth
    and the number of BBC files left out as copies of another."""
    needed = [CORPORA / "bbc", CORPORA / "overproof", REPO / "seeds"]
    missing = [str(path) for path in needed if not path.is_dir()]
    if missing:
        print(f"error: corpus folder not found: {', '.join(missing)}", file=sys.stderr)
        raise SystemExit(MISSING_CORPORA_EXIT)
    bbc = load_bbc(CORPORA / "bbc")
    rng = random.Random(SEED)
    planned = plan_bbc(bbc, load_near_duplicates(CORPORA / "bbc"), rng)
    planned += plan_overproof(load_overproof(CORPORA / "overproof"), rng)
    planned += plan_seeds(REPO / "seeds")
    shutil.rmtree(corpus, ignore_errors=True)
    truths = write_corpus(planned, corpus, WORK / "truth.jsonl")
    used = {truth.origin for truth in truths if truth.origin.startswith("bbc/")}
    print(f"built {len(truths)} files in {corpus}", file=sys.stderr)
    return truths, len(bbc) - len(used)


def main(argv: list[str] | None = None) -> int:
    parse_args(argv)
    corpus, out = WORK / "corpus", WORK / "out"
    truths, unused_bbc = build(corpus)
    stats = run_product(corpus, out, f"{len(truths)} files")
    report = render(evaluate(truths, out), truths, stats, corpus, unused_bbc)
    return publish(report, WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
