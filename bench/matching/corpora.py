"""Read the real corpora the matching benchmark is built from: BBC News and Overproof.

The readers are deliberately independent of copydesk (no decoding, cleaning or parsing code
shared with the product): the benchmark's truth must not inherit the product's mistakes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

BBC_TOPICS = ("business", "entertainment", "politics", "sport", "tech")
NEAR_PAIRS_KEY = "near_pairs_J>=0.5"
OVERPROOF_FILES = ("dataset2_allArticles.txt", "dataset3_allArticles.txt")
OVERPROOF_HEADER = "*$*OVERPROOF*$*"
OVERPROOF_SEPARATOR = "||@@||"  # RAW_OCR||@@||HUMAN_CORRECTED||@@||OVERPROOF_CORRECTED


@dataclass(frozen=True)
class Article:
    """One clean article: where it came from, its headline (may be empty) and paragraphs."""

    origin: str  # "bbc/sport/199.txt", "overproof/dataset3#12"
    topic: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """Title line (when there is one), a blank line, then the paragraphs."""
        body = "\n\n".join(self.paragraphs)
        return f"{self.title}\n\n{body}" if self.title else body


@dataclass(frozen=True)
class OcrPair:
    """An Overproof article: the human-corrected text and the raw OCR of the same print."""

    clean: Article
    raw_ocr: str
    year: int


def decode_utf8_with_strays(raw: bytes) -> str:
    """UTF-8, except that a byte which is not valid UTF-8 is read as cp1252.

    BBC's sport/199.txt holds one raw latin-1 "£" (0xA3); decoding it as U+FFFD would put a
    replacement character into the benchmark's truth.

    >>> decode_utf8_with_strays(b"a \\xa315.8m signing, caf\\xc3\\xa9")
    'a £15.8m signing, café'
    """
    parts: list[str] = []
    while True:
        try:
            parts.append(raw.decode("utf-8"))
            return "".join(parts)
        except UnicodeDecodeError as error:
            parts.append(raw[: error.start].decode("utf-8"))
            parts.append(raw[error.start : error.end].decode("cp1252", errors="replace"))
            raw = raw[error.end :]


def read_bbc_article(bbc_dir: Path, relative: str) -> Article:
    """Line 1 is the title, then a blank line, then paragraphs separated by blank lines."""
    text = decode_utf8_with_strays((bbc_dir / relative).read_bytes()).replace("\r\n", "\n")
    title, _, body = text.strip().partition("\n")
    paragraphs = tuple(" ".join(p.split()) for p in body.split("\n\n") if p.strip())
    return Article(f"bbc/{relative}", relative.split("/")[0], title.strip(), paragraphs)


def load_bbc(bbc_dir: Path) -> dict[str, Article]:
    """Every BBC article, keyed by its path relative to the BBC folder ("sport/199.txt")."""
    articles: dict[str, Article] = {}
    for topic in BBC_TOPICS:
        for path in sorted((bbc_dir / topic).glob("*.txt")):
            relative = f"{topic}/{path.name}"
            articles[relative] = read_bbc_article(bbc_dir, relative)
    return articles


@dataclass(frozen=True)
class NearDuplicates:
    """BBC's own copies: groups of identical bodies and pairs with 5-shingle Jaccard >= 0.5."""

    exact_groups: list[list[str]]
    near_pairs: list[tuple[float, str, str]]

    def components(self) -> dict[str, frozenset[str]]:
        """Each listed file's connected component over both relations (union-find).

        Two files of one component are copies of each other, so at most one of them may be a
        dated source, or a variant of one would have two right answers.
        """
        parent: dict[str, str] = {}

        def find(node: str) -> str:
            while parent.setdefault(node, node) != node:
                node = parent[node]
            return node

        links = list(self.exact_groups)
        links += [[a, b] for _, a, b in self.near_pairs]
        for group in links:
            for other in group[1:]:
                parent[find(other)] = find(group[0])
        members: dict[str, set[str]] = {}
        for node in list(parent):
            members.setdefault(find(node), set()).add(node)
        return {node: frozenset(members[find(node)]) for node in parent}


def load_near_duplicates(bbc_dir: Path) -> NearDuplicates:
    data = json.loads((bbc_dir / "near_duplicates.json").read_text(encoding="utf-8"))
    pairs = [(float(j), str(a), str(b)) for j, a, b in data[NEAR_PAIRS_KEY]]
    return NearDuplicates([list(group) for group in data["exact_groups"]], pairs)


def parse_overproof(text: str, dataset: str) -> list[OcrPair]:
    """Articles of one Overproof file, in file order.

    Each printed line holds three versions; a version left empty (the OCR missed the line,
    or the corrector dropped it) is skipped. Lines keep their printed line breaks: copydesk
    reads a single line break as wrapping, as a newspaper column is.
    """
    pairs: list[OcrPair] = []
    header: list[str] | None = None
    raw: list[str] = []
    clean: list[str] = []

    def close() -> None:
        if header is not None:
            origin = f"overproof/{dataset}#{len(pairs) + 1}:{header[1]}"
            article = Article(origin, "overproof", "", ("\n".join(clean),))
            pairs.append(OcrPair(article, "\n".join(raw), int(header[3])))

    for line in text.splitlines():
        if line.startswith(OVERPROOF_HEADER):
            close()
            header, raw, clean = line.split(), [], []
            continue
        if not line.strip():
            continue
        parts = line.split(OVERPROOF_SEPARATOR)
        if len(parts) != 3:
            raise ValueError(f"{dataset}: expected 3 versions per line, got {line[:80]!r}")
        raw += [parts[0].strip()] if parts[0].strip() else []
        clean += [parts[1].strip()] if parts[1].strip() else []
    close()
    return pairs


def load_overproof(overproof_dir: Path) -> list[OcrPair]:
    """Both evaluation sets: 159 Sydney Morning Herald and 49 Chronicling America articles."""
    pairs: list[OcrPair] = []
    for name in OVERPROOF_FILES:
        text = (overproof_dir / name).read_text(encoding="utf-8")
        pairs += parse_overproof(text, name.split("_")[0])
    return pairs
