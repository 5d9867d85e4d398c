"""Scale test of the whole flow: Reuters-21578 bodies plus BBC, at 10 % and at 100 %.

Usage: ``python bench/matching_scale.py``. Every Reuters body and BBC article is a dated
source, and a tenth of them also get a generated undated variant (see
matching_scale_build). The same mix is ingested at 10 % and at 100 % of the documents by
the ``copydesk`` command in a fresh Prefect home; the report gives each stage's seconds from
run.json, the wall time, peak RSS, and how the match stage grew: candidate look-up is meant
to be linear, so 10x the documents should cost about 10x (the target: at most ~12x).
The markdown report goes to stdout and ``bench/work/matching/scale/report.md``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matching_eval import shared_share
from matching_scale_build import ScaleDocument, plan_scale, write_share
from reuters import run_product
from reuters_output import home_of, read_jsonl
from reuters_report import RunStats, publish, table

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
WORK = REPO / "bench" / "work" / "matching" / "scale"
MISSING_CORPORA_EXIT = 2
SHARES = (0.1, 1.0)  # smallest first: RUSAGE_CHILDREN's peak is the largest child so far
MATCH_GROWTH_TARGET = 12.0
MAX_EXAMPLES = 10


@dataclass(frozen=True)
class ScaleRun:
    share: float
    files: int
    stats: RunStats
    run: dict[str, Any]
    variants: int
    right: int  # variants on the record holding their source (or its identical copy)
    rejected: int
    elsewhere: list[str]  # variants attached to another record, described
    missed: list[str]  # variants rejected although their source is present, described
    missed_kinds: Counter[str]

    def stage(self, name: str) -> float:
        return sum(t["seconds"] for t in self.run.get("timings", []) if t["stage"] == name)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    return parser.parse_args(argv)


def run_share(documents: list[ScaleDocument], sources: int, share: float) -> ScaleRun:
    """Build one share's corpus afresh, ingest it, and check where its variants went."""
    corpus, out = WORK / f"corpus-{round(100 * share)}", WORK / f"out-{round(100 * share)}"
    shutil.rmtree(corpus, ignore_errors=True)
    truths = write_share(documents, sources, share, corpus)
    print(f"built {len(truths)} files in {corpus}", file=sys.stderr)
    stats = run_product(corpus, out, f"{share:.0%}: {len(truths)} files")
    records, rejected = read_jsonl(out / "articles.jsonl"), read_jsonl(out / "rejected.jsonl")
    _, home = home_of(records, rejected)
    scores = {v["path"]: v["score"] for record in records for v in record["variants"]}
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
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    rejections = {rejection["path"]: rejection for rejection in rejected}
    missed = [t for t in variants if t.path not in home]
    described = [f"`{t.path}` {t.kind} of {t.origin}: {rejections[t.path]['detail']}"
                 for t in missed]  # fmt: skip
    return ScaleRun(share, len(truths), stats, run, len(variants), len(right), len(missed),
                    elsewhere, described, Counter(t.kind for t in missed))  # fmt: skip


def _stage_table(runs: list[ScaleRun], stages: list[str]) -> list[str]:
    header = ["share", "files", "sources", "variants", *stages, "wall s", "peak RSS MB"]
    rows = [
        (f"{r.share:.0%}", r.files, r.files - r.variants, r.variants,
         *(f"{r.stage(s):.2f}" for s in stages), f"{r.stats.wall_seconds:.1f}",
         f"{r.stats.peak_rss_mb:.0f}")
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
        "- peak RSS: RUSAGE_CHILDREN, the largest single process (copydesk or its Prefect "
        "server) so far; the smaller share runs first, so each row is its own run's peak "
        "unless the smaller run's was higher",
        "",
    ]


def render(runs: list[ScaleRun]) -> str:
    small, large = runs[0], runs[-1]
    stages = [t["stage"] for t in large.run.get("timings", [])]
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
    parse_args(argv)
    needed = [CORPORA / "reuters21578", CORPORA / "bbc"]
    missing = [str(path) for path in needed if not path.is_dir()]
    if missing:
        print(f"error: corpus folder not found: {', '.join(missing)}", file=sys.stderr)
        return MISSING_CORPORA_EXIT
    documents, sources = plan_scale(CORPORA)
    runs = [run_share(documents, sources, share) for share in SHARES]
    report = render(runs)
    return publish(report, WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
