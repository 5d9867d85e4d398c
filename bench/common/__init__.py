"""What every benchmark family shares: paths, the CLI runner, JSONL, output and reports."""
