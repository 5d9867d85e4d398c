"""The floor: what reading, decoding and repairing every file costs in one plain process.

Usage: ``python -m bench.runtime.floor FOLDER``; prints ``{"files": N, "seconds": S}``.
Every regular file below FOLDER, in path order: read, decoded as UTF-8 (else latin-1, which
cannot fail), repaired by ``ftfy.fix_text`` with its defaults. No parsing, matching, writing
or orchestration: a lower bound for any tool that must at least do this much.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import ftfy


def decode(data: bytes) -> str:
    """
    >>> decode("café".encode()), decode("café".encode("cp1252"))
    ('café', 'café')
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def floor(folder: Path) -> tuple[int, float]:
    """How many files, and the seconds reading, decoding and repairing them took."""
    start = time.perf_counter()
    files = 0
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            ftfy.fix_text(decode(path.read_bytes()))
            files += 1
    return files, time.perf_counter() - start


def main(argv: list[str]) -> int:
    files, seconds = floor(Path(argv[0]))
    print(json.dumps({"files": files, "seconds": round(seconds, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
