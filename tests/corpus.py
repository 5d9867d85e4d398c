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
