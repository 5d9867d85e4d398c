"""Benchmark: copydesk's cleaning on ftfy's own 161 test cases.

Two questions, answered from `../shared/corpora/ftfy_cases/test_cases.json` at run time:

1. Do copydesk's later cleaning steps ever undo an ftfy repair? The clean text must equal
   ftfy's output (with copydesk's configuration) up to whitespace, invisible characters
   and C1 controls, the only things those steps touch. Target: every case.
2. How often does copydesk produce ftfy's expected repair? Compared modulo copydesk's
   deliberate differences from ftfy's defaults: curly quotes are kept, whitespace is
   normalized, and the C1 controls ftfy leaves (U+0080-U+009F) are removed.

Usage: `python -m bench.cleaning.ftfy_cases` (prints a markdown report; exit 1 if question 1 fails).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from bench.common.paths import CORPORA, require_corpora
from tasks.clean.clean import clean_text, normalize_line_endings, repair_with_ftfy

CASES = CORPORA / "ftfy_cases" / "test_cases.json"
# The characters ftfy's uncurl_quotes straightens (ftfy/chardata.py SINGLE/DOUBLE_QUOTE_RE).
_QUOTES = str.maketrans({**dict.fromkeys("\u02bc\u2018\u2019\u201a\u201b", "'"),
                         **dict.fromkeys("\u201c\u201d\u201e\u201f", '"')})  # fmt: skip
# C1 controls: copydesk removes the ones ftfy leaves (tasks/clean/escapes.py), after ftfy.
_WHITESPACE_AND_INVISIBLE = re.compile(r"[\s\u200b\u2060\ufeff\u00ad\x80-\x9f]+")
_C1_CONTROLS = re.compile(r"[\x80-\x9f]")


def squeeze(text: str) -> str:
    """Text without whitespace, invisible characters or C1 controls, the only things cleaning
    may change after ftfy."""
    return _WHITESPACE_AND_INVISIBLE.sub("", text)


def comparable(text: str) -> str:
    """Modulo copydesk's deliberate differences: quotes kept curly, whitespace normalized,
    C1 controls removed."""
    return " ".join(_C1_CONTROLS.sub("", text.translate(_QUOTES)).split())


def evaluate(cases: list[dict[str, Any]]) -> dict[str, Any]:
    undone: list[str] = []
    expected = agreed = 0
    disagreements: list[str] = []
    for case in cases:
        clean, _ = clean_text(case["original"])
        ftfy_only, _ = repair_with_ftfy(normalize_line_endings(case["original"]))
        if squeeze(clean) != squeeze(ftfy_only):
            undone.append(case["label"])
        if case["expect"] == "pass":
            expected += 1
            if comparable(clean) == comparable(case["fixed"]):
                agreed += 1
            else:
                got, want = clean, case["fixed"]
                disagreements.append(f"{case['label']}: got {got!r}, ftfy expects {want!r}")
    return {
        "cases": len(cases),
        "undone": undone,
        "expected": expected,
        "agreed": agreed,
        "disagreements": disagreements,
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        "| ftfy test cases | value |",
        "|---|---:|",
        f"| cases | {result['cases']} |",
        f"| cases where a later step undid an ftfy repair | {len(result['undone'])} |",
        f"| cases ftfy expects to fix (`expect: pass`) | {result['expected']} |",
        f"| of those, copydesk gives ftfy's expected text (curly quotes kept) "
        f"| {result['agreed']} |",
    ]
    lines += ["", *[f"- undone: {label}" for label in result["undone"]]]
    lines += [f"- differs: {text}" for text in result["disagreements"]]
    return "\n".join(lines)


def main() -> int:
    require_corpora(CASES)
    result = evaluate(json.loads(CASES.read_text(encoding="utf-8")))
    print(report(result))
    return 1 if result["undone"] else 0


if __name__ == "__main__":
    sys.exit(main())
