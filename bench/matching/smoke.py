"""The smoke corpus: 20 labelled files built without ../shared, for ``--smoke`` (make test).

The repository's seed pair (a dated article and its round-trip machine translation), and
synthetic articles of made-up words, so that no two share a sentence: a dated source with a
generated variant for each kind, distractors of the first kinds whose source is left out,
and plain sources without variants. Every file is built as in the full corpus (build.py).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from bench.matching.build import SEED, Planned, generated, plan_seeds, source
from bench.matching.corpora import Article
from bench.matching.variants import GENERATED_KINDS

SYLLABLES = ("ka", "lo", "mi", "ran", "tes", "vo", "zu", "pel", "dor", "qui", "sam", "ber")
DISTRACTORS, PLAIN_SOURCES = 2, 4  # with the seeds and a pair per kind: 20 files
FIRST_DAY = dt.date(2020, 1, 1)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = (
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(low, high))
    )
    return " ".join(words).capitalize()


def synthetic_article(number: int) -> Article:
    """A headline and four paragraphs of three sentences, seeded by `number`."""
    rng = random.Random(f"{SEED}:synthetic:{number}")
    paragraphs = tuple(" ".join(_sentence(rng, 8, 14) + "." for _ in range(3)) for _ in range(4))
    return Article(f"synthetic/{number:02d}", "synthetic", _sentence(rng, 4, 7), paragraphs)


def plan_smoke(seeds: Path) -> list[Planned]:
    kinds = len(GENERATED_KINDS)
    planned = plan_seeds(seeds)
    for number in range(kinds + DISTRACTORS + PLAIN_SOURCES):
        article, kind = synthetic_article(number), GENERATED_KINDS[number % kinds]
        date = FIRST_DAY + dt.timedelta(days=number)
        if number < kinds:
            planned.append(source(article, date, "with a generated variant"))
            planned.append(generated(article, kind, "variant"))
        elif number < kinds + DISTRACTORS:
            planned.append(generated(article, kind, "distractor"))  # its source left out
        else:
            planned.append(source(article, date, "without variants"))
    return planned
