"""Imported by the worker processes' fork server (flows/workers.py) before it forks them:
every worker inherits the word weights' tables made there once, instead of making its own
each run (0.2-0.7 s of each matching worker's start for the reference weights, and 0.3-0.4 s
more at its first word with a digit for wordfreq's own table, on the run's critical path:
the fork server starts early, while the run walks and reads)."""

import contextlib

from tasks.match.weights import make_tables

# A table that cannot be made here (wordfreq's data unreadable) must not kill the fork
# server, which would fail every pool obscurely: each worker then makes it, and says why.
with contextlib.suppress(Exception):
    make_tables()
