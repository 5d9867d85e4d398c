"""Dates, encodings and bodies end to end on Reuters-21578."""
