"""A small synthetic news corpus for flow tests: distinct stories made of distinct words."""

from __future__ import annotations

import random
from pathlib import Path

SYLLABLES = ["ka", "lo", "mi", "ran", "tes", "vo", "zu", "pel", "dor", "qui", "sam", "ber"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def paragraphs(seed: int, count: int = 4) -> list[str]:
    """`count` paragraphs of three sentences, each sentence of eight or more made-up words:
    no two seeds share a sentence."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        sentences = [
            " ".join(_word(rng) for _ in range(rng.randint(8, 14))).capitalize() + "."
            for _ in range(3)
        ]
        result.append(" ".join(sentences))
    return result


def source_text(body: list[str], date: str) -> str:
    return f"Date: {date}\n\n" + "\n\n".join(body) + "\n"


def variant_text(body: list[str]) -> str:
    return "\n\n".join(body) + "\n"


def write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


TITLE = "Cocoa exports rise after the rains"


def page(body: list[str], date: str | None = "2025-05-15", title: str = TITLE) -> str:
    """A news page: the story among a menu, a related-stories box and a footer."""
    meta = f'<meta property="article:published_time" content="{date}T09:30:00Z">' if date else ""
    story = "".join(f"<p>{paragraph}</p>" for paragraph in body)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} | The Daily</title>"
        f"{meta}</head><body><header><nav><a href='/'>Home</a> <a href='/world'>World</a> "
        f"<a href='/sport'>Sport</a></nav></header><main><article><h1>{title}</h1>{story}"
        "</article><aside><h2>Related stories</h2><ul><li><a href='/a'>Markets slide again"
        "</a></li><li><a href='/b'>Rain hits harvest</a></li></ul></aside></main><footer>"
        "<p>Copyright 2025 The Daily. All rights reserved.</p></footer></body></html>"
    )
