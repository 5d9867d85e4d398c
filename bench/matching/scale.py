"""Scale test of the whole flow: Reuters-21578 bodies plus BBC, at 10 % and at 100 %.

Usage: ``python -m bench.matching.scale [--no-wait]``. Every Reuters body and BBC article
is a dated source, and a tenth of them also get a generated undated variant (see
scale_build.py). The same mix is ingested at 10 % and at 100 % of the documents by the
``copydesk`` command in a fresh Prefect home (see bench/common/cli.py); the report gives
each stage's seconds, the wall time, peak RSS, and how the match stage grew: candidate
look-up is meant to be linear, so 10x the documents should cost about 10x (the target: at
most ~12x). The markdown report goes to stdout and ``bench/work/matching/scale/report.md``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.common import paths
from bench.common.cli import Measured, arguments, ingest
from bench.common.output import read_output
from bench.common.paths import CORPORA, require_corpora
from bench.common.report import publish, table
from bench.matching.eval import shared_share
from bench.matching.scale_build import ScaleDocument, plan_scale, write_share

WORK = paths.WORK / "matching" / "scale"
SHARES = (0.1, 1.0)
MATCH_GROWTH_TARGET = 12.0
MAX_EXAMPLES = 10


@dataclass(frozen=True)
class ScaleRun:
    share: float
    files: int
    measured: Measured
    variants: int
    right: int  # variants on the record holding their source (or its identical copy)
    rejected: int
    elsewhere: list[str]  # variants attached to another record, described
    missed: list[str]  # variants rejected although their source is present, described
    missed_kinds: Counter[str]

    def stage(self, name: str) -> float:
        return self.measured.stage(name) or 0.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return arguments(__doc__).parse_args(argv)


def folder(share: float) -> Path:
    """Where a share's corpus is built: ``corpus-10``, ``corpus-100``."""
    return WORK / f"corpus-{round(100 * share)}"


def plan() -> tuple[list[ScaleDocument], int]:
    """Every document with its rank, and the number of sources (see scale_build.py)."""
    require_corpora(CORPORA / "reuters21578", CORPORA / "bbc")
    return plan_scale(CORPORA)


def run_share(documents: list[ScaleDocument], sources: int, share: float, wait: bool) -> ScaleRun:
    """Build one share's corpus afresh, ingest it, and check where its variants went."""
    corpus, out = folder(share), WORK / f"out-{round(100 * share)}"
    shutil.rmtree(corpus, ignore_errors=True)
    truths = write_share(documents, sources, share, corpus)
    print(f"built {len(truths)} files in {corpus}", file=sys.stderr)
    measured = ingest(corpus, out, fresh=True, wait=wait)
    output = read_output(out)
    _, home = output.home_of()
    scores = {v["path"]: v["score"] for record in output.records for v in record["variants"]}
    origin = {truth.path: truth.origin for truth in truths}
    variants = [truth for truth in truths if truth.label is not None]
    right = [t for t in variants if t.path in home and home[t.path] == home.get(t.label or "")]
    elsewhere = [
        f"`{t.path}` {t.kind} of {t.origin} -> record of {origin[home[t.path]]}, score "
        f"{scores.get(t.path)}, C(file in it) "
        f"{shared_share(corpus, t.path, home[t.path]):.2f}"
        for t in variants
        if t.path in home and home[t.path] != home.get(t.label or "")
    ]
    rejections = {rejection["path"]: rejection for rejection in output.rejected}
    missed = [t for t in variants if t.path not in home]
    described = [f"`{t.path}` {t.kind} of {t.origin}: {rejections[t.path]['detail']}"
                 for t in missed]  # fmt: skip
    return ScaleRun(share, len(truths), measured, len(variants), len(right), len(missed),
                    elsewhere, described, Counter(t.kind for t in missed))  # fmt: skip


def _stage_table(runs: list[ScaleRun], stages: list[str]) -> list[str]:
    header = ["share", "files", "sources", "variants", *stages, "wall s", "peak RSS MB"]
    rows = [
        (f"{r.share:.0%}", r.files, r.files - r.variants, r.variants,
         *(f"{r.stage(s):.2f}" for s in stages), f"{r.measured.wall:.1f}",
         f"{r.measured.peak_mb:.0f}")
        for r in runs
    ]  # fmt: skip
    return [*table(header, rows), ""]


def _growth(small: ScaleRun, large: ScaleRun, stages: list[str]) -> list[str]:
    """How each stage grew; the match stage against its target."""
    ratios = {s: large.stage(s) / small.stage(s) for s in stages if small.stage(s)}
    growth = ratios.get("match", 0.0)
    verdict = "met" if growth <= MATCH_GROWTH_TARGET else "MISSED"
    return [
        f"- match stage {large.share:.0%} / {small.share:.0%}: {growth:.1f}x for "
        f"{large.files / small.files:.1f}x the files (target ≤ ~{MATCH_GROWTH_TARGET:g}x: "
        f"{verdict})",
        "- every stage: " + ", ".join(f"{s} {ratio:.1f}x" for s, ratio in ratios.items()),
        "- peak RSS: the run's largest single process (copydesk or its Prefect server, "
        "wait4's ru_maxrss)",
        "",
    ]


def render(runs: list[ScaleRun]) -> str:
    small, large = runs[0], runs[-1]
    stages = large.measured.stages
    lines = ["# copydesk at scale: Reuters-21578 + BBC", "", *_stage_table(runs, stages)]
    lines += _growth(small, large, stages)
    lines += table(
        ("share", "variants", "on their source's record", "elsewhere", "rejected"),
        [(f"{r.share:.0%}", r.variants, r.right, len(r.elsewhere), r.rejected) for r in runs],
    )
    lines += ["", f"Variants attached elsewhere ({large.share:.0%}, first {MAX_EXAMPLES}; "
              "Reuters repeats stories in updated wires, so some are defensible):", ""]  # fmt: skip
    lines += [f"- {item}" for item in large.elsewhere[:MAX_EXAMPLES]]
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(large.missed_kinds.items()))
    lines += ["", f"Variants rejected although their source is present ({large.share:.0%}: "
              f"{kinds or 'none'}; first {MAX_EXAMPLES}):", ""]  # fmt: skip
    return "\n".join(lines + [f"- {item}" for item in large.missed[:MAX_EXAMPLES]])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    documents, sources = plan()
    runs = [run_share(documents, sources, share, args.wait) for share in SHARES]
    report = render(runs)
    return publish(report, WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
