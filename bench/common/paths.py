"""Where benchmarks read their corpora and write their work, and the exit when corpora lack.

The corpora live beside the repository, in ``../shared/corpora``, and are never copied into
it; a clone without them gets one line on stderr and exit code 2 from every benchmark.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPORA = REPO.parent / "shared" / "corpora"
SEEDS = REPO / "seeds"
WORK = REPO / "bench" / "work"  # scratch: built corpora, outputs, reports (git-ignored)
MISSING_CORPORA_EXIT = 2


def require_corpora(*paths: Path) -> None:
    """Exit with `MISSING_CORPORA_EXIT` when any of `paths` (folders or files) is absent."""
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        print(f"error: corpus not found: {', '.join(missing)}", file=sys.stderr)
        raise SystemExit(MISSING_CORPORA_EXIT)


def shown(path: Path) -> str:
    """`path` relative to the repository when inside it, for reports."""
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
