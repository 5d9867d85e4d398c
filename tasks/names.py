"""File names as copydesk writes them: text that JSON can hold, one spelling per file."""

from __future__ import annotations

import os


def display_name(name: str) -> str:
    r"""A file name (or path) as text, one-to-one: bytes that are not UTF-8 (kept by Python
    as surrogates, which JSON cannot hold) become `\xNN`, and so that no real name can
    spell the same, a backslash becomes `\\`.

    >>> display_name("caf\udce9.txt"), display_name("caf\\xe9.txt")
    ('caf\\xe9.txt', 'caf\\\\xe9.txt')
    >>> display_name("plain/name.txt")
    'plain/name.txt'
    """
    if "\\" not in name and name.isprintable() and name.isascii():
        return name
    escaped = name.replace("\\", "\\\\")
    return os.fsencode(escaped).decode("utf-8", "backslashreplace")
