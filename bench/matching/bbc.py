"""Give BBC articles their roles: near-duplicate pairs, sources with a generated variant,
held-out distractors and plain sources (the same-topic hard negatives).

Copies of one another (identical bodies, near-duplicate pairs) never both become sources,
and an article whose text is largely inside another source gets no undated copy, so every
labelled file has exactly one defensible answer.
"""

from __future__ import annotations

import datetime as dt
import random

from bench.matching.build import Planned, generated, source
from bench.matching.corpora import BBC_TOPICS, Article, NearDuplicates
from bench.matching.overlap import most_contained
from bench.matching.variants import GENERATED_KINDS

GENERATED_SOURCES = 1000
PER_TOPIC = 40  # held out per topic: 200 same-topic variants without their source
# An article with at least this share of its text inside another one is only a plain
# source: an undated copy of it would have two defensible answers (see overlap.py).
AMBIGUOUS_CONTAINMENT = 0.5
FIRST_DAY = dt.date(2004, 1, 1)  # BBC's articles are from 2004-2005


def bbc_date(origin: str) -> dt.date:
    """A fixed, plausible date derived from the article's topic and number."""
    topic, number = origin.split("/")[1], int(origin.rsplit("/", 1)[1].split(".")[0])
    return FIRST_DAY + dt.timedelta(days=(BBC_TOPICS.index(topic) * 101 + number * 7) % 700)


def bbc_pool(bbc: dict[str, Article], near: NearDuplicates) -> tuple[list[Planned], list[str]]:
    """The near-duplicate pairs (source a, variant b) and the pool of unrelated articles:
    every file outside the copy components, plus one representative of each exact-copy
    group not used by a pair. Returns the pairs' documents and the pool's keys."""
    components = near.components()
    planned: list[Planned] = []
    used: set[str] = set()
    for jaccard, a, b in near.near_pairs:
        if a in used or b in used:
            continue
        used |= components[a]
        planned.append(source(bbc[a], bbc_date(bbc[a].origin), f"near-pair source (J={jaccard})"))
        note = f"BBC near duplicate of {a}, 5-shingle Jaccard {jaccard}"
        variant = bbc[b]
        data = (variant.text + "\n").encode()
        planned.append(
            Planned(
                "variant",
                "bbc_near",
                variant.origin,
                variant.topic,
                note,
                data,
                label_origin=bbc[a].origin,
            )
        )
    pool = [key for key in bbc if key not in components]
    pool += sorted({min(group) for key, group in components.items() if key not in used})
    return planned, sorted(pool)


def plan_bbc(bbc: dict[str, Article], near: NearDuplicates, rng: random.Random) -> list[Planned]:
    """Near pairs, then held-out same-topic distractors, sources with one generated variant
    each (kinds in rotation), and every remaining article as a plain source. Articles whose
    text is largely inside another source are only plain sources (`AMBIGUOUS_CONTAINMENT`)."""
    planned, pool = bbc_pool(bbc, near)
    sources = pool + [bbc_key(p.origin) for p in planned if p.role == "source"]
    contained = most_contained({key: "\n".join(bbc[key].paragraphs) for key in sources})
    ambiguous = {key for key in pool if contained[key][0] >= AMBIGUOUS_CONTAINMENT}
    for key in sorted(ambiguous):
        share, other = contained[key]
        note = f"ambiguous ({100 * share:.0f}% of its text is in {other}), without variants"
        planned.append(source(bbc[key], bbc_date(bbc[key].origin), note))
    clear = [key for key in pool if key not in ambiguous]
    held_out: list[str] = []
    for topic in BBC_TOPICS:
        held_out += rng.sample([k for k in clear if k.startswith(f"{topic}/")], PER_TOPIC)
    rng.shuffle(held_out)
    for number, key in enumerate(held_out):
        kind = GENERATED_KINDS[number % len(GENERATED_KINDS)]
        planned.append(generated(bbc[key], kind, "distractor"))
    remaining = [key for key in clear if key not in set(held_out)]
    rng.shuffle(remaining)
    for number, key in enumerate(remaining):
        with_variant = number < GENERATED_SOURCES
        note = "with a generated variant" if with_variant else "without variants"
        planned.append(source(bbc[key], bbc_date(bbc[key].origin), note))
        if with_variant:
            kind = GENERATED_KINDS[number % len(GENERATED_KINDS)]
            planned.append(generated(bbc[key], kind, "variant"))
    return planned


def bbc_key(origin: str) -> str:
    """The key `load_bbc` uses: the origin without its "bbc/" prefix."""
    return origin.removeprefix("bbc/")
