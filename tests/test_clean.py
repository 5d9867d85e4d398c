from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tasks.clean.clean import clean_document, clean_text
from tasks.clean.escapes import remove_escape_sequences
from tasks.decode.decode import decode_document
from tasks.errors import RejectedError
from tasks.models import DecodedDocument, Fix, RawDocument, RejectReason
from tasks.parse.header import DateRules
from tasks.parse.parse import parse_document

FTFY_LATIN1 = [Fix(action="encode", parameter="latin-1"), Fix(action="decode", parameter="utf-8")]


def _own(name: str) -> Fix:
    return Fix(action="copydesk", parameter=name)


@pytest.mark.parametrize(
    ("text", "clean", "fixes"),
    [
        ("Already clean.\n\nTwo paragraphs.", "Already clean.\n\nTwo paragraphs.", []),
        (
            "Line one\r\nLine two\r\n",
            "Line one\nLine two",
            [_own("normalize_line_endings"), _own("normalize_paragraphs")],
        ),
        ("Old Mac\rline", "Old Mac\nline", [_own("normalize_line_endings")]),
        ("CafÃ© culture", "Café culture", FTFY_LATIN1),
        ("Fish &amp; chips", "Fish & chips", [Fix(action="apply", parameter="unescape_html")]),
        (
            "It&#8217;s a test &mdash; really",
            "It’s a test — really",
            [Fix(action="apply", parameter="unescape_html")],
        ),
        # UTF-8 read as cp1252 (mojibake), once and twice over.
        (
            "CafÃ© dÃ©jÃ\xa0 vu â€” naÃ¯ve",
            "Café déjà vu — naïve",
            [
                Fix(action="encode", parameter="sloppy-windows-1252"),
                Fix(action="decode", parameter="utf-8"),
            ],
        ),
        (
            "CafÃƒÂ© dÃƒÂ©jÃƒÂ\xa0 naÃƒÂ¯ve",
            "Café déjà naïve",
            [
                Fix(action="encode", parameter="sloppy-windows-1252"),
                Fix(action="decode", parameter="utf-8"),
                Fix(action="encode", parameter="latin-1"),
            ],
        ),
        ("“Curly” quotes stay", "“Curly” quotes stay", []),
        ("10\u00a0km", "10 km", [_own("collapse_spaces")]),
        ("page one\x0cpage two", "page one page two", [_own("collapse_spaces")]),  # form feed
        ("zero\u200bwidth", "zerowidth", [_own("remove_invisible_characters")]),
        ("a\n\n\n\nb", "a\n\nb", [_own("normalize_paragraphs")]),
        ("  indented\n\n", "indented", [_own("collapse_spaces"), _own("normalize_paragraphs")]),
        ("bell\x07 char", "bell char", [Fix(action="apply", parameter="remove_control_chars")]),
        ("e\u0301", "é", [Fix(action="normalize", parameter="NFC")]),
        # ZWJ in an emoji sequence is meaningful: kept.
        ("family 👨\u200d👩", "family 👨\u200d👩", []),
        # A literal "<" protects only its own line from HTML unescaping.
        (
            "a < b &amp; c\nfish &amp; chips",
            "a < b &amp; c\nfish & chips",
            [Fix(action="apply", parameter="unescape_html")],
        ),
    ],
)
def test_clean_text(text: str, clean: str, fixes: list[Fix]) -> None:
    assert clean_text(text) == (clean, fixes)


def test_fixes_are_listed_once_in_first_seen_order() -> None:
    _, fixes = clean_text("CafÃ© one\nCafÃ© two &amp;")
    assert fixes == [*FTFY_LATIN1, Fix(action="apply", parameter="unescape_html")]


@given(st.text())
@example("\x80¤0Â\t0")  # collapsing the tab exposes mojibake to a second ftfy pass
@example("\x1b\x1b[0m[31m\x81Ã\x81")  # an aborted ESC, a CSI, then C1 controls ftfy keeps
def test_cleaning_is_idempotent(text: str) -> None:
    once, _ = clean_text(text)
    assert clean_text(once) == (once, [])


def test_clean_document_carries_provenance() -> None:
    decoded = DecodedDocument(
        path="x.txt", sha256="a" * 64, encoding="cp1252", encoding_reason="why", text="Hi\r\n"
    )
    document = clean_document(decoded)
    assert document.text == "Hi"
    assert document.origin.model_dump() == {
        "path": "x.txt",
        "sha256": "a" * 64,
        "encoding": "cp1252",
        "encoding_reason": "why",
        "fixes": [
            {"action": "copydesk", "parameter": "normalize_line_endings"},
            {"action": "copydesk", "parameter": "normalize_paragraphs"},
        ],
    }


