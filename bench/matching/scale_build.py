"""The scale corpus: every Reuters-21578 body and every BBC article as a dated source, plus
generated undated variants of a tenth of them, written whole or as a fixed share.

A share keeps the same mix: the sources are ranked once by a seeded shuffle, a share takes
the first ones of that ranking, and with them exactly their own variants. So the 10 % corpus
is a sample of the 100 % one, and the match stage's growth between them is the product's,
not the corpus'.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from bench.matching.bbc import bbc_date
from bench.matching.build import Planned, Truth, generated, source, write_files
from bench.matching.corpora import Article, load_bbc
from bench.matching.variants import GENERATED_KINDS
from bench.reuters.corpus import load_stories, true_date

SEED = 21578
VARIANT_SHARE = 0.10


@dataclass(frozen=True)
class ScaleDocument:
    planned: Planned
    rank: int  # the rank of its source: a share keeps documents with rank < share x sources


def reuters_article(newid: int, title: str, body: str) -> Article:
    """A Reuters story as an article; paragraphs keep the wire's own line wrapping."""
    paragraphs = tuple(p.strip("\n") for p in body.split("\n\n") if p.strip())
    return Article(f"reuters/{newid}", "reuters", title, paragraphs)


def plan_scale(corpora: Path) -> tuple[list[ScaleDocument], int]:
    """All documents with their ranks, and the number of sources."""
    sources: list[Planned] = []
    articles: list[Article] = []
    for story in load_stories(corpora / "reuters21578"):
        article = reuters_article(story.newid, story.title, story.body)
        if article.paragraphs:
            sources.append(source(article, true_date(story.raw_date), "Reuters"))
            articles.append(article)
    for article in load_bbc(corpora / "bbc").values():
        sources.append(source(article, bbc_date(article.origin), "BBC"))
        articles.append(article)
    rng = random.Random(SEED)
    ranking = list(range(len(sources)))
    rng.shuffle(ranking)
    rank_of = {number: rank for rank, number in enumerate(ranking)}
    documents = [ScaleDocument(p, rank_of[n]) for n, p in enumerate(sources)]
    with_variant = sorted(rng.sample(range(len(sources)), round(VARIANT_SHARE * len(sources))))
    for turn, number in enumerate(with_variant):
        kind = GENERATED_KINDS[turn % len(GENERATED_KINDS)]
        documents.append(
            ScaleDocument(generated(articles[number], kind, "variant"), rank_of[number])
        )
    return documents, len(sources)


def write_share(
    documents: list[ScaleDocument], sources: int, share: float, corpus: Path
) -> list[Truth]:
    """Write the share's files under neutral names; return their truth."""
    return write_files([d.planned for d in documents if d.rank < share * sources], corpus)
