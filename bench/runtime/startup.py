"""Start-up: `copydesk ingest` of the two seed files, where nearly all the time is overhead.

Usage: ``python -m bench.runtime.startup [--rounds 5] [--no-wait]``. Each round runs the
seeds into an emptied output folder (one left current would be found so before Prefect
starts) with a warm Prefect home (one that served a run already), two ways, alternating which
goes first: as a user's machine runs it (a warm bytecode cache: a ``PYTHONPYCACHEPREFIX``
folder the warm-up run filled), and as this project's machine does, with
``PYTHONDONTWRITEBYTECODE=1``: the installed packages' bytecode (compiled by pip) is read,
copydesk's own modules are compiled from source at every start (their ``__pycache__``
folders are removed first: the variable stops writing them, not reading ones an earlier run
wrote). The report gives min and median
wall per way; it goes to stdout and ``bench/work/startup/report.md``.
"""

from __future__ import annotations

import shutil
import sys
from statistics import median

from bench.common import paths
from bench.common.cli import arguments, run_cli
from bench.common.report import publish, table

WORK = paths.WORK / "startup"
WAYS = ("warm bytecode cache", "PYTHONDONTWRITEBYTECODE=1")


def remove_own_bytecode() -> None:
    for folder in ("flows", "tasks"):
        for cache in (paths.REPO / folder).rglob("__pycache__"):
            shutil.rmtree(cache)


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    home, out, cache = WORK / "prefect-home", WORK / "out", WORK / "pycache"
    home.mkdir(parents=True, exist_ok=True)
    warm = {"PYTHONPYCACHEPREFIX": str(cache), "PYTHONDONTWRITEBYTECODE": None}
    command = ["ingest", str(paths.SEEDS), "--out", str(out), "--quiet"]
    run_cli(command, wait=False, home=home, environment=warm)  # warms both
    walls: dict[str, list[float]] = {way: [] for way in WAYS}
    cold = {"PYTHONPYCACHEPREFIX": None, "PYTHONDONTWRITEBYTECODE": "1"}
    environments = dict(zip(WAYS, (warm, cold), strict=True))
    for number in range(args.rounds):
        for way in WAYS if number % 2 == 0 else WAYS[::-1]:
            if environments[way] is cold:
                remove_own_bytecode()
            shutil.rmtree(out)  # a run that writes: OUT left current would skip Prefect
            measured = run_cli(command, wait=args.wait, home=home, environment=environments[way])
            walls[way].append(measured.wall)
    rows = [
        (way, " ".join(f"{w:.2f}" for w in found), f"{min(found):.2f}", f"{median(found):.2f}")
        for way, found in walls.items()
    ]
    report = [
        f"# Start-up: `copydesk ingest seeds`, warm Prefect home, {args.rounds} rounds", "",
        *table(["way", "wall s per round", "min s", "median s"], rows),
    ]  # fmt: skip
    return publish("\n".join(report), WORK / "report.md")


if __name__ == "__main__":
    sys.exit(main())