def test_a_document_of_invisible_characters_is_empty() -> None:
    decoded = DecodedDocument(
        path="x.txt", sha256="a" * 64, encoding="utf-8", encoding_reason="why", text="\u200b\x07"
    )
    with pytest.raises(RejectedError) as caught:
        clean_document(decoded)
    assert (caught.value.reason, caught.value.detail) == (
        RejectReason.EMPTY,
        "no text left after cleaning (only invisible or control characters)",
    )


def test_a_confirming_pass_does_not_run_ftfy_again_on_its_own_output(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tasks.clean.clean as clean_module

    calls: list[str] = []
    from ftfy import fix_and_explain as real

    def counting(line: str, config: object) -> object:
        calls.append(line)
        return real(line, config)  # type: ignore[arg-type]

    monkeypatch.setattr(clean_module, "fix_and_explain", counting)
    assert clean_text("One\r\ntwo  words\r\n")[0] == "One\ntwo words"
    # First pass: 3 lines; confirming pass: only "two words", which collapsing changed.
    assert calls == ["One", "two  words", "", "two words"]


ESCAPES = _own("remove_escape_sequences")
C1 = _own("remove_c1_controls")


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        # OSC (window title), ended by BEL or by ST (ESC \): the title goes too.
        ("Title \x1b]0;window title\x07Hello", "Title Hello"),
        ("Title \x1b]0;title\x1b\\Hello", "Title Hello"),
        ("\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\ text", "link text"),
        # CSI: colours, clear screen, private mode (hide cursor), erase line.
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("\x1b[1;38;5;208mbold orange\x1b[m", "bold orange"),
        ("\x1b[2Jcleared", "cleared"),
        ("\x1b[?25lhidden cursor\x1b[?25h", "hidden cursor"),
        ("\x1b[3 qcursor style", "cursor style"),  # with an intermediate byte
        # DCS, SOS, PM, APC strings.
        ("before\x1bPq#0;2;0;0;0#0~~\x1b\\after", "beforeafter"),
        ("before\x1bXsos string\x1b\\after", "beforeafter"),
        ("before\x1b^privacy message\x1b\\after", "beforeafter"),
        ("before\x1b_application\x07after", "beforeafter"),
        # Two-character escapes: nF (charset), Fp (save/restore cursor), Fe, Fs (reset).
        ("\x1b(Bascii\x1b#8", "ascii"),
        ("\x1b7saved\x1b8 restored", "saved restored"),
        ("\x1bMreverse \x1bDindex", "reverse index"),
        ("\x1bcreset", "reset"),
        # 8-bit C1 forms: CSI, OSC ended by BEL, DCS ended by ST.
        ("red \x9b31mtext\x9b0m", "red text"),
        ("\x9d0;title\x07Hello", "Hello"),
        ("ok \x90qdata\x1b\\done", "ok done"),
        # Unterminated, a string's end is unknown: only ESC and its introducer go.
        ("\x1b]0;no end", "0;no end"),
    ],
)
def test_escape_sequences_are_removed_whole(text: str, clean: str) -> None:
    assert clean_text(text) == (clean, [ESCAPES])


def test_escapes_go_before_line_endings_so_a_progress_bar_keeps_its_lines() -> None:
    assert clean_text("10%\r\x1b[K20%\r\x1b[K30%\x1b[0m\r\n") == (
        "10%\n20%\n30%",
        [ESCAPES, _own("normalize_line_endings"), _own("normalize_paragraphs")],
    )


@pytest.mark.parametrize(
    ("text", "clean", "fixes"),
    [
        # C1 controls that ftfy leaves (undefined in cp1252) are removed after ftfy.
        ("na\x81ive caf\x8de", "naive cafe", [C1]),
        ("a\x8f\x90\x9db", "ab", [C1]),
        (
            "L\x92\x81 ok",
            "L’ ok",
            [Fix(action="transcode", parameter="fix_c1_controls"), C1],
        ),
        # ftfy still sees the C1 characters first: cp1252 read as latin-1 ...
        (
            "\x93Smart\x94 quotes",
            "“Smart” quotes",
            [
                Fix(action="encode", parameter="latin-1"),
                Fix(action="decode", parameter="windows-1252"),
            ],
        ),
        (
            "Home \x9b News",
            "Home › News",
            [
                Fix(action="encode", parameter="latin-1"),
                Fix(action="decode", parameter="windows-1252"),
            ],
        ),
        # ... and UTF-8 read as latin-1, whose continuation bytes are C1 characters (an
        # 8-bit CSI or OSC introducer after a non-ASCII letter is such a byte).
        (
            "â\x80\x9cquoted,â\x80\x9d he said\x07",
            "“quoted,” he said",
            [*FTFY_LATIN1, Fix(action="apply", parameter="remove_control_chars")],
        ),
        ("zmÄ\x9b5G", "změ5G", FTFY_LATIN1),
        ("Ã\x81rbol", "Árbol", FTFY_LATIN1),
    ],
)
def test_c1_controls_are_removed_after_ftfy(text: str, clean: str, fixes: list[Fix]) -> None:
    assert clean_text(text) == (clean, fixes)


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # every C0/C1 control but "\n"


