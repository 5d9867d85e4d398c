"""Whether OUT already holds what a run would write, answered before Prefect starts.

A scheduled run over an archive where nothing is new used to pay Prefect's start-up (its
server and the flow run: about 4 of the 9.3 s on a 116,975-file archive) only to find that
nothing had changed. The check needs no Prefect: the files are found, their stamps compared
with the last run's (tasks/output/stamps.py: none is read), and the run state they give is
compared with the one OUT records, its data files checked against their checksums, as the
flow does first (flows/ingest.py). When anything differs, or a file must be read (changed,
new, racy, or unreadable last time, which has no stamp), the flow runs as ever.

The CLI makes the check while its private Prefect server boots (flows/cli.py). When a file
did change, the flow walks INPUT again: on 116,975 files the check (1.8 s of walk, 0.3 s of
stamps) ends within the server's start-up of about 4 s, but on a million files its walk
(about 20 s) outlasts it. It is skipped when a Prefect server is configured
(PREFECT_API_URL): that server keeps a record of every run, also of one that had nothing to
do; the private server's record went with it.
"""

from __future__ import annotations

from pathlib import Path

from flows.options import IngestOptions
from flows.progress import StageClock
from tasks.models import RunSummary
from tasks.output.stamps import load_stamps, unchanged
from tasks.output.state import current_summary, run_state
from tasks.read.discover import find_input_files


def current_output(
    input_dir: Path, out: Path, options: IngestOptions, clock: StageClock
) -> RunSummary | None:
    """The last run's summary (marked unchanged) if a run now would write what OUT holds
    without reading any file; else None."""
    _, settings = options.run_rules()
    with clock.stage("discover"):
        discovery = find_input_files(input_dir, options.walk_rules(out))
    with clock.stage("stamps"):
        recorded = None if options.verify else load_stamps(out)
    files = discovery.files
    # Unlike the flow, it needs no cached parse of these files: a run that finds the same
    # state writes nothing, whether or not it could have parsed again.
    known = unchanged(files, recorded)
    if len(known) < len(files):
        return None
    state = run_state(settings, discovery.excluded, known, discovery.rejected)
    current = current_summary(out, state)
    if current is None:
        return None
    update = {"timings": clock.timings, "unchanged": True, "not_read": len(known)}
    return current.model_copy(update=update)
