"""The write's bookkeeping at a million records: the map of `articles.jsonl`'s lines saved
and loaded, and the ledger made, on their own, in one process.

Usage: ``python -m bench.runtime.write_parts [--records 1000000] [--rounds 5] [--work DIR]``.
The archive benchmark (bench/runtime/archive.py) copies its stories 43 times to reach a
million files, so they make about 40,000 records: this one measures what a million distinct
records cost the two parts of the write that grow with the records, not with what changed.
Synthetic rows (no corpus needed): each record a source and one duplicate, with paths as an
archive's. Reports min and median of the rounds, and the load, to stdout and
``bench/work/write_parts/report.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import paths
from bench.common.report import publish, table
from tasks.output.line_map import NewLines, map_bytes, parsed_map
from tasks.records.ledger import ledger_lines
from tasks.records.records import Attached, Planned
from tasks.refs import DocumentRef

WORK = paths.WORK / "write_parts"


def _plans(records: int) -> list[Planned]:
    def ref(path: str, record: str) -> DocumentRef:
        return DocumentRef(path, hashlib.sha256(path.encode()).hexdigest(), None, b"", record)

    plans = []
    for number in range(records):
        record = f"{number:016x}"
        source = ref(f"feeds/{number % 97:02d}/{number:07d}.txt", record)
        variant = ref(f"reprints/{number % 89:02d}/{number:07d}.txt", record)
        plans.append(Planned(source, [Attached(variant, None, True)]))
    return plans


def _timed(work: Callable[[], object], rounds: int) -> tuple[float, float]:
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return min(seconds), statistics.median(seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=WORK, help="where the report goes")
    args = parser.parse_args(argv)
    plans = _plans(args.records)
    made = NewLines()
    for plan in plans:
        made.add(hashlib.blake2b(plan.id.encode(), digest_size=16).digest(), plan.id, 700)
    saved = map_bytes(made, "0" * 64, "salt")
    loaded = parsed_map(saved)
    if loaded is None or loaded.record(plans[-1].id) != (700 * (args.records - 1), 700):
        raise SystemExit("the map did not read back what was saved")
    steps: list[tuple[str, Callable[[], object]]] = [
        ("line map saved", lambda: map_bytes(made, "0" * 64, "salt")),
        ("line map loaded", lambda: parsed_map(saved)),
        ("ledger made", lambda: sum(map(len, ledger_lines({}, plans, [])))),
    ]
    load = os.getloadavg()[0]
    rows = [(name, *(f"{s:.2f}" for s in _timed(work, args.rounds))) for name, work in steps]
    report = [f"# The write's bookkeeping at {args.records:,} records (load {load:.2f})", "",
              *table(["part", "min s", "median s"], rows), "",
              f"The map: {len(saved) / 1e6:.1f} MB."]  # fmt: skip
    return publish("\n".join(report), args.work / "report.md")


if __name__ == "__main__":
    sys.exit(main())
