"""Parse: clean text -> date header (or front matter), title, dateline and body; strict dates."""
