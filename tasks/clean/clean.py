"""Clean: repair encoding glitches with ftfy, then normalize whitespace, keeping the repair trail.

ftfy alone decides about characters: before it, only terminal escape sequences go (whole;
ftfy would leave their payload) and line endings are normalized; after it, only the C1
controls ftfy left (never content then) and line breaks and spaces, so no step can undo an
ftfy repair. See tasks/clean/escapes.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ftfy import TextFixerConfig, fix_and_explain

from tasks.clean.escapes import remove_c1_controls, remove_escape_sequences
from tasks.errors import RejectedError
from tasks.models import CleanDocument, DecodedDocument, Fix, Provenance, RejectReason

FTFY_CONFIG = TextFixerConfig(
    # Curly quotes and apostrophes are the publisher's typography, i.e. content; uncurling
    # them loses information a reader sees, and matching compares words, not quote marks.
    uncurl_quotes=False,
    # We want the repair trail in every record (ftfy's default for fix_and_explain).
    explain=True,
)
# Kept defaults, deliberately: unescape_html="auto" (entities in plain text are encoding
# damage; applied per line, so one literal "<" only protects its own line), fix_encoding and
# its sub-fixes (mojibake is the main damage we receive), NFC normalization (one spelling per
# accented letter, so copies compare equal), fix_character_width and fix_latin_ligatures
# (fullwidth Latin and "ﬁ" are presentation forms), remove_control_chars and
# remove_terminal_escapes (never content).

_COPYDESK = "copydesk"
# Each pass either changes nothing or removes damage, so this converges fast; the bound is a
# guard against a pathological input ping-ponging forever.
MAX_CLEAN_PASSES = 4

# U+00A0 no-break, U+2007 figure, U+202F narrow no-break, and the typographic spaces
# U+2000-U+200A and U+205F: all render as a space and break word matching if kept. A form
# feed (page break; ftfy keeps it as whitespace) is one too: a paragraph may span pages.
_SPACES = re.compile(r"[ \t\f\u00a0\u2000-\u200a\u202f\u205f]+")
# Invisible characters that only hint at rendering: zero-width space, word joiner, a BOM
# inside the text, soft hyphen. ZWJ and ZWNJ (U+200C/D) stay: they change how Persian,
# Indic scripts and emoji are written.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def normalize_line_endings(text: str) -> str:
    r"""Turn CRLF and lone CR into LF.

    >>> normalize_line_endings("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def repair_with_ftfy(text: str, stable: set[str] | None = None) -> tuple[str, list[Fix]]:
    r"""Fix each line on its own (as `ftfy.fix_text` does) and merge the explanations into a
    summary: each distinct step once, in the order first seen (not a replayable plan: each
    line had a plan of its own).

    Line by line, one mojibake line cannot make ftfy misjudge the others, and the
    cost stays linear in the text length. `stable` holds lines ftfy has already output:
    `fix_and_explain` repeats its fixes until nothing changes, so such a line is a fixed
    point and is not fixed again (a later cleaning pass only re-checks changed lines).

    >>> text, fixes = repair_with_ftfy("cafÃ©\nfine")
    >>> text, [(fix.action, fix.parameter) for fix in fixes]
    ('café\nfine', [('encode', 'latin-1'), ('decode', 'utf-8')])
    """
    lines: list[str] = []
    fixes: list[Fix] = []
    for line in text.split("\n"):
        if stable is not None and line in stable:
            lines.append(line)
            continue
        fixed, steps = fix_and_explain(line, FTFY_CONFIG)
        lines.append(fixed)
        if stable is not None:
            stable.add(fixed)
        if fixed == line:
            continue  # ftfy may plan a step that changes nothing (an undefined C1 byte)
        for step in steps or []:
            fix = Fix(action=step.action, parameter=step.parameter)
            if fix not in fixes:
                fixes.append(fix)
    return "\n".join(lines), fixes


def collapse_spaces(text: str) -> str:
    r"""Make every run of spaces, tabs, form feeds and no-break spaces one plain space.

    >>> collapse_spaces("10\u00a0km  away\tnow")
    '10 km away now'
    """
    return _SPACES.sub(" ", text)


def remove_invisible_characters(text: str) -> str:
    r"""Drop zero-width spaces, word joiners, stray BOMs and soft hyphens.

    >>> remove_invisible_characters("co\u200bop\u00aderate")
    'cooperate'
    """
    return _INVISIBLE.sub("", text)


def normalize_paragraphs(text: str) -> str:
    r"""Strip each line; separate paragraphs by exactly one blank line; no leading or trailing
    blank lines. Single line breaks inside a paragraph are kept.

    >>> normalize_paragraphs("  One.\n\n\n\nTwo,\n  still two. \n\n")
    'One.\n\nTwo,\nstill two.'
    """
    stripped = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", stripped).strip("\n")


_Step = tuple[str, Callable[[str], str]]
# Before ftfy. Escapes first: a progress bar's "\r ESC[K" is then one line break.
_BEFORE_FTFY: tuple[_Step, ...] = (
    ("remove_escape_sequences", remove_escape_sequences),
    ("normalize_line_endings", normalize_line_endings),
)
_AFTER_FTFY: tuple[_Step, ...] = (
    ("remove_c1_controls", remove_c1_controls),
    ("remove_invisible_characters", remove_invisible_characters),
    ("collapse_spaces", collapse_spaces),
    ("normalize_paragraphs", normalize_paragraphs),
)


def clean_once(text: str, stable: set[str] | None = None) -> tuple[str, list[Fix]]:
    """One pass of every step; return the text and the fixes that changed something."""
    fixes: list[Fix] = []
    text = _run_steps(_BEFORE_FTFY, text, fixes)
    text, ftfy_fixes = repair_with_ftfy(text, stable)
    fixes.extend(ftfy_fixes)
    return _run_steps(_AFTER_FTFY, text, fixes), fixes


def _run_steps(steps: tuple[_Step, ...], text: str, fixes: list[Fix]) -> str:
    """Apply `steps` in order, appending a copydesk fix for each one that changed the text."""
    for name, step in steps:
        changed = step(text)
        if changed != text:
            fixes.append(Fix(action=_COPYDESK, parameter=name))
        text = changed
    return text


def clean_text(text: str) -> tuple[str, list[Fix]]:
    r"""Clean until nothing changes, so that cleaning clean text is a no-op.

    One pass is not always enough: collapsing a tab can turn "Â\t" into "Â ", which ftfy
    rightly reads as the mojibake of a no-break space on the next pass. ftfy itself loops
    the same way. Fixes are listed once, in the order first applied.

    >>> clean_text("Caf\u00c3\u00a9 &amp; bar\r\n\r\n\r\nNext\u00a0 para ")[0]
    'Café & bar\n\nNext para'
    """
    fixes: list[Fix] = []
    stable: set[str] = set()  # lines ftfy already output: fixed points, see repair_with_ftfy
    for _ in range(MAX_CLEAN_PASSES):
        cleaned, pass_fixes = clean_once(text, stable)
        fixes.extend(fix for fix in pass_fixes if fix not in fixes)
        if cleaned == text:
            break
        text = cleaned
    return text, fixes


def clean_document(document: DecodedDocument) -> CleanDocument:
    """The document cleaned; its repair trail starts with its extraction from markup."""
    text, fixes = clean_text(document.text)
    if document.markup is not None:
        fixes = [Fix(action=_COPYDESK, parameter=f"{document.markup}_to_text"), *fixes]
    if not text:
        detail = "no text left after cleaning (only invisible or control characters)"
        raise RejectedError(RejectReason.EMPTY, detail)
    origin = Provenance(
        path=document.path,
        sha256=document.sha256,
        encoding=document.encoding,
        encoding_reason=document.encoding_reason,
        fixes=fixes,
    )
    return CleanDocument(origin=origin, text=text)
