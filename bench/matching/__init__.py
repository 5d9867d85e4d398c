"""Variant-to-source matching: a labelled corpus (precision, recall) and scale runs."""
