from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tasks.clean import clean_document, clean_text
from tasks.errors import RejectedError
from tasks.models import DecodedDocument, Fix, RejectReason

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
    import tasks.clean as clean_module

    calls: list[str] = []
    from ftfy import fix_and_explain as real

    def counting(line: str, config: object) -> object:
        calls.append(line)
        return real(line, config)  # type: ignore[arg-type]

    monkeypatch.setattr(clean_module, "fix_and_explain", counting)
    assert clean_text("One\r\ntwo  words\r\n")[0] == "One\ntwo words"
    # First pass: 3 lines; confirming pass: only "two words", which collapsing changed.
    assert calls == ["One", "two  words", "", "two words"]
