"""The benchmarks' doctests run in `make test`; the datatrove pipeline's need datatrove,
which runs under a Python of its own (not a copydesk dependency)."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("datatrove") else ["runtime/datatrove_pipeline.py"]
