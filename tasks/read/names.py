"""File names as copydesk writes them: text that JSON can hold, one spelling per file."""

from __future__ import annotations

import os
import re


def display_name(name: str) -> str:
    r"""A file name (or path) as text, one-to-one: bytes that are not UTF-8 (kept by Python
    as surrogates, which JSON cannot hold) and control characters (a name can hold a
    terminal escape that retitles the terminal it is printed on) become `\xNN`, and so
    that no real name can spell the same, a backslash becomes `\\`.

    >>> display_name("caf\udce9.txt"), display_name("caf\\xe9.txt")
    ('caf\\xe9.txt', 'caf\\\\xe9.txt')
    >>> display_name("plain/name.txt"), display_name("esc\x1b]0;title\x07.txt")
    ('plain/name.txt', 'esc\\x1b]0;title\\x07.txt')
    """
    if "\\" not in name and name.isprintable() and name.isascii():
        return name
    escaped = _CONTROL.sub(_escape, name.replace("\\", "\\\\"))
    return os.fsencode(escaped).decode("utf-8", "backslashreplace")


def _escape(control: re.Match[str]) -> str:
    r"""`\xNN` for C0 and DEL; `\u00NN` for a C1 character, whose `\xNN` is already the
    spelling of the byte NN that is not UTF-8.

    >>> _escape(re.match(".", "\x85")), _escape(re.match(".", "\x1b"))
    ('\\u0085', '\\x1b')
    """
    code = ord(control.group())
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
