"""Lay out the labelled matching corpus: roles, files and truth (BBC roles: bbc.py).

Roles: a *source* is dated; a *variant* is undated and labelled with its source's file; a
*distractor* is undated and its source is absent, so copydesk must reject it. Every real
article appears in one role only, and copies of one another (BBC's identical bodies and
near-duplicate pairs) never both as sources, so each variant has exactly one right answer.
Files get neutral shuffled names: nothing in a path hints at its role.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from bench.common.jsonl import read_truth, write_truth
from bench.matching.corpora import Article, OcrPair
from bench.matching.overlap import char_error_rate
from bench.matching.variants import GENERATORS

SEED = 4  # the number: any fixed value keeps the corpus byte-identical across runs
OCR_DISTRACTORS = 50
DATE_HEADER = "date: "  # how a source is dated
SEED_SOURCE, SEED_VARIANT = "001_", "000_"


@dataclass(frozen=True)
class Truth:
    """One corpus file and what copydesk should make of it (one line of truth.jsonl)."""

    path: str
    role: str  # source | variant | distractor
    kind: str  # variant kind; "source" for sources
    origin: str
    topic: str
    label: str | None  # the source's corpus path, for variants
    note: str
    char_error_rate: float | None = None  # OCR kinds: how far the copy is from its source


@dataclass(frozen=True)
class Planned:
    role: str
    kind: str
    origin: str
    topic: str
    note: str
    data: bytes
    label_origin: str | None = None
    char_error_rate: float | None = None


def dated(article: Article, date: dt.date) -> bytes:
    return f"{DATE_HEADER}{date.isoformat()}\n\n{article.text}\n".encode()


def source(article: Article, date: dt.date, note: str) -> Planned:
    return Planned("source", "source", article.origin, article.topic, note, dated(article, date))


def generated(article: Article, kind: str, role: str) -> Planned:
    """A variant of `kind`, seeded by the article and kind alone (stable under re-selection)."""
    rng = random.Random(f"{SEED}:{article.origin}:{kind}")
    text, note = GENERATORS[kind](article, rng)
    label = article.origin if role == "variant" else None
    rate = char_error_rate(text, article.text) if kind.startswith("ocr") else None
    return Planned(role, kind, article.origin, article.topic, note, text.encode(), label, rate)


def plan_overproof(pairs: list[OcrPair], rng: random.Random) -> list[Planned]:
    """Corrected text as a dated source and raw OCR as its variant; for `OCR_DISTRACTORS`
    articles only the raw OCR, whose source is then absent."""
    order = list(range(len(pairs)))
    rng.shuffle(order)
    planned: list[Planned] = []
    for rank, number in enumerate(order):
        pair = pairs[number]
        raw = (pair.raw_ocr + "\n").encode()
        rate = char_error_rate(pair.raw_ocr, pair.clean.text)
        origin, note = pair.clean.origin, f"Overproof raw OCR, {pair.year}, CER {rate:.3f}"
        if rank < OCR_DISTRACTORS:
            planned.append(
                Planned("distractor", "ocr_real", origin, "overproof", note, raw, None, rate)
            )
            continue
        planned.append(
            source(pair.clean, dt.date(pair.year, 1, 1), "Overproof human-corrected text")
        )
        planned.append(Planned("variant", "ocr_real", origin, "overproof", note, raw, origin, rate))
    return planned


def plan_seeds(seeds_dir: Path) -> list[Planned]:
    """The repository's sample pair: a dated article and its round-trip machine translation."""
    (source_file,) = seeds_dir.glob(f"{SEED_SOURCE}*")
    (variant_file,) = seeds_dir.glob(f"{SEED_VARIANT}*")
    origin = f"seeds/{source_file.name}"
    return [
        Planned("source", "source", origin, "seed", "seed article", source_file.read_bytes()),
        Planned(
            "variant",
            "translation_seed",
            f"seeds/{variant_file.name}",
            "seed",
            "round-trip machine translation",
            variant_file.read_bytes(),
            origin,
        ),
    ]


def write_files(planned: list[Planned], corpus: Path) -> list[Truth]:
    """Shuffle, name the files 00000.txt..., write them; return their truth in path order."""
    order = sorted(planned, key=lambda p: (p.origin, p.role, p.kind))
    random.Random(SEED).shuffle(order)
    paths = {id(p): f"{number:05d}.txt" for number, p in enumerate(order)}
    source_path = {p.origin: paths[id(p)] for p in order if p.role == "source"}
    corpus.mkdir(parents=True, exist_ok=True)
    truths: list[Truth] = []
    for p in order:
        (corpus / paths[id(p)]).write_bytes(p.data)
        label = source_path[p.label_origin] if p.label_origin else None
        truths.append(
            Truth(paths[id(p)], p.role, p.kind, p.origin, p.topic, label, p.note, p.char_error_rate)
        )
    return sorted(truths, key=lambda truth: truth.path)


def write_corpus(planned: list[Planned], corpus: Path, truth_path: Path) -> list[Truth]:
    """The files and truth.jsonl."""
    truths = write_files(planned, corpus)
    write_truth(truth_path, truths)
    return truths


def load_truth(truth_path: Path) -> list[Truth]:
    return read_truth(truth_path, Truth)
