"""Benchmark: decoding charset-normalizer's 18 language samples to their expected charset.

Reads `../shared/corpora/charset_samples/` at run time; prints a markdown table and exits 1
when a sample is decoded with another encoding than expected.
Usage: `python -m bench.cleaning.charset_samples`.
"""

from __future__ import annotations

import codecs
import csv
import sys

from bench.common.paths import CORPORA, require_corpora
from tasks.decode.decode import decode_bytes

SAMPLES = CORPORA / "charset_samples"
EXPECTED = "EXPECTED_from_test_full_detection.tsv"


def same_codec(chosen: str, expected: str) -> bool:
    """Compare codec names by what Python resolves them to ("utf_8" is "utf-8")."""
    chosen = chosen.removesuffix("-sig").removesuffix("+stray-cp1252")
    return codecs.lookup(chosen).name == codecs.lookup(expected).name


def main() -> int:
    require_corpora(SAMPLES)
    rows = list(csv.DictReader((SAMPLES / EXPECTED).open(encoding="utf-8"), delimiter="\t"))
    print("| sample | language | expected | decoded as | ok | reason |")
    print("|---|---|---|---|---|---|")
    wrong = 0
    for row in rows:
        _, encoding, reason = decode_bytes((SAMPLES / row["file"]).read_bytes())
        ok = same_codec(encoding, row["expected_charset"])
        wrong += not ok
        cells = [row["file"], row["expected_language"], row["expected_charset"], encoding]
        print(f"| {' | '.join(cells)} | {'yes' if ok else 'NO'} | {reason} |")
    print(f"\n{len(rows) - wrong} of {len(rows)} samples decoded with the expected charset.")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
