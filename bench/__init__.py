"""copydesk's benchmarks, one package per family, each entry point run as a module.

`common` holds what every family shares: the corpus paths, the one way to run `copydesk`
and measure it, the JSONL reader, copydesk's output folder and the report writer.
`cleaning` (charset samples, ftfy's cases), `matching` (labelled variants, scale),
`reuters` (dates, encodings and bodies) and `runtime` (runners, incremental runs) are the
families. `make bench` runs them all; docs/benchmarks.md gives their results.
"""
