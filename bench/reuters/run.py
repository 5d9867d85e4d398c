"""Benchmark copydesk end to end on Reuters-21578: build a varied corpus, ingest, score.

Usage: ``python bench/reuters.py [--limit N] [--keep]``. The corpus is built at run time
from ``../shared/corpora`` (never copied into the repository) under ``bench/work/reuters``,
the product runs exactly as a user runs it (the ``copydesk`` command in a fresh Prefect
home), and the markdown report goes to stdout and ``bench/work/reuters/report.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reuters_build import Truth, build_corpus, load_truth
from reuters_corpus import load_stories
from reuters_eval import evaluate
from reuters_report import RunStats, publish, render

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
WORK = REPO / "bench" / "work" / "reuters"
# The venv's own command, next to the interpreter running the benchmark.
COPYDESK = Path(sys.executable).with_name("copydesk")
MISSING_CORPORA_EXIT = 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
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
    corpus, truth_path = WORK / "corpus", WORK / "truth.jsonl"
    truths = kept_truth(truth_path, limit) if keep and corpus.is_dir() else None
    if truths is not None:
        print(f"reusing {len(truths)} files in {corpus}", file=sys.stderr)
        return truths
    reuters_dir = CORPORA / "reuters21578"
    if not reuters_dir.is_dir():
        print(f"error: Reuters-21578 not found at {reuters_dir}", file=sys.stderr)
        raise SystemExit(MISSING_CORPORA_EXIT)
    shutil.rmtree(corpus, ignore_errors=True)
    truths = build_corpus(load_stories(reuters_dir, limit), corpus, truth_path)
    print(f"built {len(truths)} files in {corpus}", file=sys.stderr)
    return truths


def run_product(corpus: Path, out: Path, label: str) -> RunStats:
    """Run `copydesk ingest` as a user would; fail loudly on a non-zero exit."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="copydesk-bench-prefect-") as prefect_home:
        env = os.environ | {"PREFECT_HOME": prefect_home}
        start = time.perf_counter()
        completed = subprocess.run(
            [str(COPYDESK), "ingest", str(corpus), "--out", str(out)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - start
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"copydesk ingest failed with exit code {completed.returncode}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux
    return RunStats(label=label, wall_seconds=wall, peak_rss_mb=peak_kb / 1024)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    truths = prepare_corpus(args.limit, args.keep)
    label = f"{len(truths)} files" + (f", --limit {args.limit}" if args.limit else "")
    stats = run_product(WORK / "corpus", WORK / "out", label)
    report = render(evaluate(truths, WORK / "out"), stats)
    return publish(report, WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
