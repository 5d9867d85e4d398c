"""Archive scale: one run over more than 70,000 files.

Usage: ``python -m bench.runtime.many_files [--files 70000] [--corpus scale|FOLDER]
[--keep] [--no-wait]``. Builds ``bench/work/many/corpus`` from copies of the corpus (each in
a folder ``copy-N``, real copies: hard links would be one file read under two paths) until
it holds at least ``--files`` files, then runs `copydesk ingest` once into a fresh folder.
Below 65,530 memory mappings (the kernel's default ``vm.max_map_count``) a run with one
leaked mapping per file used to die near 65,000 files; the report gives the most mappings
the CLI process had, wall time, peak memory and per-file cost, and checks that every file is
in the output exactly once. It goes to stdout and ``bench/work/many/report.md``.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
from pathlib import Path

from bench.common import paths
from bench.common.cli import arguments, ingest
from bench.common.output import check_accounting, read_output
from bench.common.report import publish, table
from bench.runtime.corpora import resolve_corpus

WORK = paths.WORK / "many"
MAX_MAP_COUNT = 65_530  # the kernel's default vm.max_map_count


def corpus_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def build(source: Path, target: Path, files: int) -> list[Path]:
    """`target` holding copies of `source` until it has at least `files` files."""
    originals = corpus_files(source)
    copies = math.ceil(files / len(originals))
    shutil.rmtree(target, ignore_errors=True)
    for number in range(1, copies + 1):
        for original in originals:
            copy = target / f"copy-{number}" / original.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, copy)
    return corpus_files(target)


CORPUS = WORK / "corpus"


def archive_parser(doc: str | None, files: int) -> argparse.ArgumentParser:
    """The options of the archive-sized benchmarks (this one and archive.py)."""
    parser = arguments(doc)
    parser.add_argument("--files", type=int, default=files)
    parser.add_argument("--corpus", default="scale", help="scale, reuters or a folder")
    parser.add_argument("--keep", action="store_true", help="reuse a corpus built before")
    return parser


def prepared(args: argparse.Namespace) -> list[Path]:
    """`CORPUS`'s files: the one built before when ``--keep`` and it is big enough, else
    built now from ``--corpus``."""
    kept = corpus_files(CORPUS) if args.keep and CORPUS.is_dir() else []
    if len(kept) >= args.files:
        return kept
    return build(resolve_corpus(args.corpus), CORPUS, args.files)


def main(argv: list[str] | None = None) -> int:
    args = archive_parser(__doc__, 70_000).parse_args(argv)
    corpus, files = CORPUS, prepared(args)
    measured = ingest(corpus, WORK / "out", fresh=True, wait=args.wait)
    output = read_output(WORK / "out")
    seen, _ = output.home_of()
    errors = check_accounting((str(path.relative_to(corpus)) for path in files), seen)
    summary = measured.summary
    rows = [(
        f"{len(files):,}", f"{measured.wall:.1f}", f"{1000 * measured.wall / len(files):.2f}",
        f"{measured.peak_mb:.0f}", f"{measured.tree_peak_mb:.0f}",
        f"{1024 * measured.peak_mb / len(files):.1f}", f"{measured.maps_peak:,}",
        f"{summary['records']:,}", f"{summary['variants']:,}", f"{summary['rejected']:,}",
    )]  # fmt: skip
    header = ["files", "wall s", "s per 1,000 files", "peak MB", "tree peak MB",
              "peak KB per file", "most mappings", "records", "variants", "rejected"]  # fmt: skip
    verdict = (
        f"Every file exactly once in the output; at most {measured.maps_peak:,} mappings "
        f"(the kernel's limit: {MAX_MAP_COUNT:,})."
        if not errors
        else f"ACCOUNTING FAILED ({len(errors)}): " + "; ".join(errors[:5])
    )
    report = [f"# {len(files):,} files in one run", "", *table(header, rows), "", verdict]
    return publish("\n".join(report), WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
