"""Whole `copydesk` runs measured: the default runner against Dask, incremental runs."""
