r"""Terminal escape sequences and C1 control characters: never content, removed whole.

Text copied from a terminal carries ECMA-48 ("ANSI") escape sequences: colours, cursor
moves, window titles. ftfy only strips the ``ESC [ digits letter`` kind and then drops
any other ESC alone, which leaves the rest of the sequence in the text (a window title,
``]0;title``). So `remove_escape_sequences` runs *before* ftfy, as ftfy's own escape
removal does, and removes each sequence whole.

A C1 control (U+0080-U+009F) is different: it is also what a cp1252 letter ("›" is
0x9B) or a UTF-8 continuation byte ("ě" is C4 9B) becomes when read as latin-1, which is
the evidence ftfy repairs mojibake from. So lone C1 controls stay until ftfy has had its
chance and `remove_c1_controls` runs after it, when the ones left (those cp1252 leaves
undefined: 0x81, 0x8D, 0x8F, 0x90, 0x9D) can only be garbage. For the same reason an
8-bit sequence (``0x9B 31 m`` for ``ESC [ 31 m``) is only removed before ftfy where it
cannot be mojibake: after an ASCII character (a misread UTF-8 continuation byte always
follows a non-ASCII one), and with ASCII evidence of its shape, i.e. a CSI with at least
one parameter byte ("Home › News" is not a CSI) or a string ended by BEL or ``ESC \``.
"""

from __future__ import annotations

import re

_ESC = "\x1b"
# ECMA-48 bytes: parameter 0x30-0x3F, intermediate 0x20-0x2F, final 0x40-0x7E.
_CSI_TAIL = r"[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
# A control string (OSC, DCS, SOS, PM, APC) runs to BEL or ST (ESC \), on one line. The
# 8-bit ST (0x9C) is no end: it is also the cp1252 "œ" and the last byte of a misread
# UTF-8 "“". An unterminated string is not removed whole: only its ESC and introducer go.
_STRING_TAIL = r"[^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\)"
_AFTER_ASCII = r"(?<![^\x00-\x7f])"
_ESCAPE_SEQUENCE = re.compile(
    "|".join(
        (
            r"\x1b\[" + _CSI_TAIL,  # CSI: ESC [ 31 m, ESC [ ? 25 l, ESC [ 2 J
            r"\x1b[\]PX^_]" + _STRING_TAIL,  # ESC ] 0;title BEL, ESC P ... ESC \
            r"\x1b[\x20-\x2f]+[\x30-\x7e]",  # nF: ESC ( B (character set), ESC # 8
            r"\x1b[\x30-\x7e]",  # Fp (ESC 7), Fe (ESC M, or any ESC [ not a CSI), Fs (ESC c)
            r"\x1b",  # an ESC that starts none of these: a terminal drops it, and so do we
            _AFTER_ASCII + r"\x9b[\x30-\x3f]+[\x20-\x2f]*[\x40-\x7e]",  # 8-bit CSI
            _AFTER_ASCII + r"[\x90\x98\x9d\x9e\x9f]" + _STRING_TAIL,  # 8-bit strings
        )
    )
)
_C1_CONTROL = re.compile("[\x80-\x9f]")


def remove_escape_sequences(text: str) -> str:
    r"""Remove ECMA-48 escape sequences whole: CSI, control strings, two-character escapes
    and their 8-bit forms where they cannot be mojibake (see the module docstring).

    One pass, read as a terminal reads it: in ``ESC ESC[0m [31m`` the first ESC is
    aborted by the second, so ``[31m`` is text. No ESC is left.

    >>> remove_escape_sequences("\x1b]0;window title\x07\x1b[1;31mAlert\x1b[0m now\x1bc")
    'Alert now'
    >>> remove_escape_sequences("red \x9b31mtext\x9b0m, \x9d0;title\x07done")
    'red text, done'
    >>> remove_escape_sequences("zm\u00c4\x9bna: Home \x9b News")  # mojibake, for ftfy
    'zmÄ\x9bna: Home \x9b News'
    """
    if _ESC not in text and not _C1_CONTROL.search(text):
        return text
    return _ESCAPE_SEQUENCE.sub("", text)


def remove_c1_controls(text: str) -> str:
    r"""Remove C1 control characters (U+0080-U+009F); run after ftfy, which reads them as
    cp1252 or mojibake when it can.

    >>> remove_c1_controls("na\x81ive caf\x8de")
    'naive cafe'
    """
    return _C1_CONTROL.sub("", text)
