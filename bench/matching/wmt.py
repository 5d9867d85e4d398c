"""Real translations: WMT newstest2021 news documents (ja-en, is-en, half of ru-en).

Usage: ``python -m bench.matching.wmt [--work DIR] [--no-wait]``. Built at run time from
``../shared/corpora/wmt_dev`` (never copied into the repository) under
``bench/work/wmt``. Each document's roles are decided by a fixed hash of its id:
- about three in four are *present*: the human English reference (A) is the dated source;
  its variants are one or two systems' English outputs and, where there is one, the second
  human translation (B), each with or without its translated headline;
- the others are *absent*: one system's output is a hard negative (a distractor): the
  sources around it are translations of other articles from the same weeks and outlets.
Every file cuts its segments into paragraphs of 2-4 segments on its own, so paragraph and
sentence boundaries differ between a source and its variants, as they do in real feeds.
Kinds are ``mt_<pair>``, ``human_<pair>`` (variants) and ``negative_<pair>`` (distractors).
The product runs as a user runs it; the report goes to stdout and ``report.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import lzma
import random
import shutil
import sys
from pathlib import Path
from typing import Any

from bench.common import paths
from bench.common.cli import arguments, ingest
from bench.common.paths import CORPORA, require_corpora
from bench.common.report import publish
from bench.matching.build import SEED, Planned, write_corpus
from bench.matching.eval import evaluate
from bench.matching.wmt_report import render

WORK = paths.WORK / "wmt"
ABSENT_SHARE = 4  # one document in this many has its reference left out
FIRST_DAY = dt.date(2021, 8, 2)  # the test sets' documents are from a few weeks of 2021


def load_documents(folder: Path) -> list[dict[str, Any]]:
    with lzma.open(folder / "wmt_dev.json.xz", "rt", encoding="utf-8") as handle:
        documents: list[dict[str, Any]] = json.load(handle)["docs"]
    return sorted(documents, key=lambda document: (document["lp"], document["doc"]))


def paragraphs(segments: list[str], rng: random.Random) -> str:
    """The segments joined into paragraphs of 2-4 segments."""
    cut: list[str] = []
    start = 0
    while start < len(segments):
        size = rng.randint(2, 4)
        cut.append(" ".join(segments[start : start + size]))
        start += size
    return "\n\n".join(cut)


def rendered(segments: list[str], headline: bool, rng: random.Random) -> str:
    """Segment 1 is the headline: its own first line, or left out."""
    body = paragraphs(segments[1:], rng)
    return f"{segments[0]}\n\n{body}" if headline else body


def _rng(document: dict[str, Any], role: str) -> random.Random:
    return random.Random(f"{SEED}:{document['doc']}:{role}")


def _absent(document: dict[str, Any]) -> bool:
    digest = hashlib.sha256(f"{SEED}:{document['doc']}".encode()).digest()
    return digest[0] % ABSENT_SHARE == 0


def plan_document(document: dict[str, Any], day: dt.date) -> list[Planned]:
    """The files one WMT document contributes."""
    pair, origin = document["lp"].replace("-", "_"), f"wmt/{document['doc']}"
    systems = sorted(document["hyps"])
    chosen = _rng(document, "systems").sample(systems, k=min(2, len(systems)))
    if _absent(document):
        text = rendered(document["hyps"][chosen[0]], True, _rng(document, "negative"))
        note = f"{chosen[0]} output; reference absent"
        data = (text + "\n").encode()
        return [Planned("distractor", f"negative_{pair}", origin, pair, note, data)]
    source_text = rendered(document["refs"]["A"], True, _rng(document, "source"))
    planned = [
        Planned(
            "source",
            "source",
            origin,
            pair,
            "reference A",
            f"date: {day.isoformat()}\n\n{source_text}\n".encode(),
        )
    ]
    variants = [(f"mt_{pair}", system, document["hyps"][system]) for system in chosen]
    if "B" in document["refs"]:
        variants.append((f"human_{pair}", "reference B", document["refs"]["B"]))
    for number, (kind, name, segments) in enumerate(variants):
        rng = _rng(document, f"variant{number}")
        headline = rng.random() < 0.5
        text = rendered(segments, headline, rng)
        note = f"{name}, {'with' if headline else 'without'} headline"
        planned.append(
            Planned(
                "variant", kind, f"{origin}#{number}", pair, note, (text + "\n").encode(), origin
            )
        )
    return planned


def plan_wmt(folder: Path) -> list[Planned]:
    """Every file of the family; sources dated over two weeks, in document order."""
    documents = load_documents(folder)
    planned: list[Planned] = []
    for number, document in enumerate(documents):
        planned += plan_document(document, FIRST_DAY + dt.timedelta(days=number % 14))
    return planned


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--work", type=Path, help="folder of the corpus, truth, output and report")
    args = parser.parse_args(argv)
    work = args.work or WORK
    require_corpora(CORPORA / "wmt_dev")
    corpus, out = work / "corpus", work / "out"
    shutil.rmtree(corpus, ignore_errors=True)
    truths = write_corpus(plan_wmt(CORPORA / "wmt_dev"), corpus, work / "truth.jsonl")
    print(f"built {len(truths)} files in {corpus}", file=sys.stderr)
    measured = ingest(corpus, out, fresh=True, wait=args.wait)
    report = render(evaluate(truths, out), measured.wall, measured.peak_mb)
    return publish(report, work / "report.md")


if __name__ == "__main__":
    sys.exit(main())
