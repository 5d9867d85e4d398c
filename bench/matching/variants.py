"""Generate the variants copydesk must match: each kind is one way real copies differ.

Every generator takes the article and a random generator seeded per document, and returns
the variant's text (never dated: a variant has no header) and a note saying what was done,
so an error in the report can be understood without opening the file.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench.matching.corpora import Article

HEAD_BOILERPLATE = ("Advertisement", "Share this article", "Click here to subscribe")
TAIL_BOILERPLATE = (
    "© 2005 Some Publisher. All rights reserved.",
    "Share this article",
    "Click here to subscribe",
    "Advertisement",
)
READ_MORE = "Read more…"
TITLE_PREFIXES = ("UPDATE 2-", "Analysis: ", "Exclusive: ", "In brief: ", "WORLD NEWS - ")
# Letter confusions of OCR engines, applied one character (or pair) at a time.
OCR_SWAPS = {"rn": "m", "m": "rn", "l": "1", "e": "c", "i": "l", "o": "0", "h": "b", "c": "e"}

Generated = tuple[str, str]  # (text, note)


def compose(title: str, paragraphs: list[str] | tuple[str, ...]) -> str:
    body = "\n\n".join(paragraphs)
    return f"{title}\n\n{body}\n" if title else f"{body}\n"


def new_title(article: Article, rng: random.Random) -> tuple[str, str]:
    """Another headline for the same story, or none; returns (title, note)."""
    choice = rng.randrange(4)
    if choice == 0 or not article.title:
        return "", "title removed"
    if choice == 1:
        prefix = rng.choice(TITLE_PREFIXES)
        return prefix + article.title, f"title prefixed {prefix!r}"
    if choice == 2:
        return article.title.upper(), "title in capitals"
    lead = article.paragraphs[0].split()[:8]
    return " ".join(lead).rstrip(".,;:"), "title from the first words of the lead"


def reprint(article: Article, rng: random.Random) -> Generated:
    """Web-page furniture before and after the story; the headline kept, changed or gone."""
    head = rng.sample(HEAD_BOILERPLATE, rng.randint(1, 2))
    tail = rng.sample(TAIL_BOILERPLATE, rng.randint(1, 2))
    title, title_note = article.title, "title kept"
    if rng.random() < 0.5:
        title, title_note = new_title(article, rng)
    text = "\n\n".join([*head, compose(title, article.paragraphs).rstrip("\n"), *tail])
    return text + "\n", f"{len(head)} lines before, {len(tail)} after, {title_note}"


def edit(article: Article, rng: random.Random) -> Generated:
    """An editor's cut: 20-40 % of the paragraphs dropped, and/or two paragraphs swapped."""
    paragraphs = list(article.paragraphs)
    mode = rng.choice(("drop", "swap", "both")) if len(paragraphs) >= 3 else "swap"
    notes: list[str] = []
    if mode in ("drop", "both"):
        count = max(1, round(len(paragraphs) * rng.uniform(0.2, 0.4)))
        dropped = set(rng.sample(range(len(paragraphs)), min(count, len(paragraphs) - 2)))
        paragraphs = [p for i, p in enumerate(paragraphs) if i not in dropped]
        notes.append(f"dropped {len(dropped)}/{len(article.paragraphs)} paragraphs")
    if mode in ("swap", "both") and len(paragraphs) >= 2:
        i, j = sorted(rng.sample(range(len(paragraphs)), 2))
        paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
        notes.append(f"swapped paragraphs {i + 1} and {j + 1} of {len(paragraphs)}")
    return compose(article.title, paragraphs), ", ".join(notes) or "unchanged (1 paragraph)"


def truncation(article: Article, rng: random.Random) -> Generated:
    """A teaser: the first 1-3 paragraphs, then a link to the rest."""
    keep = min(rng.randint(1, 3), max(1, len(article.paragraphs) - 1))
    text = compose(article.title, [*article.paragraphs[:keep], READ_MORE])
    return text, f"first {keep}/{len(article.paragraphs)} paragraphs + {READ_MORE!r}"


def retitled(article: Article, rng: random.Random) -> Generated:
    """Same body under another headline, or under none."""
    title, note = new_title(article, rng)
    return compose(title, article.paragraphs), note


def ocr_noise(text: str, rate: float, rng: random.Random) -> tuple[str, int]:
    """Character noise at about `rate` of the characters: letter confusions (rn->m, l->1,
    e->c...), dropped and doubled characters, now and then a word hyphenated across a line
    break. Line breaks are left alone (a scan keeps its column layout). Returns the noisy
    text and the number of edits."""
    out: list[str] = []
    edits, i = 0, 0
    while i < len(text):
        char, pair, draw = text[i], text[i : i + 2], rng.random()
        step = 1
        if char == "\n" or draw >= rate:
            out.append(char)
        elif pair in OCR_SWAPS and draw < rate * 0.5:
            out.append(OCR_SWAPS[pair])
            step = 2
        elif char in OCR_SWAPS and draw < rate * 0.6:
            out.append(OCR_SWAPS[char])
        elif draw < rate * 0.75:
            pass  # dropped
        elif draw < rate * 0.9 or not (char.isalpha() and text[i + 1 : i + 2].isalpha()):
            out.append(char * 2)
        else:
            out.append(char + "-\n")
        edits += char != "\n" and draw < rate
        i += step
    return "".join(out), edits


def ocr_synthetic(article: Article, rng: random.Random) -> Generated:
    """The article as a poor OCR engine would read a clean print of it."""
    rate = rng.uniform(0.05, 0.10)
    clean = compose(article.title, article.paragraphs)
    noisy, edits = ocr_noise(clean, rate, rng)
    return noisy, f"{edits} character edits ({100 * edits / len(clean):.1f} % of characters)"


def exact_copy(article: Article, rng: random.Random) -> Generated:
    """The story as published, headline and all, without its date header."""
    return compose(article.title, article.paragraphs), "identical text, no header"


GENERATORS: dict[str, Callable[[Article, random.Random], Generated]] = {
    "reprint": reprint,
    "edit": edit,
    "truncation": truncation,
    "retitled": retitled,
    "ocr_synthetic": ocr_synthetic,
    "exact_copy": exact_copy,
}
GENERATED_KINDS = tuple(GENERATORS)
