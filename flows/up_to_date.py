"""Whether OUT already holds what a run would write, answered before Prefect starts.

A scheduled run over an archive where nothing is new used to pay Prefect's start-up (its
server and the flow run: about 4 of the 9.3 s on a 116,975-file archive) only to find that
nothing had changed. The check needs no Prefect: the files are found, their stamps compared
with the last run's (tasks/output/stamps.py: none is read), and the run state they give is
compared with the one OUT records, its data files checked against their checksums, exactly
as the flow does first (flows/ingest.py). When anything differs, or a file must be read
(changed, new, racy, or rejected last time, which is never cached), the flow runs as ever.

The CLI makes the check while its private Prefect server boots (flows/cli.py), so when a
file did change it costs no wall time: the flow would wait for the server anyway. It is
skipped when a Prefect server is configured (PREFECT_API_URL): that server keeps a record of
every run, also of one that had nothing to do; the private server's record went with it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flows.options import IngestOptions
from flows.progress import StageClock
from tasks.models import RunSummary
from tasks.output.cache import cache_fingerprint, load_cache_keys
from tasks.output.stamps import load_stamps, unchanged
from tasks.output.state import current_summary, run_state
from tasks.parse.header import DateRules
from tasks.read.discover import find_input_files


def run_rules(options: IngestOptions) -> tuple[DateRules, dict[str, Any]]:
    """The date rules of a run (today fixed once) and its settings as `run.json` keeps them."""
    rules = DateRules(today=options.today or dt.date.today(), order=options.ambiguous_dates)
    settings = options.model_copy(update={"today": rules.today}).model_dump(mode="json")
    return rules, settings


def current_output(
    input_dir: Path, out: Path, options: IngestOptions, clock: StageClock
) -> RunSummary | None:
    """The last run's summary (marked unchanged) if a run now would write what OUT holds
    without reading any file; else None."""
    rules, settings = run_rules(options)
    with clock.stage("discover"):
        discovery = find_input_files(input_dir, options.walk_rules(out))
    with clock.stage("cache"):
        fingerprint = cache_fingerprint(options.max_bytes, rules.order)
        cached = load_cache_keys(out, fingerprint, rules.today)
        recorded = None if options.verify else load_stamps(out)
    files = discovery.files
    known = {
        path: sha for path, sha in unchanged(files, recorded).items() if cached.get(path) == sha
    }
    if len(known) < len(files):
        return None
    state = run_state(settings, discovery.excluded, known, discovery.rejected)
    current = current_summary(out, state)
    if current is None:
        return None
    update = {"timings": clock.timings, "unchanged": True, "not_read": len(known)}
    return current.model_copy(update=update)
