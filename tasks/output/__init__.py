"""The output folder: its file names, its lock, the run state, the parse cache and atomic
writes. Only this package knows where copydesk keeps things inside OUT."""
