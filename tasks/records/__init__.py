"""Records: sources with their variants as validated records, the ledger, and the check that
every input ends up exactly once."""