def _random_dated_file(seed: int) -> bytes:
    noise = random.Random(seed).randbytes(4000).replace(b"\x00", b"")  # NUL: binary
    return b"date: 2025-05-15\n" + noise


@pytest.mark.parametrize("seed", range(3))
def test_random_bytes_with_a_date_header_become_a_dated_garbage_article(seed: int) -> None:
    raw = RawDocument(path="noise.txt", sha256="a" * 64, data=_random_dated_file(seed))
    decoded = decode_document(raw)
    assert decoded.encoding == "latin_1"  # every byte kept, C1 controls included
    cleaned = clean_document(decoded)
    assert not _CONTROL.search(cleaned.text)
    assert C1 in cleaned.origin.fixes
    parsed = parse_document(cleaned, DateRules(today=dt.date(2026, 1, 1)))
    assert parsed.header is not None
    assert parsed.header.date == dt.date(2025, 5, 15)
    assert len(parsed.body) > 3000  # garbage, but printable: kept, not judged


def test_a_dated_file_of_only_control_bytes_is_rejected_empty() -> None:
    data = b"date: 2025-05-15\n\x1b[31m\x81\x8d\x8f\x90\x9d\x07\x1b]0;title\x07\x0c\r\n"
    cleaned = clean_document(decode_document(RawDocument(path="x", sha256="a" * 64, data=data)))
    assert cleaned.text == "date: 2025-05-15"
    with pytest.raises(RejectedError) as caught:
        parse_document(cleaned, DateRules(today=dt.date(2026, 1, 1)))
    assert caught.value.reason is RejectReason.EMPTY


def _chars(low: int, high: int) -> st.SearchStrategy[str]:
    return st.characters(min_codepoint=low, max_codepoint=high)


_PARAMS = st.text(_chars(0x30, 0x3F), max_size=6)
_INTERMEDIATES = st.text(_chars(0x20, 0x2F), max_size=2)
_FINAL = _chars(0x40, 0x7E)
_STRING_BODY = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12)
_TERMINATOR = st.sampled_from(["\x07", "\x1b\\"])
_ESCAPE_SEQUENCES = st.one_of(
    st.tuples(_PARAMS, _INTERMEDIATES, _FINAL).map(lambda p: "\x1b[" + "".join(p)),
    st.tuples(st.sampled_from("]PX^_"), _STRING_BODY, _TERMINATOR).map(
        lambda p: "\x1b" + "".join(p)
    ),
    st.tuples(st.text(_chars(0x20, 0x2F), min_size=1, max_size=2), _chars(0x30, 0x7E)).map(
        lambda p: "\x1b" + "".join(p)
    ),
    _chars(0x30, 0x7E).filter(lambda c: c not in "[]PX^_").map(lambda c: "\x1b" + c),
    # 8-bit forms count after an ASCII character (here a space), see tasks/clean/escapes.py.
    st.tuples(st.text(_chars(0x30, 0x3F), min_size=1, max_size=6), _INTERMEDIATES, _FINAL).map(
        lambda p: " \x9b" + "".join(p)
    ),
    st.tuples(st.sampled_from("\x90\x98\x9d\x9e\x9f"), _STRING_BODY, _TERMINATOR).map(
        lambda p: " " + "".join(p)
    ),
)
_PLAIN = st.text(st.characters(exclude_categories=("Cc", "Cs")))


def _without_escape(sequence: str) -> str:
    """What should stay of a generated sequence: the space before an 8-bit form."""
    return sequence[: len(sequence) - len(sequence.lstrip(" "))]


@given(st.lists(st.tuples(_PLAIN, _ESCAPE_SEQUENCES)), _PLAIN)
@example([("Title ", "\x1b]0;window title\x07"), (" x", " \x9b1;2m")], "y")
def test_escape_sequences_go_and_the_text_around_them_stays(
    pieces: list[tuple[str, str]], tail: str
) -> None:
    text = "".join(plain + escape for plain, escape in pieces) + tail
    kept = "".join(plain + _without_escape(escape) for plain, escape in pieces) + tail
    assert remove_escape_sequences(text) == kept
    assert remove_escape_sequences(kept) == kept
    assert clean_text(text)[0] == clean_text(kept)[0]


@given(st.lists(st.one_of(st.text(), _ESCAPE_SEQUENCES)))
def test_no_control_character_survives_cleaning(pieces: list[str]) -> None:
    assert not _CONTROL.search(clean_text("".join(pieces))[0])
